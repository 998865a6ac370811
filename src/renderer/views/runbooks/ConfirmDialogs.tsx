import type { RunStepRecord } from '../../../shared/contract/index';
import { SpinnerIcon } from '../../components/icons';
import { Dialog } from '../sources/Dialog';

/**
 * A destructive step waits here: the exact command the terminal will receive (parameters
 * already quoted) and an explicit Confirm. Cancel (or Esc) only closes the dialog; the run keeps
 * waiting, and "Review and confirm" opens it again.
 */
export function ConfirmStepDialog({
  step,
  endpoint,
  pending,
  onConfirm,
  onClose,
}: {
  step: RunStepRecord;
  endpoint: string | null;
  pending: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog
      title={`Run step ${step.idx + 1}: ${step.title}?`}
      onClose={onClose}
      testId="confirm-step-dialog"
      actions={
        <>
          <button
            type="button"
            className="button"
            onClick={onClose}
            data-autofocus
            data-testid="confirm-step-cancel"
          >
            Not yet
          </button>
          <button
            type="button"
            className="button button-danger"
            disabled={pending}
            onClick={onConfirm}
            data-testid="confirm-step"
          >
            {pending ? <SpinnerIcon className="spin" /> : null}
            Confirm and run
          </button>
        </>
      }
    >
      <p>
        This step changes things
        {endpoint ? (
          <>
            {' '}
            for <strong>{endpoint}</strong>
          </>
        ) : null}
        . It will run exactly this in the run&apos;s terminal:
      </p>
      <pre className="rb-command rb-command-confirm" data-testid="confirm-step-command">
        <code>{step.command ?? '(no command: a manual step)'}</code>
      </pre>
    </Dialog>
  );
}

const runActionWords = {
  abort: {
    title: 'Abort this run?',
    body: 'The step running now is interrupted (Ctrl-C in its terminal) and no further step runs. Steps already done are not undone.',
    button: 'Abort run',
  },
  rollback: {
    title: 'Roll back this run?',
    body: 'The rollback command of every completed step that has one runs, newest first, in the terminal.',
    button: 'Roll back',
  },
} as const;

/** Abort and Rollback ask first: both end the run and cannot be taken back. */
export function ConfirmRunActionDialog({
  action,
  rollbacks,
  pending,
  onConfirm,
  onClose,
}: {
  action: 'abort' | 'rollback';
  /** The rollback commands that would run (for rollback). */
  rollbacks: string[];
  pending: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const words = runActionWords[action];
  return (
    <Dialog
      title={words.title}
      onClose={onClose}
      testId={`confirm-${action}-dialog`}
      actions={
        <>
          <button type="button" className="button" onClick={onClose} data-autofocus>
            Cancel
          </button>
          <button
            type="button"
            className="button button-danger"
            disabled={pending}
            onClick={onConfirm}
            data-testid={`confirm-${action}`}
          >
            {pending ? <SpinnerIcon className="spin" /> : null}
            {words.button}
          </button>
        </>
      }
    >
      <p>{words.body}</p>
      {action === 'rollback' ? (
        rollbacks.length > 0 ? (
          <pre className="rb-command">
            <code>{rollbacks.join('\n')}</code>
          </pre>
        ) : (
          <p className="muted">No completed step has a rollback command.</p>
        )
      ) : null}
    </Dialog>
  );
}
