import type { IncidentEndpoint, MetricSnapshot } from '../../../shared/contract/incident.schema';
import type { MetricName } from '../../../shared/fleet/metrics';
import { sloForModel, type Slo } from '../../../shared/fleet/slo';
import type { MetricsStore } from '../../metrics/metrics.store';
import { signalMetric } from './incident-signals';

/** The window a snapshot covers before the event: enough to see the change begin. */
export const SNAPSHOT_BEFORE_MS = 30 * 60_000;
/** About one point per pixel of an inline timeline chart (ARCHITECTURE.md: bounded series). */
export const SNAPSHOT_POINTS = 180;
/** At most this many charts per event, and this many endpoints per chart. */
export const SNAPSHOT_METRICS = 4;
export const SNAPSHOT_SERIES = 10;

/** What every incident is charted with after its own signals: latency, errors, throughput. */
const baseline: MetricName[] = ['latency_p95', 'error_rate', 'request_rate'];

/** The metrics charted for an incident with these signals, its own signals first. */
export function snapshotMetrics(signals: readonly string[]): MetricName[] {
  const chosen: MetricName[] = [];
  for (const m of [...signals.map((s) => signalMetric[s]), ...baseline]) {
    if (m && !chosen.includes(m)) chosen.push(m);
  }
  return chosen.slice(0, SNAPSHOT_METRICS);
}

/** The SLO line of a metric (the critical threshold), when it has one. */
export function sloThreshold(metric: MetricName, slo: Slo): number | null {
  if (metric === 'latency_p95') return slo.latencyP95CritS;
  if (metric === 'error_rate') return slo.errorRateCrit;
  return null;
}

export interface SnapshotInput {
  metrics: MetricsStore;
  /** Per-model SLO overrides (SloBook.all()). */
  slos: Readonly<Record<string, Slo>>;
  endpoints: ReadonlyArray<Pick<IncidentEndpoint, 'id' | 'name' | 'model' | 'cluster'>>;
  signals: readonly string[];
  now: number;
}

/**
 * The chart data around an event, copied out of the metrics cache so it renders later with
 * no source at all (and after the cache's raw window has rolled up). A gap longer than three
 * steps is kept as a null point, so the chart shows missing data as missing, not as a slope.
 * Metrics with no data for any endpoint are left out.
 */
export function takeSnapshots(input: SnapshotInput): MetricSnapshot[] {
  const endpoints = input.endpoints.slice(0, SNAPSHOT_SERIES);
  if (endpoints.length === 0) return [];
  const from = input.now - SNAPSHOT_BEFORE_MS;
  const to = input.now;
  // One threshold per chart: the SLO of the model most of the charted endpoints serve.
  const counts = new Map<string, number>();
  for (const e of endpoints) counts.set(e.model, (counts.get(e.model) ?? 0) + 1);
  const model = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  const slo = sloForModel(model, input.slos);
  const labels = labelsFor(endpoints);
  const snapshots: MetricSnapshot[] = [];
  for (const metric of snapshotMetrics(input.signals)) {
    const results = input.metrics.series(
      { endpointIds: endpoints.map((e) => e.id), metric, from, to, maxPoints: SNAPSHOT_POINTS },
      input.now,
    );
    if (results.every((r) => r.points.length === 0)) continue;
    snapshots.push({
      metric,
      from,
      to,
      threshold: sloThreshold(metric, slo),
      series: results.map((r, i) => ({
        endpointId: r.endpointId,
        label: labels[i]!,
        points: withGaps(r.points, r.stepMs),
      })),
    });
  }
  return snapshots;
}

/** Names, with the cluster where two endpoints share a name (llama-8b-chat in two regions). */
function labelsFor(endpoints: ReadonlyArray<Pick<IncidentEndpoint, 'name' | 'cluster'>>): string[] {
  const names = endpoints.map((e) => e.name);
  return endpoints.map((e) =>
    names.filter((n) => n === e.name).length > 1 ? `${e.name} (${e.cluster})` : e.name,
  );
}

function withGaps(points: Array<[number, number]>, stepMs: number): Array<[number, number | null]> {
  const out: Array<[number, number | null]> = [];
  const gap = Math.max(3 * stepMs, 60_000);
  let previous: number | null = null;
  for (const [t, v] of points) {
    const at = Math.round(t);
    if (previous !== null && at - previous > gap) out.push([previous + Math.max(1, stepMs), null]);
    out.push([at, v]);
    previous = at;
  }
  return out;
}
