import '../../styles/runbooks.css';
import '../../styles/incidents.css';
import { incidentHash } from '../../stores/incidents.slice';
import { useFleet } from '../../stores/fleet.store';
import { IncidentStateBadge, SeverityBadge } from './IncidentBadges';

const MAX_SHOWN = 4;

/**
 * Over the fleet map: the active incidents, each a badge linking to it, with the endpoints it
 * affects. The map draws regions on a canvas, so the incidents sit beside it rather than on it.
 */
export function ActiveIncidentsStrip() {
  const active = useFleet((s) => s.activeIncidents);
  if (!active || active.length === 0) return null;
  return (
    <div className="inc-strip" role="region" aria-label="Active incidents" data-testid="fleet-incidents">
      <a className="link inc-strip-head" href="#/incidents?state=open">
        ⚠ {active.length} active incident{active.length === 1 ? '' : 's'}
      </a>
      {active.slice(0, MAX_SHOWN).map((i) => (
        <a key={i.id} className="inc-strip-item" href={incidentHash(i.id)} data-incident-id={i.id}>
          <SeverityBadge severity={i.severity} />
          <IncidentStateBadge state={i.state} />
          <span className="inc-strip-title">{i.title}</span>
          <span className="muted">
            {i.endpointNames.join(', ')}
            {i.endpointCount > i.endpointNames.length ? ` +${i.endpointCount - i.endpointNames.length}` : ''}
          </span>
        </a>
      ))}
      {active.length > MAX_SHOWN ? (
        <a className="link" href="#/incidents">
          and {active.length - MAX_SHOWN} more
        </a>
      ) : null}
    </div>
  );
}
