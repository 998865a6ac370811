import {
  derivationInputs,
  emptyAggregate,
  labelMatches,
  nativeKey,
  resolveNative,
  runtimeMetricMap,
  runtimeNativeNames,
  type Bucket,
  type EndpointAggregate,
  type GaugeAggregate,
  type NativeMetric,
  type RuntimeName,
} from '../../../shared/fleet/runtime-metrics';
import { labelsKey, type Exposition } from './exposition.parser';

/**
 * From two scrapes of a target to canonical values, the way Prometheus would compute them over
 * the interval between the scrapes:
 *   counter rate  = increase / dt, increase = cur - prev, or cur after a reset (cur < prev) or
 *                   for a series that was not there last time (created since: all of it is new);
 *   quantile      = histogram_quantile over bucket increases, merged across an endpoint's pods
 *                   by `le` BEFORE interpolating (averaging per-pod quantiles would be wrong);
 *   gauges        = latest value, combined across series and pods (sum, max or avg).
 * Everything is keyed by the native metric's current name, so a pod that moved from a legacy
 * name to the new one (an upgrade, which restarts it and resets its counters) keeps its history.
 */

/** One native metric as read from one scrape. */
interface CounterRead {
  kind: 'counter';
  series: Map<string, number>;
}
interface HistogramRead {
  kind: 'histogram';
  series: Map<string, { buckets: Bucket[]; sum: number; count: number }>;
}
interface GaugeRead {
  kind: 'gauge';
  sum: number;
  max: number;
  n: number;
}
type NativeRead = CounterRead | HistogramRead | GaugeRead;

export interface TargetReading {
  /** When the scrape was taken, epoch ms. */
  at: number;
  runtime: RuntimeName;
  /** The map's native names (current and legacy) present in the scrape, for rename reports. */
  names: Set<string>;
  /** By native key (current name plus label filter). */
  reads: Map<string, NativeRead>;
}

/** What one target contributed over one interval. */
export interface TargetDelta {
  dtSeconds: number;
  /** Counter per-second rates, summed over the target's series. */
  rates: Map<string, number>;
  /** Histogram `_sum` per-second rates. */
  sumRates: Map<string, number>;
  /** Histogram bucket increases by `le`, summed over the target's series. */
  buckets: Map<string, Map<number, number>>;
}

const nativesByRuntime = new Map<RuntimeName, NativeMetric[]>();
function nativesOf(runtime: RuntimeName): NativeMetric[] {
  let list = nativesByRuntime.get(runtime);
  if (!list) {
    // Every input of every derivation, with distinct label filters kept apart.
    const seen = new Map<string, NativeMetric>();
    for (const d of Object.values(runtimeMetricMap(runtime).metrics)) {
      for (const { native } of derivationInputs(d)) seen.set(nativeKey(native), native);
    }
    nativesByRuntime.set(runtime, (list = [...seen.values()]));
  }
  return list;
}

/**
 * Extracts what the runtime's map needs from a parsed scrape and keeps nothing else (at 10,000
 * endpoints the previous scrape of every target stays in memory).
 */
export function readTarget(exposition: Exposition, runtime: RuntimeName, at: number): TargetReading {
  const reads = new Map<string, NativeRead>();
  const names = new Set<string>();
  for (const name of runtimeNativeNames(runtime)) if (exposition.names.has(name)) names.add(name);
  for (const native of nativesOf(runtime)) {
    const r = resolveNative(native, exposition.names);
    if (r.state === 'missing') continue;
    const key = nativeKey(native);
    if (native.type === 'histogram') {
      const series = new Map<string, { buckets: Bucket[]; sum: number; count: number }>();
      for (const h of exposition.histograms.get(r.name) ?? []) {
        if (!labelMatches(native.match, native.match ? h.labels[native.match.label] : undefined)) continue;
        series.set(labelsKey(h.labels), { buckets: h.buckets, sum: h.sum, count: h.count });
      }
      reads.set(key, { kind: 'histogram', series });
    } else if (native.type === 'counter') {
      const series = new Map<string, number>();
      for (const s of exposition.samples.get(r.name) ?? []) {
        if (!labelMatches(native.match, native.match ? s.labels[native.match.label] : undefined)) continue;
        series.set(labelsKey(s.labels), s.value);
      }
      reads.set(key, { kind: 'counter', series });
    } else {
      let sum = 0;
      let max = -Infinity;
      let n = 0;
      for (const s of exposition.samples.get(r.name) ?? []) {
        if (!labelMatches(native.match, native.match ? s.labels[native.match.label] : undefined)) continue;
        if (Number.isNaN(s.value)) continue;
        sum += s.value;
        max = Math.max(max, s.value);
        n++;
      }
      reads.set(key, { kind: 'gauge', sum, max, n });
    }
  }
  return { at, runtime, names, reads };
}

