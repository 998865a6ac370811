import { useEffect } from 'react';
import '../../styles/runbooks.css';
import '../../styles/runbook-runs.css';
import { useFleet } from '../../stores/fleet.store';
import { SeverityBadge } from './RunbookList';
import { libraryHash, runbookHash } from './runbooks-url';

/** How many suggestions the endpoint page shows; the library has the rest. */
const MAX_SUGGESTED = 4;

/**
 * The endpoint page's way into runbooks: the ones the core finds relevant to this endpoint's
 * health (with the reason), each opening bound to it. Asked again when its health changes.
 */
export function EndpointRunbooks({ endpointId, health }: { endpointId: string; health: string }) {
  const load = useFleet((s) => s.loadEndpointRunbooks);
  const suggested = useFleet((s) =>
    s.endpointRunbooks?.endpointId === endpointId ? s.endpointRunbooks.runbooks : null,
  );
  const error = useFleet((s) => s.endpointRunbooksError);
  useEffect(() => void load(endpointId), [load, endpointId, health]);

  const relevant = (suggested ?? []).filter((r) => r.relevance !== null).slice(0, MAX_SUGGESTED);
  return (
    <section
      className="panel rb-endpoint"
      aria-labelledby="rb-endpoint-title"
      data-testid="endpoint-runbooks"
    >
      <div className="panel-head">
        <h2 className="panel-title" id="rb-endpoint-title">
          Runbooks
        </h2>
        <a
          className="link"
          href={libraryHash({ q: '', tag: '', severity: '', source: '', endpoint: endpointId })}
        >
          All runbooks for this endpoint
        </a>
      </div>
      {error && !suggested ? <p className="muted">Runbooks could not be listed: {error.message}</p> : null}
      {suggested && relevant.length === 0 ? (
        <p className="muted">No runbook answers this endpoint&apos;s current signals.</p>
      ) : null}
      <ul className="rb-endpoint-list">
        {relevant.map((r) => (
          <li key={r.id} data-testid="endpoint-runbook" data-runbook-id={r.id}>
            <a className="link" href={runbookHash(r.id, endpointId)}>
              {r.title}
            </a>{' '}
            <SeverityBadge severity={r.severity} />
            <span className="rb-relevance"> {r.relevance}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
