import type { Endpoint, HealthStatus, IncidentSeverity } from '../../../shared/contract/index';

/**
 * Pure fleet aggregation for the Fleet view: the map and the treemap never chart 10,000
 * endpoints one by one (issue 4, "fast and calm at 10,000 endpoints"); they chart regions and
 * clusters, computed here in one pass over the fleet.
 */

const countFormat = new Intl.NumberFormat('en-US');

/**
 * A whole number with thousands separators ("10,000"), as `toLocaleString('en-US')` writes it.
 * One formatter for every call: Chromium builds a new one per toLocaleString call (~20 µs), and
 * the map and header write a dozen counts on every live tick (live-tick benchmark, issue 4).
 */
export const formatCount = (value: number): string => countFormat.format(value);

/** Worst first wins: critical > warning > unknown > ok. Unknown outranks ok so no data is never shown as fine. */
export const healthRank: Record<HealthStatus, number> = { ok: 0, unknown: 1, warning: 2, critical: 3 };
export const healthWords: Record<HealthStatus, string> = {
  ok: 'OK',
  warning: 'Warning',
  critical: 'Critical',
  unknown: 'Unknown',
};
/** A text glyph per health for places SVG icons cannot go (chart labels, tooltips). */
export const healthGlyph: Record<HealthStatus, string> = {
  ok: '✓',
  warning: '▲',
  critical: '✕',
  unknown: '?',
};
export const healthOrder: readonly HealthStatus[] = ['critical', 'warning', 'unknown', 'ok'];

export const worse = (a: HealthStatus, b: HealthStatus): HealthStatus =>
  healthRank[b] > healthRank[a] ? b : a;

export type HealthCounts = Record<HealthStatus, number> & { total: number };
export const emptyCounts = (): HealthCounts => ({ ok: 0, warning: 0, critical: 0, unknown: 0, total: 0 });

export const worstOf = (counts: HealthCounts): HealthStatus =>
  counts.critical > 0 ? 'critical' : counts.warning > 0 ? 'warning' : counts.unknown > 0 ? 'unknown' : 'ok';

export interface RegionPlace {
  lat: number;
  lon: number;
  label: string;
}

export interface ClusterAggregate {
  cluster: string;
  source: string;
  health: HealthCounts;
  requestRate: number;
  spendPerHour: number;
}

export interface RegionAggregate {
  region: string;
  label: string;
  /** null when the region code is not in regions.json: listed beside the map, never dropped. */
  place: { lat: number; lon: number } | null;
  health: HealthCounts;
  worst: HealthStatus;
  requestRate: number;
  /** Request-weighted error rate over endpoints that report one; null when none do. */
  errorRate: number | null;
  spendPerHour: number;
  gpus: number;
  clusters: ClusterAggregate[];
}

export const requestRateOf = (e: Endpoint): number => e.metrics.request_rate?.value ?? 0;
export const spendRateOf = (e: Endpoint): number => e.metrics.spend_per_hour?.value ?? e.hourlyPriceUsd ?? 0;

interface RegionAcc extends Omit<RegionAggregate, 'clusters' | 'worst' | 'errorRate'> {
  errWeighted: number;
  errWeight: number;
  clusters: Map<string, ClusterAggregate>;
}

/** One pass over the fleet, grouped by region then cluster; sorted by region code for stable ids. */
export function aggregateRegions(
  endpoints: Iterable<Endpoint>,
  places: Readonly<Record<string, RegionPlace>>,
): RegionAggregate[] {
  const byRegion = new Map<string, RegionAcc>();
  for (const e of endpoints) accumulate(byRegion, places, e, 1);
  return regionsOf(byRegion);
}

