import '../../styles/sources.css';
import '../../styles/runbooks.css';
import '../../styles/runbook-runs.css';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SpinnerIcon } from '../../components/icons';
import { formatClock, formatDate } from '../../format/display-format';
import { useFleet } from '../../stores/fleet.store';
import { useLocationHash } from '../endpoints/use-address';
import { TerminalPane } from '../terminal/TerminalPane';
import { ViewHeader } from '../ViewHeader';
import { RunControls } from './RunControls';
import { RunNotes } from './RunNotes';
import { RunStepsColumn } from './RunStepsColumn';
import { runStateWords } from './run-words';
import { runIdOf } from './runbooks-url';
import { useFollowedRun } from './use-followed-run';
import { useRunConfirmations } from './use-run-confirmations';

/** `#/runs/<runId>`: a run beside its terminal, followed live through runs.changed. */
export function RunView() {
  const [hash] = useLocationHash();
  const id = runIdOf(hash) ?? '';
  // Keyed by run: a dialog put aside in one run must not stay put aside in the next.
  return <RunPage key={id} id={id} />;
}

function RunPage({ id }: { id: string }) {
  const { run, pending, control, runbook, endpoint, now } = useFollowedRun(id);
  const state = useFleet((s) => s.runState);
  const error = useFleet((s) => s.runError);
  const actionError = useFleet((s) => s.runActionError);
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? '24h');
  const endpointName = endpoint?.name ?? run?.endpointId ?? null;
  const { ask, review, dialogs } = useRunConfirmations(run, endpointName);

  if (!run) {
    return (
      <section className="view" data-testid={state === 'not-found' ? 'run-not-found' : 'run-loading'}>
        <p className="breadcrumb">
          <a className="link" href="#/runs">
            Run history
          </a>
        </p>
        <ViewHeader title={state === 'not-found' ? 'Run not found' : 'Run'} />
        {error ? (
          <ErrorNotice title={`Could not open run ${id}`} error={error} testId="run-error" />
        ) : (
          <p className="panel-loading">
            <SpinnerIcon className="spin" /> Loading…
          </p>
        )}
      </section>
    );
  }

  const words = runStateWords[run.state];
  const done = Math.min(run.currentStep, run.stepCount);

  return (
    <section
      className="view view-wide rb-run"
      data-testid="view-run"
      data-run-id={run.id}
      data-state={run.state}
    >
      <p className="breadcrumb">
        <a className="link" href="#/runs">
          Run history
        </a>{' '}
        ›{' '}
        <a className="link" href={`#/runbooks/${encodeURIComponent(run.runbookId)}`}>
          {run.runbookTitle}
        </a>
      </p>
      <ViewHeader
        title={run.runbookTitle}
        subtitle={
          <span className="rb-detail-sub">
            <span className={`rb-state tone-${words.tone}`} data-testid="run-state">
              {run.state === 'running' ? <SpinnerIcon className="spin" /> : null}
              {words.label}
            </span>
            {run.dryRun ? <span className="rb-chip">dry run</span> : null}
            {run.readOnly ? <span className="rb-chip">read-only</span> : null}
            <span className="muted">
              {endpointName ? `${endpointName} · ` : ''}
              {run.actor} · started {formatDate(run.startedAt)} {formatClock(run.startedAt, timeFormat)}
              {run.endedAt ? ` · ended ${formatClock(run.endedAt, timeFormat)}` : ''}
            </span>
          </span>
        }
        actions={
          <RunControls run={run} pending={pending} onAction={(action) => void control(action)} onAsk={ask} />
        }
      />
      <div
        className="rb-progress"
        role="progressbar"
        aria-label="Steps done"
        aria-valuemin={0}
        aria-valuemax={run.stepCount}
        aria-valuenow={done}
        data-testid="run-progress"
      >
        <span
          className="rb-progress-bar"
          style={{ width: `${run.stepCount ? (done / run.stepCount) * 100 : 0}%` }}
        />
        <span className="rb-progress-words">
          {run.currentStep >= run.stepCount
            ? `All ${run.stepCount} steps`
            : `Step ${run.currentStep + 1} of ${run.stepCount}`}
        </span>
      </div>
      {run.state === 'interrupted' ? (
        <div className="notice rb-interrupted" role="alert" data-testid="run-interrupted">
          <div className="notice-body">
            <p className="notice-title">This run was interrupted</p>
            <p>{run.message ?? 'The console stopped while the run was going.'}</p>
            <p className="notice-hint">
              Resume continues from step {Math.min(run.currentStep + 1, run.stepCount)}, after the last
              completed one.
            </p>
            <div className="notice-actions">
              <button
                type="button"
                className="button button-primary"
                disabled={pending !== null}
                onClick={() => void control('resume')}
                data-testid="run-interrupted-resume"
              >
                Resume
              </button>
            </div>
          </div>
        </div>
      ) : run.message ? (
        <p className={`rb-run-message tone-${words.tone}`} data-testid="run-message">
          {run.message}
        </p>
      ) : null}
      {actionError ? (
        <ErrorNotice title="That did not work" error={actionError} testId="run-action-error" />
      ) : null}
      {error && state === 'ready' ? (
        <ErrorNotice title="Showing the last known state" error={error} testId="run-refresh-error" />
      ) : null}
      <div className="rb-run-grid">
        <RunStepsColumn run={run} runbook={runbook} now={now} onReview={review}>
          <RunNotes run={run} />
        </RunStepsColumn>
        <div className="rb-run-terminal" data-testid="run-terminal">
          {run.terminalId ? (
            <TerminalPane sessionId={run.terminalId} />
          ) : (
            <p className="muted rb-no-terminal">
              {run.dryRun ? 'A dry run opens no terminal.' : 'This run has no terminal (yet).'}
            </p>
          )}
        </div>
      </div>
      {dialogs}
    </section>
  );
}
