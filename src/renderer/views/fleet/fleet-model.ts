import type {
  Endpoint,
  HealthCounts,
  HealthStatus,
  IncidentSeverity,
  RegionFigures,
} from '../../../shared/contract/index';

/**
 * Pure fleet models for the Fleet view: the map and the treemap never chart 10,000 endpoints one
 * by one (issue 4, "fast and calm at 10,000 endpoints"); they chart regions (summed by the core,
 * in the summary) and clusters.
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

export const worstOf = (counts: HealthCounts): HealthStatus =>
  counts.critical > 0 ? 'critical' : counts.warning > 0 ? 'warning' : counts.unknown > 0 ? 'unknown' : 'ok';

export interface RegionPlace {
  lat: number;
  lon: number;
  label: string;
}

/** A region as the map shows it: the core's figures, placed and with its worst health. */
export interface RegionAggregate extends RegionFigures {
  label: string;
  /** null when the region code is not in regions.json: listed beside the map, never dropped. */
  place: { lat: number; lon: number } | null;
  worst: HealthStatus;
}

export const requestRateOf = (e: Endpoint): number => e.metrics.request_rate?.value ?? 0;
export const spendRateOf = (e: Endpoint): number => e.metrics.spend_per_hour?.value ?? e.hourlyPriceUsd ?? 0;

/**
 * The summary's regions placed on the map (regions.json), with their worst health. Sums of
 * non-negative figures come from the core; only the place and the words are added here.
 */
export function placeRegions(
  figures: readonly RegionFigures[],
  places: Readonly<Record<string, RegionPlace>>,
): RegionAggregate[] {
  return figures
    .filter((r) => r.health.total > 0)
    .map((r) => {
      const place = places[r.region];
      return {
        ...r,
        label: place?.label ?? r.region,
        place: place ? { lat: place.lat, lon: place.lon } : null,
        worst: worstOf(r.health),
      };
    });
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
