import type { KeyboardEvent } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SpinnerIcon } from '../../components/icons';
import { useFleet } from '../../stores/fleet.store';
import type { KubeContextsResult } from '../../stores/sources.slice';
import { controlProps, FormField } from './FormField';
import type { FormField as Field, SourceFormValues } from './source-form';
import { SearchIcon } from './source-icons';

type KubeValues = SourceFormValues['kubernetes'];

/**
 * Kubernetes: a kubeconfig path (blank = KUBECONFIG or ~/.kube/config), and the contexts found
 * in it by `sources.contexts`, offered as checkboxes and never typed (issue 3 §2).
 */
export function KubernetesFields({
  values,
  issues,
  onChange,
}: {
  values: KubeValues;
  issues: Partial<Record<Field, string>>;
  onChange: (next: KubeValues) => void;
}) {
  const contexts = useFleet((s) => s.draft.contexts);
  const findContexts = useFleet((s) => s.findContexts);
  const path = values.kubeconfigPath.trim();
  const fresh = contexts !== null && contexts.path === path;

  // AddSourceView ticks every context a discovery finds; the person unticks what they do not want.
  const found = fresh ? contexts.found : null;

  const find = () => void findContexts(values.kubeconfigPath);
  const onPathKey = (event: KeyboardEvent<HTMLInputElement>) => {
    // Enter here means "look in this file", not "add the source" with contexts unseen.
    if (event.key === 'Enter') {
      event.preventDefault();
      find();
    }
  };
  const toggle = (name: string, on: boolean) =>
    onChange({
      ...values,
      contexts: on
        ? [...values.contexts.filter((c) => c !== name), name]
        : values.contexts.filter((c) => c !== name),
    });

  const error = fresh ? (contexts.error?.message ?? contexts.found?.error ?? null) : null;

  return (
    <>
      <FormField
        id="kubeconfig-path"
        label="Kubeconfig"
        optional
        issue={issues.kubeconfigPath}
        help="A kubeconfig file on this machine. Blank: KUBECONFIG (several files are merged), else ~/.kube/config. Press Enter to look in it."
      >
        <span className="control-row">
          <input
            className="control control-wide control-mono"
            type="text"
            spellCheck={false}
            autoComplete="off"
            placeholder="~/.kube/config"
            value={values.kubeconfigPath}
            onKeyDown={onPathKey}
            onChange={(e) => onChange({ ...values, kubeconfigPath: e.target.value, contexts: [] })}
            {...controlProps('kubeconfig-path', issues.kubeconfigPath)}
          />
          <button
            type="button"
            className="button"
            onClick={find}
            disabled={contexts?.loading}
            data-testid="find-contexts"
          >
            {contexts?.loading ? <SpinnerIcon /> : <SearchIcon />}
            <span>Find contexts</span>
          </button>
        </span>
      </FormField>

      <fieldset
        className={`field field-fieldset${issues.contexts ? ' field-invalid' : ''}`}
        aria-describedby="contexts-desc"
      >
        <legend className="field-label">Contexts</legend>
        <div className="field-control" data-testid="contexts" data-state={contextsState(contexts, fresh)}>
          {!fresh ? (
            <p className="muted">
              {contexts ? 'The path changed: ' : ''}Use “Find contexts” to see the clusters this kubeconfig
              offers.
            </p>
          ) : contexts.loading ? (
            <p className="muted check-running">
              <SpinnerIcon /> Reading {path || 'the default kubeconfig'}…
            </p>
          ) : null}
          {fresh && !contexts.loading && error ? (
            <ErrorNotice
              title="No contexts found"
              error={{
                code: contexts.error?.code ?? 'not_found',
                message: error,
                where: path || 'KUBECONFIG / ~/.kube/config',
                hint:
                  contexts.error?.hint ??
                  'Check the path, or leave it blank to use KUBECONFIG or ~/.kube/config.',
              }}
              testId="contexts-error"
            />
          ) : null}
          {found && found.files.length > 0 ? (
            <p className="muted" data-testid="contexts-files">
              Read from{' '}
              {found.files.map((f, i) => (
                <span key={f}>
                  {i > 0 ? ', ' : ''}
                  <code>{f}</code>
                </span>
              ))}
            </p>
          ) : null}
          {found && found.contexts.length > 0 ? (
            <ul className="context-list">
              {found.contexts.map((c) => (
                <li key={c.name}>
                  <label className="check-option">
                    <input
                      type="checkbox"
                      checked={values.contexts.includes(c.name)}
                      onChange={(e) => toggle(c.name, e.target.checked)}
                      data-testid="context-option"
                      data-context={c.name}
                    />
                    <span>
                      <strong>{c.name}</strong>
                      <span className="muted">
                        {' '}
                        cluster {c.cluster} · user {c.user || '—'}
                        {c.namespace ? ` · namespace ${c.namespace}` : ''}
                      </span>
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          ) : null}
          <p className="field-help" id="contexts-desc">
            {found && found.contexts.length > 0
              ? `${values.contexts.length} of ${found.contexts.length} ticked. Fleetdeck reads each ticked cluster with the kubeconfig's own credentials, read-only.`
              : 'Contexts are read from the file, never typed in.'}
            {issues.contexts ? (
              <span className="field-issue" data-testid="contexts-issue">
                {' '}
                {issues.contexts}
              </span>
            ) : null}
          </p>
        </div>
      </fieldset>

      <FormField
        id="kube-namespaces"
        label="Namespaces"
        optional
        issue={issues.namespaces}
        help="Only for accounts that cannot list cluster-wide: namespaces to read, separated by commas. Blank: all."
      >
        <input
          className="control control-wide control-mono"
          type="text"
          spellCheck={false}
          autoComplete="off"
          placeholder="llm, embed"
          value={values.namespaces}
          onChange={(e) => onChange({ ...values, namespaces: e.target.value })}
          {...controlProps('kube-namespaces', issues.namespaces)}
        />
      </FormField>
    </>
  );
}

function contextsState(
  contexts: { loading: boolean; found: KubeContextsResult | null; error: unknown } | null,
  fresh: boolean,
) {
  if (!contexts || !fresh) return 'idle';
  if (contexts.loading) return 'loading';
  if (contexts.error || contexts.found?.error) return 'error';
  return 'found';
}
