import { describe, expect, it } from 'vitest';
import { parseExposition } from '../../../../../src/core/providers/scrape/exposition.parser';
import {
  aggregateEndpoint,
  counterIncrease,
  diffReadings,
  readTarget,
  type TargetReading,
} from '../../../../../src/core/providers/scrape/scrape.derive';
import {
  canonicalValues,
  checkRuntimeMetrics,
  type RuntimeName,
} from '../../../../../src/shared/fleet/runtime-metrics';
import {
  TgiMetrics,
  VllmMetrics,
  stratified,
  tgiDurationBuckets,
  uniform,
} from '../http/support/exposition-fixture';

const read = (text: string, at: number, runtime: RuntimeName = 'vllm') =>
  readTarget(parseExposition(text), runtime, at);

function values(runtime: RuntimeName, pairs: Array<[TargetReading, TargetReading]>) {
  const present = new Set<string>();
  for (const [, cur] of pairs) for (const n of cur.names) present.add(n);
  const check = checkRuntimeMetrics(runtime, present);
  const agg = aggregateEndpoint(
    pairs.map(([, c]) => c),
    pairs.map(([p, c]) => diffReadings(p, c)),
  );
  return Object.fromEntries(canonicalValues(runtime, agg, check.available));
}

const histogramText = (name: string, buckets: Array<[string, number]>, sum: number, extra = '') =>
  [
    `# TYPE ${name} histogram`,
    ...buckets.map(([le, c]) => `${name}_bucket{le="${le}"${extra}} ${c}`),
    `${name}_sum${extra ? `{${extra.slice(1)}}` : ''} ${sum}`,
    `${name}_count${extra ? `{${extra.slice(1)}}` : ''} ${buckets[buckets.length - 1]![1]}`,
  ].join('\n');

describe('counter increases', () => {
  it('are the difference, or the new value after a reset, or all of a series that just appeared', () => {
    expect(counterIncrease(100, 160)).toBe(60);
    expect(counterIncrease(1000, 30)).toBe(30); // restarted: counted from zero
    expect(counterIncrease(undefined, 4)).toBe(4);
  });

  it('give per-second rates over the scrape interval, summed over series', () => {
    const t = (stop: number, length: number) =>
      `# TYPE vllm:request_success_total counter
vllm:request_success_total{finished_reason="stop",model_name="m"} ${stop}
vllm:request_success_total{finished_reason="length",model_name="m"} ${length}`;
    const d = diffReadings(read(t(100, 10), 0), read(t(160, 30), 15_000))!;
    expect(d.rates.get('vllm:request_success_total')).toBeCloseTo((60 + 20) / 15, 12);
    // A restart between scrapes: stop went 1000 -> 30, length 10 -> 15.
    const r = diffReadings(read(t(1000, 10), 0), read(t(30, 15), 10_000))!;
    expect(r.rates.get('vllm:request_success_total')).toBeCloseTo((30 + 5) / 10, 12);
  });
});

