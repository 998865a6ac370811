import { afterEach, describe, expect, it } from 'vitest';
import { createClusterObjectStore } from '../../../../src/demo/kube/object-store';
import { refs } from '../../../../src/demo/kube/object-store.types';
import type { FleetError } from '../../../../src/shared/errors/fleet-error';
import { createDemoWorld, type DemoWorld } from '../../../../src/demo/world/demo-world';
import { loadDemoFleet, seedCluster, setPodReady } from './fixtures/seed-cluster';

const peakUsEast = Date.UTC(2026, 10, 26, 20, 0, 0); // 15:00 in us-east-1
const fleet = loadDemoFleet();
let worlds: DemoWorld[] = [];

function makeWorld(now = peakUsEast) {
  const stores = fleet.clusters.map((c) => createClusterObjectStore(c.name));
  for (const store of stores) seedCluster(store, fleet);
  const world = createDemoWorld({ fleet, stores, now: () => now });
  worlds.push(world);
  return { world, stores, store: (name: string) => stores.find((s) => s.clusterName === name)! };
}

/** The message and hint of the FleetError `fn` throws, as one string. */
function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return `${(error as FleetError).message} ${(error as FleetError).hint ?? ''}`;
  }
  throw new Error('expected a throw');
}

afterEach(() => {
  for (const w of worlds) w.close();
  worlds = [];
});

