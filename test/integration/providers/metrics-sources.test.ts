import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { silentLogger } from '../../../src/core/log/logger';
import type { EndpointRecord } from '../../../src/core/fleet/inventory.types';
import { openaiConfigSchema } from '../../../src/core/providers/openai/openai.config';
import { OpenAIProvider } from '../../../src/core/providers/openai/openai.provider';
import { prometheusConfigSchema } from '../../../src/core/providers/prometheus/prometheus.config';
import { PrometheusProvider } from '../../../src/core/providers/prometheus/prometheus.provider';
import { scrapeConfigSchema } from '../../../src/core/providers/scrape/scrape.plan';
import { ScrapeProvider } from '../../../src/core/providers/scrape/scrape.provider';
import type { MetricName } from '../../../src/shared/fleet/metrics';
import type { DemoFleetDefinition } from '../../../src/demo/fleet-definition';
import { demoEndpointId } from '../../../src/demo/fleet-definition';
import {
  startClusterControllers,
  type ClusterControllers,
} from '../../../src/demo/kube/controllers/cluster-controllers';
import { createClusterObjectStore } from '../../../src/demo/kube/object-store';
import { demoLabels, refs } from '../../../src/demo/kube/object-store.types';
import { seedCluster } from '../../../src/demo/kube/seed';
import { startModelServerHost, type ModelServerHost } from '../../../src/demo/model-server/model-server-host';
import { seededRandom } from '../../../src/demo/world/daily-pattern';
import { createDemoWorld, type DemoWorld } from '../../../src/demo/world/demo-world';
import { freshDir } from '../../support/tmp';
import { loadDemoFleet } from '../../unit/demo/world/fixtures/seed-cluster';
import { startPrometheus, type RealPrometheus } from '../demo/model-server/real-prometheus';
import { FakeContext } from '../../unit/core/providers/http/support/fake-context';

/**
 * The three metrics sources against the demo's simulated model servers (real HTTP, real vLLM and
 * TGI exposition text) and the real Prometheus (Debian 2.42):
 *   (a) direct scrape vs the simulator's configured latency (its load model's p50/p95/TTFT p95);
 *   (b) the Prometheus source (querying a Prometheus that scrapes the same replicas every 1 s)
 *       vs the direct scrape;
 *   (c) the OpenAI-compatible source listing the simulator's models and probing TTFT.
 *
 * Tolerances. The world clock is frozen, so every simulator tick adds the same latency
 * distribution (on the runtimes' own buckets, interpolated linearly inside each, which is what
 * histogram_quantile assumes): quantiles differ only by the exposition flooring cumulative counts
 * (< 1 request per bucket per replica against thousands in a window) and by where scrapes fall
 * between ticks, which scales every bucket alike and cancels in a quantile. Hence 3% for
 * quantiles, both against the model and between the two sources (adjacent vLLM bounds differ by
 * 25% or more, so 3% cannot hide a wrong bucket). Rates are counts per real second: a window may
 * hold one 200 ms tick more or less than its length (2% of a 10 s window) and Prometheus
 * extrapolates rate() to the window's edges; 10% leaves room for a slow scrape.
 */
const QUANTILE_TOLERANCE = 0.03;
const RATE_TOLERANCE = 0.1;
/** DCGM reports whole percent per GPU: gpu_util is within half a point of the load model's. */
const GPU_UTIL_ABSOLUTE = 0.006;
const cluster = 'prod-us-east';
const frozenTime = Date.UTC(2026, 10, 26, 20, 0, 0); // 15:00 in us-east-1: the daily peak
const vllmId = 'prod-us-east:llm:llama-8b-chat';
const tgiId = 'prod-us-east:llm:mixtral-chat';

function testFleet(): DemoFleetDefinition {
  const fleet = loadDemoFleet();
  return {
    ...fleet,
    clusters: fleet.clusters.filter((c) => c.name === cluster),
    // Capacity and peak both x10: the same utilisation (so the same latency), ten times the
    // observations per second, so the histograms fill fast. No background errors.
    endpoints: fleet.endpoints
      .filter((e) => [vllmId, tgiId].includes(demoEndpointId(e)))
      .map((e) => ({
        ...e,
        capacityRpsPerReplica: e.capacityRpsPerReplica * 10,
        peakRps: e.peakRps * 10,
        baseErrorRate: 0,
      })),
  };
}

