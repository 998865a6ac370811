import { afterEach, describe, expect, it } from 'vitest';
import { createFaultInjector, DEMO_XID } from '../../../../src/demo/faults/fault-injector';
import { kubeFaultHooks } from '../../../../src/demo/faults/kube-fault-hooks';
import {
  startClusterControllers,
  type ClusterControllers,
} from '../../../../src/demo/kube/controllers/cluster-controllers';
import { createClusterObjectStore, type KubeObjectStore } from '../../../../src/demo/kube/object-store';
import { refs } from '../../../../src/demo/kube/object-store.types';
import { seedCluster } from '../../../../src/demo/kube/seed';
import { createDemoWorld } from '../../../../src/demo/world/demo-world';
import { loadDemoFleet } from './fixtures/seed-cluster';

/**
 * The world on a cluster run by the real simulated controllers (kube/controllers): pods come
 * from Deployments, KServe traffic from the InferenceService controller, faults go through
 * the controllers' hooks.
 */
const fleet = loadDemoFleet();
const cluster = 'prod-us-east';
const peak = Date.UTC(2026, 10, 26, 20, 0, 0);
let stops: Array<() => void> = [];

async function setup() {
  const store: KubeObjectStore = createClusterObjectStore(cluster);
  const controllers: ClusterControllers = startClusterControllers(store, { readyDelayMs: 0 });
  const faults = createFaultInjector({
    fleet,
    stores: [store],
    hooks: kubeFaultHooks(fleet, [{ name: cluster, controllers }]),
  });
  const single = { ...fleet, clusters: fleet.clusters.filter((c) => c.name === cluster) };
  single.endpoints = fleet.endpoints.filter((e) => e.cluster === cluster);
  const world = createDemoWorld({ fleet: single, stores: [store], faults, now: () => peak });
  stops.push(() => {
    faults.dispose();
    world.close();
    controllers.stop();
  });
  seedCluster(store, single, cluster);
  await controllers.idle();
  world.refresh();
  return { store, controllers, faults, world };
}

afterEach(() => {
  for (const stop of stops) stop();
  stops = [];
});

describe('demo world on the simulated controllers', () => {
  it('sees every replica the Deployments create, and more when one is scaled up', async () => {
    const { store, controllers, world } = await setup();
    for (const e of fleet.endpoints.filter((x) => x.cluster === cluster)) {
      expect(world.readyReplicas(`${e.cluster}:${e.namespace}:${e.name}`), e.name).toBe(e.replicas);
    }
    const id = 'prod-us-east:llm:llama-8b-chat';
    const before = world.figures(id)!.latencyP95Ms!;
    store.modify(refs.deployments, 'llm', 'llama-8b-chat', (d) => {
      d.spec.replicas = 6;
    });
    await controllers.idle();
    world.refresh();
    expect(world.readyReplicas(id)).toBe(6);
    expect(world.figures(id)!.latencyP95Ms!).toBeLessThan(before);
  });

  it('follows the InferenceService traffic split as canaryTrafficPercent changes', async () => {
    const { store, controllers, world } = await setup();
    const group = 'prod-us-east:llm:llama-70b-chat';
    expect(world.weights(group)).toEqual({
      'prod-us-east:llm:llama-70b-chat-v1': 90,
      'prod-us-east:llm:llama-70b-chat-v2': 10,
    });
    store.modify(refs.inferenceservices, 'llm', 'llama-70b-chat', (isvc) => {
      isvc.spec.predictor.canaryTrafficPercent = 60;
    });
    await controllers.idle();
    world.refresh();
    expect(world.weights(group)).toEqual({
      'prod-us-east:llm:llama-70b-chat-v1': 40,
      'prod-us-east:llm:llama-70b-chat-v2': 60,
    });
    const v1 = world.figures('prod-us-east:llm:llama-70b-chat-v1')!.offeredRps;
    const v2 = world.figures('prod-us-east:llm:llama-70b-chat-v2')!.offeredRps;
    expect(v2 / (v1 + v2)).toBeCloseTo(0.6, 9);
  });

  it('crash-loops the Deployment behind an endpoint, then recovers it', async () => {
    const { store, controllers, faults, world } = await setup();
    const id = 'prod-us-east:llm:llama-70b-chat-v1'; // a KServe predictor revision
    faults.inject({ kind: 'crash_loop', target: id, durationS: 60 });
    await controllers.idle();
    world.refresh();
    expect(world.readyReplicas(id)).toBe(0);
    const pods = store.list(refs.pods, {
      labelSelector: `fleetdeck.io/endpoint=${id.split(':')[2]}`,
      namespace: id.split(':')[1],
    });
    expect(pods.length).toBe(2);
    for (const pod of pods) {
      expect(pod.status.containerStatuses[0].state.waiting.reason).toBe('CrashLoopBackOff');
    }
    faults.clear(id);
    await controllers.idle();
    world.refresh();
    expect(world.readyReplicas(id)).toBe(2);
  });

  it('reports a GPU Xid on the node and takes its pods out of service', async () => {
    const { store, controllers, faults, world } = await setup();
    const pod = store.list(refs.pods, {
      labelSelector: 'fleetdeck.io/endpoint=mixtral-chat',
      namespace: 'llm',
    })[0]!;
    const node = pod.spec.nodeName as string;
    faults.inject({ kind: 'gpu_xid', target: node, durationS: 60 });
    await controllers.idle();
    const condition = store
      .get(refs.nodes, undefined, node)!
      .status.conditions.find((c: { type: string }) => c.type === 'GpuXidError');
    expect(condition).toMatchObject({ status: 'True', reason: `Xid${DEMO_XID}` });
    world.refresh();
    expect(world.xidOn(cluster, node)).toBe(DEMO_XID);
    const info = world.podIndex(cluster)!.pod(pod.metadata.namespace!, pod.metadata.name)!;
    expect(world.isServing(info)).toBe(false);
    faults.clear(node);
    expect(
      store
        .get(refs.nodes, undefined, node)!
        .status.conditions.find((c: { type: string }) => c.type === 'GpuXidError').status,
    ).toBe('False');
    expect(world.isServing(info)).toBe(true);
  });
});
