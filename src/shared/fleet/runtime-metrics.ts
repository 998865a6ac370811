import type { MetricName } from './metrics';

/**
 * How each canonical metric is derived from a serving runtime's own Prometheus names, for vLLM,
 * TGI and Triton (reference/ai-serving-apis.md §4). Pure data plus name resolution, shared by the
 * direct-scrape provider (which evaluates it on exposition text) and promql.ts (which turns it
 * into PromQL for a Prometheus-compatible backend), so both read the same series the same way.
 *
 * Every native name lists the older names it replaced: a server on an old release is still read
 * (through the legacy name) and the rename is reported, because dashboards built on one name
 * "silently return no data" on the other (vLLM's own warning). A canonical metric a runtime cannot
 * provide is listed with the reason, so the UI says why instead of drawing a flat line.
 */

export const runtimeNames = ['vllm', 'tgi', 'triton'] as const;
export type RuntimeName = (typeof runtimeNames)[number];

export const isRuntimeName = (value: unknown): value is RuntimeName =>
  typeof value === 'string' && (runtimeNames as readonly string[]).includes(value);

export type NativeType = 'counter' | 'gauge' | 'histogram';

/** A label filter with PromQL `=~` semantics: the regex must match the whole value. */
export interface LabelMatch {
  label: string;
  regex: string;
}

export interface LegacyName {
  name: string;
  /** The rename in words, e.g. "renamed to vllm:kv_cache_usage_perc by vLLM PR #18354". */
  note: string;
}

export interface NativeMetric {
  /** Current name; for a histogram the family name, without `_bucket`/`_sum`/`_count`. */
  name: string;
  type: NativeType;
  /** Names the same series had in older releases, newest first. */
  legacy?: readonly LegacyName[];
  /** Only series whose label matches, e.g. `status=~"5.."`. */
  match?: LabelMatch;
  /** Where the series comes from, when it is not the runtime itself (shown with "not found"). */
  origin?: string;
}

/**
 * A derivation, evaluated per endpoint over all its pods:
 * - `rate`: sum over series and pods of the counter's per-second increase; `plus` are added when
 *   present and never reported missing.
 * - `histogram_sum_rate`: per-second increase of a histogram's `_sum` (token totals in TGI).
 * - `quantile`: `histogram_quantile(q)` over the bucket increases merged across pods.
 * - `gauge`: current value combined across series and pods, times `scale`.
 * - `failure_ratio`: failures / (successes + failures), both as rates.
 * - `unsuccessful_ratio`: (total - successes) / total, both as rates.
 * Ratios with no requests in the window are 0: an idle endpoint is not failing.
 */
export type Derivation =
  | { kind: 'rate'; of: NativeMetric; plus?: readonly NativeMetric[] }
  | { kind: 'histogram_sum_rate'; of: NativeMetric }
  | { kind: 'quantile'; q: number; of: NativeMetric }
  | { kind: 'gauge'; of: NativeMetric; combine: 'sum' | 'max' | 'avg'; scale: number }
  | { kind: 'failure_ratio'; failures: NativeMetric; successes: NativeMetric }
  | { kind: 'unsuccessful_ratio'; total: NativeMetric; successes: NativeMetric };

export interface RuntimeMetricMap {
  runtime: RuntimeName;
  label: string;
  /** Name prefix of the runtime's own series, for detection when a pod's runtime is unknown. */
  prefix: string;
  metrics: Partial<Record<MetricName, Derivation>>;
  /** Canonical metrics this runtime cannot provide, and why. */
  unavailable: Partial<Record<MetricName, string>>;
}

/** Metrics that come from elsewhere (spend: GPU prices and token prices), never from a runtime. */
export const nonRuntimeMetrics: readonly MetricName[] = ['spend_per_hour'];

