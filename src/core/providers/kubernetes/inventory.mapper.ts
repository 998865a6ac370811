import type {
  ClusterRecord,
  EndpointRecord,
  EventRecord,
  NodeRecord,
  PodRecord,
} from '../../fleet/inventory.types';
import type { ClusterState } from './cluster-state';
import type { KInferenceService, KNode, KPod, KService, KWorkload } from './kube-objects';
import { mapSelects } from './label-selectors';
import { labels, type ModelWorkload } from './model-detection';

/**
 * Kubernetes objects -> Fleetdeck's canonical records (src/core/fleet/inventory.types.ts).
 * Pure functions of one context's ClusterState: no I/O, so mapping tests need no server.
 */
export interface MappingContext {
  /** The kubeconfig context: the cluster id in every record. */
  context: string;
  /** Most common node region, for records whose own region is unknown. */
  clusterRegion: string;
  now: number;
  /** Node Warning events newer than this count as node problems (default: the last hour). */
  recentMs?: number;
}

const HOUR_MS = 60 * 60 * 1000;

export const endpointId = (context: string, namespace: string, name: string) =>
  `${context}:${namespace}:${name}`;
export const nodeId = (context: string, name: string) => `${context}:${name}`;

/**
 * The endpoint's name: the Deployment's, unless it carries `fleetdeck.io/endpoint` (a stable name
 * across KServe/Knative revisions, whose Deployments are renamed per revision). The label holds
 * a name, or the demo's full id `<context>:<namespace>:<name>` (then only for this context and
 * namespace).
 */
export function endpointNameOf(workload: KWorkload, context: string): string {
  const label = workload.labels[labels.endpoint] ?? workload.templateLabels[labels.endpoint];
  if (!label) return workload.name;
  const parts = label.split(':');
  if (parts.length === 1) return label;
  if (parts.length === 3 && parts[0] === context && parts[1] === workload.namespace && parts[2])
    return parts[2];
  return workload.name;
}

export function regionOf(node: KNode): string | null {
  return node.labels[labels.region] ?? node.labels[labels.legacyRegion] ?? null;
}

export function mapCluster(state: ClusterState, context: string): ClusterRecord {
  return {
    id: context,
    name: context,
    kind: 'kubernetes',
    region: clusterRegion(state),
    cloud: clusterCloud(state),
  };
}

export function clusterRegion(state: ClusterState): string {
  return mostCommon([...state.nodes.values()].map(regionOf)) ?? 'unknown';
}

function clusterCloud(state: ClusterState): string | null {
  return mostCommon(
    [...state.nodes.values()].map((node) => {
      const provider = node.providerID?.split(':')[0];
      if (provider === 'aws') return 'aws';
      if (provider === 'gce') return 'gcp';
      if (provider === 'azure') return 'azure';
      if (provider) return provider;
      if (Object.keys(node.labels).some((key) => key.startsWith('eks.amazonaws.com/'))) return 'aws';
      if (Object.keys(node.labels).some((key) => key.startsWith('cloud.google.com/'))) return 'gcp';
      if (Object.keys(node.labels).some((key) => key.startsWith('kubernetes.azure.com/'))) return 'azure';
      return null;
    }),
  );
}