/** What the Kubernetes source reports for these pods (metricsUrl from fleetdeck.io/base-url). */
function inventoryOf(
  store: ReturnType<typeof createClusterObjectStore>,
  fleet: DemoFleetDefinition,
): EndpointRecord[] {
  const pods = store.list(refs.pods);
  return fleet.endpoints.map((e) => {
    const id = demoEndpointId(e);
    const mine = pods.filter(
      (p) => `${id.split(':')[0]}:${p.metadata.namespace}:${p.metadata.labels?.[demoLabels.endpoint]}` === id,
    );
    return {
      id,
      name: e.name,
      model: e.model,
      version: e.version,
      cluster: e.cluster,
      region: 'us-east-1',
      namespace: e.namespace,
      runtime: e.runtime,
      target: { kind: e.target, name: e.name },
      group: e.group ?? null,
      trafficPercent: null,
      replicas: { desired: e.replicas, ready: mine.length },
      gpusPerReplica: e.gpusPerReplica,
      gpuType: null,
      nodes: [],
      pods: mine.map((p) => ({
        name: p.metadata.name,
        node: null,
        phase: 'Running',
        ready: true,
        restarts: 0,
        metricsUrl: `${p.metadata.annotations![demoLabels.podBaseUrl]!.replace(/\/+$/, '')}/metrics`,
        runtime: e.runtime,
      })),
      url: null,
    };
  });
}

let tmp: { dir: string; cleanup(): void };
let world: DemoWorld;
let host: ModelServerHost;
let controllers: ClusterControllers;
let prometheus: RealPrometheus;
let store: ReturnType<typeof createClusterObjectStore>;
let endpoints: EndpointRecord[];
const scrapeCtx = new FakeContext({ sourceId: 'scrape' });
const promCtx = new FakeContext({ sourceId: 'prom' });
let scrape: ScrapeProvider;
let prom: PrometheusProvider;

beforeAll(async () => {
  tmp = freshDir('fleetdeck-providers-');
  const fleet = testFleet();
  store = createClusterObjectStore(cluster);
  world = createDemoWorld({ fleet, stores: [store], now: () => frozenTime });
  // Ticks of 200 ms: a rate window holds its traffic to within one small tick (see RATE_TOLERANCE).
  // Seeded draws: the OpenAI probe's TTFTs are the same on every run, so (c) cannot flake.
  host = await startModelServerHost({ world, tickMs: 200, random: seededRandom(7) });
  controllers = startClusterControllers(store, { readyDelayMs: 0, podBaseUrl: host.podBaseUrl });
  seedCluster(store, fleet, cluster);
  await controllers.idle();
  endpoints = inventoryOf(store, fleet);
  expect(endpoints.flatMap((e) => e.pods)).toHaveLength(5); // 3 vLLM + 2 TGI replicas
  scrapeCtx.endpoints = endpoints;
  promCtx.endpoints = endpoints;

  // The usual kubernetes_sd relabelling gives every series its pod's namespace and pod name;
  // the Prometheus source maps them to endpoints through the inventory.
  const targets = store.list(refs.pods).map((pod) => {
    const a = pod.metadata.annotations ?? {};
    return {
      address: `127.0.0.1:${a['prometheus.io/port']}`,
      metricsPath: a['prometheus.io/path']!,
      labels: { namespace: pod.metadata.namespace!, pod: pod.metadata.name } as Record<string, string>,
    };
  });
  // The GPU nodes' DCGM exporters: their series name the pod holding each GPU (namespace, pod),
  // and the targets carry no such labels, so nothing is renamed to exported_*.
  const nodes = new Set(store.list(refs.pods).map((p) => (p.spec as { nodeName?: string }).nodeName!));
  for (const node of nodes) {
    const url = new URL(host.nodeMetricsUrl(cluster, node));
    targets.push({ address: url.host, metricsPath: url.pathname, labels: {} });
  }
  prometheus = await startPrometheus(tmp.dir, targets);
  scrape = new ScrapeProvider(scrapeConfigSchema.parse({ intervalSeconds: 15 }), { log: silentLogger });
  (scrape as unknown as { ctx: FakeContext }).ctx = scrapeCtx;
  await scrape.scrapeOnce(); // the first reading: counters to diff against

  await prometheus.until('every target up', async () => {
    const res = await request(`${prometheus.url}/api/v1/targets`);
    const body = (await res.body.json()) as { data: { activeTargets: Array<{ health: string }> } };
    const active = body.data.activeTargets;
    return active.length === targets.length && active.every((t) => t.health === 'up');
  });
  await prometheus.until('12 s of samples from every target', async () => {
    const [row] = await prometheus.query('min(count_over_time(up{job="model-servers"}[12s]))');
    return row && Number(row.value[1]) >= 11;
  });
  await scrape.scrapeOnce(); // ~12+ s after the first: rates and quantiles over that window

  prom = new PrometheusProvider(
    prometheusConfigSchema.parse({
      url: prometheus.url,
      scrapeIntervalSeconds: 2.5,
      pollIntervalSeconds: 15,
    }),
    { log: silentLogger, secret: async () => null },
  );
  (prom as unknown as { ctx: FakeContext }).ctx = promCtx;
  await prom.pollOnce();
}, 120_000);

