import '../../styles/runbooks.css';
import '../../styles/incidents.css';
import type { IncidentSeverity, IncidentState } from '../../../shared/contract/index';
import { incidentHash } from '../../stores/incidents.slice';
import { useFleet } from '../../stores/fleet.store';
import { incidentStateWords, severityWords } from './incident-words';

/** The rail's count of active incidents (nothing when there are none). */
export function ActiveIncidentCount() {
  const count = useFleet((s) => s.activeIncidents?.length ?? 0);
  if (count === 0) return null;
  return (
    <span className="rail-count" data-testid="nav-incidents-count" aria-label={`${count} active`}>
      {count}
    </span>
  );
}

export function SeverityBadge({ severity, testId }: { severity: IncidentSeverity; testId?: string }) {
  const words = severityWords[severity];
  return (
    <span
      className={`inc-sev inc-sev-${severity} tone-${words.tone}`}
      title={words.hint}
      data-testid={testId}
      data-severity={severity}
    >
      {words.label}
    </span>
  );
}

export function IncidentStateBadge({ state, testId }: { state: IncidentState; testId?: string }) {
  const words = incidentStateWords[state];
  return (
    <span className={`inc-state tone-${words.tone}`} data-testid={testId} data-state={state}>
      <span aria-hidden="true">{words.glyph}</span>
      {words.label}
    </span>
  );
}

/**
 * On the fleet map, the endpoints table and an endpoint's page: the endpoint is in an active
 * incident; the badge links to it. Nothing when it is in none.
 */
export function EndpointIncidentBadge({
  endpointId,
  compact = false,
}: {
  endpointId: string;
  compact?: boolean;
}) {
  const incident = useFleet((s) => s.endpointIncidents.get(endpointId));
  if (!incident) return null;
  const words = severityWords[incident.severity];
  return (
    <a
      className={`inc-endpoint-badge tone-${words.tone}`}
      href={incidentHash(incident.id)}
      title={`In incident ${incident.id}: ${incident.title}`}
      data-testid="endpoint-incident-badge"
      data-incident-id={incident.id}
      onClick={(e) => e.stopPropagation()}
    >
      <span aria-hidden="true">⚠</span>
      {compact ? words.label : `${words.label} incident: ${incident.title}`}
    </a>
  );
}