export function mapEndpoint(state: ClusterState, key: string, m: MappingContext): EndpointRecord | null {
  const workload = state.workloads.get(key);
  const model = state.models.get(key);
  if (!workload || !model) return null;
  const pods = state.podsOf(key);
  const podNodes = pods
    .map((pod) => (pod.nodeName ? state.nodes.get(pod.nodeName) : undefined))
    .filter((n): n is KNode => !!n);
  const nodes = [...new Set(pods.map((pod) => pod.nodeName).filter((name): name is string => !!name))].sort();
  const serviceKey = state.serviceOf.get(key);
  const service = serviceKey ? state.services.get(serviceKey) : undefined;

  let group: string | null = null;
  let trafficPercent: number | null = null;
  let target: { kind: string; name: string } = { kind: workload.kind, name: workload.name };
  let url: string | null = workload.annotations[labels.baseUrl] ?? null;

  if (model.isvc) {
    const isvc = state.isvcs.get(`${workload.namespace}/${model.isvc}`);
    group = model.isvc;
    target = { kind: 'InferenceService', name: model.isvc };
    trafficPercent = kserveTrafficPercent(state, workload, isvc);
    url ??= isvc?.url ?? null;
  } else if (serviceKey && state.groups.has(serviceKey)) {
    group = service!.name;
    trafficPercent = serviceTrafficPercent(state, service!, workload, state.groupMembersOf(key));
  }
  const annotated = parsePercent(workload.annotations[labels.trafficPercent]);
  if (annotated !== null) trafficPercent = annotated;

  if (!url && service) {
    const port = service.ports.find((p) => p.name === 'http' || p.name === 'openai') ?? service.ports[0];
    url =
      service.annotations[labels.baseUrl] ??
      (port ? `http://${service.name}.${workload.namespace}.svc.cluster.local:${port.port}` : null);
  }

  const name = endpointNameOf(workload, m.context);
  return {
    id: endpointId(m.context, workload.namespace, name),
    name,
    model: model.model,
    version: model.version,
    cluster: m.context,
    region: mostCommon(podNodes.map(regionOf)) ?? m.clusterRegion,
    namespace: workload.namespace,
    runtime: model.runtime,
    target,
    group,
    trafficPercent,
    replicas: { desired: workload.desired, ready: workload.ready },
    gpusPerReplica: workload.containers.reduce((sum, c) => sum + c.gpus, 0),
    gpuType:
      mostCommon(podNodes.map((node) => node.labels[labels.gpuProduct] ?? null)) ??
      workload.nodeSelector[labels.gpuProduct] ??
      null,
    nodes,
    pods: pods.map((pod) => mapPod(pod, model)),
    url,
  };
}

/**
 * KServe: the predictor's share of `status.components.predictor.traffic` for the revision this
 * Deployment runs. A revision is this Deployment when the Knative revision label says so, or
 * by name (Knative: `<revision>-deployment`; the demo and raw mode: `<deployment>[-<suffix>]`).
 */
function kserveTrafficPercent(
  state: ClusterState,
  workload: KWorkload,
  isvc: KInferenceService | undefined,
): number | null {
  const siblings = state.workloadsOfIsvc(workload.namespace, state.models.get(workload.key)!.isvc!);
  if (!isvc || isvc.traffic.length === 0) {
    if (siblings.length === 1) return 100;
    if (isvc?.canaryTrafficPercent != null && isvc.latestCreatedRevision) {
      return revisionMatches(workload, isvc.latestCreatedRevision, siblings, state)
        ? isvc.canaryTrafficPercent
        : 100 - isvc.canaryTrafficPercent;
    }
    return null;
  }
  let percent = 0;
  for (const target of isvc.traffic) {
    const revision = target.revisionName ?? (target.latestRevision ? isvc.latestReadyRevision : null);
    if (revision && revisionMatches(workload, revision, siblings, state)) percent += target.percent;
  }
  return percent;
}

function revisionMatches(
  workload: KWorkload,
  revision: string,
  siblings: string[],
  state: ClusterState,
): boolean {
  const labelled = workload.labels[labels.knativeRevision] ?? workload.templateLabels[labels.knativeRevision];
  if (labelled) return labelled === revision;
  if (revision === workload.name || workload.name === `${revision}-deployment`) return true;
  if (!revision.startsWith(`${workload.name}-`)) return false;
  // Longest name wins, so "chat-v1" does not claim "chat-v10-predictor-00001".
  return !siblings.some((key) => {
    const other = state.workloads.get(key);
    return (
      other &&
      other.name.length > workload.name.length &&
      (revision === other.name || revision.startsWith(`${other.name}-`))
    );
  });
}

