import type { Endpoint, HealthStatus } from '../../../shared/contract/index';
import type { MetricName } from '../../../shared/fleet/metrics';
import { facetKeys, type FacetKey, type SortKey, type TableState } from './url-state';

/**
 * Pure derivation of the table's rows from the fleet map and the table state: filter, facet
 * counts, sort and grouping. Cheap enough to run once per animation frame at 10,000 endpoints
 * (one pass to filter and count, one sort); tested in test/unit/renderer/endpoints-rows.test.ts.
 */

export interface GroupRow {
  kind: 'group';
  key: string;
  count: number;
  collapsed: boolean;
  /** Aggregates over the group's endpoints. */
  requestRate: number;
  spendPerHour: number;
  gpus: number;
  worst: HealthStatus;
  health: Record<HealthStatus, number>;
}

export interface EndpointRow {
  kind: 'endpoint';
  endpoint: Endpoint;
}

export type TableRow = GroupRow | EndpointRow;

export type FacetCounts = Record<FacetKey, Array<{ value: string; count: number }>>;

export interface DerivedRows {
  rows: TableRow[];
  /** Endpoints that pass the filter (not counting collapsed groups). */
  matched: number;
  total: number;
  facets: FacetCounts;
}

const healthRank: Record<HealthStatus, number> = { ok: 0, unknown: 1, warning: 2, critical: 3 };
const freshnessRank = { live: 0, stale: 1, offline: 2, unknown: 3 } as const;

const metric = (e: Endpoint, name: MetricName): number | undefined => e.metrics[name]?.value;

const facetValue = (e: Endpoint, key: FacetKey): string => (key === 'health' ? e.health.status : e[key]);

export const matchesText = (e: Endpoint, needle: string): boolean => {
  if (!needle) return true;
  const hay = `${e.name} ${e.model} ${e.version} ${e.cluster} ${e.region} ${e.namespace ?? ''} ${e.source} ${e.id}`;
  return hay.toLowerCase().includes(needle);
};

type SortValue = string | number | undefined;

export function sortValue(e: Endpoint, key: SortKey): SortValue {
  switch (key) {
    case 'name':
    case 'model':
    case 'version':
    case 'source':
    case 'cluster':
    case 'region':
      return e[key];
    case 'replicas':
      return e.replicas.ready;
    case 'gpus':
      return e.gpus;
    case 'health':
      return healthRank[e.health.status];
    case 'freshness':
      return freshnessRank[e.freshness.state];
    case 'spend_per_hour':
      return metric(e, 'spend_per_hour') ?? e.hourlyPriceUsd ?? undefined;
    default:
      return metric(e, key);
  }
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Missing values sort last in either order, so "no data" never tops a "worst first" list. */
export function compareEndpoints(key: SortKey, order: 'asc' | 'desc') {
  const sign = order === 'asc' ? 1 : -1;
  return (a: Endpoint, b: Endpoint): number => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    if (va === undefined || vb === undefined) {
      if (va === vb) return collator.compare(a.name, b.name);
      return va === undefined ? 1 : -1;
    }
    const c =
      typeof va === 'number' && typeof vb === 'number' ? va - vb : collator.compare(String(va), String(vb));
    return c !== 0 ? sign * c : collator.compare(a.name, b.name) || collator.compare(a.id, b.id);
  };
}

/**
 * Facet counts follow the usual faceted-search rule: each facet's counts apply every OTHER
 * facet and the text, so picking "us-east-1" still shows how many are in "eu-west-1".
 */
export function deriveRows(
  endpoints: Iterable<Endpoint>,
  state: TableState,
  collapsed: ReadonlySet<string> = new Set(),
): DerivedRows {
  const needle = state.q.trim().toLowerCase();
  const selected = facetKeys.map((k) => [k, new Set(state.facets[k])] as const);
  const counts = new Map<FacetKey, Map<string, number>>(facetKeys.map((k) => [k, new Map()]));
  const matched: Endpoint[] = [];
  let total = 0;
  for (const e of endpoints) {
    total++;
    if (!matchesText(e, needle)) continue;
    let failing: FacetKey | null = null;
    let failures = 0;
    for (const [key, set] of selected) {
      if (set.size > 0 && !set.has(facetValue(e, key))) {
        failures++;
        failing = key;
        if (failures > 1) break;
      }
    }
    if (failures > 1) continue;
    for (const key of facetKeys) {
      if (failures === 1 && key !== failing) continue;
      const m = counts.get(key)!;
      const v = facetValue(e, key);
      m.set(v, (m.get(v) ?? 0) + 1);
    }
    if (failures === 0) matched.push(e);
  }
  // Selected values stay visible (count 0) so they can be unticked.
  const facets = {} as FacetCounts;
  for (const [key, set] of selected) {
    const m = counts.get(key)!;
    for (const v of set) if (!m.has(v)) m.set(v, 0);
    facets[key] = [...m.entries()]
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) =>
        key === 'health'
          ? healthRank[b.value as HealthStatus] - healthRank[a.value as HealthStatus]
          : collator.compare(a.value, b.value),
      );
  }
  matched.sort(compareEndpoints(state.sort, state.order));
  if (state.group === 'none') {
    return {
      rows: matched.map((endpoint) => ({ kind: 'endpoint', endpoint })),
      matched: matched.length,
      total,
      facets,
    };
  }
  const groupKey = state.group;
  const groups = new Map<string, Endpoint[]>();
  for (const e of matched) {
    const k = e[groupKey];
    const list = groups.get(k);
    if (list) list.push(e);
    else groups.set(k, [e]);
  }
  const rows: TableRow[] = [];
  for (const key of [...groups.keys()].sort(collator.compare)) {
    const members = groups.get(key)!;
    const health: Record<HealthStatus, number> = { ok: 0, warning: 0, critical: 0, unknown: 0 };
    let requestRate = 0;
    let spendPerHour = 0;
    let gpus = 0;
    let worst: HealthStatus = 'ok';
    for (const e of members) {
      health[e.health.status]++;
      if (healthRank[e.health.status] > healthRank[worst]) worst = e.health.status;
      requestRate += metric(e, 'request_rate') ?? 0;
      spendPerHour += metric(e, 'spend_per_hour') ?? e.hourlyPriceUsd ?? 0;
      gpus += e.gpus;
    }
    const isCollapsed = collapsed.has(key);
    rows.push({
      kind: 'group',
      key,
      count: members.length,
      collapsed: isCollapsed,
      requestRate,
      spendPerHour,
      gpus,
      worst,
      health,
    });
    if (!isCollapsed) for (const endpoint of members) rows.push({ kind: 'endpoint', endpoint });
  }
  return { rows, matched: matched.length, total, facets };
}
