import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKubernetesTrafficResolver,
  type KubernetesTrafficResolver,
  type RolloutEndpoint,
} from '../../../src/core/rollouts/targets/kubernetes-traffic';
import { startDemoFleet, type DemoFleet } from '../../../src/demo/demo-fleet';
import {
  configuredQuality,
  demoRolloutCandidates,
  type DemoEndpoint,
} from '../../../src/demo/fleet-definition';
import { freshDir } from '../../support/tmp';
import { parseExposition } from '../../unit/demo/model-server/exposition-parser';

/**
 * Issue 6: the demo fleet's simulated latency and errors follow the traffic split, so a bad
 * candidate really looks bad once a rollout sends it traffic, in the proportion
 * resources/demo/fleet.json configures (quality.latencyFactor, quality.extraErrorRate).
 */
let demo: DemoFleet;
let resolver: KubernetesTrafficResolver;
let cleanup: () => void;

const resourcesDir = fileURLToPath(new URL('../../../resources', import.meta.url));

beforeAll(async () => {
  const dir = freshDir('fleetdeck-rollout-split-');
  cleanup = dir.cleanup;
  demo = await startDemoFleet({ dataDir: dir.dir, resourcesDir });
  for (const cluster of demo.clusters) await cluster.controllers.idle();
  const endpoints = new Map<string, RolloutEndpoint>(
    demo.definition.endpoints.map((e) => {
      const id = `${e.cluster}:${e.namespace}:${e.name}`;
      return [
        id,
        {
          id,
          cluster: e.cluster,
          namespace: e.namespace,
          source: 'demo',
          sourceKind: 'kubernetes',
          target:
            e.target === 'kserve'
              ? { kind: 'InferenceService', name: e.group ?? e.name }
              : { kind: 'Deployment', name: e.name },
          group: e.group ?? null,
          version: e.version,
        },
      ];
    }),
  );
  resolver = createKubernetesTrafficResolver({
    endpoint: (id) => endpoints.get(id),
    kubernetesSource: () => ({ kubeconfigPath: demo.kubeconfigPath }),
    execEnv: async () => process.env,
    pollMs: 25,
  });
});

afterAll(async () => {
  await resolver?.close();
  await demo?.close();
  cleanup?.();
});

const def = (id: string): DemoEndpoint =>
  demo.definition.endpoints.find((e) => `${e.cluster}:${e.namespace}:${e.name}` === id)!;

/** Requests and failures a replica counted, and its e2e latency sum, from its own /metrics. */
async function scrape(id: string) {
  const endpoint = demo.world.endpoint(id)!;
  let requests = 0;
  let failed = 0;
  let latencySum = 0;
  let latencyCount = 0;
  for (const pod of endpoint.pods) {
    if (!pod.ready) continue;
    const url = `${demo.host.podBaseUrl(pod.cluster, pod.namespace, pod.name)}/metrics`;
    const families = parseExposition(await (await fetch(url)).text());
    for (const s of families.get('http_requests_total')?.samples ?? []) {
      requests += s.value;
      if (s.labels.status !== '2xx') failed += s.value;
    }
    for (const s of families.get('vllm:e2e_request_latency_seconds')?.samples ?? []) {
      if (s.name.endsWith('_sum')) latencySum += s.value;
      if (s.name.endsWith('_count')) latencyCount += s.value;
    }
  }
  return { requests, failed, latencySum, latencyCount };
}

/** Error rate and mean latency over a long simulated stretch at the current split. */
async function measure(ids: string[]) {
  const before = await Promise.all(ids.map(scrape));
  demo.host.tick(6 * 3600);
  const after = await Promise.all(ids.map(scrape));
  return ids.map((_, i) => {
    const a = after[i]!;
    const b = before[i]!;
    return {
      requests: a.requests - b.requests,
      errorRate: (a.failed - b.failed) / (a.requests - b.requests),
      meanLatencyS: (a.latencySum - b.latencySum) / (a.latencyCount - b.latencyCount),
    };
  });
}

/** The candidate's median latency over stable's is latencyFactor x their base latencies' ratio. */
function expectLatencyRatio(stableId: string, candidateId: string, low = 0.9) {
  const stable = def(stableId);
  const candidate = def(candidateId);
  const expected =
    configuredQuality(candidate).latencyFactor * (candidate.baseLatencyMs / stable.baseLatencyMs);
  const ratio = demo.world.figures(candidateId)!.e2e.median / demo.world.figures(stableId)!.e2e.median;
  expect(ratio).toBeGreaterThan(expected * low);
  expect(ratio).toBeLessThan(expected * 1.1);
}