describe('quantiles from histogram increases', () => {
  it('interpolate linearly within the bucket, matching a hand-computed value', () => {
    const name = 'vllm:e2e_request_latency_seconds';
    const prev = histogramText(
      name,
      [
        ['0.5', 5],
        ['1.0', 20],
        ['2.5', 30],
        ['+Inf', 30],
      ],
      20,
    );
    // Increases over the interval: <=0.5: 10, <=1: 60, <=2.5: 95, +Inf: 100.
    const cur = histogramText(
      name,
      [
        ['0.5', 15],
        ['1.0', 80],
        ['2.5', 125],
        ['+Inf', 130],
      ],
      140,
    );
    const v = values('vllm', [[read(prev, 0), read(cur, 15_000)]]);
    // p95: rank 95 lands in (1, 2.5] which holds 95-60 = 35: 1 + 1.5 * (95-60)/35 = 2.5.
    expect(v.latency_p95).toBeCloseTo(2.5, 12);
    // p50: rank 50 in (0.5, 1] holding 50: 0.5 + 0.5 * (50-10)/50 = 0.9.
    expect(v.latency_p50).toBeCloseTo(0.9, 12);
    // p99: rank 99 > 95 lands in +Inf: the highest finite bound, as Prometheus does.
    expect(v.latency_p99).toBe(2.5);
  });

  it('merge the pods of an endpoint by le before interpolating', () => {
    const name = 'vllm:e2e_request_latency_seconds';
    const zero = histogramText(
      name,
      [
        ['1.0', 0],
        ['2.0', 0],
        ['4.0', 0],
        ['+Inf', 0],
      ],
      0,
    );
    const fast = histogramText(
      name,
      [
        ['1.0', 90],
        ['2.0', 100],
        ['4.0', 100],
        ['+Inf', 100],
      ],
      80,
    );
    const slow = histogramText(
      name,
      [
        ['1.0', 0],
        ['2.0', 0],
        ['4.0', 100],
        ['+Inf', 100],
      ],
      300,
    );
    const v = values('vllm', [
      [read(zero, 0), read(fast, 15_000)],
      [read(zero, 0), read(slow, 15_000)],
    ]);
    // Merged: <=1: 90, <=2: 100, <=4: 200 of 200. p95: rank 190 in (2, 4] holding 100:
    // 2 + 2 * (190-100)/100 = 3.8 (the mean of the per-pod p95s, 0.95 and 3.9, would say 2.43).
    expect(v.latency_p95).toBeCloseTo(3.8, 12);
  });

  it('survive a histogram reset (the pod restarted) by counting from zero', () => {
    const name = 'vllm:e2e_request_latency_seconds';
    const before = histogramText(
      name,
      [
        ['1.0', 500],
        ['2.0', 900],
        ['+Inf', 1000],
      ],
      1200,
    );
    const after = histogramText(
      name,
      [
        ['1.0', 10],
        ['2.0', 20],
        ['+Inf', 20],
      ],
      25,
    );
    const v = values('vllm', [[read(before, 0), read(after, 15_000)]]);
    // Increases are the new counts: <=1: 10, <=2: 20. p50: rank 10 in (0,1] -> 1.0.
    expect(v.latency_p50).toBeCloseTo(1.0, 12);
    expect(v.latency_p95).toBeCloseTo(1 + (19 - 10) / 10, 12);
  });

  it('leave a quantile out when no request finished in the interval (Prometheus says NaN)', () => {
    const m = new VllmMetrics('m');
    const a = read(m.render(), 0);
    const b = read(m.render(), 15_000);
    const v = values('vllm', [[a, b]]);
    expect(v.latency_p95).toBeUndefined();
    expect(v.request_rate).toBe(0);
    expect(v.error_rate).toBe(0); // idle is not failing
  });
});

