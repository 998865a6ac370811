import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../../src/core/log/logger';
import { prometheusConfigSchema } from '../../../../../src/core/providers/prometheus/prometheus.config';
import { PrometheusProvider } from '../../../../../src/core/providers/prometheus/prometheus.provider';
import { FakeContext, endpointRecord, startServer } from '../http/support/fake-context';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Series = { metric: Record<string, string>; value: [number, string] };
const ok = (result: Series[]) =>
  JSON.stringify({ status: 'success', data: { resultType: 'vector', result } });
const pod = 'llama-7d9f8c6b5-x2k4p';
const at = (labels: Record<string, string>, value: number): Series => ({
  metric: { namespace: 'serving', pod, ...labels },
  value: [0, String(value)],
});

/** A fake Prometheus: answers each query by the first rule whose pattern it contains. */
async function fakePrometheus(rules: Array<[string | RegExp, Series[] | number]>, seen: string[] = []) {
  const srv = await startServer((_req, res, body) => {
    const query = new URLSearchParams(body).get('query') ?? '';
    seen.push(query);
    for (const [pattern, answer] of rules) {
      if (typeof pattern === 'string' ? query.includes(pattern) : pattern.test(query)) {
        if (typeof answer === 'number') return void res.writeHead(answer).end();
        return void res.end(ok(answer));
      }
    }
    res.end(ok([]));
  });
  cleanups.push(srv.close);
  return srv.url;
}

async function started(url: string, extra: Record<string, unknown> = {}) {
  const p = new PrometheusProvider(prometheusConfigSchema.parse({ url, timeoutSeconds: 1, ...extra }), {
    log: silentLogger,
    secret: async () => null,
  });
  const ctx = new FakeContext({
    endpoints: [endpointRecord('prod:serving:llama', 'vllm', [{ name: pod, metricsUrl: null }])],
  });
  ctx.clock = () => 1_700_000_000_000;
  // Not start(): tests drive pollOnce() without the timer loop.
  (p as unknown as { ctx: FakeContext }).ctx = ctx;
  cleanups.push(() => p.stop());
  return { p, ctx };
}