// --- NVIDIA DCGM exporter (§4.3): per GPU, on the node; percent and MiB. ---
const dcgmOrigin = 'NVIDIA DCGM exporter';
const dcgmGpuUtil: NativeMetric = { name: 'DCGM_FI_DEV_GPU_UTIL', type: 'gauge', origin: dcgmOrigin };
const dcgmFbUsed: NativeMetric = { name: 'DCGM_FI_DEV_FB_USED', type: 'gauge', origin: dcgmOrigin };
const dcgmMetrics: Partial<Record<MetricName, Derivation>> = {
  // Percent 0..100 averaged over the endpoint's GPUs -> ratio 0..1.
  gpu_util: { kind: 'gauge', of: dcgmGpuUtil, combine: 'avg', scale: 0.01 },
  // MiB summed over the endpoint's GPUs -> bytes.
  gpu_mem_used: { kind: 'gauge', of: dcgmFbUsed, combine: 'sum', scale: 1024 * 1024 },
};

// --- vLLM (V1 engine, §4.1). Every series carries `model_name`; all are summed per endpoint. ---
const vllmE2e: NativeMetric = { name: 'vllm:e2e_request_latency_seconds', type: 'histogram' };
const vllmSuccess: NativeMetric = { name: 'vllm:request_success_total', type: 'counter' };
/**
 * vLLM counts finished requests (`finished_reason` stop|length|abort) but not failed ones; its
 * API server's HTTP instrumentator counts responses by status. Failures are the 5xx responses;
 * a client abort is not a server failure, and 4xx are left out because the instrumentator groups
 * status codes ("4xx"), so a 429 from a full queue cannot be told from a client's bad request
 * (TGI differs: its request_count - request_success includes rejected requests). Without
 * `http_requests_total` (an engine scraped without its API server) error_rate is reported missing
 * rather than shown as 0.
 */
const vllmHttp5xx: NativeMetric = {
  name: 'http_requests_total',
  type: 'counter',
  match: { label: 'status', regex: '5..' },
  origin: "vLLM's API server, prometheus-fastapi-instrumentator",
};

const vllm: RuntimeMetricMap = {
  runtime: 'vllm',
  label: 'vLLM',
  prefix: 'vllm:',
  metrics: {
    request_rate: { kind: 'rate', of: vllmSuccess, plus: [vllmHttp5xx] },
    error_rate: { kind: 'failure_ratio', failures: vllmHttp5xx, successes: vllmSuccess },
    latency_p50: { kind: 'quantile', q: 0.5, of: vllmE2e },
    latency_p95: { kind: 'quantile', q: 0.95, of: vllmE2e },
    latency_p99: { kind: 'quantile', q: 0.99, of: vllmE2e },
    ttft_p95: {
      kind: 'quantile',
      q: 0.95,
      of: { name: 'vllm:time_to_first_token_seconds', type: 'histogram' },
    },
    itl_p95: {
      kind: 'quantile',
      q: 0.95,
      of: {
        name: 'vllm:inter_token_latency_seconds',
        type: 'histogram',
        legacy: [
          {
            name: 'vllm:time_per_output_token_seconds',
            note: 'renamed to vllm:inter_token_latency_seconds in vLLM 0.11; hidden in 0.12, removed in 0.13',
          },
        ],
      },
    },
    tokens_in_rate: { kind: 'rate', of: { name: 'vllm:prompt_tokens_total', type: 'counter' } },
    tokens_out_rate: { kind: 'rate', of: { name: 'vllm:generation_tokens_total', type: 'counter' } },
    queue_depth: {
      kind: 'gauge',
      of: { name: 'vllm:num_requests_waiting', type: 'gauge' },
      combine: 'sum',
      scale: 1,
    },
    kv_cache_usage: {
      kind: 'gauge',
      // 0..1 already; the fullest replica is what runs out first.
      of: {
        name: 'vllm:kv_cache_usage_perc',
        type: 'gauge',
        legacy: [
          {
            name: 'vllm:gpu_cache_usage_perc',
            note: 'renamed to vllm:kv_cache_usage_perc by vLLM PR #18354; no longer emitted by default',
          },
        ],
      },
      combine: 'max',
      scale: 1,
    },
    ...dcgmMetrics,
  },
  unavailable: {},
};

// --- TGI (§4.2): histograms in seconds, token histograms in counts. ---
const tgiCount: NativeMetric = { name: 'tgi_request_count', type: 'counter' };
const tgiSuccess: NativeMetric = { name: 'tgi_request_success', type: 'counter' };
const tgiDuration: NativeMetric = { name: 'tgi_request_duration', type: 'histogram' };

