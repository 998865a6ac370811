import '../../styles/terminal.css';
import '../../styles/runbook-runs.css';
import { SpinnerIcon } from '../../components/icons';
import { runHash } from '../../stores/runbooks.slice';
import { RunControls } from '../runbooks/RunControls';
import { RunStepsColumn } from '../runbooks/RunStepsColumn';
import { runStateWords } from '../runbooks/run-words';
import { useFollowedRun } from '../runbooks/use-followed-run';
import { useRunConfirmations } from '../runbooks/use-run-confirmations';
import { TerminalPane } from '../terminal/TerminalPane';

/**
 * A runbook run inside the incident page (issue 7: "a terminal panel for runbook steps"): the
 * run view's own parts (steps, the current step, controls, confirmations, the terminal), fed by
 * the runbooks slice's open run, so the run behaves exactly as on `#/runs/<id>`.
 */
export function IncidentRunPanel({ runId, onClose }: { runId: string; onClose: () => void }) {
  const { run, pending, control, runbook, endpoint, now } = useFollowedRun(runId);
  const endpointName = endpoint?.name ?? run?.endpointId ?? null;
  const { ask, review, dialogs } = useRunConfirmations(run, endpointName);

  if (!run) {
    return (
      <section className="panel inc-run" data-testid="incident-run" data-run-id={runId}>
        <p className="panel-loading">
          <SpinnerIcon className="spin" /> Opening run {runId}…
        </p>
      </section>
    );
  }
  const words = runStateWords[run.state];
  return (
    <section
      className="panel inc-run"
      aria-label={`Run: ${run.runbookTitle}`}
      data-testid="incident-run"
      data-run-id={run.id}
      data-state={run.state}
    >
      <div className="inc-run-head">
        <h2 className="panel-title">
          {run.runbookTitle}{' '}
          <span className={`rb-state tone-${words.tone}`} data-testid="incident-run-state">
            {words.label}
          </span>
        </h2>
        <span className="muted">
          on {endpoint?.name ?? run.endpointId ?? 'no endpoint'} ·{' '}
          <a className="link" href={runHash(run.id)}>
            open the run
          </a>
        </span>
        <RunControls run={run} pending={pending} onAction={(a) => void control(a)} onAsk={ask} />
        <button type="button" className="button" onClick={onClose} data-testid="incident-run-close">
          Close
        </button>
      </div>
      <div className="rb-run-grid inc-run-grid">
        <RunStepsColumn run={run} runbook={runbook} now={now} onReview={review} />
        <div className="rb-run-terminal" data-testid="incident-run-terminal">
          {run.terminalId ? (
            <TerminalPane sessionId={run.terminalId} />
          ) : (
            <p className="muted rb-no-terminal">This run has no terminal (yet).</p>
          )}
        </div>
      </div>
      {dialogs}
    </section>
  );
}
