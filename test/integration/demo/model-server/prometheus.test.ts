import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { DemoFleetDefinition } from '../../../../src/demo/fleet-definition';
import { demoEndpointId } from '../../../../src/demo/fleet-definition';
import {
  startClusterControllers,
  type ClusterControllers,
} from '../../../../src/demo/kube/controllers/cluster-controllers';
import { createClusterObjectStore } from '../../../../src/demo/kube/object-store';
import { demoLabels, refs } from '../../../../src/demo/kube/object-store.types';
import { seedCluster } from '../../../../src/demo/kube/seed';
import {
  startModelServerHost,
  type ModelServerHost,
} from '../../../../src/demo/model-server/model-server-host';
import { createDemoWorld, type DemoWorld } from '../../../../src/demo/world/demo-world';
import { freshDir } from '../../../support/tmp';
import { loadDemoFleet } from '../../../unit/demo/world/fixtures/seed-cluster';
import { startPrometheus, type RealPrometheus } from './real-prometheus';

/**
 * The simulated model servers against the REAL Prometheus (Debian 2.42): pods made by the
 * simulated controllers, scraped every second through their `prometheus.io/path` annotation,
 * and histogram_quantile(rate(...)) read back against the load model.
 *
 * Tolerance 3%. The world clock is frozen, so every tick adds the same latency distribution
 * (defined on the runtime's own buckets, linear inside each: what histogram_quantile assumes),
 * and what is left is counting: (1) the exposition floors cumulative bucket counts, so a
 * window's increase is off by at most one request per bucket per replica; with ~20,000 requests
 * in the 10 s window even p99's tail bucket holds a few hundred, which bounds the quantile error
 * to well under 1%; (2) rate()'s extrapolation scales every bucket of a target alike, and all
 * replicas of an endpoint share one distribution, so it cancels in the quantile. 3% keeps
 * headroom for scrapes delayed on a loaded CI machine and still cannot hide a wrong bucket
 * (adjacent vLLM bounds differ by 25% or more).
 */
const TOLERANCE = 0.03;
const cluster = 'prod-us-east';
const frozenTime = Date.UTC(2026, 10, 26, 20, 0, 0); // 15:00 in us-east-1
const vllmId = 'prod-us-east:llm:llama-8b-chat';
const tgiId = 'prod-us-east:llm:mixtral-chat';

/**
 * Two endpoints of the demo fleet, with capacity and peak load both x50: the same utilisation,
 * so the same latency, but a window holds 50 times the requests, which shrinks the counting
 * error above (a tick's cost does not depend on the request rate: it adds expected counts).
 * No background errors, so the handful of live requests below cannot fail by chance.
 */
function testFleet(): DemoFleetDefinition {
  const fleet = loadDemoFleet();
  return {
    ...fleet,
    clusters: fleet.clusters.filter((c) => c.name === cluster),
    endpoints: fleet.endpoints
      .filter((e) => [vllmId, tgiId].includes(demoEndpointId(e)))
      .map((e) => ({
        ...e,
        capacityRpsPerReplica: e.capacityRpsPerReplica * 50,
        peakRps: e.peakRps * 50,
        baseErrorRate: 0,
      })),
  };
}

let tmp: { dir: string; cleanup(): void };
let world: DemoWorld;
let host: ModelServerHost;
let controllers: ClusterControllers;
let prometheus: RealPrometheus;

beforeAll(async () => {
  tmp = freshDir('fleetdeck-prom-');
  const fleet = testFleet();
  const store = createClusterObjectStore(cluster);
  world = createDemoWorld({ fleet, stores: [store], now: () => frozenTime });
  host = await startModelServerHost({ world, tickMs: 1000 });
  controllers = startClusterControllers(store, { readyDelayMs: 0, podBaseUrl: host.podBaseUrl });
  seedCluster(store, fleet, cluster);
  await controllers.idle();

  // What Prometheus' kubernetes_sd + the usual relabelling would derive from the annotations.
  const targets = store.list(refs.pods).map((pod) => {
    const a = pod.metadata.annotations ?? {};
    expect(a[demoLabels.podBaseUrl]).toBe(
      host.podBaseUrl(cluster, pod.metadata.namespace!, pod.metadata.name),
    );
    return {
      address: `127.0.0.1:${a['prometheus.io/port']}`,
      metricsPath: a['prometheus.io/path']!,
      labels: {
        namespace: pod.metadata.namespace!,
        pod: pod.metadata.name,
        endpoint: `${store.clusterName}:${pod.metadata.namespace}:${pod.metadata.labels![demoLabels.endpoint]!}`,
      },
    };
  });
  expect(targets).toHaveLength(5); // 3 vLLM + 2 TGI replicas
  prometheus = await startPrometheus(tmp.dir, targets);
  await prometheus.until('every target up', async () => {
    const res = await request(`${prometheus.url}/api/v1/targets`);
    const body = (await res.body.json()) as { data: { activeTargets: Array<{ health: string }> } };
    const active = body.data.activeTargets;
    return active.length === targets.length && active.every((t) => t.health === 'up');
  });
  // rate(...[10s]) needs the window full of 1 s scrapes.
  await prometheus.until('12 s of samples from every target', async () => {
    const [row] = await prometheus.query('min(count_over_time(up{job="model-servers"}[12s]))');
    return row && Number(row.value[1]) >= 11;
  });
}, 90_000);