afterAll(async () => {
  await scrape?.stop();
  await prom?.stop();
  await prometheus?.stop();
  controllers?.stop();
  await host?.close();
  world?.close();
  tmp?.cleanup();
});

const relative = (measured: number, expected: number) => Math.abs(measured - expected) / expected;

function agree(
  what: string,
  measured: number | undefined,
  expected: number | null | undefined,
  tolerance: number,
) {
  expect(measured, `${what}: no value`).toBeDefined();
  expect(expected, `${what}: no reference`).toBeTypeOf('number');
  const error = relative(measured!, expected!);
  expect(error, `${what}: ${measured!.toFixed(4)} vs ${expected!.toFixed(4)}`).toBeLessThan(tolerance);
  return error;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

describe('metrics sources on the simulated model servers', () => {
  it('(a) direct scrape recovers the simulator configured latency and rates', () => {
    const report: string[] = [];
    for (const id of [vllmId, tgiId]) {
      const f = world.figures(id)!;
      const s = (m: MetricName) => scrapeCtx.latest(id, m);
      report.push(
        `${id}: p50 ${pct(agree(`${id} p50`, s('latency_p50'), f.latencyP50Ms! / 1000, QUANTILE_TOLERANCE))}`,
        `p95 ${pct(agree(`${id} p95`, s('latency_p95'), f.latencyP95Ms! / 1000, QUANTILE_TOLERANCE))}`,
        `p99 ${pct(agree(`${id} p99`, s('latency_p99'), f.latencyP99Ms! / 1000, QUANTILE_TOLERANCE))}`,
        `request rate ${pct(agree(`${id} request_rate`, s('request_rate'), f.successRps, RATE_TOLERANCE))}`,
      );
      expect(s('error_rate')).toBe(0);
    }
    const f = world.figures(vllmId)!;
    report.push(
      `vLLM TTFT p95 ${pct(agree('vLLM ttft_p95', scrapeCtx.latest(vllmId, 'ttft_p95'), f.ttftP95Ms! / 1000, QUANTILE_TOLERANCE))}`,
    );
    report.push(
      `vLLM tokens out ${pct(agree('vLLM tokens_out_rate', scrapeCtx.latest(vllmId, 'tokens_out_rate'), f.tokensOutPerS, RATE_TOLERANCE))}`,
    );
    // TGI has no TTFT histogram: reported, not drawn as a flat line.
    expect(scrapeCtx.latest(tgiId, 'ttft_p95')).toBeUndefined();
    expect(scrapeCtx.missing.get(tgiId)).toContain(
      'ttft_p95: TGI exports no time-to-first-token histogram (queue + prefill time would not be a p95); not reported',
    );
    const cost = scrape.stats().round!.costMs!;
    report.push(`parse+derive per target p50 ${cost.p50.toFixed(3)} ms, max ${cost.max.toFixed(3)} ms`);
    console.log(`[providers] scrape vs simulator: ${report.join(', ')}`);
    // Node DCGM exporters are not in the inventory (NodeRecord has no metrics URL): said, per endpoint.
    expect(scrapeCtx.missing.get(vllmId)).toContain(
      "gpu_util: expected DCGM_FI_DEV_GPU_UTIL (gauge from NVIDIA DCGM exporter), not found (direct scrape reads pods' /metrics only; node DCGM exporters are not in the inventory)",
    );
    expect(scrapeCtx.lastStatus!.state).toBe('ok');
  });

  it('(b) the Prometheus source agrees with the direct scrape', () => {
    const report: string[] = [];
    for (const id of [vllmId, tgiId]) {
      for (const m of ['latency_p50', 'latency_p95', 'latency_p99'] as const) {
        const e = agree(
          `${id} ${m} prometheus vs scrape`,
          promCtx.latest(id, m),
          scrapeCtx.latest(id, m),
          QUANTILE_TOLERANCE,
        );
        report.push(`${id} ${m} ${pct(e)}`);
      }
      const r = agree(
        `${id} request_rate`,
        promCtx.latest(id, 'request_rate'),
        scrapeCtx.latest(id, 'request_rate'),
        RATE_TOLERANCE,
      );
      report.push(`${id} request_rate ${pct(r)}`);
      expect(promCtx.latest(id, 'error_rate')).toBe(0);
    }
    const t = agree(
      'vLLM ttft_p95',
      promCtx.latest(vllmId, 'ttft_p95'),
      scrapeCtx.latest(vllmId, 'ttft_p95'),
      QUANTILE_TOLERANCE,
    );
    report.push(`vLLM ttft_p95 ${pct(t)}`);
    // GPU figures from the DCGM exporters: percent -> ratio, MiB -> bytes.
    for (const id of [vllmId, tgiId]) {
      const util = promCtx.latest(id, 'gpu_util');
      const model = world.figures(id)!.gpuUtilPercent / 100;
      expect(Math.abs(util! - model), `${id} gpu_util ${util} vs ${model}`).toBeLessThan(GPU_UTIL_ABSOLUTE);
      report.push(`${id} gpu_util ${util!.toFixed(3)} vs model ${model.toFixed(3)}`);
    }
    console.log(`[providers] prometheus vs scrape: ${report.join(', ')}`);
    expect(promCtx.lastStatus).toMatchObject({ state: 'ok' });
    expect(promCtx.lastStatus!.reason).toMatch(
      /^2 of 2 endpoints from Prometheus at http:\/\/127\.0\.0\.1:\d+\/ \(vLLM 1, TGI 1\)/,
    );
  });

  it('(b) converts DCGM framebuffer MiB to bytes, summed over the endpoint GPUs', async () => {
    const pods = endpoints.find((e) => e.id === vllmId)!.pods.map((p) => p.name);
    const [row] = await prometheus.query(
      `sum(DCGM_FI_DEV_FB_USED{namespace="llm",pod=~"${pods.join('|')}"})`,
    );
    expect(promCtx.latest(vllmId, 'gpu_mem_used')).toBe(Number(row!.value[1]) * 1024 * 1024);
    expect(promCtx.latest(vllmId, 'gpu_mem_used')).toBeGreaterThan(0);
  });

  it('(b) serves chart series from Prometheus within the point budget, agreeing with the poll', async () => {
    const to = Date.now();
    const from = to - 10_000;
    const [series] = await prom.series([vllmId], 'latency_p95', from, to, 5);
    expect(series!.points.length).toBeGreaterThan(0);
    expect(series!.points.length).toBeLessThanOrEqual(5);
    const last = series!.points[series!.points.length - 1]![1];
    const e = agree(
      'series latency_p95 vs poll',
      last,
      promCtx.latest(vllmId, 'latency_p95'),
      QUANTILE_TOLERANCE,
    );
    console.log(
      `[providers] prometheus series(): ${series!.points.length} points, step ${series!.stepMs} ms, last vs poll ${pct(e)}`,
    );
  });

  it('(c) the OpenAI-compatible source lists the simulator models and its probe measures TTFT', async () => {
    const pod = world.endpoint(vllmId)!.pods[0]!;
    const provider = new OpenAIProvider(
      openaiConfigSchema.parse({
        baseUrl: host.podBaseUrl(cluster, pod.namespace, pod.name),
        probe: { enabled: true, intervalSeconds: 30, window: 5, maxTokens: 16 },
        timeoutSeconds: 20,
      }),
      { log: silentLogger, secret: async () => null },
    );
    const ctx = new FakeContext({ sourceId: 'sim' });
    (provider as unknown as { ctx: FakeContext }).ctx = ctx;
    try {
      expect(await provider.checkHealth()).toBe(true);
      const listed = ctx.inventories[0]!.snapshot.endpoints!;
      expect(listed.length).toBeGreaterThan(0);
      const model = listed[0]!.model;
      expect(listed[0]!.id).toBe(`sim:${model}`);
      const probes = [];
      for (let i = 0; i < 5; i++) probes.push(...(await provider.probeOnce()));
      const ttfts = probes.map((p) => p.ttftSeconds).sort((a, b) => a - b);
      for (const p of probes) expect(p.ttftSeconds).toBeLessThanOrEqual(p.totalSeconds);
      // Each probe is one (seeded) draw from the replica's TTFT distribution: the median of 5
      // must land within x0.5..x2 of the model's median (50 ms for the loopback), which a TTFT
      // taken at the wrong moment (headers, or the end of the stream) would not.
      const median = ttfts[2]!;
      const modelP50 = world.figures(vllmId)!.ttftP50Ms! / 1000;
      console.log(
        `[providers] openai probe: ${model}, TTFT median of 5 ${(median * 1000).toFixed(0)} ms vs model p50 ${(modelP50 * 1000).toFixed(0)} ms`,
      );
      expect(median).toBeGreaterThan(modelP50 * 0.5);
      expect(median).toBeLessThan(modelP50 * 2 + 0.05);
      expect(ctx.latest(`sim:${model}`, 'ttft_p95')).toBe(ttfts[4]); // nearest-rank p95 of 5 = the slowest
      expect(ctx.lastStatus!.reason).toContain('over the last 5 probes');
    } finally {
      await provider.stop();
    }
  });
});
