import type { Run } from '../../../shared/contract/index';
import { SpinnerIcon } from '../../components/icons';
import type { RunAction } from '../../stores/runbooks.slice';
import { isLive } from './run-words';

/**
 * The run's controls, each offered only when the run is in a state where it means something:
 * Pause while running, Resume while paused or interrupted, Skip/Retry on a failed or waiting
 * step, Abort and Rollback (both confirmed in a dialog) while the run can still change.
 */
export function RunControls({
  run,
  pending,
  onAction,
  onAsk,
}: {
  run: Run;
  pending: RunAction | 'note' | null;
  onAction: (action: RunAction) => void;
  /** Abort and Rollback go through a confirmation first. */
  onAsk: (action: 'abort' | 'rollback') => void;
}) {
  const step = run.steps[run.currentStep];
  const live = isLive(run.state);
  const stuck = step?.state === 'failed' || step?.state === 'interrupted';
  const waiting = step?.state === 'waiting_confirm' || step?.state === 'waiting_manual';
  const hasRollback = run.steps.some((s) => s.rollback !== null);
  const button = (action: RunAction, label: string, show: boolean, danger = false) =>
    show ? (
      <button
        type="button"
        className={danger ? 'button button-danger' : 'button'}
        disabled={pending !== null}
        onClick={() => (action === 'abort' || action === 'rollback' ? onAsk(action) : onAction(action))}
        data-testid={`run-${action}`}
      >
        {pending === action ? <SpinnerIcon className="spin" /> : null}
        {label}
      </button>
    ) : null;
  return (
    <div className="rb-controls" role="toolbar" aria-label="Run controls" data-testid="run-controls">
      {button('pause', 'Pause', run.state === 'running' || run.state === 'waiting')}
      {button('resume', 'Resume', run.state === 'paused' || run.state === 'interrupted')}
      {button('retry', 'Retry step', live && (stuck || run.state === 'failed'))}
      {button('skip', 'Skip step', live && (stuck || waiting))}
      {button('rollback', 'Roll back…', (live || run.state === 'failed') && hasRollback, true)}
      {button('abort', 'Abort…', live, true)}
    </div>
  );
}
