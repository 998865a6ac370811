import type { Endpoint } from '../../../shared/contract/fleet.schema';

/** What grouping needs to know of an active incident. */
export interface GroupTarget {
  id: string;
  regions: ReadonlySet<string>;
  models: ReadonlySet<string>;
  /** When its newest endpoint joined. */
  lastJoinAt: number;
}

export type Placement =
  { kind: 'join'; incidentId: string; endpoints: Endpoint[] } | { kind: 'open'; endpoints: Endpoint[] };

/**
 * Where endpoints that just turned critical go (one regional outage is one incident, not forty):
 * into an active incident that shares their region (preferred) or their model and whose last
 * endpoint joined within `windowMs`; otherwise into a new incident, together with the other
 * newly critical endpoints of this pass that share a region or a model with them. Earliest
 * `health.since` first, so the incident is named after the endpoint that broke first.
 */
export function placeCritical(
  critical: readonly Endpoint[],
  active: readonly GroupTarget[],
  now: number,
  windowMs: number,
): Placement[] {
  const joins = new Map<string, Endpoint[]>();
  const fresh: Array<{ regions: Set<string>; models: Set<string>; endpoints: Endpoint[] }> = [];
  const open = active.filter((t) => now - t.lastJoinAt <= windowMs);
  const sorted = [...critical].sort(
    (a, b) => (a.health.since ?? now) - (b.health.since ?? now) || a.id.localeCompare(b.id),
  );
  for (const e of sorted) {
    const byRegion = open.filter((t) => t.regions.has(e.region));
    const byModel = open.filter((t) => t.models.has(e.model));
    const target = [...byRegion, ...byModel].sort(
      (a, b) =>
        Number(b.regions.has(e.region)) - Number(a.regions.has(e.region)) || b.lastJoinAt - a.lastJoinAt,
    )[0];
    if (target) {
      joins.set(target.id, [...(joins.get(target.id) ?? []), e]);
      continue;
    }
    const group = fresh.find((g) => g.regions.has(e.region)) ?? fresh.find((g) => g.models.has(e.model));
    if (group) {
      group.endpoints.push(e);
      group.regions.add(e.region);
      group.models.add(e.model);
    } else {
      fresh.push({ regions: new Set([e.region]), models: new Set([e.model]), endpoints: [e] });
    }
  }
  return [
    ...[...joins].map(([incidentId, endpoints]) => ({ kind: 'join' as const, incidentId, endpoints })),
    ...fresh.map((g) => ({ kind: 'open' as const, endpoints: g.endpoints })),
  ];
}