/** Adds (sign 1) or takes back (sign -1) one endpoint's figures in its region and cluster. */
function accumulate(
  byRegion: Map<string, RegionAcc>,
  places: Readonly<Record<string, RegionPlace>>,
  e: Endpoint,
  sign: 1 | -1,
): void {
  const key = e.region || 'unknown';
  let acc = byRegion.get(key);
  if (!acc) {
    const place = places[key];
    acc = {
      region: key,
      label: place?.label ?? key,
      place: place ? { lat: place.lat, lon: place.lon } : null,
      health: emptyCounts(),
      requestRate: 0,
      spendPerHour: 0,
      gpus: 0,
      errWeighted: 0,
      errWeight: 0,
      clusters: new Map(),
    };
    byRegion.set(key, acc);
  }
  const rate = requestRateOf(e);
  const spend = spendRateOf(e);
  const status = e.health.status;
  acc.health[status] += sign;
  acc.health.total += sign;
  acc.requestRate += sign * rate;
  acc.spendPerHour += sign * spend;
  acc.gpus += sign * e.gpus;
  const err = e.metrics.error_rate?.value;
  if (err !== undefined) {
    // Weight by traffic; an idle endpoint still counts a little so a lone error shows.
    const w = Math.max(rate, 1e-6);
    acc.errWeighted += sign * err * w;
    acc.errWeight += sign * w;
  }
  let cluster = acc.clusters.get(e.cluster);
  if (!cluster) {
    cluster = {
      cluster: e.cluster,
      source: e.source,
      health: emptyCounts(),
      requestRate: 0,
      spendPerHour: 0,
    };
    acc.clusters.set(e.cluster, cluster);
  }
  cluster.health[status] += sign;
  cluster.health.total += sign;
  cluster.requestRate += sign * rate;
  cluster.spendPerHour += sign * spend;
}

/** The regions (and their clusters) that still hold endpoints, as the views read them. */
function regionsOf(byRegion: ReadonlyMap<string, RegionAcc>): RegionAggregate[] {
  return [...byRegion.values()]
    .filter((acc) => acc.health.total > 0)
    .sort((a, b) => a.region.localeCompare(b.region))
    .map(({ errWeighted, errWeight, clusters, ...rest }) => ({
      ...rest,
      health: { ...rest.health },
      // Sums of non-negative figures: a tiny negative is float rounding, not a figure.
      requestRate: Math.max(0, rest.requestRate),
      spendPerHour: Math.max(0, rest.spendPerHour),
      worst: worstOf(rest.health),
      errorRate: errWeight > 1e-9 ? Math.max(0, errWeighted / errWeight) : null,
      clusters: [...clusters.values()]
        .filter((c) => c.health.total > 0)
        .sort((a, b) => a.cluster.localeCompare(b.cluster))
        .map((c) => ({ ...c, health: { ...c.health } })),
    }));
}

/** Symbol diameter in px: area proportional to traffic (sqrt scale), never smaller than `min`. */
export function symbolSize(requestRate: number, maxRate: number, min = 14, max = 44): number {
  if (!(maxRate > 0) || !(requestRate > 0)) return min;
  return min + (max - min) * Math.sqrt(Math.min(requestRate, maxRate) / maxRate);
}

/**
 * What the map draws for one region: where, how big, in which colour, with which words. Kept
 * apart from the region's figures so a live tick that moved only traffic decimals can be told
 * from one that changed what a person sees (live-tick benchmark, issue 4).
 */
export interface RegionMark {
  region: string;
  label: string;
  lon: number;
  lat: number;
  size: number;
  worst: HealthStatus;
  /** The label under the region name: "OK", "15 critical". */
  healthLine: string;
  /** Active incidents on its endpoints, in words ("SEV1 incident", "2 incidents, worst SEV1"); '' for none. */
  incidentLine: string;
  position: 'left' | 'right' | 'bottom';
}

/** Active incidents touching a region's endpoints: how many, the worst, and one to link to. */
export interface RegionIncidents {
  count: number;
  worst: IncidentSeverity;
  firstId: string;
}

/**
 * Regions with an active incident, from the endpoints' incident badges: each incident counts once
 * per region it touches. An incident whose endpoints left the fleet marks no region.
 */
export function incidentsByRegion(
  endpointIncidents: ReadonlyMap<string, { id: string; severity: IncidentSeverity }>,
  regionOf: (endpointId: string) => string | undefined,
): Map<string, RegionIncidents> {
  const seen = new Map<string, Set<string>>();
  const out = new Map<string, RegionIncidents>();
  for (const [endpointId, incident] of endpointIncidents) {
    const region = regionOf(endpointId);
    if (region === undefined) continue;
    const ids = seen.get(region) ?? new Set<string>();
    seen.set(region, ids);
    if (ids.has(incident.id)) continue;
    ids.add(incident.id);
    const held = out.get(region);
    if (!held) out.set(region, { count: 1, worst: incident.severity, firstId: incident.id });
    else {
      held.count += 1;
      // sev1 sorts first: the lower string is the worse severity.
      if (incident.severity < held.worst) {
        held.worst = incident.severity;
        held.firstId = incident.id;
      }
    }
  }
  return out;
}

