import { describe, expect, it } from 'vitest';
import {
  PROMETHEUS_MAX_POINTS,
  canonicalQueries,
  canonicalQuery,
  chooseStep,
  escapeRegex,
  histogramQuantile,
  presentNamesQuery,
  quoteLabelValue,
  rateWindow,
  selector,
} from '../../../../src/shared/fleet/promql';
import { runtimeNativeMetrics } from '../../../../src/shared/fleet/runtime-metrics';

const byPod = { window: '1m', groupBy: ['namespace', 'pod'] } as const;

describe('canonical PromQL', () => {
  it('takes quantiles with histogram_quantile over bucket rates summed by le and the endpoint labels', () => {
    expect(canonicalQuery('vllm', 'latency_p95', byPod)).toEqual({
      metric: 'latency_p95',
      kind: 'value',
      expr: 'histogram_quantile(0.95, sum by (le, namespace, pod) (rate(vllm:e2e_request_latency_seconds_bucket[1m])))',
    });
    expect(canonicalQuery('tgi', 'itl_p95', { window: '2m', groupBy: ['fleetdeck_endpoint'] })!.expr).toBe(
      'histogram_quantile(0.95, sum by (le, fleetdeck_endpoint) (rate(tgi_request_mean_time_per_token_duration_bucket[2m])))',
    );
  });

  it('returns bucket rates instead when the caller merges pods itself', () => {
    expect(canonicalQuery('vllm', 'ttft_p95', { ...byPod, quantiles: 'buckets' })).toEqual({
      metric: 'ttft_p95',
      kind: 'buckets',
      q: 0.95,
      expr: 'sum by (le, namespace, pod) (rate(vllm:time_to_first_token_seconds_bucket[1m]))',
    });
  });

  it('adds the optional 5xx counter with `or ... * 0` so a server without failures still has a rate', () => {
    const s = 'sum by (namespace, pod) (rate(vllm:request_success_total[1m]))';
    const f = 'sum by (namespace, pod) (rate(http_requests_total{status=~"5.."}[1m]))';
    expect(canonicalQuery('vllm', 'request_rate', byPod)!.expr).toBe(`${s} + (${f} or ${s} * 0)`);
    expect(canonicalQuery('vllm', 'error_rate', byPod)).toEqual({
      metric: 'error_rate',
      kind: 'value',
      expr: `(${f} or ${s} * 0) / (${s} + (${f} or ${s} * 0))`,
      idleValue: 0,
    });
  });

  it('derives TGI errors from count minus success and tokens from histogram sums', () => {
    const t = 'sum by (namespace, pod) (rate(tgi_request_count[1m]))';
    expect(canonicalQuery('tgi', 'error_rate', byPod)!.expr).toBe(
      `(${t} - sum by (namespace, pod) (rate(tgi_request_success[1m]))) / ${t}`,
    );
    expect(canonicalQuery('tgi', 'tokens_in_rate', byPod)!.expr).toBe(
      'sum by (namespace, pod) (rate(tgi_request_input_length_sum[1m]))',
    );
    expect(canonicalQuery('tgi', 'ttft_p95', byPod)).toBeNull();
  });

  it('scales DCGM percent and MiB, with its own labels when they differ', () => {
    const o = { ...byPod, gpuLabels: { groupBy: ['exported_namespace', 'exported_pod'] } };
    expect(canonicalQuery('vllm', 'gpu_util', o)!.expr).toBe(
      'avg by (exported_namespace, exported_pod) (DCGM_FI_DEV_GPU_UTIL) * 0.01',
    );
    expect(canonicalQuery('vllm', 'gpu_mem_used', byPod)!.expr).toBe(
      'sum by (namespace, pod) (DCGM_FI_DEV_FB_USED) * 1048576',
    );
    expect(canonicalQuery('vllm', 'kv_cache_usage', byPod)!.expr).toBe(
      'max by (namespace, pod) (vllm:kv_cache_usage_perc)',
    );
  });

  it('queries a legacy name when rename detection found one, and narrows to one endpoint with matchers', () => {
    const q = canonicalQuery('vllm', 'kv_cache_usage', {
      window: '1m',
      groupBy: [],
      names: new Map([['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc']]),
      matchers: [
        { label: 'namespace', op: '=', value: 'serving' },
        { label: 'pod', op: '=~', value: 'llama-7d9f8c-x2k4p|llama-.+' },
      ],
    });
    expect(q!.expr).toBe(
      'max (vllm:gpu_cache_usage_perc{namespace="serving",pod=~"llama-7d9f8c-x2k4p|llama-.+"})',
    );
  });

  it('builds a query for every metric each runtime supports', () => {
    expect(canonicalQueries('vllm', byPod).map((q) => q.metric)).toHaveLength(13);
    expect(canonicalQueries('tgi', byPod).map((q) => q.metric)).not.toContain('ttft_p95');
  });

  it('escapes label values and regex literals', () => {
    expect(quoteLabelValue('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    expect(escapeRegex('llama-3.1+x')).toBe('llama-3\\.1\\+x');
    expect(selector('up', [{ label: 'job', op: '!=', value: 'x' }])).toBe('up{job!="x"}');
  });

  it('lists present names by endpoint, asking for histograms by _count', () => {
    const q = presentNamesQuery(runtimeNativeMetrics('tgi'), ['namespace', 'pod']);
    expect(q).toMatch(/^count by \(__name__, namespace, pod\) \(\{__name__=~"/);
    expect(q).toContain('tgi_request_duration_count');
    expect(q).toContain('tgi_queue_size');
    expect(q).not.toContain('tgi_request_duration_bucket');
  });
});

describe('histogram_quantile', () => {
  const b = (pairs: Array<[number, number]>) => pairs.map(([le, count]) => ({ le, count }));
  it('matches Prometheus on a hand-computed case and its edge cases', () => {
    const buckets = b([
      [0.5, 10],
      [1, 60],
      [2.5, 95],
      [Infinity, 100],
    ]);
    expect(histogramQuantile(0.9, buckets)).toBeCloseTo(1 + 1.5 * (30 / 35), 12);
    expect(histogramQuantile(0.05, buckets)).toBeCloseTo(0.25, 12); // first bucket starts at 0
    expect(histogramQuantile(0.99, buckets)).toBe(2.5); // in +Inf: the highest finite bound
    expect(histogramQuantile(1.5, buckets)).toBe(Infinity);
    expect(histogramQuantile(-1, buckets)).toBe(-Infinity);
    expect(
      histogramQuantile(
        0.5,
        b([
          [1, 5],
          [2, 10],
        ]),
      ),
    ).toBeNaN(); // no +Inf bucket
    expect(histogramQuantile(0.5, b([[Infinity, 10]]))).toBeNaN(); // fewer than two buckets
    expect(
      histogramQuantile(
        0.5,
        b([
          [1, 0],
          [Infinity, 0],
        ]),
      ),
    ).toBeNaN(); // no observations
    expect(
      histogramQuantile(
        0.5,
        b([
          [-1, 5],
          [1, 8],
          [Infinity, 10],
        ]),
      ),
    ).toBe(-1); // first le <= 0
  });

  it('accepts unsorted and non-monotonic buckets, coalescing equal bounds', () => {
    const unsorted = b([
      [Infinity, 100],
      [1, 60],
      [2.5, 55], // dips below the previous bucket (merged layouts): flattened to 60
      [0.5, 10],
      [0.5, 0],
    ]);
    // Monotonic: 10, 60, 60, 100. p50: rank 50 in (0.5, 1] holding 50 -> 0.5 + 0.5 * 40/50 = 0.9.
    expect(histogramQuantile(0.5, unsorted)).toBeCloseTo(0.9, 12);
  });
});

describe('query_range step', () => {
  it('keeps every series within maxPoints and under Prometheus 11,000 points', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 5000; i++) {
      const start = Math.floor(random() * 2e12);
      const span = Math.floor(random() ** 3 * 400 * 24 * 3600_000);
      const maxPoints = 1 + Math.floor(random() * 20_000);
      const s = chooseStep(start, start + span, maxPoints, random() < 0.5 ? 1 : 15);
      const stepMs = s.stepSeconds * 1000;
      const points = Math.floor((s.endMs - s.startMs) / stepMs) + 1;
      expect(points).toBe(s.points);
      expect(points).toBeLessThanOrEqual(Math.min(maxPoints, PROMETHEUS_MAX_POINTS));
      expect((s.endMs - s.startMs) / s.stepSeconds / 1000).toBeLessThanOrEqual(
        Math.min(maxPoints, PROMETHEUS_MAX_POINTS),
      );
      expect(s.startMs).toBeGreaterThanOrEqual(start);
      expect(s.startMs - start).toBeLessThan(stepMs);
    }
  });

  it('gives 24 h at one point a minute for 1,440 points, and clamps a huge budget at 11,000', () => {
    const day = 24 * 3600_000;
    const t0 = Date.UTC(2026, 0, 1);
    expect(chooseStep(t0, t0 + day, 1441)).toMatchObject({ stepSeconds: 60, points: 1441 });
    const clamped = chooseStep(t0, t0 + 30 * day, 1_000_000);
    expect(clamped.points).toBeLessThanOrEqual(11_000);
    expect(chooseStep(t0, t0 + 60_000, 10_000, 15).stepSeconds).toBe(15); // never finer than a scrape
    expect(chooseStep(t0, t0 + 60_000, 1)).toMatchObject({ points: 1 });
  });

  it('widens rate windows like $__rate_interval', () => {
    expect(rateWindow(15, 15)).toBe('60s');
    expect(rateWindow(300, 15)).toBe('315s');
    expect(rateWindow(1, 1)).toBe('4s');
    expect(rateWindow(0.25, 0.1)).toBe('400ms');
  });
});
