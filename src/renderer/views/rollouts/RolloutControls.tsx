import type { RolloutState } from '../../../shared/contract/index';
import { SpinnerIcon } from '../../components/icons';
import type { RolloutAction } from '../../stores/rollouts.slice';
import { isActive } from './rollout-words';

/**
 * Pause and Resume act at once (both are undone by the other); Promote now and Abort ask first.
 * Abort stays offered on a failed rollout: the target may still be split, and an abort is safe
 * to repeat.
 */
export function RolloutControls({
  state,
  pending,
  onAction,
  onAsk,
}: {
  state: RolloutState;
  pending: RolloutAction | null;
  onAction(action: 'pause' | 'resume'): void;
  onAsk(action: 'promote' | 'abort'): void;
}) {
  const active = isActive(state);
  const busy = pending !== null;
  const spin = (a: RolloutAction) => (pending === a ? <SpinnerIcon className="spin" /> : null);
  return (
    <div className="ro-controls" role="group" aria-label="Rollout controls" data-testid="rollout-controls">
      {state === 'progressing' ? (
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => onAction('pause')}
          data-testid="rollout-pause"
        >
          {spin('pause')}‖ Pause
        </button>
      ) : null}
      {state === 'paused' ? (
        <button
          type="button"
          className="button"
          disabled={busy}
          onClick={() => onAction('resume')}
          data-testid="rollout-resume"
        >
          {spin('resume')}▶ Resume
        </button>
      ) : null}
      {state === 'progressing' || state === 'paused' ? (
        <button
          type="button"
          className="button button-primary"
          disabled={busy}
          onClick={() => onAsk('promote')}
          data-testid="rollout-promote"
        >
          {spin('promote')}Promote now…
        </button>
      ) : null}
      {active || state === 'failed' ? (
        <button
          type="button"
          className="button button-danger"
          disabled={busy}
          onClick={() => onAsk('abort')}
          data-testid="rollout-abort"
        >
          {spin('abort')}Abort…
        </button>
      ) : null}
    </div>
  );
}
