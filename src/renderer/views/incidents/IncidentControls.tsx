import { useState } from 'react';
import type { IncidentState } from '../../../shared/contract/index';
import { SpinnerIcon } from '../../components/icons';
import type { IncidentAction } from '../../stores/incident-detail.slice';
import { Dialog } from '../sources/Dialog';
import { controlsFor, controlWords } from './incident-words';

/**
 * Acknowledge / Mitigated / Resolve / Reopen, offered as the state allows. Resolving asks first
 * (and takes an optional note for the timeline): it ends the incident's clock and its badges.
 */
export function IncidentControls({
  state,
  pending,
  readOnly,
  onAction,
}: {
  state: IncidentState;
  pending: string | null;
  readOnly: boolean;
  onAction: (action: IncidentAction, note?: string) => void;
}) {
  const [resolving, setResolving] = useState(false);
  const [note, setNote] = useState('');
  if (readOnly) return null;
  return (
    <div className="inc-controls" role="group" aria-label="Incident state">
      {controlsFor(state).map((action) => (
        <button
          key={action}
          type="button"
          className={action === 'acknowledge' || action === 'mitigate' ? 'button button-primary' : 'button'}
          disabled={pending !== null}
          onClick={() => (action === 'resolve' ? setResolving(true) : onAction(action))}
          data-testid={`incident-${action}`}
        >
          {pending === action ? <SpinnerIcon className="spin" /> : null}
          {controlWords[action]}
        </button>
      ))}
      {resolving ? (
        <Dialog
          title="Resolve this incident?"
          onClose={() => setResolving(false)}
          onSubmit={() => {
            setResolving(false);
            onAction('resolve', note);
          }}
          testId="incident-resolve-dialog"
          actions={
            <>
              <button type="button" className="button" onClick={() => setResolving(false)}>
                Cancel
              </button>
              <button type="submit" className="button button-primary" data-testid="incident-resolve-confirm">
                Resolve
              </button>
            </>
          }
        >
          <p>
            Resolving stops the incident&apos;s clock (time to resolve) and removes its badges. If the
            endpoints turn critical again, a new incident opens or this one can be reopened.
          </p>
          <label className="field">
            <span className="field-label">Note (optional)</span>
            <textarea
              className="control control-wide"
              rows={2}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              data-autofocus
              data-testid="incident-resolve-note"
            />
          </label>
        </Dialog>
      ) : null}
    </div>
  );
}
