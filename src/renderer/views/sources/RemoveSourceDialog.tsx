import { useEffect, useRef, useState } from 'react';
import type { Source } from '../../../shared/contract/index';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SpinnerIcon } from '../../components/icons';
import { useFleet } from '../../stores/fleet.store';
import { Dialog } from './Dialog';
import { kindLabel } from './source-form';

/** What the source's settings point at, named so the person sees it is not deleted. */
function untouched(source: Source | undefined): string {
  switch (source?.kind) {
    case 'kubernetes':
      return 'Your kubeconfig and the clusters themselves are not touched.';
    case 'prometheus':
      return 'The Prometheus server and its data are not touched.';
    case 'openai':
      return 'The API and your account are not touched.';
    default:
      return 'The model servers themselves are not touched.';
  }
}

/**
 * Confirms a removal and names what the core forgets with the source (sources.remove): the
 * endpoints, nodes and events it reported, its status history and its settings. A refusal (a
 * built-in source) replaces the choice with the core's reason and hint.
 */
export function RemoveSourceDialog() {
  const removalId = useFleet((s) => s.removal?.id ?? null);
  // Keyed by source, so a choice made for one source is not carried to the next.
  return removalId === null ? null : <RemoveDialogBody key={removalId} />;
}

function RemoveDialogBody() {
  const removal = useFleet((s) => s.removal);
  const source = useFleet((s) => s.sources.find((x) => x.id === s.removal?.id));
  const close = useFleet((s) => s.closeRemoval);
  const confirm = useFleet((s) => s.confirmRemoval);
  const [deleteSecrets, setDeleteSecrets] = useState(true);
  const closeButton = useRef<HTMLButtonElement>(null);
  const refused = removal?.error?.code === 'conflict';
  // The Remove button is gone once the core refuses: focus moves to Close, beside the reason.
  useEffect(() => {
    if (refused) closeButton.current?.focus();
  }, [refused]);
  if (!removal) return null;

  const count =
    removal.endpointCount === null
      ? 'the endpoints'
      : `${removal.endpointCount} ${removal.endpointCount === 1 ? 'endpoint' : 'endpoints'}`;
  const submit = () => {
    if (!refused && !removal.running) void confirm({ deleteSecrets });
  };

  return (
    <Dialog
      title={`Remove “${removal.name}”?`}
      onClose={close}
      onSubmit={submit}
      testId="remove-dialog"
      actions={
        refused ? (
          <button
            type="button"
            className="button"
            onClick={close}
            ref={closeButton}
            data-autofocus
            data-testid="remove-close"
          >
            Close
          </button>
        ) : (
          <>
            <button
              type="button"
              className="button"
              onClick={close}
              data-autofocus
              data-testid="remove-cancel"
            >
              Cancel
            </button>
            <button
              type="submit"
              className="button button-danger"
              disabled={removal.running}
              data-testid="remove-confirm"
            >
              {removal.running ? <SpinnerIcon /> : null}
              <span>{removal.running ? 'Removing…' : 'Remove source'}</span>
            </button>
          </>
        )
      }
    >
      {refused && removal.error ? (
        <ErrorNotice title="This source cannot be removed" error={removal.error} testId="remove-refused" />
      ) : (
        <>
          <p>
            Fleetdeck stops reading this {source ? kindLabel(source.kind) : ''} source and forgets what it
            reported:
          </p>
          <ul className="dialog-list" data-testid="remove-forgets">
            <li>
              {count} it reported, with their nodes and events
              {removal.endpointCount === null ? ' (counting…)' : ''}
            </li>
            <li>its status and the time it was last OK</li>
            <li>its settings{source?.builtIn ? '' : ' (add it again to get them back)'}</li>
          </ul>
          {removal.secrets.length > 0 ? (
            <label className="check-option">
              <input
                type="checkbox"
                checked={deleteSecrets}
                onChange={(e) => setDeleteSecrets(e.target.checked)}
                data-testid="remove-secrets"
              />
              <span>
                Also delete the stored {removal.secrets.length === 1 ? 'secret' : 'secrets'}{' '}
                {removal.secrets.map((name, i) => (
                  <span key={name}>
                    {i > 0 ? ', ' : ''}
                    <code>{name}</code>
                  </span>
                ))}{' '}
                (it cannot be shown again; you would type it anew)
              </span>
            </label>
          ) : null}
          <p className="muted">{untouched(source)}</p>
          {removal.error ? (
            <ErrorNotice title="The source was not removed" error={removal.error} testId="remove-error" />
          ) : null}
        </>
      )}
    </Dialog>
  );
}
