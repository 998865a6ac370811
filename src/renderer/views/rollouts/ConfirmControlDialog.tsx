import { useState } from 'react';
import { SpinnerIcon } from '../../components/icons';
import { Dialog } from '../sources/Dialog';

const words = {
  promote: {
    title: 'Promote the candidate now?',
    body: 'All traffic moves to the candidate at once; the remaining steps and analyses are skipped.',
    button: 'Promote now',
    tone: 'button-primary',
  },
  abort: {
    title: 'Abort this rollout?',
    body: 'All traffic goes back to the stable version and the candidate is scaled down. The rollout ends here.',
    button: 'Abort rollout',
    tone: 'button-danger',
  },
} as const;

/** Promote and Abort ask first, with an optional reason that goes into the decision log. */
export function ConfirmControlDialog({
  action,
  pending,
  onConfirm,
  onClose,
}: {
  action: 'promote' | 'abort';
  pending: boolean;
  onConfirm: (reason: string) => void;
  onClose: () => void;
}) {
  const [reason, setReason] = useState('');
  const w = words[action];
  return (
    <Dialog
      title={w.title}
      onClose={onClose}
      onSubmit={() => onConfirm(reason)}
      testId={`confirm-${action}-dialog`}
      actions={
        <>
          <button type="button" className="button" onClick={onClose} data-testid={`confirm-${action}-cancel`}>
            Cancel
          </button>
          <button
            type="submit"
            className={`button ${w.tone}`}
            disabled={pending}
            data-testid={`confirm-${action}`}
          >
            {pending ? <SpinnerIcon className="spin" /> : null}
            {w.button}
          </button>
        </>
      }
    >
      <p>{w.body}</p>
      <label className="ro-reason">
        <span className="facet-label">Reason (optional, kept in the decision log)</span>
        <input
          className="control"
          value={reason}
          maxLength={2000}
          onChange={(e) => setReason(e.target.value)}
          data-autofocus
          data-testid={`confirm-${action}-reason`}
        />
      </label>
    </Dialog>
  );
}
