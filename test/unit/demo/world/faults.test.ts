import { afterEach, describe, expect, it } from 'vitest';
import {
  createFaultInjector,
  DEMO_XID,
  type FaultInjector,
} from '../../../../src/demo/faults/fault-injector';
import { createClusterObjectStore } from '../../../../src/demo/kube/object-store';
import { createDemoWorld, type DemoWorld } from '../../../../src/demo/world/demo-world';
import type { FleetError } from '../../../../src/shared/errors/fleet-error';
import { loadDemoFleet, nodeName, seedCluster } from './fixtures/seed-cluster';

/**
 * Faults change what the world computes for their target, reach the cluster through the kube
 * hooks, and end by themselves. Tests live with the world because that is where they show.
 */
const fleet = loadDemoFleet();
const t0 = Date.UTC(2026, 10, 26, 20, 0, 0);
const id = 'prod-us-east:llm:llama-8b-chat';
let cleanup: Array<() => void> = [];

function setup() {
  let now = t0;
  const stores = fleet.clusters.map((c) => createClusterObjectStore(c.name));
  for (const store of stores) seedCluster(store, fleet);
  const calls: string[] = [];
  const faults = createFaultInjector({
    fleet,
    stores,
    now: () => now,
    hooks: {
      setCrashLoop: (ep, active) => calls.push(`crash ${ep.cluster}/${ep.namespace}/${ep.name} ${active}`),
      setGpuXid: (node, xid, active) => calls.push(`xid ${node.cluster}/${node.name} ${xid} ${active}`),
    },
  });
  const world = createDemoWorld({ fleet, stores, faults, now: () => now });
  cleanup.push(() => {
    faults.dispose();
    world.close();
  });
  const advance = (seconds: number) => {
    now += seconds * 1000;
    faults.sweep(now);
    world.refresh(now);
  };
  return { faults, world, calls, advance };
}

function failure(fn: () => unknown): FleetError {
  try {
    fn();
  } catch (error) {
    return error as FleetError;
  }
  throw new Error('expected a throw');
}

afterEach(() => {
  for (const c of cleanup) c();
  cleanup = [];
});

function inject(faults: FaultInjector, world: DemoWorld, kind: string, target: string, durationS = 60) {
  const fault = faults.inject({ kind, target, durationS });
  world.refresh();
  return fault;
}