const tgi: RuntimeMetricMap = {
  runtime: 'tgi',
  label: 'TGI',
  prefix: 'tgi_',
  metrics: {
    request_rate: { kind: 'rate', of: tgiCount },
    error_rate: { kind: 'unsuccessful_ratio', total: tgiCount, successes: tgiSuccess },
    latency_p50: { kind: 'quantile', q: 0.5, of: tgiDuration },
    latency_p95: { kind: 'quantile', q: 0.95, of: tgiDuration },
    latency_p99: { kind: 'quantile', q: 0.99, of: tgiDuration },
    itl_p95: {
      kind: 'quantile',
      q: 0.95,
      of: { name: 'tgi_request_mean_time_per_token_duration', type: 'histogram' },
    },
    tokens_in_rate: {
      kind: 'histogram_sum_rate',
      of: { name: 'tgi_request_input_length', type: 'histogram' },
    },
    tokens_out_rate: {
      kind: 'histogram_sum_rate',
      of: { name: 'tgi_request_generated_tokens', type: 'histogram' },
    },
    queue_depth: { kind: 'gauge', of: { name: 'tgi_queue_size', type: 'gauge' }, combine: 'sum', scale: 1 },
    ...dcgmMetrics,
  },
  unavailable: {
    // Queue p95 plus mean prefill time is not the p95 of their sum, and prefill is measured per
    // batch, not per request: a derived figure would look precise and be wrong. Reported missing.
    ttft_p95:
      'TGI exports no time-to-first-token histogram (queue + prefill time would not be a p95); not reported',
    kv_cache_usage: 'TGI exports no KV-cache usage gauge; not reported',
  },
};

// --- Triton (optional): counters and cumulative microsecond durations, no latency histograms. ---
const tritonSuccess: NativeMetric = { name: 'nv_inference_request_success', type: 'counter' };
const tritonFailure: NativeMetric = { name: 'nv_inference_request_failure', type: 'counter' };
const tritonNoHistogram =
  'Triton exports cumulative durations (nv_inference_request_duration_us), not latency histograms; not reported';

const triton: RuntimeMetricMap = {
  runtime: 'triton',
  label: 'Triton',
  prefix: 'nv_',
  metrics: {
    request_rate: { kind: 'rate', of: tritonSuccess, plus: [tritonFailure] },
    error_rate: { kind: 'failure_ratio', failures: tritonFailure, successes: tritonSuccess },
    queue_depth: {
      kind: 'gauge',
      of: { name: 'nv_inference_pending_request_count', type: 'gauge' },
      combine: 'sum',
      scale: 1,
    },
    gpu_util: { kind: 'gauge', of: { name: 'nv_gpu_utilization', type: 'gauge' }, combine: 'avg', scale: 1 },
    gpu_mem_used: {
      kind: 'gauge',
      of: { name: 'nv_gpu_memory_used_bytes', type: 'gauge' },
      combine: 'sum',
      scale: 1,
    },
  },
  unavailable: {
    latency_p50: tritonNoHistogram,
    latency_p95: tritonNoHistogram,
    latency_p99: tritonNoHistogram,
    ttft_p95: 'Triton exports no time-to-first-token histogram by default; not reported',
    itl_p95: 'Triton exports no inter-token latency; not reported',
    tokens_in_rate: 'Triton counts inferences, not tokens; not reported',
    tokens_out_rate: 'Triton counts inferences, not tokens; not reported',
    kv_cache_usage: 'Triton exports no KV-cache usage; not reported',
  },
};

const maps: Record<RuntimeName, RuntimeMetricMap> = { vllm, tgi, triton };

export function runtimeMetricMap(runtime: RuntimeName): RuntimeMetricMap {
  return maps[runtime];
}

/** Native metrics a derivation reads, required ones first; `plus` entries are optional. */
export function derivationInputs(d: Derivation): Array<{ native: NativeMetric; optional: boolean }> {
  switch (d.kind) {
    case 'rate':
      return [
        { native: d.of, optional: false },
        ...(d.plus ?? []).map((native) => ({ native, optional: true })),
      ];
    case 'histogram_sum_rate':
    case 'quantile':
    case 'gauge':
      return [{ native: d.of, optional: false }];
    case 'failure_ratio':
      return [
        { native: d.failures, optional: false },
        { native: d.successes, optional: false },
      ];
    case 'unsuccessful_ratio':
      return [
        { native: d.total, optional: false },
        { native: d.successes, optional: false },
      ];
  }
}

