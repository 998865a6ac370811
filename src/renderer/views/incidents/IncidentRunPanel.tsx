import { useEffect, useState } from 'react';
import '../../styles/terminal.css';
import '../../styles/runbook-runs.css';
import { SpinnerIcon } from '../../components/icons';
import { runHash } from '../../stores/runbooks.slice';
import { useFleet } from '../../stores/fleet.store';
import { ConfirmRunActionDialog, ConfirmStepDialog } from '../runbooks/ConfirmDialogs';
import { CurrentStepPanel } from '../runbooks/CurrentStepPanel';
import { RunControls } from '../runbooks/RunControls';
import { RunStepList } from '../runbooks/RunStepList';
import { isLive, runStateWords } from '../runbooks/run-words';
import { useNow } from '../sources/use-now';
import { TerminalPane } from '../terminal/TerminalPane';

/**
 * A runbook run inside the incident page (issue 7: "a terminal panel for runbook steps"): the
 * run view's own parts (steps, the current step, controls, confirmations, the terminal), fed by
 * the runbooks slice's open run, so the run behaves exactly as on `#/runs/<id>`.
 */
export function IncidentRunPanel({ runId, onClose }: { runId: string; onClose: () => void }) {
  const openRun = useFleet((s) => s.openRun);
  const run = useFleet((s) => (s.runId === runId ? s.run : null));
  const pending = useFleet((s) => s.runPending);
  const control = useFleet((s) => s.controlRun);
  const endpoint = useFleet((s) => (run?.endpointId ? s.endpoints.get(run.endpointId) : undefined));
  const [asking, setAsking] = useState<'abort' | 'rollback' | null>(null);
  const [deferred, setDeferred] = useState<number | null>(null);
  const now = useNow(1000, run !== null && isLive(run.state));
  const loadRunbook = useFleet((s) => s.loadRunbook);
  const runbook = useFleet((s) => (run && s.runbook?.id === run.runbookId ? s.runbook : null));
  useEffect(() => openRun(runId), [runId, openRun]);
  const runbookId = run?.runbookId;
  useEffect(() => {
    if (runbookId) void loadRunbook(runbookId);
  }, [runbookId, loadRunbook]);

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
  const step = run.steps[run.currentStep] ?? null;
  const confirming = step?.state === 'waiting_confirm' && run.state === 'waiting' && deferred !== step.idx;
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
        <RunControls run={run} pending={pending} onAction={(a) => void control(a)} onAsk={setAsking} />
        <button type="button" className="button" onClick={onClose} data-testid="incident-run-close">
          Close
        </button>
      </div>
      <div className="rb-run-grid inc-run-grid">
        <div className="rb-run-side">
          {step ? (
            <CurrentStepPanel
              run={run}
              step={step}
              guidance={runbook?.steps[step.idx]?.guidance ?? null}
              pending={pending}
              onAction={(a) => void control(a)}
              onReview={() => setDeferred(null)}
            />
          ) : null}
          <RunStepList run={run} now={now} />
        </div>
        <div className="rb-run-terminal" data-testid="incident-run-terminal">
          {run.terminalId ? (
            <TerminalPane sessionId={run.terminalId} />
          ) : (
            <p className="muted rb-no-terminal">This run has no terminal (yet).</p>
          )}
        </div>
      </div>
      {confirming && step ? (
        <ConfirmStepDialog
          step={step}
          endpoint={endpoint?.name ?? run.endpointId}
          pending={pending === 'confirm'}
          onConfirm={() => void control('confirm')}
          onClose={() => setDeferred(step.idx)}
        />
      ) : null}
      {asking ? (
        <ConfirmRunActionDialog
          action={asking}
          rollbacks={run.steps.flatMap((s) =>
            s.rollback && (s.state === 'succeeded' || s.state === 'failed') ? [s.rollback.command] : [],
          )}
          pending={pending === asking}
          onConfirm={() => {
            setAsking(null);
            void control(asking);
          }}
          onClose={() => setAsking(null)}
        />
      ) : null}
    </section>
  );
}
