import type { Run } from '../../../shared/contract/index';
import { SpinnerIcon } from '../../components/icons';
import type { RunAction } from '../../stores/runbooks.slice';
import { isLive } from './run-words';

/**
 * The run's controls, each offered only when the core would accept it (run.engine.ts): Pause
 * while running or waiting, Resume when paused or interrupted, Retry a failed step, Skip a
 * stopped or waiting one, Abort and Rollback (both confirmed in a dialog) until the run is over.
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
  const stopped = run.state === 'failed' || run.state === 'interrupted' || run.state === 'paused';
  const waiting = run.state === 'waiting';
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
      {button('pause', 'Pause', run.state === 'running' || waiting)}
      {button('resume', 'Resume', run.state === 'paused' || run.state === 'interrupted')}
      {button('retry', 'Retry step', run.state === 'failed' && step !== undefined)}
      {button('skip', 'Skip step', (stopped || waiting) && step !== undefined)}
      {button('rollback', 'Roll back…', live && hasRollback, true)}
      {button('abort', 'Abort…', live, true)}
    </div>
  );
}
