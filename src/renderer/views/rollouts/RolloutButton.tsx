import { useEffect } from 'react';
import '../../styles/rollouts.css';
import { useFleet } from '../../stores/fleet.store';
import { rolloutHash } from '../../stores/rollouts.slice';
import { RolloutsIcon } from './rollout-icons';
import { rolloutStateWords } from './rollout-words';
import { newRolloutHash } from './rollouts-url';

/**
 * "Roll out a version…" on an endpoint's page, for any endpoint: the plan page offers the
 * versions deployed beside it, and takes a typed one when there are none yet.
 */
export function RolloutButton({ endpointId }: { endpointId: string }) {
  return (
    <a
      className="button ro-endpoint-button"
      href={newRolloutHash({ endpoint: endpointId })}
      data-testid="endpoint-rollout"
    >
      <RolloutsIcon />
      Roll out a version…
    </a>
  );
}

/**
 * "Rollout in progress" on the page of an endpoint a live rollout moves traffic on (as its
 * stable or candidate version), linking to it: whoever opens the endpoint during an incident
 * sees at once that its traffic is being shifted, and by what.
 */
export function EndpointRolloutBadge({ endpointId }: { endpointId: string }) {
  const watch = useFleet((s) => s.watchLiveRollouts);
  const live = useFleet((s) => s.liveRollouts);
  useEffect(() => watch(), [watch]);
  const rollout = live.find((r) => r.endpointId === endpointId || r.candidateEndpointId === endpointId);
  if (!rollout) return null;
  const role = rollout.endpointId === endpointId ? 'stable' : 'candidate';
  return (
    <a
      className="ro-endpoint-live link"
      href={rolloutHash(rollout.id)}
      data-testid="endpoint-live-rollout"
      data-rollout-id={rollout.id}
      data-role={role}
    >
      <RolloutsIcon />
      Rollout {rollout.stableVersion} → {rollout.candidateVersion}: {rollout.weight} % on the candidate (
      {rolloutStateWords[rollout.state].label.toLowerCase()})
    </a>
  );
}
