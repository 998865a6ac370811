import { useState } from 'react';
import { useFleet } from '../../stores/fleet.store';
import { OpenIncidentDialog } from './OpenIncidentDialog';

/**
 * On an endpoint's page: open an incident for it by hand (the endpoint already chosen). Hidden
 * while the endpoint is in an active incident: its badge links there instead.
 */
export function OpenIncidentButton({ endpointId }: { endpointId: string }) {
  const inIncident = useFleet((s) => s.endpointIncidents.has(endpointId));
  const [open, setOpen] = useState(false);
  if (inIncident) return null;
  return (
    <>
      <button
        type="button"
        className="button"
        onClick={() => setOpen(true)}
        data-testid="endpoint-open-incident"
      >
        Open incident…
      </button>
      {open ? <OpenIncidentDialog initialEndpoint={endpointId} onClose={() => setOpen(false)} /> : null}
    </>
  );
}