/** Every native metric a runtime's map reads (current names), each once. */
export function runtimeNativeMetrics(runtime: RuntimeName): NativeMetric[] {
  const seen = new Map<string, NativeMetric>();
  for (const d of Object.values(maps[runtime].metrics)) {
    for (const { native } of derivationInputs(d)) if (!seen.has(native.name)) seen.set(native.name, native);
  }
  return [...seen.values()];
}

/** All names (current and legacy) a runtime's map may read, e.g. to narrow a name query. */
export function runtimeNativeNames(runtime: RuntimeName): string[] {
  const out: string[] = [];
  for (const m of runtimeNativeMetrics(runtime)) out.push(m.name, ...(m.legacy ?? []).map((l) => l.name));
  return out;
}

/**
 * True when `present` (metric names seen in a scrape or in Prometheus) holds the native metric
 * under `name`. A histogram counts as present by its family name or by any of its series names,
 * since Prometheus' name index holds `x_bucket`/`x_count`, a parsed exposition holds `x`.
 */
export function hasNativeName(present: ReadonlySet<string>, name: string, type: NativeType): boolean {
  if (present.has(name)) return true;
  return type === 'histogram' && (present.has(`${name}_bucket`) || present.has(`${name}_count`));
}

export type NativeResolution =
  { state: 'current'; name: string } | { state: 'legacy'; name: string; note: string } | { state: 'missing' };

/** Which name to read a native metric under: the current one, else the newest legacy name found. */
export function resolveNative(native: NativeMetric, present: ReadonlySet<string>): NativeResolution {
  if (hasNativeName(present, native.name, native.type)) return { state: 'current', name: native.name };
  for (const legacy of native.legacy ?? []) {
    if (hasNativeName(present, legacy.name, native.type))
      return { state: 'legacy', name: legacy.name, note: legacy.note };
  }
  return { state: 'missing' };
}

export interface RuntimeMetricCheck {
  /** Current native name -> the name to read it under (itself, or a legacy name). */
  names: Map<string, string>;
  /** Canonical metrics that can be derived from what is present. */
  available: MetricName[];
  /**
   * One line per problem, canonical metrics first, e.g.
   * "kv_cache_usage: found vllm:gpu_cache_usage_perc (renamed to ...); reading the old name",
   * "ttft_p95: expected vllm:time_to_first_token_seconds (histogram), not found".
   */
  notices: string[];
}

export interface CheckOptions {
  /** Canonical metrics not to check (e.g. GPU metrics a source cannot reach); see `hints`. */
  skip?: ReadonlySet<MetricName>;
  /** Extra words after "not found" for a native name, e.g. why a source cannot see it. */
  hints?: Readonly<Record<string, string>>;
}

/**
 * Compares what a runtime's map expects with the names present for one endpoint and says, in
 * words, what is renamed or missing. Notices for one native metric feeding several canonical
 * metrics (the e2e histogram feeds three quantiles) are merged into one line.
 */
export function checkRuntimeMetrics(
  runtime: RuntimeName,
  present: ReadonlySet<string>,
  options: CheckOptions = {},
): RuntimeMetricCheck {
  const map = maps[runtime];
  const names = new Map<string, string>();
  const available: MetricName[] = [];
  const byNative = new Map<string, { metrics: MetricName[]; text: string }>();
  const note = (key: string, metric: MetricName, text: string) => {
    const entry = byNative.get(key);
    if (entry) entry.metrics.push(metric);
    else byNative.set(key, { metrics: [metric], text });
  };
  for (const [metric, d] of Object.entries(map.metrics) as Array<[MetricName, Derivation]>) {
    if (options.skip?.has(metric)) continue;
    let ok = true;
    for (const { native, optional } of derivationInputs(d)) {
      const r = resolveNative(native, present);
      if (r.state === 'missing') {
        if (optional) continue;
        ok = false;
        const hint = options.hints?.[native.name];
        note(
          `missing:${native.name}`,
          metric,
          `expected ${describeNative(native)}, not found${hint ? ` (${hint})` : ''}`,
        );
        continue;
      }
      names.set(native.name, r.name);
      if (r.state === 'legacy') {
        note(`legacy:${r.name}`, metric, `found ${r.name} (${r.note}); reading the old name`);
      }
    }
    if (ok) available.push(metric);
  }
  const notices = [...byNative.values()].map((e) => `${e.metrics.join(', ')}: ${e.text}`);
  for (const [metric, why] of Object.entries(map.unavailable) as Array<[MetricName, string]>) {
    if (!options.skip?.has(metric)) notices.push(`${metric}: ${why}`);
  }
  return { names, available, notices };
}

