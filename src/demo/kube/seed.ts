import { createHash } from 'node:crypto';
import { type DemoEndpoint, type DemoFleetDefinition, type DemoModel } from '../fleet-definition';
import { configurationGenerationLabel, revisionLabel } from './controllers/kserve.controller';
import type { KubeObjectStore } from './object-store';
import { demoLabels, refs, type KubeObject } from './object-store.types';
import { nodeObjects, poolLabel } from './seed-nodes';

export { poolLabel };

/**
 * Fills one simulated cluster from the demo fleet definition: namespaces, GPU nodes per node pool,
 * a Deployment per endpoint (KServe predictor revisions for `target: 'kserve'`), Services, and an
 * InferenceService per KServe group. Pods, ReplicaSets and statuses come from the controllers,
 * as on a real cluster. Plain loops over the definition: 10,000 endpoints seed in well under a
 * second (see the scale test).
 */
export const runtimeLabel = 'fleetdeck.io/runtime';

export interface SeedSummary {
  namespaces: number;
  nodes: number;
  deployments: number;
  services: number;
  inferenceServices: number;
}

export interface SeedOptions {
  /** Namespaces to create besides the endpoints' own and the system ones. */
  extraNamespaces?: string[];
}

const containerPort = (runtime: DemoEndpoint['runtime']) => (runtime === 'tgi' ? 8080 : 8000);

function hashed(text: string, modulo: number): number {
  return createHash('sha1').update(text).digest().readUInt32BE(0) % modulo;
}

function namespaceObject(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

function runtimeArgs(endpoint: DemoEndpoint, model: DemoModel | undefined): string[] {
  const port = String(containerPort(endpoint.runtime));
  if (endpoint.runtime === 'tgi') {
    return ['--model-id', endpoint.model, '--port', port, '--num-shard', String(endpoint.gpusPerReplica)];
  }
  return [
    '--model',
    endpoint.model,
    '--served-model-name',
    endpoint.model,
    '--port',
    port,
    '--tensor-parallel-size',
    String(endpoint.gpusPerReplica),
    ...(model?.kind === 'embedding' ? ['--task', 'embed'] : []),
  ];
}

interface KServeRevision {
  isvc: string;
  revision: string;
  generation: number;
}

function deploymentObject(
  endpoint: DemoEndpoint,
  model: DemoModel | undefined,
  name: string,
  kserve: KServeRevision | undefined,
): KubeObject {
  const app = endpoint.group ?? endpoint.name;
  const image =
    model?.versions.find((v) => v.version === endpoint.version)?.image ?? 'vllm/vllm-openai:latest';
  const selector = { app, 'app.kubernetes.io/instance': name };
  const labels: Record<string, string> = {
    ...selector,
    'app.kubernetes.io/name': endpoint.runtime === 'tgi' ? 'text-generation-inference' : 'vllm',
    [demoLabels.model]: endpoint.model,
    [demoLabels.version]: endpoint.version,
    // A label value cannot hold ':'; cluster and namespace are where the object lives.
    [demoLabels.endpoint]: endpoint.name,
    [runtimeLabel]: endpoint.runtime,
    ...(kserve
      ? {
          [demoLabels.kserveIsvc]: kserve.isvc,
          component: 'predictor',
          [revisionLabel]: kserve.revision,
          [configurationGenerationLabel]: String(kserve.generation),
        }
      : {}),
  };
  const gpus = String(endpoint.gpusPerReplica);
  const resources = {
    cpu: String(4 * endpoint.gpusPerReplica),
    memory: `${32 * endpoint.gpusPerReplica}Gi`,
    'nvidia.com/gpu': gpus,
  };
  const port = containerPort(endpoint.runtime);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: endpoint.namespace, labels },
    spec: {
      replicas: endpoint.replicas,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels },
        spec: {
          nodeSelector: { [poolLabel]: endpoint.pool },
          tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
          containers: [
            {
              name: kserve ? 'kserve-container' : endpoint.runtime,
              image,
              args: runtimeArgs(endpoint, model),
              ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
              resources: { limits: resources, requests: resources },
              readinessProbe: { httpGet: { path: '/health', port }, periodSeconds: 5 },
            },
          ],
        },
      },
    },
  };
}

function serviceObject(
  name: string,
  namespace: string,
  app: string,
  port: number,
  cluster: string,
  owner?: KubeObject,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace,
      labels: { app },
      ...(owner
        ? {
            ownerReferences: [
              {
                apiVersion: owner.apiVersion,
                kind: owner.kind,
                name: owner.metadata.name,
                uid: owner.metadata.uid!,
                controller: true,
              },
            ],
          }
        : {}),
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: `10.96.${hashed(`${cluster}/${namespace}/${name}`, 250)}.${hashed(`${namespace}/${name}/ip`, 250) + 2}`,
      selector: { app },
      ports: [{ name: 'http', port: 80, targetPort: port, protocol: 'TCP' }],
    },
    status: { loadBalancer: {} },
  };
}