/** Increase of a counter between two readings, Prometheus-style (a drop is a reset). */
export function counterIncrease(prev: number | undefined, cur: number): number {
  if (prev === undefined) return cur;
  return cur >= prev ? cur - prev : cur;
}

/** The increases between two scrapes of one target; null when they are not a valid pair. */
export function diffReadings(prev: TargetReading, cur: TargetReading): TargetDelta | null {
  const dtSeconds = (cur.at - prev.at) / 1000;
  if (!(dtSeconds > 0)) return null;
  const rates = new Map<string, number>();
  const sumRates = new Map<string, number>();
  const buckets = new Map<string, Map<number, number>>();
  for (const [key, read] of cur.reads) {
    const before = prev.reads.get(key);
    if (read.kind === 'counter') {
      const old = before?.kind === 'counter' ? before.series : undefined;
      let increase = 0;
      for (const [series, value] of read.series) {
        if (!Number.isFinite(value)) continue;
        increase += counterIncrease(old?.get(series), value);
      }
      rates.set(key, increase / dtSeconds);
    } else if (read.kind === 'histogram') {
      const old = before?.kind === 'histogram' ? before.series : undefined;
      const byLe = new Map<number, number>();
      let sumIncrease = 0;
      for (const [series, h] of read.series) {
        const p = old?.get(series);
        // A histogram resets as a whole: its count going down means the process restarted.
        const reset = !p || h.count < p.count;
        if (Number.isFinite(h.sum)) sumIncrease += reset ? h.sum : h.sum - p.sum;
        const prevByLe = reset ? null : new Map(p.buckets.map((b) => [b.le, b.count]));
        for (const b of h.buckets) {
          const d = reset ? b.count : b.count - (prevByLe!.get(b.le) ?? 0);
          byLe.set(b.le, (byLe.get(b.le) ?? 0) + d);
        }
      }
      buckets.set(key, byLe);
      sumRates.set(key, sumIncrease / dtSeconds);
    }
  }
  return { dtSeconds, rates, sumRates, buckets };
}

/** Gauges of one reading, for merging into its endpoint (first scrapes have gauges too). */
export function readingGauges(reading: TargetReading): Map<string, GaugeAggregate> {
  const out = new Map<string, GaugeAggregate>();
  for (const [key, read] of reading.reads) {
    if (read.kind === 'gauge' && read.n > 0) out.set(key, { sum: read.sum, max: read.max, n: read.n });
  }
  return out;
}

/**
 * Sums an endpoint's targets: rates add, bucket increases add per `le`, gauges combine. The
 * result goes to canonicalValues() (shared/fleet/runtime-metrics.ts).
 */
export function aggregateEndpoint(
  targets: readonly TargetReading[],
  deltas: ReadonlyArray<TargetDelta | null>,
): EndpointAggregate {
  const agg = emptyAggregate(false);
  targets.forEach((reading, i) => {
    for (const key of reading.reads.keys()) agg.seen.add(key);
    const delta = deltas[i] ?? null;
    const gauges = readingGauges(reading);
    for (const [key, g] of gauges) {
      const cur = agg.gauges.get(key);
      if (cur) {
        cur.sum += g.sum;
        cur.max = Math.max(cur.max, g.max);
        cur.n += g.n;
      } else agg.gauges.set(key, { ...g });
    }
    if (!delta) return;
    agg.hasDeltas = true;
    for (const [key, v] of delta.rates) agg.rates.set(key, (agg.rates.get(key) ?? 0) + v);
    for (const [key, v] of delta.sumRates) agg.sumRates.set(key, (agg.sumRates.get(key) ?? 0) + v);
    for (const [key, byLe] of delta.buckets) {
      let merged = agg.buckets.get(key);
      if (!merged) agg.buckets.set(key, (merged = new Map()));
      for (const [le, v] of byLe) merged.set(le, (merged.get(le) ?? 0) + v);
    }
  });
  return agg;
}