describe('fault injection', () => {
  it('returns the fault with its start and end, lists it, and ends it on time', () => {
    const { faults, world, advance } = setup();
    const before = world.figures(id)!.e2e.median;
    const fault = inject(faults, world, 'latency_spike', id, 30);
    expect(fault).toEqual({ kind: 'latency_spike', target: id, startedAt: t0, endsAt: t0 + 30_000 });
    expect(faults.list()).toEqual([fault]);
    expect(world.figures(id)!.e2e.median / before).toBeCloseTo(4, 6);
    expect(world.endpoint(id)!.faultKinds).toEqual(['latency_spike']);
    advance(29);
    expect(world.figures(id)!.e2e.median).toBeGreaterThan(before * 2);
    advance(1);
    expect(faults.list()).toEqual([]);
    expect(world.figures(id)!.e2e.median).toBeLessThan(before * 1.2);
    expect(world.endpoint(id)!.faultKinds).toEqual([]);
  });

  it('raises errors, load and tokens', () => {
    const { faults, world } = setup();
    const base = { ...world.figures(id)! };
    inject(faults, world, 'error_burst', id);
    expect(world.figures(id)!.errorRate).toBeGreaterThanOrEqual(0.35);
    inject(faults, world, 'traffic_surge', id);
    expect(world.figures(id)!.offeredRps / base.offeredRps).toBeCloseTo(3, 6);
    expect(world.figures(id)!.utilisation).toBeGreaterThan(1); // 3x a busy endpoint: it sheds
    inject(faults, world, 'cost_spike', id);
    expect(world.figures(id)!.promptTokensPerRequest).toBe(5 * 600);
    expect(faults.list().map((f) => f.kind)).toEqual(['error_burst', 'traffic_surge', 'cost_spike']);
    expect(faults.clear(id)).toHaveLength(3);
    world.refresh();
    expect(world.figures(id)!.offeredRps).toBeCloseTo(base.offeredRps, 9);
  });

  it('crash-loops an endpoint through the kube hook until it ends', () => {
    const { faults, world, calls, advance } = setup();
    inject(faults, world, 'crash_loop', id, 10);
    expect(calls).toEqual(['crash prod-us-east/llm/llama-8b-chat true']);
    expect(world.readyReplicas(id)).toBe(0);
    expect(world.figures(id)!.errorRate).toBe(1);
    expect(world.isCrashLooping(id)).toBe(true);
    // Injecting it again extends it without flapping the pods.
    advance(5);
    inject(faults, world, 'crash_loop', id, 10);
    expect(calls).toHaveLength(1);
    advance(10);
    expect(calls).toEqual([
      'crash prod-us-east/llm/llama-8b-chat true',
      'crash prod-us-east/llm/llama-8b-chat false',
    ]);
    expect(world.readyReplicas(id)).toBe(3);
  });

  it('reports an Xid on a GPU node and takes its pods out of service', () => {
    const { faults, world, calls, advance } = setup();
    const node = nodeName('prod-us-east', 'h100', 0);
    const pods = [...world.podIndex('prod-us-east')!.podsOnNode(node)];
    expect(pods.length).toBeGreaterThan(0);
    const affected = pods[0]!.endpointId;
    const readyBefore = world.readyReplicas(affected);
    inject(faults, world, 'gpu_xid', node, 20);
    expect(calls).toEqual([`xid prod-us-east/${node} ${DEMO_XID} true`]);
    expect(world.xidOn('prod-us-east', node)).toBe(DEMO_XID);
    expect(pods.every((p) => !world.isServing(p))).toBe(true);
    expect(world.readyReplicas(affected)).toBeLessThan(readyBefore);
    advance(20);
    expect(world.xidOn('prod-us-east', node)).toBe(0);
    expect(world.readyReplicas(affected)).toBe(readyBefore);
    expect(calls.at(-1)).toBe(`xid prod-us-east/${node} ${DEMO_XID} false`);
  });

  it('rejects unknown kinds, targets and durations with a way forward', () => {
    const { faults } = setup();
    const kind = failure(() => faults.inject({ kind: 'meteor', target: id, durationS: 5 }));
    expect(kind.code).toBe('bad_request');
    expect(kind.message).toContain('"meteor"');
    expect(kind.hint).toContain('latency_spike');

    const endpoint = failure(() =>
      faults.inject({ kind: 'error_burst', target: 'prod-us-east:llm:nope', durationS: 5 }),
    );
    expect(endpoint.code).toBe('not_found');
    expect(endpoint.message).toContain('"prod-us-east:llm:nope"');
    expect(endpoint.hint).toMatch(/<cluster>:<namespace>:<name>.*fleetdeck fleet endpoints.*kubectl/s);

    const node = failure(() => faults.inject({ kind: 'gpu_xid', target: 'gpu-node-404', durationS: 5 }));
    expect(node.code).toBe('not_found');
    expect(node.message).toContain('"gpu-node-404"');
    expect(node.hint).toMatch(/kubectl --context prod-us-east get nodes/);

    const swapped = failure(() => faults.inject({ kind: 'gpu_xid', target: id, durationS: 5 }));
    expect(swapped.message).toMatch(/is an endpoint/);
    const swappedBack = failure(() =>
      faults.inject({ kind: 'crash_loop', target: nodeName('prod-us-east', 'h100', 0), durationS: 5 }),
    );
    expect(swappedBack.message).toMatch(/is a node/);

    for (const durationS of [0, -1, Number.NaN, 10 ** 9]) {
      expect(failure(() => faults.inject({ kind: 'error_burst', target: id, durationS })).code).toBe(
        'bad_request',
      );
    }
    expect(faults.list()).toEqual([]);
  });

  it('ends faults on a timer in real time', async () => {
    const stores = fleet.clusters.map((c) => createClusterObjectStore(c.name));
    const faults = createFaultInjector({ fleet, stores });
    cleanup.push(() => faults.dispose());
    const ended = new Promise<void>((resolve) =>
      faults.onChange((active) => {
        if (active.length === 0) resolve();
      }),
    );
    faults.inject({ kind: 'error_burst', target: id, durationS: 0.05 });
    expect(faults.list()).toHaveLength(1);
    await ended;
    expect(faults.list()).toEqual([]);
  });
});