export function seedCluster(
  store: KubeObjectStore,
  definition: DemoFleetDefinition,
  clusterName: string,
  options: SeedOptions = {},
): SeedSummary {
  const clusterIndex = definition.clusters.findIndex((c) => c.name === clusterName);
  const cluster = definition.clusters[clusterIndex];
  if (!cluster)
    throw new Error(`seedCluster: no cluster named "${clusterName}" in the demo fleet definition`);
  const models = new Map(definition.models.map((model) => [model.name, model]));
  const endpoints = definition.endpoints.filter((endpoint) => endpoint.cluster === clusterName);
  const summary: SeedSummary = { namespaces: 0, nodes: 0, deployments: 0, services: 0, inferenceServices: 0 };

  const namespaces = new Set([
    'default',
    'kube-system',
    'kube-public',
    'kube-node-lease',
    ...(options.extraNamespaces ?? []),
  ]);
  for (const endpoint of endpoints) namespaces.add(endpoint.namespace);
  for (const name of namespaces) {
    if (store.get(refs.namespaces, undefined, name)) continue;
    store.create(refs.namespaces, namespaceObject(name));
    summary.namespaces++;
  }
  for (const node of nodeObjects(cluster, clusterIndex)) {
    store.create(refs.nodes, node);
    summary.nodes++;
  }

  // Group members: one Service (or InferenceService) per group, versions in the model's order.
  const groups = new Map<string, DemoEndpoint[]>();
  for (const endpoint of endpoints) {
    const key = `${endpoint.target}/${endpoint.namespace}/${endpoint.group ?? endpoint.name}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(endpoint);
  }
  for (const members of groups.values()) {
    const first = members[0]!;
    const model = models.get(first.model);
    const versionIndex = (endpoint: DemoEndpoint) =>
      model?.versions.findIndex((v) => v.version === endpoint.version) ?? 0;
    members.sort((a, b) => versionIndex(a) - versionIndex(b));
    const app = first.group ?? first.name;

    if (first.target === 'kserve') {
      const latest = members.at(-1)!;
      const canary =
        members.length > 1 && latest.trafficPercent !== undefined ? latest.trafficPercent : undefined;
      const scheme = cluster.cloud === 'aws' ? 's3' : cluster.cloud === 'gcp' ? 'gs' : 'https';
      const isvc = store.create(refs.inferenceservices, {
        apiVersion: 'serving.kserve.io/v1beta1',
        kind: 'InferenceService',
        metadata: {
          name: app,
          namespace: first.namespace,
          labels: { [demoLabels.model]: first.model },
          annotations: { 'serving.kserve.io/deploymentMode': 'Serverless' },
        },
        spec: {
          predictor: {
            minReplicas: latest.replicas,
            ...(canary !== undefined ? { canaryTrafficPercent: canary } : {}),
            nodeSelector: { [poolLabel]: latest.pool },
            model: {
              modelFormat: { name: 'huggingface' },
              runtime: latest.runtime === 'vllm' ? 'kserve-huggingfaceserver' : 'kserve-tgi',
              storageUri: `${scheme}://fleetdeck-demo-models/${latest.model}/${latest.version}`,
              args: [`--model_name=${latest.model}`, '--backend=vllm'],
              resources: {
                limits: { 'nvidia.com/gpu': String(latest.gpusPerReplica) },
                requests: { 'nvidia.com/gpu': String(latest.gpusPerReplica) },
              },
            },
          },
        },
      });
      summary.inferenceServices++;
      const owner = {
        apiVersion: isvc.apiVersion,
        kind: isvc.kind,
        name: isvc.metadata.name,
        uid: isvc.metadata.uid!,
        controller: true,
        blockOwnerDeletion: true,
      };
      members.forEach((endpoint, index) => {
        const revision = `${app}-predictor-${endpoint.version}`;
        const deployment = deploymentObject(endpoint, model, revision, {
          isvc: app,
          revision,
          generation: index + 1,
        });
        deployment.metadata.ownerReferences = [owner];
        store.create(refs.deployments, deployment);
        summary.deployments++;
      });
      store.create(
        refs.services,
        serviceObject(
          `${app}-predictor`,
          first.namespace,
          app,
          containerPort(first.runtime),
          cluster.name,
          isvc,
        ),
      );
      summary.services++;
    } else {
      for (const endpoint of members) {
        store.create(refs.deployments, deploymentObject(endpoint, model, endpoint.name, undefined));
        summary.deployments++;
      }
      store.create(
        refs.services,
        serviceObject(app, first.namespace, app, containerPort(first.runtime), cluster.name),
      );
      summary.services++;
    }
  }
  return summary;
}

/** The Deployment that serves an endpoint (KServe endpoints: their predictor revision). */
export function deploymentNameFor(endpoint: DemoEndpoint): string {
  return endpoint.target === 'kserve'
    ? `${endpoint.group ?? endpoint.name}-predictor-${endpoint.version}`
    : endpoint.name;
}
