import type { DemoFleetDefinition } from '../../../../src/demo/fleet-definition';
import { createFaultInjector } from '../../../../src/demo/faults/fault-injector';
import { createClusterObjectStore } from '../../../../src/demo/kube/object-store';
import {
  startModelServerHost,
  type ModelServerHostOptions,
} from '../../../../src/demo/model-server/model-server-host';
import { createDemoWorld } from '../../../../src/demo/world/demo-world';
import { loadDemoFleet, seedCluster } from '../world/fixtures/seed-cluster';

/** 15:00 in us-east-1: the demo fleet's busiest hour there. */
export const peakUsEast = Date.UTC(2026, 10, 26, 20, 0, 0);

/**
 * The demo fleet on real cluster stores (pods seeded directly), its world and faults, and the
 * model-server host on a free loopback port, with the tick under the test's control.
 */
export async function startDemoHost(
  options: { fleet?: DemoFleetDefinition; now?: () => number } & Partial<ModelServerHostOptions> = {},
) {
  const fleet = options.fleet ?? loadDemoFleet();
  const now = options.now ?? (() => peakUsEast);
  const stores = fleet.clusters.map((c) => createClusterObjectStore(c.name));
  for (const store of stores) seedCluster(store, fleet);
  const faults = createFaultInjector({ fleet, stores, now });
  const world = createDemoWorld({ fleet, stores, faults, now });
  const host = await startModelServerHost({ tickMs: 0, ...options, world });
  return {
    fleet,
    stores,
    store: (name: string) => stores.find((s) => s.clusterName === name)!,
    faults,
    world,
    host,
    async close() {
      await host.close();
      faults.dispose();
      world.close();
    },
  };
}
