import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startKubeApiServer, type KubeApiServer } from '../../../../../src/demo/kube/api-server';
import {
  seededRandom,
  startClusterControllers,
  type ClusterControllers,
} from '../../../../../src/demo/kube/controllers/cluster-controllers';
import { writeDemoKubeconfig } from '../../../../../src/demo/kube/kubeconfig';
import { createClusterObjectStore, type KubeObjectStore } from '../../../../../src/demo/kube/object-store';
import { seedCluster } from '../../../../../src/demo/kube/seed';
import {
  createSelfSignedCertificate,
  type SelfSignedCertificate,
} from '../../../../../src/demo/kube/tls-certificate';
import type { DemoFleetDefinition } from '../../../../../src/demo/fleet-definition';

/**
 * The demo's simulated API servers, one per cluster of a fleet definition, built from their
 * parts (store, controllers, seed, server) so a test can kill one server and bring it back on
 * the same port with the same certificate and token, its store (and so its objects) intact.
 */
export interface SimCluster {
  name: string;
  store: KubeObjectStore;
  controllers: ClusterControllers;
  token: string;
  tls: SelfSignedCertificate;
  server: KubeApiServer | null;
  port: number;
}

export interface SimFleet {
  kubeconfigPath: string;
  clusters: SimCluster[];
  cluster(name: string): SimCluster;
  kill(name: string): Promise<void>;
  restart(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startSimFleet(
  definition: DemoFleetDefinition,
  dir: string,
  options: { readyDelayMs?: number } = {},
): Promise<SimFleet> {
  const clusters: SimCluster[] = [];
  const close = async () => {
    for (const cluster of clusters) {
      cluster.controllers.stop();
      await cluster.server?.close();
      cluster.server = null;
    }
  };
  try {
    for (const [index, def] of definition.clusters.entries()) {
      const store = createClusterObjectStore(def.name);
      const controllers = startClusterControllers(store, {
        readyDelayMs: options.readyDelayMs ?? 0,
        random: seededRandom(definition.seed + index),
      });
      seedCluster(store, definition, def.name);
      const tls = createSelfSignedCertificate({ commonName: `fleetdeck-test-${def.name}` });
      const token = randomBytes(16).toString('hex');
      const server = await startKubeApiServer({ store, token, tls, host: '127.0.0.1', port: 0 });
      clusters.push({
        name: def.name,
        store,
        controllers,
        token,
        tls,
        server,
        port: Number(new URL(server.url).port),
      });
    }
    const kubeconfigPath = join(dir, 'kubeconfig');
    await writeDemoKubeconfig(
      kubeconfigPath,
      clusters.map((c) => ({
        name: c.name,
        url: c.server!.url,
        token: c.token,
        certificateAuthority: c.server!.certificateAuthority,
      })),
    );
    const find = (name: string) => {
      const cluster = clusters.find((c) => c.name === name);
      if (!cluster) throw new Error(`no simulated cluster ${name}`);
      return cluster;
    };
    return {
      kubeconfigPath,
      clusters,
      cluster: find,
      async kill(name) {
        const cluster = find(name);
        await cluster.server?.close();
        cluster.server = null;
      },
      async restart(name) {
        const cluster = find(name);
        cluster.server = await startKubeApiServer({
          store: cluster.store,
          token: cluster.token,
          tls: cluster.tls,
          host: '127.0.0.1',
          port: cluster.port,
        });
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
