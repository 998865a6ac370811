import type { Incident } from '../../../shared/contract/index';
import { SpinnerIcon } from '../../components/icons';
import { HealthWord } from '../fleet/HealthWord';
import { rolloutHash } from '../../stores/rollouts.slice';

/** The endpoints the incident affects, as they were when they joined, each linking to its page. */
export function AffectedEndpoints({ incident }: { incident: Incident }) {
  return (
    <section
      className="panel inc-endpoints"
      aria-labelledby="inc-endpoints-title"
      data-testid="incident-endpoints"
    >
      <h2 className="panel-title" id="inc-endpoints-title">
        Affected endpoints ({incident.endpoints.length})
      </h2>
      {incident.endpoints.length === 0 ? (
        <p className="muted">None named: this incident was opened without endpoints.</p>
      ) : (
        <ul className="inc-endpoint-list">
          {incident.endpoints.map((e) => (
            <li key={e.id} data-endpoint-id={e.id}>
              {incident.importedFrom ? (
                <strong>{e.name}</strong>
              ) : (
                <a className="link" href={`#/endpoints/${encodeURIComponent(e.id)}`}>
                  {e.name}
                </a>
              )}{' '}
              <HealthWord status={e.health} />
              <span className="muted ro-sub">
                {e.model} {e.version} · {e.cluster} · {e.region}
                {e.reason ? ` · ${e.reason}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
      {incident.activeRollouts.length > 0 ? (
        <p className="inc-rollouts">
          Rollouts live on these endpoints:{' '}
          {incident.activeRollouts.map((id) => (
            <a key={id} className="link" href={rolloutHash(id)}>
              {id}{' '}
            </a>
          ))}
        </p>
      ) : null}
    </section>
  );
}

/**
 * Runbooks that fit the incident's signals, each one click from a run bound to its endpoint
 * (issue 7); the run opens in the page's terminal panel and joins the timeline.
 */
export function SuggestedRunbooks({
  incident,
  pending,
  onRun,
}: {
  incident: Incident;
  pending: boolean;
  onRun: (runbookId: string, endpointId: string) => void;
}) {
  if (incident.importedFrom) return null;
  const names = new Map(incident.endpoints.map((e) => [e.id, e.name]));
  return (
    <section
      className="panel inc-suggest"
      aria-labelledby="inc-suggest-title"
      data-testid="incident-suggestions"
    >
      <h2 className="panel-title" id="inc-suggest-title">
        Suggested runbooks
      </h2>
      {incident.suggestions.length === 0 ? (
        <p className="muted">
          None fits this incident&apos;s signals
          {incident.signals.length ? ` (${incident.signals.join(', ')})` : ''}. The{' '}
          <a className="link" href="#/runbooks">
            runbook library
          </a>{' '}
          has them all.
        </p>
      ) : (
        <ul className="inc-suggest-list">
          {incident.suggestions.map((s) => (
            <li
              key={`${s.runbookId}|${s.endpointId}`}
              data-testid="incident-suggestion"
              data-runbook-id={s.runbookId}
            >
              <div>
                <a className="link" href={`#/runbooks/${encodeURIComponent(s.runbookId)}`}>
                  {s.title}
                </a>
                <span className="muted ro-sub">{s.why}</span>
              </div>
              <button
                type="button"
                className="button"
                disabled={pending}
                onClick={() => onRun(s.runbookId, s.endpointId)}
                data-testid="incident-suggestion-run"
              >
                {pending ? <SpinnerIcon className="spin" /> : null}
                Run on {names.get(s.endpointId) ?? s.endpointId}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