/** A Service in front of several versions splits by ready endpoints (kube-proxy is per pod). */
/**
 * A version's share of a Service's traffic: its ready replicas over those of every version the
 * live selector selects (kube-proxy spreads over ready endpoints). A version the selector leaves
 * out (a blue-green switch pinned the Service to the other one) gets 0, however many pods it runs.
 */
function serviceTrafficPercent(
  state: ClusterState,
  service: KService,
  workload: KWorkload,
  members: string[],
): number {
  const live = (w: KWorkload) => mapSelects(service.selector, w.templateLabels);
  if (!live(workload)) return 0;
  let ready = 0;
  let desired = 0;
  for (const key of members) {
    const member = state.workloads.get(key);
    if (!member || !live(member)) continue;
    ready += member.ready;
    desired += member.desired;
  }
  const share = ready > 0 ? workload.ready / ready : desired > 0 ? workload.desired / desired : 0;
  return Math.round(share * 1000) / 10;
}

function mapPod(pod: KPod, model: ModelWorkload): PodRecord {
  return {
    name: pod.name,
    node: pod.nodeName,
    phase: pod.terminating ? 'Terminating' : pod.phase,
    ready: pod.ready,
    restarts: pod.restarts,
    metricsUrl: metricsUrl(pod),
    runtime: model.runtime,
  };
}

/**
 * The `fleetdeck.io/base-url` annotation (the demo's model servers, or a port-forward someone
 * set up) wins; else the prometheus.io/scrape|port|path|scheme convention on the pod IP.
 */
export function metricsUrl(pod: Pick<KPod, 'annotations' | 'podIP' | 'containers'>): string | null {
  const base = pod.annotations[labels.baseUrl];
  if (base) return `${base.replace(/\/+$/, '')}/metrics`;
  if (pod.annotations['prometheus.io/scrape'] !== 'true' || !pod.podIP) return null;
  const port =
    pod.annotations['prometheus.io/port'] ??
    pod.containers.find((c) => c.ports.length > 0)?.ports[0]?.toString();
  if (!port || !/^\d+$/.test(port)) return null;
  const rawPath = pod.annotations['prometheus.io/path'] ?? '/metrics';
  const path = rawPath.startsWith('/') ? rawPath : `/${rawPath}`;
  const scheme = pod.annotations['prometheus.io/scheme'] === 'https' ? 'https' : 'http';
  const host = pod.podIP.includes(':') ? `[${pod.podIP}]` : pod.podIP;
  return `${scheme}://${host}:${port}${path}`;
}

export function mapNode(state: ClusterState, name: string, m: MappingContext): NodeRecord | null {
  const node = state.nodes.get(name);
  if (!node) return null;
  let gpuAllocated = 0;
  for (const pod of state.podsOnNode(name)) {
    if (pod.phase !== 'Succeeded' && pod.phase !== 'Failed') gpuAllocated += pod.gpus;
  }
  const cutoff = m.now - (m.recentMs ?? HOUR_MS);
  const warnings = state
    .warningsOnNode(name)
    // Recent, not already stated by a condition that is True, not resolved by one that went OK.
    .filter((event) => event.at >= cutoff)
    .filter((event) => !node.activeConditions.includes(event.reason))
    .filter((event) => (node.clearedAt[event.reason] ?? -Infinity) < event.at)
    .sort((a, b) => b.at - a.at)
    .map((event) => (event.message ? `${event.reason}: ${event.message}` : event.reason));
  const price = Number.parseFloat(node.annotations[labels.hourlyPrice] ?? '');
  return {
    id: nodeId(m.context, name),
    name,
    cluster: m.context,
    region: regionOf(node) ?? m.clusterRegion,
    zone: node.labels[labels.zone] ?? node.labels[labels.legacyZone] ?? null,
    instanceType: node.labels[labels.instanceType] ?? node.labels[labels.legacyInstanceType] ?? null,
    gpuProduct: node.labels[labels.gpuProduct] ?? null,
    gpuCapacity: node.gpuCapacity,
    gpuAllocated,
    ready: node.ready,
    problems: [...new Set([...node.conditionProblems, ...warnings])].slice(0, 10),
    hourlyPriceUsd: Number.isFinite(price) && price >= 0 ? price : null,
    metricsUrl: gpuExporterUrl(state, name, node.annotations),
  };
}

