import type { Endpoint } from '../../../shared/contract/fleet.schema';
import type { HealingPolicy } from '../../../shared/contract/incident.schema';
import { currentValue, describeTrigger, holds, watches } from './healing.condition';

export interface Trigger {
  policy: HealingPolicy;
  endpoint: Endpoint;
  value: number;
  heldMs: number;
  /** "latency_p95 14.1 s > 12 s for 2 min" */
  words: string;
}

interface Episode {
  heldSince: number;
  /** A decision was made in this episode: no other until the condition clears. */
  triggered: boolean;
}

/**
 * Tracks, per policy and endpoint, how long the trigger has held, and says when it has held for
 * the policy's `for`. One decision per episode: after a trigger nothing more is said until the
 * condition clears, and it does not clear while the action it started is still running (an
 * action that works makes the condition clear; that is not a new episode).
 */
export class HealingEvaluator {
  private readonly episodes = new Map<string, Episode>();

  tick(
    policies: readonly HealingPolicy[],
    endpoints: readonly Endpoint[],
    now: number,
    busy: (policyId: string, endpointId: string) => boolean,
  ): Trigger[] {
    const out: Trigger[] = [];
    const seen = new Set<string>();
    for (const policy of policies) {
      if (!policy.enabled) continue;
      for (const endpoint of endpoints) {
        if (!watches(policy, endpoint)) continue;
        const key = `${policy.id}\u0000${endpoint.id}`;
        seen.add(key);
        const value = currentValue(policy.when, endpoint);
        const episode = this.episodes.get(key);
        if (!holds(policy.when, value)) {
          if (episode && !(episode.triggered && busy(policy.id, endpoint.id))) this.episodes.delete(key);
          continue;
        }
        if (!episode) {
          this.episodes.set(key, { heldSince: now, triggered: false });
          if (policy.when.forSeconds > 0) continue;
        }
        const e = this.episodes.get(key)!;
        const heldMs = now - e.heldSince;
        if (e.triggered || heldMs < policy.when.forSeconds * 1000 || busy(policy.id, endpoint.id)) continue;
        e.triggered = true;
        out.push({
          policy,
          endpoint,
          value: value!,
          heldMs,
          words: describeTrigger(policy.when, value!, heldMs),
        });
      }
    }
    // Policies deleted or turned off, endpoints gone: their episodes end with them.
    for (const key of this.episodes.keys()) if (!seen.has(key)) this.episodes.delete(key);
    return out;
  }

  /** Forgets a policy's episodes (it was edited): the next tick starts counting afresh. */
  forget(policyId: string): void {
    for (const key of this.episodes.keys())
      if (key.startsWith(`${policyId}\u0000`)) this.episodes.delete(key);
  }
}
