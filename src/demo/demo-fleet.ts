import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoFaultInfo } from '../shared/contract/demo.schema';
import { createFaultInjector } from './faults/fault-injector';
import { kubeFaultHooks } from './faults/kube-fault-hooks';
import type { DemoFleetDefinition } from './fleet-definition';
import { refs } from './kube/object-store.types';
import { startSimulatedClusters, type SimulatedCluster } from './kube/simulated-cluster';
import { startModelServerHost, type ModelServerHost } from './model-server/model-server-host';
import { generateScaleFleet } from './scale/scale-fleet';
import { createDemoWorld, type DemoWorld } from './world/demo-world';

export interface DemoFleetOptions {
  dataDir: string;
  resourcesDir: string;
  /** `--demo-scale N`: a generated fleet of N endpoints instead of resources/demo/fleet.json. */
  scale?: number;
  log?: (line: string) => void;
}

/** A running demo fleet: what the host hands the core (sources, fault control) and a way to stop. */
export interface DemoFleet {
  definition: DemoFleetDefinition;
  kubeconfigPath: string;
  contexts: string[];
  clusters: SimulatedCluster[];
  host: ModelServerHost;
  world: DemoWorld;
  inject(fault: { kind: DemoFaultInfo['kind']; target: string; durationS: number }): DemoFaultInfo;
  list(): DemoFaultInfo[];
  close(): Promise<void>;
}

/** Annotation through which the demo tells the Kubernetes provider where a node's GPU exporter is. */
export const dcgmUrlAnnotation = 'fleetdeck.io/dcgm-metrics-url';

export function loadDemoDefinition(resourcesDir: string, scale?: number): DemoFleetDefinition {
  if (scale !== undefined) return generateScaleFleet(scale, 20261126);
  return JSON.parse(readFileSync(join(resourcesDir, 'demo', 'fleet.json'), 'utf8')) as DemoFleetDefinition;
}

/**
 * Starts the demo fleet on loopback: simulated Kubernetes API servers (one per cluster, with a
 * kubeconfig at <data-dir>/demo/kubeconfig, mode 0600), one model-server host serving every
 * replica's OpenAI API and /metrics, the load model and the fault injector. Fleetdeck then
 * reads it through its ordinary Kubernetes and scrape sources: the demo is just more clusters.
 */
export async function startDemoFleet(options: DemoFleetOptions): Promise<DemoFleet> {
  const definition = loadDemoDefinition(options.resourcesDir, options.scale);
  const kubeconfigPath = join(options.dataDir, 'demo', 'kubeconfig');
  const host = await startModelServerHost({});
  let clusters: SimulatedCluster[] = [];
  try {
    clusters = await startSimulatedClusters(definition, {
      podBaseUrl: host.podBaseUrl,
      kubeconfigPath,
      ...(options.log ? { log: options.log } : {}),
    });
    // Where each node's GPU exporter is, as a real cluster would say through its dcgm-exporter pods.
    for (const cluster of clusters) {
      for (const frozen of cluster.store.list(refs.nodes)) {
        const node = structuredClone(frozen);
        node.metadata.annotations = {
          ...node.metadata.annotations,
          [dcgmUrlAnnotation]: host.nodeMetricsUrl(cluster.name, node.metadata.name),
        };
        cluster.store.update(refs.nodes, node);
      }
    }
  } catch (error) {
    await Promise.allSettled(clusters.map((c) => c.close()));
    await host.close();
    throw error;
  }
  const stores = clusters.map((c) => c.store);
  const faults = createFaultInjector({
    fleet: definition,
    stores,
    hooks: kubeFaultHooks(definition, clusters),
  });
  const world = createDemoWorld({ fleet: definition, stores, faults });
  host.attach(world);
  const info = (f: {
    kind: DemoFaultInfo['kind'];
    target: string;
    startedAt: number;
    endsAt: number;
  }): DemoFaultInfo => ({
    kind: f.kind,
    target: f.target,
    startedAt: f.startedAt,
    endsAt: f.endsAt,
  });
  return {
    definition,
    kubeconfigPath,
    contexts: clusters.map((c) => c.name),
    clusters,
    host,
    world,
    inject: (fault) => info(faults.inject(fault)),
    list: () => faults.list().map(info),
    async close() {
      faults.dispose();
      await Promise.allSettled(clusters.map((c) => c.close()));
      await host.close();
    },
  };
}

/**
 * The sources through which Fleetdeck reads the demo: the ordinary Kubernetes source over the
 * demo kubeconfig, and direct scrape of the replicas (a faster interval than the default, so the
 * demo feels live; at scale the scrape cap stretches it).
 */
export function demoSources(demo: Pick<DemoFleet, 'kubeconfigPath' | 'contexts' | 'definition'>) {
  const large = demo.definition.endpoints.length > 500;
  return [
    {
      id: 'demo',
      kind: 'kubernetes' as const,
      name: 'Demo fleet',
      config: { kubeconfigPath: demo.kubeconfigPath, contexts: demo.contexts },
    },
    {
      id: 'demo-metrics',
      kind: 'scrape' as const,
      name: 'Demo fleet metrics',
      config: { intervalSeconds: large ? 15 : 5 },
    },
  ];
}