const dcgmExporterLabels = [
  ['app', 'nvidia-dcgm-exporter'],
  ['app', 'dcgm-exporter'],
  ['app.kubernetes.io/name', 'dcgm-exporter'],
] as const;

/**
 * Where the node's GPU metrics are: the node's own annotation when present, otherwise the
 * NVIDIA DCGM exporter pod (the GPU operator's DaemonSet) running on the node.
 */
function gpuExporterUrl(
  state: ClusterState,
  nodeName: string,
  annotations: Record<string, string>,
): string | null {
  const annotated = annotations[labels.dcgmMetricsUrl];
  if (annotated && /^https?:\/\//.test(annotated)) return annotated;
  for (const pod of state.podsOnNode(nodeName)) {
    if (!pod.ready) continue;
    if (dcgmExporterLabels.some(([k, v]) => pod.labels[k] === v)) {
      return metricsUrl(pod) ?? (pod.podIP ? `http://${pod.podIP}:9400/metrics` : null);
    }
  }
  return null;
}

/** Events about a model endpoint or a node; anything else in the cluster is not fleet news. */
export function mapEvent(state: ClusterState, key: string, m: MappingContext): EventRecord | null {
  const event = state.events.get(key);
  if (!event) return null;
  const subject = eventSubject(state, event.involved, event.namespace, m.context);
  if (!subject) return null;
  return {
    id: `${m.context}:${event.namespace}:${event.name}`,
    cluster: m.context,
    subject,
    type: event.type,
    reason: event.reason,
    message: event.message,
    at: event.at,
    count: event.count,
  };
}

function eventSubject(
  state: ClusterState,
  involved: { kind: string; name: string; namespace: string | null },
  eventNamespace: string,
  context: string,
): string | null {
  const namespace = involved.namespace ?? eventNamespace;
  const endpointOf = (key: string | null) => {
    const workload = key ? state.workloads.get(key) : undefined;
    return workload && state.models.get(workload.key)
      ? endpointId(context, workload.namespace, endpointNameOf(workload, context))
      : null;
  };
  switch (involved.kind) {
    case 'Node':
      return state.nodes.has(involved.name) ? nodeId(context, involved.name) : null;
    case 'Pod':
      return endpointOf(state.workloadKeyForPodName(namespace, involved.name));
    case 'Deployment':
      return endpointOf(`deploy/${namespace}/${involved.name}`);
    case 'StatefulSet':
      return endpointOf(`sts/${namespace}/${involved.name}`);
    case 'ReplicaSet': {
      const dash = involved.name.lastIndexOf('-');
      return dash > 0 ? endpointOf(`deploy/${namespace}/${involved.name.slice(0, dash)}`) : null;
    }
    case 'InferenceService': {
      const isvc = state.isvcs.get(`${namespace}/${involved.name}`);
      const members = state.workloadsOfIsvc(namespace, involved.name);
      // The revision taking new traffic is what an isvc event is usually about.
      const latest = isvc?.latestCreatedRevision
        ? members.find((key) => {
            const w = state.workloads.get(key);
            return (
              w &&
              (isvc.latestCreatedRevision === w.name || isvc.latestCreatedRevision!.startsWith(`${w.name}-`))
            );
          })
        : undefined;
      return endpointOf(latest ?? members[0] ?? null);
    }
    default:
      return null;
  }
}

function parsePercent(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number.parseFloat(value);
  return Number.isFinite(n) && n >= 0 && n <= 100 ? n : null;
}

function mostCommon(values: Array<string | null | undefined>): string | null {
  const counts = new Map<string, number>();
  let best: string | null = null;
  let bestCount = 0;
  for (const value of values) {
    if (!value) continue;
    const count = (counts.get(value) ?? 0) + 1;
    counts.set(value, count);
    if (count > bestCount || (count === bestCount && best !== null && value < best)) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}
