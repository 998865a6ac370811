import type { ResourceRef } from './object-store.types';
import { refs } from './object-store.types';

/**
 * What the simulated apiserver knows about each resource type: enough for discovery (kubectl's
 * RESTMapper, shortNames, categories, the `scale` subresource), routing and field selectors.
 */
export interface ResourceDefinition extends ResourceRef {
  kind: string;
  listKind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Subresources served under `<resource>/<name>/<sub>`. */
  subresources: Array<'status' | 'scale' | 'log'>;
  /** Fields accepted by `fieldSelector` besides metadata.name and metadata.namespace. */
  selectableFields: string[];
}

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const resourceDefinitions: readonly ResourceDefinition[] = [
  {
    ...refs.namespaces,
    kind: 'Namespace',
    listKind: 'NamespaceList',
    singular: 'namespace',
    namespaced: false,
    shortNames: ['ns'],
    categories: [],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status'],
    selectableFields: ['status.phase'],
  },
  {
    ...refs.nodes,
    kind: 'Node',
    listKind: 'NodeList',
    singular: 'node',
    namespaced: false,
    shortNames: ['no'],
    categories: [],
    verbs: allVerbs,
    subresources: ['status'],
    selectableFields: ['spec.unschedulable'],
  },
  {
    ...refs.pods,
    kind: 'Pod',
    listKind: 'PodList',
    singular: 'pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    verbs: allVerbs,
    subresources: ['status', 'log'],
    selectableFields: [
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'spec.hostNetwork',
      'status.phase',
      'status.podIP',
      'status.nominatedNodeName',
    ],
  },
  {
    ...refs.services,
    kind: 'Service',
    listKind: 'ServiceList',
    singular: 'service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    verbs: allVerbs.filter((verb) => verb !== 'deletecollection'),
    subresources: ['status'],
    selectableFields: ['spec.clusterIP', 'spec.type'],
  },
  {
    ...refs.events,
    kind: 'Event',
    listKind: 'EventList',
    singular: 'event',
    namespaced: true,
    shortNames: ['ev'],
    categories: [],
    verbs: allVerbs,
    subresources: [],
    selectableFields: [
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
    ],
  },
  {
    ...refs.deployments,
    kind: 'Deployment',
    listKind: 'DeploymentList',
    singular: 'deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    verbs: allVerbs,
    subresources: ['status', 'scale'],
    selectableFields: [],
  },
  {
    ...refs.replicasets,
    kind: 'ReplicaSet',
    listKind: 'ReplicaSetList',
    singular: 'replicaset',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    verbs: allVerbs,
    subresources: ['status', 'scale'],
    selectableFields: ['status.replicas'],
  },
  {
    ...refs.inferenceservices,
    kind: 'InferenceService',
    listKind: 'InferenceServiceList',
    singular: 'inferenceservice',
    namespaced: true,
    shortNames: ['isvc'],
    categories: [],
    verbs: allVerbs,
    subresources: ['status'],
    selectableFields: [],
  },
];

export const refKey = (ref: ResourceRef) => `${ref.group}/${ref.resource}`;

const byKey = new Map(resourceDefinitions.map((definition) => [refKey(definition), definition]));

export function resourceDefinition(ref: ResourceRef): ResourceDefinition | undefined {
  return byKey.get(refKey(ref));
}

/** `apps/v1` or `v1`: the apiVersion objects of this resource carry. */
export const apiVersionOf = (ref: ResourceRef) => (ref.group ? `${ref.group}/${ref.version}` : ref.version);

/** The group/version pairs served, in discovery order (core first). */
export function servedGroups(): Array<{ group: string; versions: string[] }> {
  const groups = new Map<string, Set<string>>();
  for (const definition of resourceDefinitions) {
    if (!groups.has(definition.group)) groups.set(definition.group, new Set());
    groups.get(definition.group)!.add(definition.version);
  }
  return [...groups].map(([group, versions]) => ({ group, versions: [...versions] }));
}

export function resourcesIn(group: string, version: string): ResourceDefinition[] {
  return resourceDefinitions.filter(
    (definition) => definition.group === group && definition.version === version,
  );
}