/** "vllm:e2e_request_latency_seconds (histogram)", "http_requests_total{status=~"5.."} (from ...)". */
export function describeNative(native: NativeMetric): string {
  const selector = native.match ? `{${native.match.label}=~"${native.match.regex}"}` : '';
  const origin = native.origin ? ` from ${native.origin}` : '';
  return `${native.name}${selector} (${native.type}${origin})`;
}

/**
 * Guesses a runtime from the names a target exposes, for pods whose runtime the inventory does
 * not know: the runtime whose prefix matches the most names, or null.
 */
export function detectRuntime(present: Iterable<string>): RuntimeName | null {
  const counts: Record<RuntimeName, number> = { vllm: 0, tgi: 0, triton: 0 };
  for (const name of present) {
    for (const runtime of runtimeNames) if (name.startsWith(maps[runtime].prefix)) counts[runtime]++;
  }
  let best: RuntimeName | null = null;
  for (const runtime of runtimeNames)
    if (counts[runtime] > 0 && (!best || counts[runtime] > counts[best])) best = runtime;
  return best;
}

/** Whether a label value passes a LabelMatch (PromQL `=~`: anchored at both ends). */
export function labelMatches(match: LabelMatch | undefined, value: string | undefined): boolean {
  if (!match) return true;
  return anchored(match.regex).test(value ?? '');
}

const anchoredCache = new Map<string, RegExp>();
function anchored(regex: string): RegExp {
  let re = anchoredCache.get(regex);
  if (!re) {
    re = new RegExp(`^(?:${regex})$`);
    anchoredCache.set(regex, re);
  }
  return re;
}

// --- Histogram quantile (Prometheus promql/quantile.go, classic buckets) ---

export interface Bucket {
  /** Upper bound (`le`), +Infinity for the last. */
  le: number;
  /** Cumulative count of observations <= le (or its rate; only ratios matter). */
  count: number;
}

/**
 * Prometheus' histogram_quantile for classic buckets: find the bucket holding rank q*total and
 * interpolate linearly inside it. Same edge cases: NaN without a +Inf bucket, with fewer than two
 * buckets or no observations; the quantile falling in +Inf returns the highest finite bound; a
 * first bucket with le <= 0 returns that bound; non-monotonic counts (pods with different bucket
 * layouts merged) are flattened upwards first. `buckets` need not be sorted.
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted: Bucket[] = [];
  // Coalesce equal bounds (the same `le` from two series) by adding their counts.
  for (const bucket of [...buckets].sort((a, b) => a.le - b.le)) {
    const last = sorted[sorted.length - 1];
    if (last && last.le === bucket.le) last.count += bucket.count;
    else sorted.push({ le: bucket.le, count: bucket.count });
  }
  if (sorted.length < 2) return NaN;
  if (sorted[sorted.length - 1]!.le !== Infinity) return NaN;
  // Cumulative counts may dip through float error or merged layouts; make them monotonic.
  let max = -Infinity;
  const counts = sorted.map((b) => (max = Math.max(max, b.count)));
  const observations = counts[counts.length - 1]!;
  if (!(observations > 0)) return NaN;
  let rank = q * observations;
  let b = counts.findIndex((c) => c >= rank);
  if (b === -1) b = counts.length - 1;
  if (b === sorted.length - 1) return sorted[sorted.length - 2]!.le;
  if (b === 0 && sorted[0]!.le <= 0) return sorted[0]!.le;
  let start = 0;
  const end = sorted[b]!.le;
  let count = counts[b]!;
  if (b > 0) {
    start = sorted[b - 1]!.le;
    count -= counts[b - 1]!;
    rank -= counts[b - 1]!;
  }
  return start + (end - start) * (rank / count);
}

// --- Evaluating derivations (the same code for scraped and Prometheus-queried inputs) ---

export interface GaugeAggregate {
  sum: number;
  max: number;
  n: number;
}

/**
 * One endpoint's inputs, summed over its pods and series, keyed by nativeKey(): counter rates,
 * histogram `_sum` rates, bucket rates (or increases) by `le`, and gauges. The direct-scrape
 * provider fills it from counter deltas between scrapes, the Prometheus provider from rate()
 * queries grouped by pod; canonicalValues() then derives the same way for both.
 */
