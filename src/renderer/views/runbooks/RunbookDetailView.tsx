import { useEffect, useState } from 'react';
import '../../styles/endpoints.css';
import '../../styles/sources.css';
import '../../styles/runbooks.css';
import { ErrorNotice } from '../../components/ErrorNotice';
import { PlayIcon, SpinnerIcon } from '../../components/icons';
import { useFleet } from '../../stores/fleet.store';
import { useLocationHash } from '../endpoints/use-address';
import { ViewHeader } from '../ViewHeader';
import { DryRunPanel } from './DryRunPanel';
import { EndpointPicker } from './EndpointPicker';
import { ParamsForm, paramIssue } from './ParamsForm';
import { SeverityBadge } from './RunbookList';
import { endpointOf, runbookHash, runbookIdOf } from './runbooks-url';
import { StepOutline } from './StepOutline';

/** Re-render (dry run) this long after the last keystroke, so origins follow the form. */
const RENDER_DEBOUNCE_MS = 300;

/** `#/runbooks/<id>[?endpoint=<id>]`: read a runbook, bind and fill it, dry run it, start it. */
export function RunbookDetailView() {
  const [hash, writeHash] = useLocationHash();
  const id = runbookIdOf(hash) ?? '';
  // Keyed by runbook: what was typed for one runbook is never carried into the next.
  return <RunbookDetail key={id} id={id} endpointId={endpointOf(hash)} writeHash={writeHash} />;
}

