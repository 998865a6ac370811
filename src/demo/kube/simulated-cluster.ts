import { randomBytes } from 'node:crypto';
import type { DemoFleetDefinition } from '../fleet-definition';
import { startKubeApiServer, type KubeApiServer } from './api-server';
import {
  seededRandom,
  startClusterControllers,
  type ClusterControllerOptions,
  type ClusterControllers,
} from './controllers/cluster-controllers';
import { writeDemoKubeconfig } from './kubeconfig';
import { createClusterObjectStore, type KubeObjectStore } from './object-store';
import { seedCluster, type SeedSummary } from './seed';
import { createSelfSignedCertificate } from './tls-certificate';

/**
 * One call for the demo orchestrator: a store seeded from the fleet definition, its controllers,
 * and an apiserver on loopback — per demo cluster — plus the kubeconfig that points kubectl at
 * them. The pieces stay usable on their own (tests build a store and server directly).
 */
export interface SimulatedClusterOptions extends ClusterControllerOptions {
  /** Bearer token; a random one per cluster when omitted. */
  token?: string;
  host?: string;
  port?: number;
  historyLimit?: number;
  bookmarkIntervalMs?: number;
  /** One line per API request: `<cluster> <METHOD> <path> <status> <ms>ms`. */
  log?: (line: string) => void;
}

export interface SimulatedCluster {
  name: string;
  store: KubeObjectStore;
  controllers: ClusterControllers;
  server: KubeApiServer;
  url: string;
  token: string;
  certificateAuthority: string;
  seeded: SeedSummary;
  close(): Promise<void>;
}

function hashName(name: string): number {
  let hash = 2166136261;
  for (const ch of name) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619);
  return hash >>> 0;
}

export async function startSimulatedCluster(
  definition: DemoFleetDefinition,
  clusterName: string,
  options: SimulatedClusterOptions = {},
): Promise<SimulatedCluster> {
  const store = createClusterObjectStore(clusterName, { historyLimit: options.historyLimit });
  const controllers = startClusterControllers(store, {
    ...options,
    random: options.random ?? seededRandom(definition.seed ^ hashName(clusterName)),
  });
  const seeded = seedCluster(store, definition, clusterName);
  const token = options.token ?? randomBytes(24).toString('base64url');
  let server: KubeApiServer;
  try {
    server = await startKubeApiServer({
      store,
      token,
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      bookmarkIntervalMs: options.bookmarkIntervalMs,
      log: options.log && ((line) => options.log!(`${clusterName} ${line}`)),
      tls: createSelfSignedCertificate({ commonName: `fleetdeck-demo-${clusterName}` }),
    });
  } catch (error) {
    controllers.stop();
    throw error;
  }
  return {
    name: clusterName,
    store,
    controllers,
    server,
    url: server.url,
    token,
    certificateAuthority: server.certificateAuthority,
    seeded,
    async close() {
      controllers.stop();
      await server.close();
    },
  };
}

/** Every cluster of the definition, plus the kubeconfig (mode 0600) when `kubeconfigPath` is given. */
export async function startSimulatedClusters(
  definition: DemoFleetDefinition,
  options: SimulatedClusterOptions & { kubeconfigPath?: string } = {},
): Promise<SimulatedCluster[]> {
  const clusters: SimulatedCluster[] = [];
  try {
    for (const cluster of definition.clusters) {
      clusters.push(await startSimulatedCluster(definition, cluster.name, options));
    }
    if (options.kubeconfigPath) await writeDemoKubeconfig(options.kubeconfigPath, clusters);
    return clusters;
  } catch (error) {
    await Promise.allSettled(clusters.map((cluster) => cluster.close()));
    throw error;
  }
}