afterAll(async () => {
  await prometheus?.stop();
  controllers?.stop();
  await host?.close();
  world?.close();
  tmp?.cleanup();
});

async function quantile(q: number, metric: string, endpoint: string): Promise<number> {
  const rows = await prometheus.query(
    `histogram_quantile(${q}, sum by (le) (rate(${metric}_bucket{endpoint="${endpoint}"}[10s])))`,
  );
  expect(rows, `${metric} q${q}`).toHaveLength(1);
  return Number(rows[0]!.value[1]);
}

function agrees(measuredS: number, modelMs: number | null, what: string) {
  const error = Math.abs(measuredS * 1000 - modelMs!) / modelMs!;
  expect(
    error,
    `${what}: Prometheus ${(measuredS * 1000).toFixed(1)} ms vs model ${modelMs!.toFixed(1)} ms`,
  ).toBeLessThan(TOLERANCE);
  return error;
}

describe('simulated model servers scraped by a real Prometheus', () => {
  it('recovers the vLLM endpoint latency from vllm:e2e_request_latency_seconds', async () => {
    const f = world.figures(vllmId)!;
    const errors = [
      agrees(await quantile(0.5, 'vllm:e2e_request_latency_seconds', vllmId), f.latencyP50Ms, 'vLLM p50'),
      agrees(await quantile(0.95, 'vllm:e2e_request_latency_seconds', vllmId), f.latencyP95Ms, 'vLLM p95'),
      agrees(await quantile(0.99, 'vllm:e2e_request_latency_seconds', vllmId), f.latencyP99Ms, 'vLLM p99'),
      agrees(await quantile(0.95, 'vllm:time_to_first_token_seconds', vllmId), f.ttftP95Ms, 'vLLM TTFT p95'),
    ];
    console.log(
      `[prometheus] vLLM relative errors p50/p95/p99/ttft95: ${errors.map((e) => (e * 100).toFixed(2)).join('% ')}%`,
    );
    const [rate] = await prometheus.query(`sum(rate(vllm:request_success_total{endpoint="${vllmId}"}[10s]))`);
    expect(Number(rate!.value[1]) / f.successRps).toBeCloseTo(1, 1);
  });

  it('recovers the TGI endpoint latency from tgi_request_duration', async () => {
    const f = world.figures(tgiId)!;
    const errors = [
      agrees(await quantile(0.5, 'tgi_request_duration', tgiId), f.latencyP50Ms, 'TGI p50'),
      agrees(await quantile(0.95, 'tgi_request_duration', tgiId), f.latencyP95Ms, 'TGI p95'),
      agrees(await quantile(0.99, 'tgi_request_duration', tgiId), f.latencyP99Ms, 'TGI p99'),
    ];
    console.log(
      `[prometheus] TGI relative errors p50/p95/p99: ${errors.map((e) => (e * 100).toFixed(2)).join('% ')}%`,
    );
    const [queue] = await prometheus.query(`sum(tgi_queue_size{endpoint="${tgiId}"})`);
    expect(Number(queue!.value[1])).toBeGreaterThanOrEqual(0);
  });

  it('answers chat completions, streamed with a TTFT drawn from the model', async () => {
    const pod = world.endpoint(vllmId)!.pods[0]!;
    const base = host.podBaseUrl(cluster, pod.namespace, pod.name);
    const plain = await request(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'llama-3.1-8b-instruct',
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 8,
      }),
    });
    expect(plain.statusCode).toBe(200);
    const completion = (await plain.body.json()) as { object: string; usage: { completion_tokens: number } };
    expect(completion.object).toBe('chat.completion');
    expect(completion.usage.completion_tokens).toBe(8);

    // Each stream's TTFT is one draw from the model's distribution (sigma ~0.5 at this load, so a
    // single draw is anywhere from x0.4 to x2.5). The median of 31 draws falls outside x0.6..x1.6
    // of the model's median with odds below 1 in 1,000; 50 ms covers loopback and event loop.
    const ttfts = await Promise.all(
      Array.from({ length: 31 }, async () => {
        const started = performance.now();
        const res = await request(`${base}/v1/chat/completions`, {
          method: 'POST',
          body: JSON.stringify({
            messages: [{ role: 'user', content: 'stream please' }],
            stream: true,
            max_tokens: 16,
          }),
        });
        expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
        let first = 0;
        let text = '';
        for await (const chunk of res.body) {
          first ||= performance.now() - started;
          text += chunk.toString();
        }
        const events = text.split('\n\n').filter(Boolean);
        expect(events.at(-1)).toBe('data: [DONE]');
        const chunks = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, '')));
        expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
        expect(chunks.at(-1).choices[0].finish_reason).toBe('length');
        expect(chunks.slice(1, -1)).toHaveLength(16);
        return first;
      }),
    );
    const median = ttfts.sort((a, b) => a - b)[15]!;
    const model = world.figures(vllmId)!.ttftP50Ms!;
    console.log(
      `[prometheus] streamed TTFT median ${median.toFixed(0)} ms vs model p50 ${model.toFixed(0)} ms`,
    );
    expect(median).toBeGreaterThan(model * 0.6);
    expect(median).toBeLessThan(model * 1.6 + 50);
  });
});