describe('the demo fleet under a rollout', () => {
  it('ships a good and a bad Deployment candidate and a bad KServe one, all idle until a rollout', () => {
    const candidates = demoRolloutCandidates(demo.definition);
    expect(candidates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          target: 'deployment',
          stable: 'staging:support:support-bot-2024-11',
          candidate: 'staging:support:support-bot-2024-12',
          bad: true,
        }),
        expect.objectContaining({
          target: 'deployment',
          stable: 'staging:llm:llama-8b-chat',
          candidate: 'staging:llm:llama-8b-chat-v2',
          bad: false,
        }),
        expect.objectContaining({
          target: 'kserve',
          stable: 'staging:llm:llama-70b-chat-v2',
          candidate: 'staging:llm:llama-70b-chat-v3',
          stableVersion: 'v2',
          candidateVersion: 'v3',
          bad: true,
        }),
      ]),
    );
    demo.world.refresh();
    for (const c of candidates) {
      expect(demo.world.figures(c.candidate)!.offeredRps, c.candidate).toBe(0);
      expect(demo.world.readyReplicas(c.candidate), c.candidate).toBe(0);
    }
  });

  it('a Deployment canary: the bad candidate gets its replica share, with the configured errors and latency', async () => {
    const stableId = 'staging:support:support-bot-2024-11';
    const candidateId = 'staging:support:support-bot-2024-12';
    const target = await resolver.resolve({
      endpointId: stableId,
      stableVersion: '2024-11',
      candidateVersion: '2024-12',
      candidateReplicas: 2,
    });
    expect(await target.setWeight(50)).toMatchObject({ candidatePercent: 50 });
    demo.world.refresh();
    const stable = demo.world.figures(stableId)!;
    const candidate = demo.world.figures(candidateId)!;
    expect(candidate.offeredRps / (candidate.offeredRps + stable.offeredRps)).toBeCloseTo(0.5, 6);
    expect(candidate.shedFraction).toBe(0);

    const [s, c] = await measure([stableId, candidateId]);
    const expected = configuredQuality(def(candidateId));
    expect(c!.requests).toBeGreaterThan(100);
    expect(c!.errorRate).toBeCloseTo(expected.errorRate, 2);
    expect(s!.errorRate).toBeCloseTo(configuredQuality(def(stableId)).errorRate, 2);
    // Same utilisation on both (replica ratio): the median latency ratio is the configured
    // factor (times the two versions' base latencies), within the ±4 % latency noise of each side.
    expectLatencyRatio(stableId, candidateId);
    // Their own histograms agree on the direction (bucket sums are coarse: no exact ratio there).
    expect(c!.meanLatencyS).toBeGreaterThan(s!.meanLatencyS * 1.3);

    await target.abort();
    demo.world.refresh();
    expect(demo.world.figures(candidateId)!.offeredRps).toBe(0);
  });

  it('a KServe canary: canaryTrafficPercent sends the bad revision its share, and it fails as configured', async () => {
    const stableId = 'staging:llm:llama-70b-chat-v2';
    const candidateId = 'staging:llm:llama-70b-chat-v3';
    const target = await resolver.resolve({
      endpointId: stableId,
      stableVersion: 'v2',
      candidateVersion: 'v3',
      candidateReplicas: null,
    });
    expect(await target.setWeight(30)).toMatchObject({ candidatePercent: 30, candidateReplicas: 1 });
    demo.world.refresh();
    const stable = demo.world.figures(stableId)!;
    const candidate = demo.world.figures(candidateId)!;
    expect(candidate.offeredRps / (candidate.offeredRps + stable.offeredRps)).toBeCloseTo(0.3, 6);

    const [s, c] = await measure([stableId, candidateId]);
    const expected = configuredQuality(def(candidateId));
    expect(c!.errorRate).toBeCloseTo(expected.errorRate, 2);
    expect(s!.errorRate).toBeCloseTo(configuredQuality(def(stableId)).errorRate, 2);
    // Each revision runs one replica at low load here: queueing barely differs between 30 % and 70 %.
    expectLatencyRatio(stableId, candidateId, 0.85);
    expect(c!.meanLatencyS).toBeGreaterThan(s!.meanLatencyS * 1.3);

    await target.abort();
    demo.world.refresh();
    expect(demo.world.figures(candidateId)!.offeredRps).toBe(0);
  });
});
