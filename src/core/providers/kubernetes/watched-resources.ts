import type { ClusterState } from './cluster-state';
import type { RawKubeObject } from './kube-api.client';
import {
  objectKey,
  toEvent,
  toInferenceService,
  toNode,
  toPod,
  toService,
  toWorkload,
  workloadKey,
} from './kube-objects';
import type { ReflectorSink } from './resource-reflector';

/**
 * What the source lists and watches in every context, and how each resource's objects enter
 * the ClusterState. Pods and Deployments are required (no inventory without them); the rest
 * degrade the source when they fail, and StatefulSets and InferenceServices are followed only
 * when discovery says the server has them.
 */
export interface ResourceSpec {
  resource: string;
  group: string;
  version: string;
  namespaced: boolean;
  /** Without it there is no inventory worth showing: pods and deployments. */
  required: boolean;
  sink(state: ClusterState, now: () => number, windowMs: number): Omit<ReflectorSink, 'listed'>;
}

export const watchedResources: ResourceSpec[] = [
  {
    resource: 'pods',
    group: '',
    version: 'v1',
    namespaced: true,
    required: true,
    sink: (s) =>
      sinkFor(
        toPod,
        (o) => s.upsertPod(o),
        (k) => s.removePod(k),
      ),
  },
  workloadSpec('deployments', 'Deployment', true),
  workloadSpec('statefulsets', 'StatefulSet', false),
  {
    resource: 'nodes',
    group: '',
    version: 'v1',
    namespaced: false,
    required: false,
    sink: (s) =>
      sinkFor(
        toNode,
        (o) => s.upsertNode(o),
        (k) => s.removeNode(k),
      ),
  },
  {
    resource: 'services',
    group: '',
    version: 'v1',
    namespaced: true,
    required: false,
    sink: (s) =>
      sinkFor(
        toService,
        (o) => s.upsertService(o),
        (k) => s.removeService(k),
      ),
  },
  {
    resource: 'events',
    group: '',
    version: 'v1',
    namespaced: true,
    required: false,
    sink: (s, now, windowMs) =>
      sinkFor(
        (r) => {
          const event = toEvent(r);
          // Only recent events: older ones are history the store already has, or noise.
          return event && event.at >= now() - windowMs ? event : null;
        },
        (o) => s.upsertEvent(o),
        (k) => s.removeEvent(k),
      ),
  },
  {
    resource: 'inferenceservices',
    group: 'serving.kserve.io',
    version: 'v1beta1',
    namespaced: true,
    required: false,
    sink: (s) =>
      sinkFor(
        toInferenceService,
        (o) => s.upsertIsvc(o),
        (k) => s.removeIsvc(k),
      ),
  },
];

function workloadSpec(resource: string, kind: 'Deployment' | 'StatefulSet', required: boolean): ResourceSpec {
  const toKey = (key: string) => {
    const [namespace, name] = key.split('/') as [string, string];
    return workloadKey(kind, namespace, name);
  };
  return {
    resource,
    group: 'apps',
    version: 'v1',
    namespaced: true,
    required,
    sink: (s) =>
      sinkFor(
        toWorkload(kind),
        (o) => s.upsertWorkload(o),
        (k) => s.removeWorkload(toKey(k)),
      ),
  };
}

/**
 * A sink for one resource: a listed or watched object is normalised and stored, or, when it no
 * longer qualifies (not a model workload, an old event), removed by its key.
 */
function sinkFor<T>(
  normalize: (raw: RawKubeObject) => T | null,
  upsert: (o: T) => void,
  remove: (key: string) => void,
): Omit<ReflectorSink, 'listed'> {
  return {
    upsert(raw) {
      const object = normalize(raw);
      if (object) upsert(object);
      else {
        const key = objectKey(raw);
        if (key) remove(key);
      }
    },
    remove,
  };
}

export const resourceName = (spec: Pick<ResourceSpec, 'resource' | 'group'>) =>
  spec.group ? `${spec.resource}.${spec.group}` : spec.resource;
