import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../../src/core/log/logger';
import {
  ScrapeProvider,
  scrapeProviderFactory,
} from '../../../../../src/core/providers/scrape/scrape.provider';
import {
  planScrape,
  roundStatus,
  scrapeConfigSchema,
} from '../../../../../src/core/providers/scrape/scrape.plan';
import { VllmMetrics, stratified, uniform } from '../http/support/exposition-fixture';
import { FakeContext, endpointRecord, startServer } from '../http/support/fake-context';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function provider(config: Record<string, unknown> = {}) {
  const p = new ScrapeProvider(scrapeConfigSchema.parse(config), { log: silentLogger });
  cleanups.push(() => p.stop());
  return p;
}

describe('the direct-scrape provider', () => {
  it('derives canonical samples per endpoint from two passes, summing pods', async () => {
    const pods = [new VllmMetrics('m'), new VllmMetrics('m')];
    const srv = await startServer((req, res) => {
      const i = Number(req.url!.split('/').pop());
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(pods[i]!.render());
    });
    cleanups.push(srv.close);
    const ctx = new FakeContext({
      endpoints: [
        endpointRecord('c:ns:llama', 'vllm', [
          { name: 'llama-abc12-x1', metricsUrl: `${srv.url}/metrics/0` },
          { name: 'llama-abc12-x2', metricsUrl: `${srv.url}/metrics/1` },
        ]),
      ],
    });
    let now = 1_000_000;
    ctx.clock = () => now;
    const p = provider();
    p.start(ctx);
    await p.scrapeOnce();
    expect(ctx.latest('c:ns:llama', 'request_rate')).toBeUndefined(); // one reading: no rate yet
    for (const [i, pod] of pods.entries()) {
      for (const latency of stratified(uniform(0.5, 1.5), 100 * (i + 1))) {
        pod.observe({ latency, ttft: 0.05, itl: 0.02, promptTokens: 10, outputTokens: 5, ok: true });
      }
      pod.waiting = 2 + i;
    }
    now += 15_000;
    await p.scrapeOnce();
    expect(ctx.latest('c:ns:llama', 'request_rate')).toBeCloseTo(300 / 15, 9);
    expect(ctx.latest('c:ns:llama', 'latency_p95')).toBeCloseTo(1.45, 2);
    expect(ctx.latest('c:ns:llama', 'queue_depth')).toBe(5);
    expect(ctx.latest('c:ns:llama', 'error_rate')).toBe(0);
    expect(ctx.samples.every((s) => s.ts === now || s.ts === now - 15_000)).toBe(true);
    // The pods' /metrics has no DCGM series: said once, with why, not drawn as a flat line.
    expect(ctx.missing.get('c:ns:llama')).toEqual([
      "gpu_util: expected DCGM_FI_DEV_GPU_UTIL (gauge from NVIDIA DCGM exporter), not found (direct scrape reads pods' /metrics only; node DCGM exporters are not in the inventory)",
      "gpu_mem_used: expected DCGM_FI_DEV_FB_USED (gauge from NVIDIA DCGM exporter), not found (direct scrape reads pods' /metrics only; node DCGM exporters are not in the inventory)",
    ]);
    expect(ctx.lastStatus).toMatchObject({ state: 'ok' });
    expect(ctx.lastStatus!.reason).toMatch(
      /^2 targets \(1 endpoints\) every 15 s; parse\+derive \d+\.\d\d ms per target \(p50\)/,
    );
  });

  it('reports failing targets with their URL and reason as degraded, keeping the others', async () => {
    const good = new VllmMetrics('m');
    const srv = await startServer((req, res) => {
      if (req.url === '/good') res.end(good.render());
      else if (req.url === '/busy') res.writeHead(503).end('overloaded');
      else if (req.url === '/garbage') res.end('vllm:num_requests_waiting{model_name="m" 3\n');
      else if (req.url === '/missing') res.writeHead(404).end();
      // '/hang': never answers.
    });
    cleanups.push(srv.close);
    const ctx = new FakeContext({
      endpoints: [
        endpointRecord('c:ns:good', 'vllm', [{ name: 'good-a-1', metricsUrl: `${srv.url}/good` }]),
        endpointRecord('c:ns:bad', 'vllm', [
          { name: 'bad-a-1', metricsUrl: `${srv.url}/busy` },
          { name: 'bad-a-2', metricsUrl: `${srv.url}/hang` },
          { name: 'bad-a-3', metricsUrl: `${srv.url}/garbage` },
          { name: 'bad-a-4', metricsUrl: `${srv.url}/missing` },
          { name: 'bad-a-5', metricsUrl: null },
          { name: 'bad-a-6', metricsUrl: `${srv.url}/pending`, phase: 'Pending' },
        ]),
      ],
    });
    const p = provider({ timeoutSeconds: 0.3 });
    p.start(ctx);
    good.waiting = 9;
    const round = await p.scrapeOnce();
    expect(round.failures.map((f) => `${f.url}: ${f.summary}`).sort()).toEqual(
      [
        `${srv.url}/busy: HTTP 503 Service Unavailable`,
        `${srv.url}/garbage: malformed exposition text (line 1: expected "," or "}" after label model_name)`,
        `${srv.url}/hang: timeout after 300 ms`,
        `${srv.url}/missing: HTTP 404 Not Found`,
      ].sort(),
    );
    expect(ctx.lastStatus!.state).toBe('degraded');
    expect(ctx.lastStatus!.reason).toMatch(
      /^4 of 5 targets failing: http:\/\/127\.0\.0\.1:\d+\/(busy|hang|garbage|missing): /,
    );
    expect(ctx.lastStatus!.reason).toContain('; and 1 more');
    expect(ctx.latest('c:ns:good', 'queue_depth')).toBe(9);
    expect(ctx.samples.some((s) => s.endpointId === 'c:ns:bad')).toBe(false);
  });

  it('goes to error with a retry time when every target fails, and says when there is nothing to scrape', async () => {
    const srv = await startServer((_req, res) => res.writeHead(500).end());
    cleanups.push(srv.close);
    const ctx = new FakeContext({
      endpoints: [endpointRecord('c:ns:x', 'vllm', [{ name: 'x-a-1', metricsUrl: `${srv.url}/m` }])],
    });
    const p = provider();
    p.start(ctx);
    await p.scrapeOnce();
    expect(ctx.lastStatus).toMatchObject({ state: 'error' });
    expect(ctx.lastStatus!.retryAt).toBeGreaterThan(Date.now());
    expect(ctx.lastStatus!.reason).toContain(
      `1 of 1 targets failing: ${srv.url}/m: HTTP 500 Internal Server Error`,
    );

    ctx.endpoints = [endpointRecord('c:ns:y', 'vllm', [{ name: 'y-a-1', metricsUrl: null }])];
    await p.scrapeOnce();
    expect(ctx.lastStatus).toMatchObject({
      state: 'ok',
      reason:
        'No scrape targets: 1 endpoints have no pod with a metrics URL (prometheus.io/scrape annotations)',
    });
  });

  it('runs passes on its own at the interval and stops cleanly', async () => {
    const m = new VllmMetrics('m');
    const srv = await startServer((_req, res) => res.end(m.render()));
    cleanups.push(srv.close);
    const ctx = new FakeContext({
      endpoints: [endpointRecord('c:ns:x', 'vllm', [{ name: 'x-a-1', metricsUrl: `${srv.url}/m` }])],
    });
    const p = scrapeProviderFactory.create(scrapeConfigSchema.parse({ intervalSeconds: 1 }), {
      log: silentLogger,
      dataDir: '/nonexistent',
      secret: async () => null,
    });
    p.start(ctx);
    expect(ctx.statuses[0]).toMatchObject({ state: 'connecting' });
    const deadline = Date.now() + 5000;
    while (ctx.statuses.filter((s) => s.state === 'ok').length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await p.stop();
    expect(ctx.statuses.filter((s) => s.state === 'ok').length).toBeGreaterThanOrEqual(2);
  });

  it('stretches the interval for a 10,000-endpoint fleet instead of scraping it every 15 s, and says so', () => {
    const endpoints = Array.from({ length: 10_000 }, (_, i) =>
      endpointRecord(`c:ns:e${i}`, 'vllm', [
        { name: `e${i}-a-1`, metricsUrl: `http://10.0.${i >> 8}.${i & 255}:8000/metrics` },
        { name: `e${i}-a-2`, metricsUrl: `http://10.1.${i >> 8}.${i & 255}:8000/metrics` },
      ]),
    );
    const ctx = new FakeContext({ endpoints });
    const config = scrapeConfigSchema.parse({});
    const started = performance.now();
    const plan = planScrape(ctx.inventory(), config);
    const planMs = performance.now() - started;
    expect(plan.targets.size).toBe(20_000);
    expect(plan.stretched).toBe(true);
    expect(plan.effectiveIntervalMs).toBe(100_000); // 20,000 targets / 200 per second
    expect(planMs).toBeLessThan(500);
    const status = roundStatus(
      plan,
      {
        targets: 20_000,
        endpoints: 10_000,
        failures: [],
        costMs: { p50: 0.21, p95: 0.3, max: 1.5, mean: 0.22 },
        roundMs: 99_000,
      },
      config,
    );
    expect(status).toEqual({
      state: 'ok',
      reason:
        '20,000 targets (10,000 endpoints) every 100 s; stretched from 15 s: 20,000 targets at 200 scrapes/s ' +
        '(maxScrapesPerSecond); a Prometheus-compatible source suits fleets this large; ' +
        'parse+derive 0.21 ms per target (p50), 1.50 ms max',
    });
  });

  it('holds to maxScrapesPerSecond within a pass', async () => {
    const m = new VllmMetrics('m');
    const srv = await startServer((_req, res) => res.end(m.render()));
    cleanups.push(srv.close);
    const endpoints = Array.from({ length: 30 }, (_, i) =>
      endpointRecord(`c:ns:e${i}`, 'vllm', [{ name: `e${i}-a-1`, metricsUrl: `${srv.url}/m/${i}` }]),
    );
    const ctx = new FakeContext({ endpoints });
    const p = provider({ maxScrapesPerSecond: 50, concurrency: 8 });
    p.start(ctx);
    const started = performance.now();
    const round = await p.scrapeOnce();
    const elapsed = performance.now() - started;
    expect(round.failures).toEqual([]);
    // 30 scrapes at 50/s: the last starts 29 * 20 ms = 580 ms after the first.
    expect(elapsed).toBeGreaterThanOrEqual(560);
  });

  it('measures parse+derive per target on realistic vLLM text', async () => {
    const pods = Array.from({ length: 50 }, () => new VllmMetrics('meta-llama/Llama-3.1-70B-Instruct'));
    const srv = await startServer((req, res) => res.end(pods[Number(req.url!.split('/').pop())]!.render()));
    cleanups.push(srv.close);
    const endpoints = Array.from({ length: 25 }, (_, i) =>
      endpointRecord(`c:ns:e${i}`, 'vllm', [
        { name: `e${i}-a-1`, metricsUrl: `${srv.url}/m/${2 * i}` },
        { name: `e${i}-a-2`, metricsUrl: `${srv.url}/m/${2 * i + 1}` },
      ]),
    );
    const ctx = new FakeContext({ endpoints });
    const p = provider({ maxScrapesPerSecond: 10_000 });
    p.start(ctx);
    await p.scrapeOnce();
    for (const pod of pods) {
      for (const latency of stratified(uniform(0.3, 3), 200)) {
        pod.observe({
          latency,
          ttft: latency / 8,
          itl: 0.03,
          promptTokens: 800,
          outputTokens: 120,
          ok: true,
        });
      }
    }
    const round = await p.scrapeOnce();
    console.log(
      `scrape pass: ${round.targets} targets in ${round.roundMs.toFixed(1)} ms; parse+derive per target ` +
        `p50 ${round.costMs!.p50.toFixed(3)} ms, p95 ${round.costMs!.p95.toFixed(3)} ms, max ${round.costMs!.max.toFixed(3)} ms`,
    );
    expect(round.costMs!.p50).toBeLessThan(5);
    expect(ctx.latest('c:ns:e0', 'latency_p95')).toBeGreaterThan(2);
  });
});
