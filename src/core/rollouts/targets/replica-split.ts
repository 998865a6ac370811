/**
 * A weight as replicas for a replica-ratio target (plain Deployments behind one Service):
 * kube-proxy spreads connections over every ready pod of the Service, so a version's share of
 * traffic is its share of ready replicas. With `total` replicas N, the candidate gets
 * round(N x w / 100), clamped so that any weight strictly between 0 and 100 leaves each version
 * at least one replica (a 1 % canary still runs one candidate pod; a 99 % one keeps one stable).
 * With N = 1 an intermediate weight needs a second pod: one each (a surge of one).
 */
export interface ReplicaSplit {
  stable: number;
  candidate: number;
}

export function splitReplicas(total: number, percent: number): ReplicaSplit {
  const n = Math.max(1, Math.round(total));
  if (percent <= 0) return { stable: n, candidate: 0 };
  if (percent >= 100) return { stable: 0, candidate: n };
  if (n === 1) return { stable: 1, candidate: 1 };
  const candidate = Math.min(n - 1, Math.max(1, Math.round((n * percent) / 100)));
  return { stable: n - candidate, candidate };
}

/** The candidate's share of traffic from ready replicas, in percent with one decimal. */
export function replicaPercent(stable: number, candidate: number): number {
  const sum = stable + candidate;
  return sum > 0 ? Math.round((candidate / sum) * 1000) / 10 : 0;
}
