import { afterAll, describe, expect, it } from 'vitest';
import type { DemoEndpoint, DemoFleetDefinition } from '../../../../src/demo/fleet-definition';
import { startKubeApiServer, type KubeApiServer } from '../../../../src/demo/kube/api-server';
import {
  startClusterControllers,
  type ClusterControllers,
} from '../../../../src/demo/kube/controllers/cluster-controllers';
import { writeDemoKubeconfig } from '../../../../src/demo/kube/kubeconfig';
import { createClusterObjectStore } from '../../../../src/demo/kube/object-store';
import { refs } from '../../../../src/demo/kube/object-store.types';
import { seedCluster } from '../../../../src/demo/kube/seed';
import { freshDir } from '../../../support/tmp';
import { kubectlAvailable, kubectlPath } from './kubectl-harness';
import { execFile } from 'node:child_process';
import { join } from 'node:path';

/**
 * Scale mode's Kubernetes side: a 10,000-endpoint cluster (one in ten a KServe canary pair) is
 * seeded, settles (15,000 pods scheduled and Running), and the real kubectl lists every
 * Deployment through the paged API. The timings are printed; the bounds are loose ceilings
 * against regressions, not targets.
 */
const endpointCount = 10_000;

function scaleFleet(): DemoFleetDefinition {
  const endpoints: DemoEndpoint[] = [];
  for (let i = 0; i < endpointCount; i++) {
    const kserve = i % 10 < 2; // pairs i, i+1 in every ten: v1 stable, v2 canary
    endpoints.push({
      cluster: 'scale',
      namespace: `team-${Math.floor(i / 10) % 25}`,
      name: `endpoint-${i}`,
      model: 'llama',
      version: kserve && i % 10 === 1 ? 'v2' : 'v1',
      runtime: i % 7 === 0 ? 'tgi' : 'vllm',
      target: kserve ? 'kserve' : 'deployment',
      ...(kserve ? { group: `isvc-${Math.floor(i / 10)}`, trafficPercent: i % 10 === 1 ? 10 : 90 } : {}),
      pool: i % 2 ? 'h100' : 'l4',
      replicas: 1 + (i % 2),
      gpusPerReplica: 1,
      capacityRpsPerReplica: 10,
      peakRps: 5,
      baseLatencyMs: 500,
      baseTtftMs: 80,
      baseErrorRate: 0.001,
    });
  }
  return {
    apiVersion: 'fleetdeck.io/v1',
    kind: 'DemoFleet',
    seed: 1,
    clusters: [
      {
        name: 'scale',
        cloud: 'gcp',
        region: 'us-central1',
        zones: ['us-central1-a', 'us-central1-b', 'us-central1-c'],
        nodePools: [
          {
            name: 'h100',
            instanceType: 'a3-highgpu-8g',
            gpuProduct: 'NVIDIA-H100-80GB-HBM3',
            gpusPerNode: 8,
            nodes: 1300,
            hourlyPriceUsd: 88.49,
          },
          {
            name: 'l4',
            instanceType: 'g2-standard-48',
            gpuProduct: 'NVIDIA-L4',
            gpusPerNode: 4,
            nodes: 1300,
            hourlyPriceUsd: 4.0,
          },
        ],
      },
    ],
    models: [
      {
        name: 'llama',
        kind: 'chat',
        versions: [
          { version: 'v1', image: 'vllm/vllm-openai:v0.6.3' },
          { version: 'v2', image: 'vllm/vllm-openai:v0.8.5' },
        ],
        promptTokens: 100,
        completionTokens: 50,
      },
    ],
    endpoints,
  };
}

let controllers: ClusterControllers | undefined;
let server: KubeApiServer | undefined;
const tmp = freshDir('fleetdeck-kube-scale-');
afterAll(async () => {
  controllers?.stop();
  await server?.close();
  tmp.cleanup();
});

describe.skipIf(!kubectlAvailable)('10,000-endpoint simulated cluster', () => {
  it('seeds, settles and lists through kubectl get deploy -A -o json', { timeout: 180_000 }, async () => {
    const definition = scaleFleet();
    const store = createClusterObjectStore('scale');
    controllers = startClusterControllers(store, { readyDelayMs: 0 });

    let started = performance.now();
    const summary = seedCluster(store, definition, 'scale');
    const seedMs = performance.now() - started;
    expect(summary).toMatchObject({ deployments: endpointCount, inferenceServices: 1000, nodes: 2600 });

    started = performance.now();
    await controllers.idle();
    const settleMs = performance.now() - started;
    const pods = store.count(refs.pods);
    expect(pods).toBe(15_000);
    expect(store.list(refs.pods, { fieldSelector: 'status.phase!=Running' })).toEqual([]);

    server = await startKubeApiServer({ store, token: 'scale-token' });
    const kubeconfig = join(tmp.dir, 'kubeconfig');
    await writeDemoKubeconfig(kubeconfig, [
      {
        name: 'scale',
        url: server.url,
        token: 'scale-token',
        certificateAuthority: server.certificateAuthority,
      },
    ]);
    started = performance.now();
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        kubectlPath,
        ['get', 'deploy', '-A', '-o', 'json'],
        {
          env: {
            PATH: process.env.PATH,
            HOME: tmp.dir,
            KUBECONFIG: kubeconfig,
            KUBECACHEDIR: join(tmp.dir, 'cache'),
          },
          maxBuffer: 1 << 30,
        },
        (error, out, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(out)),
      ),
    );
    const kubectlMs = performance.now() - started;
    const items = (JSON.parse(stdout) as { items: unknown[] }).items;
    expect(items).toHaveLength(endpointCount);

    console.log(
      `[kube scale] ${endpointCount} endpoints: seed ${seedMs.toFixed(0)} ms; controllers settle ` +
        `(${pods} pods Running, ${store.count(refs.replicasets)} ReplicaSets) ${settleMs.toFixed(0)} ms; ` +
        `kubectl get deploy -A -o json ${kubectlMs.toFixed(0)} ms (${(stdout.length / 1e6).toFixed(1)} MB)`,
    );
    expect(seedMs).toBeLessThan(10_000);
    expect(settleMs).toBeLessThan(90_000);
    expect(kubectlMs).toBeLessThan(60_000);
  });
});
