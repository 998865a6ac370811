import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { SourceKind } from '../../../shared/contract/index';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PlayIcon, SpinnerIcon } from '../../components/icons';
import { routeHash } from '../../routing/routes';
import { useFleet } from '../../stores/fleet.store';
import type { KubeContextsResult, TypedSecrets } from '../../stores/sources.slice';
import '../../styles/sources.css';
import { ViewHeader } from '../ViewHeader';
import { CheckResult } from './CheckResult';
import { OpenAIFields, PrometheusFields, ScrapeFields, type SecretProps } from './EndpointFields';
import { controlProps, FormField } from './FormField';
import { KubernetesFields } from './KubernetesFields';
import {
  defaultSourceName,
  emptySourceForm,
  fieldIssues,
  kindChoices,
  neededSecretSlots,
  type FormField as Field,
  type SecretSlot,
  type SourceFormValues,
} from './source-form';
import { PlusIcon } from './source-icons';
import { SourcesBreadcrumb } from './SourcesView';

/** Secrets a kind cannot work without (the OpenAI key is optional). */
const requiredSlots: readonly SecretSlot[] = ['prometheus-token', 'prometheus-password'];

function KindPicker({ kind, onPick }: { kind: SourceKind; onPick: (kind: SourceKind) => void }) {
  return (
    <fieldset className="kind-picker" data-testid="kind-picker">
      <legend className="kind-picker-legend">Kind</legend>
      {kindChoices.map((choice) => (
        <label key={choice.kind} className={`kind-option${choice.kind === kind ? ' is-selected' : ''}`}>
          <input
            type="radio"
            name="source-kind"
            value={choice.kind}
            checked={choice.kind === kind}
            onChange={() => onPick(choice.kind)}
            data-testid={`kind-${choice.kind}`}
          />
          <span className="kind-option-text">
            <span className="kind-option-label">{choice.label}</span>
            <span className="kind-option-description">{choice.description}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

/**
 * Adding a source (issue 3 §2): pick a kind, fill its form, Test (sources.test on the draft),
 * Add (sources.add). Keys are stored with secrets.set the first time a Test or Add needs them,
 * and from then on only their names are on screen.
 */
export function AddSourceView() {
  const draft = useFleet((s) => s.draft);
  const findContexts = useFleet((s) => s.findContexts);
  const testDraft = useFleet((s) => s.testDraft);
  const addDraft = useFleet((s) => s.addDraft);
  const discardDraft = useFleet((s) => s.discardDraft);
  const clearDraftResults = useFleet((s) => s.clearDraftResults);
  const navigate = useFleet((s) => s.navigate);

  const [values, setValues] = useState<SourceFormValues>(() => emptySourceForm('kubernetes'));
  const [typed, setTyped] = useState<TypedSecrets>({});
  const [round, setRound] = useState(0);
  const [missing, setMissing] = useState<Partial<Record<Field, string>>>({});
  const form = useRef<HTMLFormElement>(null);

  // After a refusal, focus goes to the first field it names (its reason is read out with it).
  const [refusals, setRefusals] = useState(0);
  useEffect(() => {
    if (refusals > 0) form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [refusals]);

  // Secrets stored for a draft that is never added are deleted when the view closes.
  useEffect(() => () => void discardDraft(), [discardDraft]);

  // Kubernetes starts by looking in the default kubeconfig, so the usual case needs no typing.
  const needsDiscovery = values.kind === 'kubernetes' && draft.contexts === null;
  useEffect(() => {
    if (needsDiscovery) void findContexts('');
  }, [needsDiscovery, findContexts]);

  // Each discovery for the current path ticks every context it found.
  const found =
    draft.contexts?.path === values.kubernetes.kubeconfigPath.trim() ? draft.contexts.found : null;
  const [seenFound, setSeenFound] = useState<KubeContextsResult | null>(null);
  if (found !== seenFound) {
    setSeenFound(found);
    if (found)
      setValues((v) => ({
        ...v,
        kubernetes: { ...v.kubernetes, contexts: found.contexts.map((c) => c.name) },
      }));
  }

  const refusal = draft.addError ?? draft.check.error;
  const issues = useMemo(
    () => ({
      ...(refusal?.code === 'bad_request' ? fieldIssues(values.kind, refusal.message) : {}),
      ...missing,
    }),
    [refusal, values.kind, missing],
  );

  const update = (next: SourceFormValues) => {
    setValues(next);
    setMissing({});
    clearDraftResults();
  };
  const pickKind = (kind: SourceKind) => update({ ...values, kind });

  const secretProps: SecretProps = {
    typed,
    stored: draft.storedSecrets,
    round,
    onType: (slot, value) => {
      setTyped((t) => ({ ...t, [slot]: value }));
      setMissing({});
      clearDraftResults();
    },
  };

  /** A required key neither typed nor stored: say so here rather than send a config without it. */
  const checkMissing = (): boolean => {
    const lacking = neededSecretSlots(values).filter(
      (slot) => requiredSlots.includes(slot) && !typed[slot] && !draft.storedSecrets[slot],
    );
    if (lacking.length === 0) return true;
    const next: Partial<Record<Field, string>> = {};
    if (lacking.includes('prometheus-token')) next.token = 'Enter the token.';
    if (lacking.includes('prometheus-password')) next.password = 'Enter the password.';
    setMissing(next);
    setRefusals((n) => n + 1);
    return false;
  };

  /** Typed values are dropped from the form once stored; only the secret's name stays. */
  const forgetStored = (slots: SecretSlot[]) => {
    if (slots.length === 0) return;
    setTyped((t) => {
      const next = { ...t };
      for (const slot of slots) delete next[slot];
      return next;
    });
    setRound((r) => r + 1);
  };

  const test = async () => {
    if (!checkMissing()) return;
    forgetStored(await testDraft(values, typed));
    setRefusals((n) => n + 1);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!checkMissing()) return;
    const { source, stored } = await addDraft(values, typed);
    if (source) {
      navigate('sources');
      return;
    }
    forgetStored(stored);
    setRefusals((n) => n + 1);
  };

  const busy = draft.adding || draft.check.running;
  const addRefused = draft.addError;
  const placeholder = defaultSourceName(values);

  return (
    <section className="view" data-testid="view-source-new">
      <SourcesBreadcrumb trail={['settings', 'sources', 'source-new']} />
      <ViewHeader
        title="Add a source"
        subtitle="Test it before adding: the test reads the source once and changes nothing."
      />
      <form
        ref={form}
        className="panel source-form"
        onSubmit={(e) => void submit(e)}
        noValidate
        data-testid="source-form"
        data-kind={values.kind}
      >
        <KindPicker kind={values.kind} onPick={pickKind} />

        <FormField
          id="source-name"
          label="Name"
          optional
          issue={issues.name}
          help={`Shown in the source list${values.kind === 'openai' ? ' and as the account of its endpoints' : ''}. Blank: “${placeholder}”.`}
        >
          <input
            className="control control-wide"
            type="text"
            autoComplete="off"
            maxLength={80}
            placeholder={placeholder}
            value={values.name}
            onChange={(e) => update({ ...values, name: e.target.value })}
            {...controlProps('source-name', issues.name)}
          />
        </FormField>

        {values.kind === 'kubernetes' ? (
          <KubernetesFields
            values={values.kubernetes}
            issues={issues}
            onChange={(kubernetes) => update({ ...values, kubernetes })}
          />
        ) : values.kind === 'prometheus' ? (
          <PrometheusFields
            values={values.prometheus}
            issues={issues}
            secrets={secretProps}
            onChange={(prometheus) => update({ ...values, prometheus })}
          />
        ) : values.kind === 'openai' ? (
          <OpenAIFields
            values={values.openai}
            issues={issues}
            secrets={secretProps}
            onChange={(openai) => update({ ...values, openai })}
          />
        ) : (
          <ScrapeFields
            values={values.scrape}
            issues={issues}
            onChange={(scrape) => update({ ...values, scrape })}
          />
        )}

        <div className="form-feedback" aria-live="polite">
          <CheckResult check={draft.check} testId="draft-check" title="The test could not run" />
          {addRefused ? (
            <ErrorNotice title="The source was not added" error={addRefused} testId="draft-add-error" />
          ) : null}
        </div>

        <div className="form-actions">
          <button
            type="button"
            className="button"
            onClick={() => void test()}
            disabled={busy}
            data-testid="draft-test"
          >
            {draft.check.running ? <SpinnerIcon /> : <PlayIcon />}
            <span>{draft.check.running ? 'Testing…' : 'Test'}</span>
          </button>
          <button type="submit" className="button button-primary" disabled={busy} data-testid="draft-add">
            {draft.adding ? <SpinnerIcon /> : <PlusIcon />}
            <span>{draft.adding ? 'Adding…' : 'Add source'}</span>
          </button>
          <a className="button button-quiet" href={routeHash('sources')} data-testid="draft-cancel">
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}
