/**
 * What "New policy" starts from: a complete, valid policy in the format the core reads
 * (docs/healing.md), in dry-run so a policy saved before it is reviewed only proposes.
 * The id and title are the ones to change first.
 */
export const starterPolicy = (id = 'scale-out-on-latency'): string => `apiVersion: fleetdeck.io/v1
kind: HealingPolicy
id: ${id}
title: Scale out when p95 latency stays high
# dry-run only proposes (written to the incident's timeline); run acts.
mode: dry-run
# The trigger, and how long it must hold before the policy acts.
when: 'latency_p95 > 12s for 2m'
match:
  # Guard rail: the only clusters this policy may act in.
  clusters: [prod-us-east]
  models: []
  namespaces: []
action:
  runbook: scale-out
  vars:
    replicas: "4"
limits:
  per_endpoint_per_hour: 1
  fleet_per_hour: 3
`;

/** A starter id that no saved policy has yet. */
export function freshPolicyId(taken: ReadonlySet<string>): string {
  const base = 'scale-out-on-latency';
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}