function RunbookDetail({
  id,
  endpointId,
  writeHash,
}: {
  id: string;
  endpointId: string;
  writeHash: (hash: string, mode: 'push' | 'replace') => void;
}) {
  const loadRunbook = useFleet((s) => s.loadRunbook);
  const runbook = useFleet((s) => (s.runbook?.id === id ? s.runbook : null));
  const state = useFleet((s) => s.runbookState);
  const error = useFleet((s) => s.runbookError);
  const renderRunbook = useFleet((s) => s.renderRunbook);
  const clearDryRun = useFleet((s) => s.clearDryRun);
  const dryRun = useFleet((s) => s.dryRun);
  const dryRunPending = useFleet((s) => s.dryRunPending);
  const dryRunError = useFleet((s) => s.dryRunError);
  const startRun = useFleet((s) => s.startRun);
  const startPending = useFleet((s) => s.startPending);
  const startError = useFleet((s) => s.startError);
  const [vars, setVars] = useState<Record<string, string>>({});
  const [readOnly, setReadOnly] = useState(false);
  const [showDryRun, setShowDryRun] = useState(false);

  useEffect(() => {
    clearDryRun();
    if (id) void loadRunbook(id);
  }, [id, loadRunbook, clearDryRun]);

  // The core resolves the parameters (endpoint bindings, defaults) and renders the commands; asked
  // again whenever the form changes, so "where the value came from" is always the core's answer.
  const varsKey = JSON.stringify(vars);
  useEffect(() => {
    if (!runbook) return;
    const typed = Object.fromEntries(Object.entries(vars).filter(([, v]) => v !== ''));
    const timer = setTimeout(
      () => void renderRunbook({ id: runbook.id, vars: typed, ...(endpointId ? { endpointId } : {}) }),
      RENDER_DEBOUNCE_MS,
    );
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runbook, endpointId, varsKey, renderRunbook]);

  if (!runbook) {
    return (
      <section className="view" data-testid={state === 'not-found' ? 'runbook-not-found' : 'runbook-loading'}>
        <p className="breadcrumb">
          <a className="link" href="#/runbooks">
            Runbooks
          </a>
        </p>
        <ViewHeader title={state === 'not-found' ? 'Runbook not found' : id || 'Runbook'} />
        {state === 'not-found' || state === 'error' ? (
          error ? (
            <ErrorNotice title={`Could not open runbook ${id}`} error={error} testId="runbook-error" />
          ) : null
        ) : (
          <p className="panel-loading">
            <SpinnerIcon className="spin" /> Loading…
          </p>
        )}
      </section>
    );
  }

  const typed = Object.fromEntries(Object.entries(vars).filter(([, v]) => v !== ''));
  const issues = runbook.params.map((p) => paramIssue(p, vars[p.name], endpointId !== ''));
  const invalid = issues.some((i) => i !== null);
  const fresh = dryRun?.runbook.id === runbook.id ? dryRun : null;
  const refusedSteps = runbook.steps.filter((s) => s.confirm).length;

  return (
    <section
      className="view view-wide runbook-detail"
      data-testid="view-runbook"
      data-runbook-id={runbook.id}
    >
      <p className="breadcrumb">
        <a
          className="link"
          href={endpointId ? `#/runbooks?endpoint=${encodeURIComponent(endpointId)}` : '#/runbooks'}
        >
          Runbooks
        </a>{' '}
        › {runbook.title}
      </p>
      <ViewHeader
        title={runbook.title}
        subtitle={
          <span className="rb-detail-sub">
            <SeverityBadge severity={runbook.severity} />
            <code>{runbook.id}</code>
            <span className="muted">
              {runbook.source === 'builtin' ? 'built-in' : 'yours'} · {runbook.file} · {runbook.apiVersion}
            </span>
            {runbook.tags.map((t) => (
              <a key={t} className="rb-tag" href={`#/runbooks?tag=${encodeURIComponent(t)}`}>
                #{t}
              </a>
            ))}
          </span>
        }
      />
      <p className="rb-description">{runbook.description}</p>
      {runbook.relevance ? <p className="rb-relevance">Relevant: {runbook.relevance}</p> : null}

      <div className="rb-detail-grid">
        <div className="rb-detail-main">
          {showDryRun && fresh ? <DryRunPanel render={fresh} readOnly={readOnly} /> : null}
          <h2 className="panel-title">Steps</h2>
          <StepOutline steps={runbook.steps} rendered={fresh?.steps ?? null} readOnly={readOnly} />
        </div>
        <aside className="rb-detail-side">
          <section className="panel" aria-labelledby="rb-bind-title">
            <h2 className="panel-title" id="rb-bind-title">
              Endpoint
            </h2>
            <EndpointPicker
              value={endpointId}
              onPick={(picked) => writeHash(runbookHash(runbook.id, picked || null), 'replace')}
            />
          </section>
          <section className="panel" aria-labelledby="rb-params-title">
            <h2 className="panel-title" id="rb-params-title">
              Parameters
            </h2>
            <ParamsForm
              params={runbook.params}
              vars={vars}
              resolved={fresh?.params ?? null}
              bound={endpointId !== ''}
              onChange={(name, value) => setVars((v) => ({ ...v, [name]: value }))}
            />
          </section>
          <section className="panel rb-start" aria-labelledby="rb-start-title">
            <h2 className="panel-title" id="rb-start-title">
              Run
            </h2>
            <label className="check-option">
              <input
                type="checkbox"
                checked={readOnly}
                onChange={(e) => setReadOnly(e.target.checked)}
                data-testid="read-only"
              />
              <span>
                Read-only: refuse steps that change things
                {refusedSteps > 0
                  ? ` (${refusedSteps} of ${runbook.steps.length} would be refused)`
                  : ' (none here)'}
              </span>
            </label>
            <div className="rb-start-actions">
              <button
                type="button"
                className="button"
                disabled={dryRunPending || invalid}
                onClick={() => {
                  setShowDryRun(true);
                  void renderRunbook({ id: runbook.id, vars: typed, ...(endpointId ? { endpointId } : {}) });
                }}
                data-testid="dry-run-button"
              >
                {dryRunPending && showDryRun ? <SpinnerIcon className="spin" /> : null}
                Dry run
              </button>
              <button
                type="button"
                className="button button-primary"
                disabled={startPending || invalid}
                onClick={() =>
                  void startRun({
                    runbookId: runbook.id,
                    vars: typed,
                    readOnly,
                    ...(endpointId ? { endpointId } : {}),
                  })
                }
                data-testid="start-run"
              >
                {startPending ? <SpinnerIcon className="spin" /> : <PlayIcon />}
                {startPending ? 'Starting…' : 'Start run'}
              </button>
            </div>
            {invalid ? <p className="field-issue">Fix the parameters above first.</p> : null}
            {startError ? (
              <ErrorNotice title="The run did not start" error={startError} testId="start-error" />
            ) : null}
            {dryRunError && showDryRun ? (
              <ErrorNotice title="Could not render the commands" error={dryRunError} testId="dry-run-error" />
            ) : null}
          </section>
        </aside>
      </div>
    </section>
  );
}
