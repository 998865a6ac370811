import type { Endpoint } from '../../../../src/shared/contract/fleet.schema';
import type { EventMessage } from '../../../../src/shared/contract/index';
import { InventoryCache } from '../../../../src/core/fleet/inventory.cache';
import type { EndpointRecord } from '../../../../src/core/fleet/inventory.types';
import { silentLogger } from '../../../../src/core/log/logger';
import { MetricsStore } from '../../../../src/core/metrics/metrics.store';
import { openStore, type Store } from '../../../../src/core/store/database';
import { SpendService, type SpendFleet } from '../../../../src/core/spend/spend.service';
import { freshDir } from '../../../support/tmp';

export interface EndpointSpec {
  id: string;
  source: string;
  cluster: string;
  model: string;
  version: string;
  gpus?: number;
  gpuType?: string | null;
}

export const record = (e: EndpointSpec): EndpointRecord => ({
  id: e.id,
  name: e.id.split(':').pop()!,
  model: e.model,
  version: e.version,
  cluster: e.cluster,
  region: 'eu-west-1',
  namespace: 'serving',
  runtime: 'vllm',
  target: { kind: 'Deployment', name: e.id },
  group: null,
  trafficPercent: null,
  replicas: { desired: 1, ready: 1 },
  gpusPerReplica: e.gpus ?? 1,
  gpuType: e.gpuType ?? 'NVIDIA-A100-SXM4-80GB',
  nodes: ['n1'],
  pods: [],
  url: null,
});

/** Just enough of an Endpoint for the spend service (names for movers, GPUs for GPU-hours). */
export const endpointOf = (e: EndpointSpec): Endpoint =>
  ({
    id: e.id,
    source: e.source,
    name: e.id.split(':').pop()!,
    model: e.model,
    version: e.version,
    cluster: e.cluster,
    gpus: e.gpus ?? 1,
    gpuType: e.gpuType === undefined ? 'NVIDIA-A100-SXM4-80GB' : e.gpuType,
  }) as Endpoint;

/**
 * A real SQLite file (all migrations), the inventory cache holding `endpoints`, the metrics
 * cache to write samples with, and a SpendService over a fake fleet with a settable clock.
 */
export function spendFixture(endpoints: EndpointSpec[], now: number) {
  const tmp = freshDir('fleetdeck-spend-');
  const store: Store = openStore({ dataDir: tmp.dir, log: silentLogger });
  const inventory = new InventoryCache(store.db);
  const bySource = new Map<string, EndpointRecord[]>();
  for (const e of endpoints) bySource.set(e.source, [...(bySource.get(e.source) ?? []), record(e)]);
  for (const [source, records] of bySource) inventory.apply(source, { endpoints: records }, false, now);
  const metrics = new MetricsStore(store.db);
  const clock = { now };
  const listeners = new Set<(m: EventMessage) => void>();
  const fleet: SpendFleet & { rate: number } = {
    rate: 0,
    summary: () => ({ spendPerHour: fleet.rate }),
    all: () => endpoints.map(endpointOf),
    endpoint: (id) => {
      const e = endpoints.find((x) => x.id === id);
      return e ? endpointOf(e) : undefined;
    },
  };
  const service = new SpendService({
    db: store.db,
    fleet,
    subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
    sourceName: (id) => `Source ${id}`,
    now: () => clock.now,
  });
  return {
    store,
    db: store.db,
    metrics,
    clock,
    fleet,
    service,
    emit: (message: EventMessage) => listeners.forEach((l) => l(message)),
    close() {
      service.stop();
      store.close();
      tmp.cleanup();
    },
  };
}
