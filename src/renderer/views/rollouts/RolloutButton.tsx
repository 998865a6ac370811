import '../../styles/rollouts.css';
import { RolloutsIcon } from './rollout-icons';
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