export interface EndpointAggregate {
  rates: Map<string, number>;
  sumRates: Map<string, number>;
  buckets: Map<string, Map<number, number>>;
  gauges: Map<string, GaugeAggregate>;
  /** Rates and quantiles exist (a scrape target was read twice; Prometheus always). */
  hasDeltas: boolean;
  /**
   * Native keys that had at least one series. A required input with none gives no value rather
   * than a rate of 0: a series that is not there is missing, not idle.
   */
  seen: Set<string>;
}

export function emptyAggregate(hasDeltas: boolean): EndpointAggregate {
  return {
    rates: new Map(),
    sumRates: new Map(),
    buckets: new Map(),
    gauges: new Map(),
    hasDeltas,
    seen: new Set(),
  };
}

/** Key of a native input: its current name plus its label filter (the 5xx counter is not the 2xx one). */
export const nativeKey = (n: NativeMetric) =>
  n.match ? `${n.name}{${n.match.label}=~${n.match.regex}}` : n.name;

/**
 * Canonical values for the metrics in `available`. A quantile over a window with no observations
 * is undefined and left out (Prometheus returns NaN); ratios over an idle window are 0.
 */
export function canonicalValues(
  runtime: RuntimeName,
  agg: EndpointAggregate,
  available: Iterable<MetricName>,
): Array<[MetricName, number]> {
  const map = maps[runtime];
  const out: Array<[MetricName, number]> = [];
  for (const metric of available) {
    const d = map.metrics[metric];
    if (!d) continue;
    if (derivationInputs(d).some((i) => !i.optional && !agg.seen.has(nativeKey(i.native)))) continue;
    const v = evaluate(d, agg);
    if (v !== null && Number.isFinite(v)) out.push([metric, v]);
  }
  return out;
}

function evaluate(d: Derivation, agg: EndpointAggregate): number | null {
  const rate = (n: NativeMetric) => agg.rates.get(nativeKey(n)) ?? 0;
  switch (d.kind) {
    case 'gauge': {
      const g = agg.gauges.get(nativeKey(d.of));
      if (!g || g.n === 0) return null;
      const v = d.combine === 'sum' ? g.sum : d.combine === 'max' ? g.max : g.sum / g.n;
      return v * d.scale;
    }
    case 'rate':
      if (!agg.hasDeltas) return null;
      return rate(d.of) + (d.plus ?? []).reduce((s, p) => s + rate(p), 0);
    case 'histogram_sum_rate':
      return agg.hasDeltas ? (agg.sumRates.get(nativeKey(d.of)) ?? 0) : null;
    case 'quantile': {
      if (!agg.hasDeltas) return null;
      const byLe = agg.buckets.get(nativeKey(d.of));
      if (!byLe) return null;
      const q = histogramQuantile(
        d.q,
        [...byLe].map(([le, count]) => ({ le, count })),
      );
      return Number.isNaN(q) ? null : q;
    }
    case 'failure_ratio': {
      if (!agg.hasDeltas) return null;
      const f = rate(d.failures);
      const total = f + rate(d.successes);
      return total > 0 ? f / total : 0;
    }
    case 'unsuccessful_ratio': {
      if (!agg.hasDeltas) return null;
      const t = rate(d.total);
      if (!(t > 0)) return 0;
      return Math.min(1, Math.max(0, (t - rate(d.successes)) / t));
    }
  }
}
