import type { Run, RunStepRecord } from '../../../shared/contract/index';
import { SpinnerIcon } from '../../components/icons';
import type { RunAction } from '../../stores/runbooks.slice';
import { Markdown } from './markdown/Markdown';
import { stepStateWords } from './run-words';

/**
 * The step being worked on, with its guidance, and what it waits for: a manual step's
 * "Mark done", a destructive step's "Review and confirm" (the dialog itself is in RunView).
 */
export function CurrentStepPanel({
  run,
  step,
  guidance,
  pending,
  onAction,
  onReview,
}: {
  run: Run;
  step: RunStepRecord;
  /** Null while the runbook loads, or when its file is gone. */
  guidance: string | null;
  pending: RunAction | 'note' | null;
  onAction: (action: RunAction) => void;
  onReview: () => void;
}) {
  const words = stepStateWords[step.state];
  return (
    <section
      className="panel rb-current"
      aria-labelledby="rb-current-title"
      data-testid="current-step"
      data-idx={step.idx}
    >
      <h2 className="panel-title" id="rb-current-title">
        Step {step.idx + 1}: {step.title} — <span className={`tone-${words.tone}`}>{words.label}</span>
      </h2>
      {guidance ? (
        <Markdown source={guidance} testId="current-guidance" />
      ) : (
        <p className="muted">{guidance === null ? 'Loading the guidance…' : 'No guidance for this step.'}</p>
      )}
      {step.state === 'waiting_manual' && run.state === 'waiting' ? (
        <div className="rb-current-actions">
          <p>Do this step yourself, then tick it done.</p>
          <button
            type="button"
            className="button button-primary"
            disabled={pending !== null}
            onClick={() => onAction('done')}
            data-testid="mark-done"
          >
            {pending === 'done' ? <SpinnerIcon className="spin" /> : null}
            Mark done
          </button>
        </div>
      ) : null}
      {step.state === 'waiting_confirm' && run.state === 'waiting' ? (
        <div className="rb-current-actions">
          <p>This step changes things and waits for your confirmation.</p>
          <button
            type="button"
            className="button button-primary"
            onClick={onReview}
            data-testid="review-confirm"
          >
            Review and confirm…
          </button>
        </div>
      ) : null}
    </section>
  );
}