describe('the Prometheus provider', () => {
  it('detects renamed source metrics, reports them, and reads the old names', async () => {
    const names = [
      'vllm:e2e_request_latency_seconds_count',
      'vllm:time_to_first_token_seconds_count',
      'vllm:time_per_output_token_seconds_count',
      'vllm:request_success_total',
      'vllm:prompt_tokens_total',
      'vllm:generation_tokens_total',
      'vllm:num_requests_waiting',
      'vllm:gpu_cache_usage_perc',
      'DCGM_FI_DEV_GPU_UTIL',
      'DCGM_FI_DEV_FB_USED',
    ];
    const seen: string[] = [];
    const url = await fakePrometheus(
      [
        ['count by (__name__', names.map((n) => at({ __name__: n }, 1))],
        [/^vllm:gpu_cache_usage_perc$/, [at({ model_name: 'm' }, 0.61)]],
        [/^DCGM_FI_DEV_GPU_UTIL$/, [at({ gpu: '0' }, 80), at({ gpu: '1' }, 60)]],
        ['rate(vllm:request_success_total[60s])', [at({}, 12)]],
        [
          'vllm:e2e_request_latency_seconds_bucket',
          [at({ le: '0.5' }, 1), at({ le: '1' }, 6), at({ le: '2' }, 10), at({ le: '+Inf' }, 10)],
        ],
      ],
      seen,
    );
    const { p, ctx } = await started(url);
    await p.pollOnce();
    expect(ctx.missing.get('prod:serving:llama')).toEqual([
      'error_rate: expected http_requests_total{status=~"5.."} (counter from vLLM\'s API server, prometheus-fastapi-instrumentator), not found',
      'itl_p95: found vllm:time_per_output_token_seconds (renamed to vllm:inter_token_latency_seconds in vLLM 0.11; hidden in 0.12, removed in 0.13); reading the old name',
      'kv_cache_usage: found vllm:gpu_cache_usage_perc (renamed to vllm:kv_cache_usage_perc by vLLM PR #18354; no longer emitted by default); reading the old name',
    ]);
    expect(seen).toContain('vllm:gpu_cache_usage_perc');
    expect(seen.some((q) => q.includes('vllm:kv_cache_usage_perc') && !q.startsWith('count'))).toBe(false);
    expect(seen.some((q) => q.includes('vllm:time_per_output_token_seconds_bucket'))).toBe(true);
    expect(ctx.latest('prod:serving:llama', 'kv_cache_usage')).toBe(0.61);
    expect(ctx.latest('prod:serving:llama', 'gpu_util')).toBeCloseTo(0.7, 12);
    expect(ctx.latest('prod:serving:llama', 'request_rate')).toBe(12);
    // p50: rank 5 in (0.5, 1] holding 5 -> 0.5 + 0.5 * 4/5 = 0.9.
    expect(ctx.latest('prod:serving:llama', 'latency_p50')).toBeCloseTo(0.9, 12);
    expect(ctx.latest('prod:serving:llama', 'error_rate')).toBeUndefined(); // missing, not a flat 0
    expect(ctx.lastStatus).toMatchObject({ state: 'ok' });
    expect(ctx.lastStatus!.reason).toMatch(
      /^1 of 1 endpoints from Prometheus at http:\/\/127\.0\.0\.1:\d+\/ \(vLLM 1\); \d+ queries in \d+ ms, every 15 s; 1 endpoints with missing or renamed metrics$/,
    );
  });

  it('says so when Prometheus answers but has nothing for the inventory (empty results)', async () => {
    const url = await fakePrometheus([]);
    const { p, ctx } = await started(url);
    await p.pollOnce();
    expect(ctx.lastStatus!.state).toBe('degraded');
    expect(ctx.lastStatus!.reason).toMatch(
      /answered, but has no vLLM, TGI or Triton series for any of the 1 endpoints' pods \(labels namespace, pod or fleetdeck_endpoint\): is it scraping the model servers\?$/,
    );
    expect(ctx.missing.get('prod:serving:llama')).toEqual([
      expect.stringMatching(
        /^all metrics: Prometheus at 127\.0\.0\.1:\d+ has no serving series for this endpoint \(looked for namespace\/pod = serving\/llama-7d9f8c6b5-x2k4p\): is it scraping these pods\?$/,
      ),
    ]);
    expect(ctx.samples).toEqual([]);
  });

  it('goes to error with a retry time when every query fails', async () => {
    const url = await fakePrometheus([[/./, 500]]);
    const { p, ctx } = await started(url);
    await p.pollOnce();
    expect(ctx.lastStatus!.state).toBe('error');
    expect(ctx.lastStatus!.reason).toMatch(
      /^Prometheus at http:\/\/127\.0\.0\.1:\d+\/ is unavailable \(HTTP 500\)$/,
    );
    expect(ctx.lastStatus!.retryAt).toBe(1_700_000_000_000 + 15_000);
  });

  it('is degraded, keeping what worked, when some queries fail', async () => {
    const url = await fakePrometheus([
      ['count by (__name__', [at({ __name__: 'vllm:num_requests_waiting' }, 1)]],
      [/^vllm:num_requests_waiting$/, [at({}, 4)]],
      ['rate(', 503],
    ]);
    const { p, ctx } = await started(url);
    await p.pollOnce();
    expect(ctx.latest('prod:serving:llama', 'queue_depth')).toBe(4);
    expect(ctx.lastStatus!.state).toBe('degraded');
    expect(ctx.lastStatus!.reason).toMatch(
      /^\d+ of \d+ queries failed: Prometheus at .* is unavailable \(HTTP 503\); 1 of 1 endpoints have data;/,
    );
  });

  it('maps series through a fleetdeck_endpoint label when the backend sets one', async () => {
    const url = await fakePrometheus([
      [
        'count by (__name__',
        [{ metric: { __name__: 'tgi_queue_size', fleetdeck_endpoint: 'eu:ns:mistral' }, value: [0, '1'] }],
      ],
      [/^tgi_queue_size$/, [{ metric: { fleetdeck_endpoint: 'eu:ns:mistral' }, value: [0, '3'] }]],
    ]);
    const { p, ctx } = await started(url);
    await p.pollOnce();
    expect(ctx.latest('eu:ns:mistral', 'queue_depth')).toBe(3);
  });

  it('serves chart series within the point budget, selecting the endpoint by namespace and pod owner', async () => {
    const bodies: URLSearchParams[] = [];
    const srv = await startServer((_req, res, body) => {
      const params = new URLSearchParams(body);
      bodies.push(params);
      const start = Number(params.get('start'));
      const step = Number(params.get('step'));
      const end = Number(params.get('end'));
      const values: Array<[number, string]> = [];
      for (let t = start; t <= end; t += step) values.push([t, '0.8']);
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'matrix', result: [{ metric: {}, values }] },
        }),
      );
    });
    cleanups.push(srv.close);
    const { p } = await started(srv.url);
    const from = 1_700_000_000_000 - 24 * 3600_000;
    const to = 1_700_000_000_000;
    const [series] = await p.series(['prod:serving:llama'], 'latency_p95', from, to, 600);
    const params = bodies[0]!;
    const step = Number(params.get('step'));
    expect((Number(params.get('end')) - Number(params.get('start'))) / step).toBeLessThanOrEqual(600);
    expect(series!.points.length).toBeLessThanOrEqual(600);
    expect(series!.points.length).toBeGreaterThan(590);
    expect(series!.stepMs).toBe(step * 1000);
    expect(params.get('query')).toBe(
      'histogram_quantile(0.95, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket{namespace="serving",' +
        'pod=~"llama-7d9f8c6b5-x2k4p|llama-[a-z0-9]{6,10}-[a-z0-9]{5}"}[' +
        `${step + 15}s])))`,
    );
  });
});
