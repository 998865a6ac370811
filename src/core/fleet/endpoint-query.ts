import type { z } from 'zod';
import type { Endpoint, endpointsQuerySchema } from '../../shared/contract/fleet.schema';
import { isMetricName } from '../../shared/fleet/metrics';

type Query = z.output<typeof endpointsQuerySchema>;

const healthRank = { critical: 0, warning: 1, unknown: 2, ok: 3 } as const;

/** Filters, sorts and pages endpoint records; facet filters are OR within a facet, AND across. */
export function queryEndpoints(
  all: readonly Endpoint[],
  q: Query,
): { total: number; offset: number; items: Endpoint[] } {
  const text = q.text?.trim().toLowerCase();
  const inFacet = (values: string[] | undefined, v: string) =>
    !values || values.length === 0 || values.includes(v);
  const filtered = all.filter(
    (e) =>
      inFacet(q.source, e.source) &&
      inFacet(q.cluster, e.cluster) &&
      inFacet(q.region, e.region) &&
      inFacet(q.model, e.model) &&
      inFacet(q.health, e.health.status) &&
      (!text ||
        [e.id, e.name, e.model, e.version, e.cluster, e.region, e.namespace ?? '', e.health.reason]
          .join(' ')
          .toLowerCase()
          .includes(text)),
  );
  const dir = q.order === 'desc' ? -1 : 1;
  const key = q.sort;
  const value = (e: Endpoint): string | number | null => {
    if (isMetricName(key)) return e.metrics[key]?.value ?? null;
    switch (key) {
      case 'health':
        return healthRank[e.health.status];
      case 'replicas':
        return e.replicas.ready;
      case 'gpus':
        return e.gpus;
      default:
        return e[key];
    }
  };
  filtered.sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    // Missing values sort last whichever the direction: a blank never tops a "worst first" list.
    if (va === null && vb === null) return a.id.localeCompare(b.id);
    if (va === null) return 1;
    if (vb === null) return -1;
    const c =
      typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    return c !== 0 ? c * dir : a.id.localeCompare(b.id);
  });
  return { total: filtered.length, offset: q.offset, items: filtered.slice(q.offset, q.offset + q.limit) };
}