describe('demo world', () => {
  it('is deterministic in seed and time', () => {
    const a = makeWorld().world;
    const b = makeWorld().world;
    for (const e of a.endpoints()) {
      expect(b.figures(e.id)!.offeredRps).toBe(e.figures.offeredRps);
      expect(b.figures(e.id)!.latencyP95Ms).toBe(e.figures.latencyP95Ms);
    }
    const night = makeWorld(peakUsEast + 12 * 3_600_000).world;
    const id = 'prod-us-east:llm:llama-8b-chat';
    const ratio = night.figures(id)!.offeredRps / a.figures(id)!.offeredRps;
    expect(ratio).toBeGreaterThan(0.25 * 0.75);
    expect(ratio).toBeLessThan(0.25 * 1.3);
  });

  it('counts ready replicas from the store and reacts to readiness changes', () => {
    const { world, store } = makeWorld();
    const id = 'prod-us-east:llm:llama-8b-chat';
    expect(world.readyReplicas(id)).toBe(3);
    const before = world.figures(id)!;
    const p95Before = before.latencyP95Ms!;
    const pod = store('prod-us-east').list(refs.pods, {
      labelSelector: `fleetdeck.io/endpoint=${id.split(':')[2]}`,
      namespace: id.split(':')[1],
    })[0]!;
    setPodReady(store('prod-us-east'), pod, false);
    world.refresh();
    expect(world.readyReplicas(id)).toBe(2);
    expect(world.figures(id)!.capacityRps).toBe(40);
    expect(world.figures(id)!.latencyP95Ms!).toBeGreaterThan(p95Before);
  });

  it('splits a Deployment group by ready replicas, or by weights a router sets', () => {
    const { world } = makeWorld();
    const group = 'prod-us-east:support:support-bot';
    const a = 'prod-us-east:support:support-bot-2024-10';
    const b = 'prod-us-east:support:support-bot-2024-11';
    // Behind one Service, traffic follows the ready replicas of each version (2 and 2).
    expect(world.weights(group)).toEqual({ [a]: 2, [b]: 2 });
    const total = world.figures(a)!.offeredRps + world.figures(b)!.offeredRps;
    expect(world.figures(a)!.offeredRps).toBeCloseTo(total / 2, 9);

    world.setWeights(group, { 'support-bot-2024-10': 80, [b]: 20 });
    expect(world.figures(a)!.offeredRps).toBeCloseTo(total * 0.8, 9);
    expect(world.figures(b)!.offeredRps).toBeCloseTo(total * 0.2, 9);
    world.setWeights(group, { [b]: 1 });
    expect(world.figures(a)!.offeredRps).toBe(0);
    expect(world.figures(b)!.offeredRps).toBeCloseTo(total, 9);

    expect(failure(() => world.setWeights(group, { nope: 1 }))).toMatch(/not a member.*support-bot-2024-10/s);
    expect(failure(() => world.setWeights('nope', {}))).toMatch(
      /No demo traffic group.*prod-us-east:support:support-bot/,
    );
  });

  it("routes only to the versions the Service's selector selects (a blue-green switch pins it)", () => {
    const { world, store } = makeWorld();
    const group = 'prod-us-east:support:support-bot';
    const a = 'prod-us-east:support:support-bot-2024-10';
    const b = 'prod-us-east:support:support-bot-2024-11';
    const total = world.figures(a)!.offeredRps + world.figures(b)!.offeredRps;
    const cluster = store('prod-us-east');
    // The Deployments' pod templates and the Service in front of them, as the seed writes them.
    for (const version of ['2024-10', '2024-11'])
      cluster.create(refs.deployments, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `support-bot-${version}`, namespace: 'support' },
        spec: {
          template: { metadata: { labels: { app: 'support-bot', 'fleetdeck.io/model-version': version } } },
        },
      });
    const service = (selector: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'support-bot', namespace: 'support' },
      spec: { selector },
    });
    cluster.create(refs.services, service({ app: 'support-bot' }));
    expect(world.weights(group)).toEqual({ [a]: 2, [b]: 2 });
    const svc = cluster.get(refs.services, 'support', 'support-bot')!;
    cluster.update(refs.services, {
      ...svc,
      spec: { selector: { app: 'support-bot', 'fleetdeck.io/model-version': '2024-11' } },
    });
    world.refresh();
    // 2024-10 keeps its 2 ready pods, warm, and gets nothing.
    expect(world.readyReplicas(a)).toBe(2);
    expect(world.weights(group)).toEqual({ [a]: 0, [b]: 2 });
    expect(world.figures(a)!.offeredRps).toBe(0);
    expect(world.figures(b)!.offeredRps).toBeCloseTo(total, 9);
  });

  it('sends a bad candidate its share and shows it', () => {
    const { world } = makeWorld();
    const group = 'staging:support:support-bot-stg';
    const candidate = 'staging:support:support-bot-2024-12';
    expect(world.figures(candidate)!.offeredRps).toBe(0);
    world.setWeights(group, { 'support-bot-2024-11': 80, 'support-bot-2024-12': 20 });
    const f = world.figures(candidate)!;
    expect(f.offeredRps).toBeGreaterThan(0);
    expect(f.errorRate).toBeGreaterThan(0.04);
  });

  it('splits a KServe group by the InferenceService status traffic', () => {
    const { world, store } = makeWorld();
    const group = 'prod-us-east:llm:llama-70b-chat';
    const v1 = 'prod-us-east:llm:llama-70b-chat-v1';
    const v2 = 'prod-us-east:llm:llama-70b-chat-v2';
    // No InferenceService status yet: the fleet's 90/10.
    expect(world.weights(group)).toEqual({ [v1]: 90, [v2]: 10 });
    store('prod-us-east').create(refs.inferenceservices, {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'llama-70b-chat', namespace: 'llm' },
      spec: { predictor: { canaryTrafficPercent: 30 } },
      status: {
        components: {
          predictor: {
            traffic: [
              {
                revisionName: 'llama-70b-chat-predictor-v1',
                percent: 70,
                latestRevision: false,
                tag: 'prev',
              },
              { revisionName: 'llama-70b-chat-predictor-v2', percent: 30, latestRevision: true },
            ],
          },
        },
      },
    });
    world.refresh();
    expect(world.weights(group)).toEqual({ [v1]: 70, [v2]: 30 });
    const total = world.figures(v1)!.offeredRps + world.figures(v2)!.offeredRps;
    expect(world.figures(v2)!.offeredRps / total).toBeCloseTo(0.3, 9);
    expect(failure(() => world.setWeights(group, { [v1]: 100 }))).toMatch(/canaryTrafficPercent/);
  });
});
