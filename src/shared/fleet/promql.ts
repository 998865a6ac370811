import type { MetricName } from './metrics';
import { runtimeMetricMap, type Derivation, type NativeMetric, type RuntimeName } from './runtime-metrics';

/**
 * PromQL for Fleetdeck's canonical metrics, per runtime (runtime-metrics.ts says what to read),
 * plus the two pieces of Prometheus semantics the direct-scrape provider reproduces:
 * `histogram_quantile` and the `query_range` point budget. Pure: no Node, no network.
 */

/** Prometheus refuses a query_range whose (end - start) / step exceeds this (per series). */
export const PROMETHEUS_MAX_POINTS = 11_000;

export interface LabelMatcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface CanonicalQueryOptions {
  /** Rate window, e.g. "1m" (see rateWindow). */
  window: string;
  /** Labels that identify an endpoint's series, e.g. ["namespace", "pod"]; [] sums everything. */
  groupBy: readonly string[];
  /** Extra matchers on every selector, e.g. one endpoint's namespace and pods. */
  matchers?: readonly LabelMatcher[];
  /** Label names used instead of `groupBy`/`matchers` on GPU (DCGM) series, when they differ. */
  gpuLabels?: { groupBy: readonly string[]; matchers?: readonly LabelMatcher[] };
  /** Current native name -> name to query (a legacy name found by rename detection). */
  names?: ReadonlyMap<string, string>;
  /**
   * `server`: quantiles with histogram_quantile in Prometheus (exact when `groupBy` identifies an
   * endpoint). `buckets`: return the per-`le` bucket rates instead, so the caller can merge pods
   * into endpoints before taking the quantile (histogramQuantile below).
   */
  quantiles?: 'server' | 'buckets';
}

export type CanonicalQuery =
  | { metric: MetricName; kind: 'value'; expr: string; idleValue?: number }
  | { metric: MetricName; kind: 'buckets'; expr: string; q: number };

const isGpu = (n: NativeMetric) => n.name.startsWith('DCGM_');