export const incidentLine = (i: RegionIncidents | undefined): string =>
  !i
    ? ''
    : i.count === 1
      ? `${i.worst.toUpperCase()} incident`
      : `${i.count} incidents, worst ${i.worst.toUpperCase()}`;

/**
 * How two mark lists differ. `health`: a region came or went, or its colour or words changed;
 * shown at once. `traffic`: only a symbol grew or shrank by a pixel or more; may wait.
 * `none`: the map would draw the same (sub-pixel size moves are not worth a chart update).
 */
export function markChange(
  prev: readonly RegionMark[] | null,
  next: readonly RegionMark[],
): 'health' | 'traffic' | 'none' {
  if (!prev || prev.length !== next.length) return 'health';
  let traffic = false;
  for (let i = 0; i < next.length; i++) {
    const a = prev[i]!;
    const b = next[i]!;
    if (
      a.region !== b.region ||
      a.label !== b.label ||
      a.worst !== b.worst ||
      a.healthLine !== b.healthLine ||
      a.incidentLine !== b.incidentLine ||
      a.position !== b.position ||
      a.lon !== b.lon ||
      a.lat !== b.lat
    )
      return 'health';
    if (Math.abs(a.size - b.size) >= 1) traffic = true;
  }
  return traffic ? 'traffic' : 'none';
}

/** A full pass every this many updates, so the running float sums cannot drift. */
const FULL_PASS_EVERY = 120;

/**
 * aggregateRegions for a live fleet: each update takes the store's newest endpoints map and
 * re-counts only the endpoints whose object changed since the last one (the data slice makes a
 * new object per changed endpoint and keeps the rest), subtracting the old figures and adding
 * the new. At 10,000 endpoints a tick changes a few hundred, and the full pass cost ~9 ms of
 * every tick (live-tick benchmark, issue 4). Same result as aggregateRegions, up to float
 * rounding in the sums, which a periodic full pass resets.
 *
 * `changesBetween` (the data slice's endpointChangesBetween) names the ids that may differ
 * between two maps, so an update reads those few instead of comparing all 10,000 entries
 * (~2.5 ms of a tick); when it answers null, or is not given, the maps are compared.
 */
export function createRegionAggregator(
  places: Readonly<Record<string, RegionPlace>>,
  changesBetween?: (
    older: ReadonlyMap<string, Endpoint>,
    newer: ReadonlyMap<string, Endpoint>,
  ) => Iterable<string> | null,
) {
  let last: ReadonlyMap<string, Endpoint> | null = null;
  let byRegion = new Map<string, RegionAcc>();
  let result: RegionAggregate[] = [];
  let updates = 0;

  const apply = (e: Endpoint, sign: 1 | -1) => accumulate(byRegion, places, e, sign);

  const full = (endpoints: ReadonlyMap<string, Endpoint>) => {
    byRegion = new Map();
    for (const e of endpoints.values()) apply(e, 1);
  };

  /** Every entry of both maps compared: for when the changed ids are not known. */
  const compare = (before: ReadonlyMap<string, Endpoint>, endpoints: ReadonlyMap<string, Endpoint>) => {
    let kept = 0;
    // forEach, not for-of over entries: no [id, endpoint] pair allocated per endpoint per tick.
    endpoints.forEach((e, id) => {
      const old = before.get(id);
      if (old === e) {
        kept += 1;
        return;
      }
      if (old) {
        kept += 1;
        apply(old, -1);
      }
      apply(e, 1);
    });
    // Some of the last endpoints are gone: take them out.
    if (kept < before.size) for (const [id, e] of before) if (!endpoints.has(id)) apply(e, -1);
  };

  return {
    update(endpoints: ReadonlyMap<string, Endpoint>): RegionAggregate[] {
      if (endpoints === last) return result;
      updates += 1;
      if (!last || updates % FULL_PASS_EVERY === 0) full(endpoints);
      else {
        const changed = changesBetween?.(last, endpoints) ?? null;
        if (changed === null) compare(last, endpoints);
        else
          for (const id of changed) {
            const old = last.get(id);
            const e = endpoints.get(id);
            if (old === e) continue;
            if (old) apply(old, -1);
            if (e) apply(e, 1);
          }
      }
      last = endpoints;
      result = regionsOf(byRegion);
      return result;
    },
  };
}