describe('canonical values for vLLM', () => {
  it('derive every metric from a realistic pair of scrapes', () => {
    const m = new VllmMetrics('llama');
    m.gpuUtilPercent = 70;
    m.fbUsedMiB = 40_000;
    const prev = read(m.render(), 0);
    const latencies = stratified(uniform(0.5, 1.5), 200);
    for (const latency of latencies) {
      m.observe({ latency, ttft: 0.09, itl: 0.03, promptTokens: 300, outputTokens: 50, ok: true });
    }
    for (let i = 0; i < 10; i++)
      m.observe({ latency: 0, ttft: 0, itl: 0, promptTokens: 0, outputTokens: 0, ok: false });
    m.waiting = 7;
    m.kvCache = 0.42;
    const cur = read(m.render(), 20_000);
    const v = values('vllm', [[prev, cur]]);
    expect(v.request_rate).toBeCloseTo(210 / 20, 12);
    expect(v.error_rate).toBeCloseTo(10 / 210, 12);
    // Uniform on [0.5, 1.5]: p95 = 1.45, inside the (1.0, 1.5] bucket, where linear interpolation is exact.
    expect(v.latency_p95).toBeCloseTo(1.45, 2);
    expect(v.latency_p50).toBeCloseTo(1.0, 2);
    expect(v.tokens_in_rate).toBeCloseTo((200 * 300) / 20, 9);
    expect(v.tokens_out_rate).toBeCloseTo((200 * 50) / 20, 9);
    expect(v.queue_depth).toBe(7);
    expect(v.kv_cache_usage).toBe(0.42);
    expect(v.gpu_util).toBeCloseTo(0.7, 12);
    expect(v.gpu_mem_used).toBe(40_000 * 1024 * 1024);
    // ttft all 0.09 -> in (0.08, 0.1]; itl 0.03 -> (0.025, 0.05].
    expect(v.ttft_p95).toBeGreaterThan(0.08);
    expect(v.ttft_p95).toBeLessThanOrEqual(0.1);
    expect(v.itl_p95).toBeGreaterThan(0.025);
    expect(v.itl_p95).toBeLessThanOrEqual(0.05);
  });

  it('count a 5xx series that first appeared since the last scrape in full', () => {
    const m = new VllmMetrics('m');
    for (let i = 0; i < 10; i++)
      m.observe({ latency: 1, ttft: 0.1, itl: 0.02, promptTokens: 1, outputTokens: 2, ok: true });
    const prev = read(m.render(), 0); // no 5xx series yet
    for (let i = 0; i < 3; i++)
      m.observe({ latency: 0, ttft: 0, itl: 0, promptTokens: 0, outputTokens: 0, ok: false });
    const v = values('vllm', [[prev, read(m.render(), 10_000)]]);
    expect(v.error_rate).toBe(1); // no successes in the interval, three failures
    expect(v.request_rate).toBeCloseTo(0.3, 12);
  });

  it('read legacy names and still give values, keyed so a pod that upgrades keeps its history', () => {
    const old = new VllmMetrics('m', { legacyNames: true });
    old.kvCache = 0.3;
    const a = read(old.render(), 0);
    for (let i = 0; i < 5; i++)
      old.observe({ latency: 1, ttft: 0.1, itl: 0.06, promptTokens: 1, outputTokens: 3, ok: true });
    const b = read(old.render(), 10_000);
    const v = values('vllm', [[a, b]]);
    expect(v.kv_cache_usage).toBe(0.3);
    expect(v.itl_p95).toBeGreaterThan(0.05);
    expect(v.itl_p95).toBeLessThanOrEqual(0.075);
  });

  it('give no rates from a first scrape, only gauges', () => {
    const m = new VllmMetrics('m');
    m.waiting = 3;
    const only = read(m.render(), 0);
    const present = new Set(only.names);
    const agg = aggregateEndpoint([only], [null]);
    const v = Object.fromEntries(
      canonicalValues('vllm', agg, checkRuntimeMetrics('vllm', present).available),
    );
    expect(v).toEqual({ queue_depth: 3, kv_cache_usage: 0 });
  });
});

describe('canonical values for TGI', () => {
  it('derive request, error and token rates, quantiles and queue depth', () => {
    const m = new TgiMetrics();
    const prev = read(m.render(), 0, 'tgi');
    for (const latency of stratified(uniform(1, 2), 100)) {
      m.observe({ latency, ttft: 0, itl: 0.04, promptTokens: 1000, outputTokens: 200, ok: true });
    }
    for (let i = 0; i < 25; i++)
      m.observe({ latency: 0, ttft: 0, itl: 0, promptTokens: 0, outputTokens: 0, ok: false });
    m.queue = 4;
    const v = values('tgi', [[prev, read(m.render(), 25_000, 'tgi')]]);
    expect(v.request_rate).toBeCloseTo(125 / 25, 12);
    expect(v.error_rate).toBeCloseTo(25 / 125, 12);
    expect(v.tokens_in_rate).toBeCloseTo((100 * 1000) / 25, 9);
    expect(v.tokens_out_rate).toBeCloseTo((100 * 200) / 25, 9);
    expect(v.queue_depth).toBe(4);
    // TGI's buckets grow by 1.5x: p95 of U(1, 2) = 1.95 falls in (1.68, 2.53], and interpolating
    // across that whole bucket (as Prometheus does) gives lower + width * (0.95 - F(lower)) / (1 - F(lower)).
    const upper = tgiDurationBuckets.find((b) => b >= 1.95)!;
    const lower = tgiDurationBuckets[tgiDurationBuckets.indexOf(upper) - 1]!;
    const below = lower - 1; // F(lower) for U(1, 2)
    expect(v.latency_p95).toBeCloseTo(lower + (upper - lower) * ((0.95 - below) / (1 - below)), 2);
    expect(v.latency_p95).toBeCloseTo(2.39, 2); // 23% above the true 1.95: the bucket layout's limit
    expect(v.ttft_p95).toBeUndefined();
    expect(v.kv_cache_usage).toBeUndefined();
  });
});
