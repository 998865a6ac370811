import type { FixtureObject } from './fixture-api';

/** Builders for the Kubernetes objects the tests feed the provider (only the fields it reads). */

export function node(
  name: string,
  options: {
    gpus?: number;
    product?: string;
    region?: string;
    zone?: string;
    instanceType?: string;
    price?: number;
    ready?: boolean;
    conditions?: object[];
  } = {},
): FixtureObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        ...(options.region !== undefined
          ? { 'topology.kubernetes.io/region': options.region }
          : { 'topology.kubernetes.io/region': 'us-east-1' }),
        ...(options.zone ? { 'topology.kubernetes.io/zone': options.zone } : {}),
        ...(options.instanceType ? { 'node.kubernetes.io/instance-type': options.instanceType } : {}),
        ...(options.product ? { 'nvidia.com/gpu.product': options.product } : {}),
      },
      annotations:
        options.price !== undefined ? { 'fleetdeck.io/hourly-price-usd': String(options.price) } : {},
    },
    spec: { providerID: `aws:///us-east-1a/i-${name}` },
    status: {
      capacity: { 'nvidia.com/gpu': String(options.gpus ?? 8), cpu: '96' },
      conditions: [
        {
          type: 'Ready',
          status: options.ready === false ? 'False' : 'True',
          message: options.ready === false ? 'kubelet stopped posting status' : 'ok',
        },
        ...(options.conditions ?? []),
      ],
    },
  };
}

export interface WorkloadOptions {
  image: string;
  replicas?: number;
  ready?: number;
  gpus?: number;
  labels?: Record<string, string>;
  podLabels?: Record<string, string>;
  args?: string[];
  command?: string[];
  kind?: 'Deployment' | 'StatefulSet';
}

export function deployment(namespace: string, name: string, o: WorkloadOptions): FixtureObject {
  const podLabels = { app: name, ...o.podLabels };
  return {
    apiVersion: 'apps/v1',
    kind: o.kind ?? 'Deployment',
    metadata: { name, namespace, labels: { app: name, ...o.labels } },
    spec: {
      replicas: o.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: podLabels },
        spec: {
          containers: [
            {
              name: 'server',
              image: o.image,
              ...(o.command ? { command: o.command } : {}),
              ...(o.args ? { args: o.args } : {}),
              ports: [{ containerPort: 8000 }],
              resources: o.gpus ? { limits: { 'nvidia.com/gpu': String(o.gpus) } } : {},
            },
          ],
        },
      },
    },
    status: { replicas: o.replicas ?? 1, readyReplicas: o.ready ?? o.replicas ?? 1 },
  };
}

export function pod(
  namespace: string,
  deploymentName: string,
  index: number,
  o: {
    node: string | null;
    image: string;
    gpus?: number;
    ready?: boolean;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    podIP?: string;
    kind?: 'Deployment' | 'StatefulSet';
  },
): FixtureObject {
  const hash = '5d8f7c9b4';
  const isSts = o.kind === 'StatefulSet';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: isSts ? `${deploymentName}-${index}` : `${deploymentName}-${hash}-p${index}`,
      namespace,
      labels: { app: deploymentName, ...(isSts ? {} : { 'pod-template-hash': hash }), ...o.labels },
      annotations: o.annotations ?? {},
      ownerReferences: [
        isSts
          ? { apiVersion: 'apps/v1', kind: 'StatefulSet', name: deploymentName, uid: 'u', controller: true }
          : {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: `${deploymentName}-${hash}`,
              uid: 'u',
              controller: true,
            },
      ],
    },
    spec: {
      ...(o.node ? { nodeName: o.node } : {}),
      containers: [
        {
          name: 'server',
          image: o.image,
          resources: o.gpus ? { limits: { 'nvidia.com/gpu': String(o.gpus) } } : {},
        },
      ],
    },
    status: {
      phase: o.node ? 'Running' : 'Pending',
      podIP: o.podIP ?? `10.0.0.${index + 10}`,
      conditions: [{ type: 'Ready', status: o.ready === false || !o.node ? 'False' : 'True' }],
      containerStatuses: [{ name: 'server', restartCount: 0, ready: o.ready !== false }],
    },
  };
}

export function service(
  namespace: string,
  name: string,
  selector: Record<string, string>,
  port = 8000,
): FixtureObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { selector, ports: [{ name: 'http', port }] },
  };
}

export function inferenceService(
  namespace: string,
  name: string,
  traffic: Array<{ revisionName: string; percent: number; latestRevision?: boolean }>,
  canaryTrafficPercent?: number,
): FixtureObject {
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name, namespace },
    spec: {
      predictor: {
        ...(canaryTrafficPercent !== undefined ? { canaryTrafficPercent } : {}),
        model: { modelFormat: { name: 'huggingface' } },
      },
    },
    status: {
      url: `http://${name}.${namespace}.example.com`,
      components: { predictor: { traffic, latestReadyRevision: traffic[traffic.length - 1]?.revisionName } },
    },
  };
}

export function event(
  namespace: string,
  name: string,
  involved: { kind: string; name: string; namespace?: string },
  o: { type?: 'Normal' | 'Warning'; reason: string; message: string; at: number; count?: number },
): FixtureObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace },
    involvedObject: {
      kind: involved.kind,
      name: involved.name,
      ...(involved.namespace ? { namespace: involved.namespace } : {}),
    },
    type: o.type ?? 'Normal',
    reason: o.reason,
    message: o.message,
    lastTimestamp: new Date(o.at).toISOString(),
    count: o.count ?? 1,
  };
}