/** A PromQL string literal: backslash, double quote and newline escaped. */
export function quoteLabelValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Escapes RE2 metacharacters so a literal (a pod name) can go inside `=~`. */
export function escapeRegex(literal: string): string {
  return literal.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/** `name{a="b",c=~"d"}`; names with colons are valid PromQL identifiers. */
export function selector(name: string, matchers: readonly LabelMatcher[] = []): string {
  if (matchers.length === 0) return name;
  return `${name}{${matchers.map((m) => `${m.label}${m.op}${quoteLabelValue(m.value)}`).join(',')}}`;
}

const by = (labels: readonly string[]) => (labels.length > 0 ? ` by (${labels.join(', ')})` : '');

/**
 * The PromQL for one canonical metric of one runtime, or null when the runtime cannot provide it
 * (runtime-metrics.ts says why). Quantiles, e.g. vLLM latency_p95:
 *   histogram_quantile(0.95, sum by (le, namespace, pod) (rate(vllm:e2e_request_latency_seconds_bucket[1m])))
 */
export function canonicalQuery(
  runtime: RuntimeName,
  metric: MetricName,
  options: CanonicalQueryOptions,
): CanonicalQuery | null {
  const d = runtimeMetricMap(runtime).metrics[metric];
  if (!d) return null;
  return buildQuery(metric, d, options);
}

function buildQuery(metric: MetricName, d: Derivation, o: CanonicalQueryOptions): CanonicalQuery {
  const groupOf = (n: NativeMetric) => (isGpu(n) && o.gpuLabels ? o.gpuLabels.groupBy : o.groupBy);
  const matchersOf = (n: NativeMetric, extra: LabelMatcher[] = []): LabelMatcher[] => {
    const base = isGpu(n) && o.gpuLabels ? (o.gpuLabels.matchers ?? []) : (o.matchers ?? []);
    const own: LabelMatcher[] = n.match ? [{ label: n.match.label, op: '=~', value: n.match.regex }] : [];
    return [...base, ...own, ...extra];
  };
  const nameOf = (n: NativeMetric) => o.names?.get(n.name) ?? n.name;
  const rate = (n: NativeMetric, suffix = '') =>
    `sum${by(groupOf(n))} (rate(${selector(nameOf(n) + suffix, matchersOf(n))}[${o.window}]))`;
  // `a or b * 0`: keeps the sum defined when an optional series (5xx responses) does not exist.
  const orZero = (optional: string, anchor: string) => `(${optional} or ${anchor} * 0)`;

  switch (d.kind) {
    case 'rate': {
      const main = rate(d.of);
      if (!d.plus || d.plus.length === 0) return { metric, kind: 'value', expr: main };
      return { metric, kind: 'value', expr: [main, ...d.plus.map((p) => orZero(rate(p), main))].join(' + ') };
    }
    case 'histogram_sum_rate':
      return { metric, kind: 'value', expr: rate(d.of, '_sum') };
    case 'quantile': {
      const groups = ['le', ...groupOf(d.of)];
      const buckets = `sum by (${groups.join(', ')}) (rate(${selector(nameOf(d.of) + '_bucket', matchersOf(d.of))}[${o.window}]))`;
      if (o.quantiles === 'buckets') return { metric, kind: 'buckets', expr: buckets, q: d.q };
      return { metric, kind: 'value', expr: `histogram_quantile(${d.q}, ${buckets})` };
    }
    case 'gauge': {
      const expr = `${d.combine}${by(groupOf(d.of))} (${selector(nameOf(d.of), matchersOf(d.of))})`;
      return { metric, kind: 'value', expr: d.scale === 1 ? expr : `${expr} * ${d.scale}` };
    }
    case 'failure_ratio': {
      const s = rate(d.successes);
      const f = orZero(rate(d.failures), s);
      // 0/0 (no requests) is NaN in PromQL; idleValue tells the caller to read it as 0.
      return { metric, kind: 'value', expr: `${f} / (${s} + ${f})`, idleValue: 0 };
    }
    case 'unsuccessful_ratio': {
      const t = rate(d.total);
      return { metric, kind: 'value', expr: `(${t} - ${rate(d.successes)}) / ${t}`, idleValue: 0 };
    }
  }
}

/** Every canonical query a runtime supports, in canonical order. */
export function canonicalQueries(runtime: RuntimeName, options: CanonicalQueryOptions): CanonicalQuery[] {
  const out: CanonicalQuery[] = [];
  for (const [metric, d] of Object.entries(runtimeMetricMap(runtime).metrics) as Array<
    [MetricName, Derivation]
  >) {
    out.push(buildQuery(metric, d, options));
  }
  return out;
}

/**
 * The query that lists which of `names` exist, per endpoint label set, for rename detection:
 *   count by (__name__, namespace, pod) ({__name__=~"a|b|c"})
 * Histograms are asked for by `_count` (one series per label set, not one per bucket).
 */
export function presentNamesQuery(
  natives: ReadonlyArray<{ name: string; type: string }>,
  groupBy: readonly string[],
): string {
  const names = natives.map((n) => escapeRegex(n.type === 'histogram' ? `${n.name}_count` : n.name));
  const unique = [...new Set(names)].sort();
  return `count by (${['__name__', ...groupBy].join(', ')}) ({__name__=~${quoteLabelValue(unique.join('|'))}})`;
}

// histogram_quantile lives beside the derivations that use it; re-exported for PromQL users.
export { histogramQuantile, type Bucket } from './runtime-metrics';

// --- query_range budget ---

export interface RangeStep {
  /** Start aligned up to a multiple of the step, so successive refreshes hit the same timestamps. */
  startMs: number;
  endMs: number;
  stepSeconds: number;
  /** Points Prometheus will return per series: floor((end - start) / step) + 1. */
  points: number;
}

/**
 * Picks a query_range step so that a series has at most `maxPoints` points (one per pixel, about)
 * and never more than Prometheus' 11,000: step >= span / (limit - 1), in whole seconds from one
 * second up (whole milliseconds below), and never under `minStepSeconds` (the scrape interval:
 * finer steps only repeat samples).
 */
export function chooseStep(startMs: number, endMs: number, maxPoints: number, minStepSeconds = 1): RangeStep {
  const limit = Math.max(1, Math.min(PROMETHEUS_MAX_POINTS, Math.floor(maxPoints)));
  const spanMs = Math.max(0, endMs - startMs);
  let stepMs: number;
  if (limit === 1) stepMs = spanMs + 1;
  else stepMs = Math.ceil(spanMs / (limit - 1));
  stepMs = Math.max(stepMs, Math.ceil(minStepSeconds * 1000), 1);
  if (stepMs >= 1000) stepMs = Math.ceil(stepMs / 1000) * 1000;
  const alignedStart = Math.min(endMs, Math.ceil(startMs / stepMs) * stepMs);
  const points = Math.floor((endMs - alignedStart) / stepMs) + 1;
  return { startMs: alignedStart, endMs, stepSeconds: stepMs / 1000, points };
}

/**
 * The rate() window for a step, like Grafana's $__rate_interval: at least four scrape intervals
 * (so a window always holds two samples even with a missed scrape) and at least step + one
 * scrape interval (so consecutive points' windows touch and no increase falls between them).
 */
export function rateWindow(stepSeconds: number, scrapeIntervalSeconds: number): string {
  const seconds = Math.max(4 * scrapeIntervalSeconds, stepSeconds + scrapeIntervalSeconds);
  return formatDuration(seconds);
}

/** A PromQL duration: whole seconds ("90s"), or milliseconds below a second's precision. */
export function formatDuration(seconds: number): string {
  const ms = Math.max(1, Math.round(seconds * 1000));
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
