import type { RawKubeObject } from './kube-api.client';
import { toSelector, type LabelSelector } from './label-selectors';
import { labels } from './model-detection';

/**
 * Compact views of the Kubernetes objects the source keeps in memory. Raw objects are large
 * (managedFields, last-applied annotations, full pod specs); at 10,000 endpoints and their pods
 * we keep only what the mapping reads, typed, so the rest of the code never touches `unknown`.
 */
export const GPU_RESOURCE = 'nvidia.com/gpu';

export interface KContainer {
  name: string;
  image: string;
  command: string[];
  args: string[];
  /** Literal env values only (valueFrom is not resolved): MODEL_ID and friends. */
  env: Record<string, string>;
  gpus: number;
  ports: number[];
}

export interface KPod {
  key: string;
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  nodeName: string | null;
  phase: string;
  ready: boolean;
  terminating: boolean;
  restarts: number;
  podIP: string | null;
  containers: KContainer[];
  /** nvidia.com/gpu requested (limits count when requests are absent, as the scheduler does). */
  gpus: number;
  /** The workload key this pod belongs to, from its controller owner reference. */
  owner: string | null;
}

export interface KWorkload {
  key: string;
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  templateLabels: Record<string, string>;
  selector: LabelSelector | null;
  desired: number;
  ready: number;
  containers: KContainer[];
  nodeSelector: Record<string, string>;
}

export interface KNode {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  ready: boolean;
  unschedulable: boolean;
  /** Conditions that are not OK, in words. */
  conditionProblems: string[];
  /** Condition types that are True now (a problem the condition already states). */
  activeConditions: string[];
  /** Condition type -> when it last turned OK: Warning events with that reason before it are over. */
  clearedAt: Record<string, number>;
  gpuCapacity: number;
  providerID: string | null;
}

export interface KService {
  key: string;
  name: string;
  namespace: string;
  /** The live selector: the pods that get traffic. */
  selector: Record<string, string>;
  /** The pods that form its group: the selector, or the one saved before a rollout pinned it. */
  groupSelector: Record<string, string>;
  ports: Array<{ name: string | null; port: number }>;
  annotations: Record<string, string>;
}

export interface KEvent {
  key: string;
  name: string;
  namespace: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  at: number;
  count: number;
  involved: { kind: string; name: string; namespace: string | null };
}

export interface KTrafficTarget {
  revisionName: string | null;
  percent: number;
  latestRevision: boolean;
}

export interface KInferenceService {
  key: string;
  name: string;
  namespace: string;
  url: string | null;
  traffic: KTrafficTarget[];
  latestReadyRevision: string | null;
  latestCreatedRevision: string | null;
  canaryTrafficPercent: number | null;
}

export const workloadKey = (kind: 'Deployment' | 'StatefulSet', namespace: string, name: string) =>
  `${kind === 'Deployment' ? 'deploy' : 'sts'}/${namespace}/${name}`;
export const namespacedKey = (namespace: string, name: string) => `${namespace}/${name}`;

export function objectKey(raw: RawKubeObject): string | null {
  const name = raw.metadata?.name;
  if (!name) return null;
  return raw.metadata?.namespace ? namespacedKey(raw.metadata.namespace, name) : name;
}

// ---- normalizers: raw API object -> compact view (null when unusable) ----

export function toPod(raw: RawKubeObject): KPod | null {
  const meta = raw.metadata;
  if (!meta?.name || !meta.namespace) return null;
  const spec = record(raw.spec);
  const status = record(raw.status);
  const containers = array(spec.containers).map(toContainer);
  let gpus = 0;
  for (const container of array(spec.containers)) gpus += gpuRequest(record(container).resources);
  const statuses = array(status.containerStatuses).map(record);
  const conditions = array(status.conditions).map(record);
  const labels = strings(meta.labels);
  return {
    key: namespacedKey(meta.namespace, meta.name),
    name: meta.name,
    namespace: meta.namespace,
    labels,
    annotations: annotations(meta.annotations),
    nodeName: str(spec.nodeName),
    phase: str(status.phase) ?? 'Unknown',
    ready: !meta.deletionTimestamp && conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    terminating: Boolean(meta.deletionTimestamp),
    restarts: statuses.reduce((sum, s) => sum + (num(s.restartCount) ?? 0), 0),
    podIP: str(status.podIP),
    containers,
    gpus,
    owner: podOwner(meta.namespace, array(meta.ownerReferences).map(record), labels),
  };
}

export function toWorkload(kind: 'Deployment' | 'StatefulSet') {
  return (raw: RawKubeObject): KWorkload | null => {
    const meta = raw.metadata;
    if (!meta?.name || !meta.namespace) return null;
    const spec = record(raw.spec);
    const status = record(raw.status);
    const template = record(spec.template);
    const podSpec = record(template.spec);
    return {
      key: workloadKey(kind, meta.namespace, meta.name),
      kind,
      name: meta.name,
      namespace: meta.namespace,
      labels: strings(meta.labels),
      annotations: annotations(meta.annotations),
      templateLabels: strings(record(template.metadata).labels),
      selector: toSelector(spec.selector),
      desired: num(spec.replicas) ?? 1,
      ready: num(status.readyReplicas) ?? 0,
      containers: array(podSpec.containers).map(toContainer),
      nodeSelector: strings(podSpec.nodeSelector),
    };
  };
}

export function toNode(raw: RawKubeObject): KNode | null {
  const meta = raw.metadata;
  if (!meta?.name) return null;
  const spec = record(raw.spec);
  const status = record(raw.status);
  const conditions = array(status.conditions).map(record);
  const problems: string[] = [];
  const activeConditions: string[] = [];
  const clearedAt: Record<string, number> = {};
  let ready = false;
  for (const condition of conditions) {
    const type = str(condition.type) ?? '?';
    const detail = str(condition.message) ?? str(condition.reason);
    if (type === 'Ready') {
      ready = condition.status === 'True';
      if (!ready) problems.push(`NotReady${detail ? `: ${detail}` : ''}`);
    } else if (condition.status === 'True') {
      // MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable and node-problem-detector's
      // conditions (GPU Xid, kernel deadlock) all mean trouble when True.
      problems.push(`${type}${detail ? `: ${detail}` : ''}`);
      activeConditions.push(type);
    } else {
      const at = time(condition.lastTransitionTime);
      if (at !== null) clearedAt[type] = at;
    }
  }
  const unschedulable = spec.unschedulable === true;
  if (unschedulable) problems.push('cordoned (unschedulable)');
  return {
    name: meta.name,
    labels: strings(meta.labels),
    annotations: annotations(meta.annotations),
    ready,
    unschedulable,
    conditionProblems: problems,
    activeConditions,
    clearedAt,
    gpuCapacity:
      quantity(record(status.capacity)[GPU_RESOURCE]) ??
      quantity(record(status.allocatable)[GPU_RESOURCE]) ??
      0,
    providerID: str(spec.providerID),
  };
}

export function toService(raw: RawKubeObject): KService | null {
  const meta = raw.metadata;
  if (!meta?.name || !meta.namespace) return null;
  const spec = record(raw.spec);
  const notes = annotations(meta.annotations);
  const selector = strings(spec.selector);
  return {
    key: namespacedKey(meta.namespace, meta.name),
    name: meta.name,
    namespace: meta.namespace,
    selector,
    groupSelector: savedSelector(notes[labels.groupSelector]) ?? selector,
    ports: array(spec.ports)
      .map(record)
      .map((port) => ({ name: str(port.name), port: num(port.port) ?? 0 }))
      .filter((port) => port.port > 0),
    annotations: notes,
  };
}

/** The group-selector annotation as a selector; null when absent or not a map of strings. */
function savedSelector(text: string | undefined): Record<string, string> | null {
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 || entries.some(([, v]) => typeof v !== 'string')) return null;
    return Object.fromEntries(entries) as Record<string, string>;
  } catch {
    return null;
  }
}

export function toEvent(raw: RawKubeObject): KEvent | null {
  const meta = raw.metadata;
  if (!meta?.name || !meta.namespace) return null;
  const involved = record(raw.involvedObject ?? raw.regarding);
  const series = record(raw.series);
  const at =
    time(raw.lastTimestamp) ??
    time(raw.eventTime) ??
    time(series.lastObservedTime) ??
    time(raw.firstTimestamp) ??
    time(meta.creationTimestamp) ??
    0;
  return {
    key: namespacedKey(meta.namespace, meta.name),
    name: meta.name,
    namespace: meta.namespace,
    type: raw.type === 'Warning' ? 'Warning' : 'Normal',
    reason: str(raw.reason) ?? '',
    message: (str(raw.message) ?? str(raw.note) ?? '').trim(),
    at,
    count: num(raw.count) ?? num(series.count) ?? 1,
    involved: {
      kind: str(involved.kind) ?? '',
      name: str(involved.name) ?? '',
      namespace: str(involved.namespace),
    },
  };
}

export function toInferenceService(raw: RawKubeObject): KInferenceService | null {
  const meta = raw.metadata;
  if (!meta?.name || !meta.namespace) return null;
  const spec = record(raw.spec);
  const status = record(raw.status);
  const predictor = record(record(status.components).predictor);
  return {
    key: namespacedKey(meta.namespace, meta.name),
    name: meta.name,
    namespace: meta.namespace,
    url: str(status.url) ?? str(predictor.url) ?? null,
    traffic: array(predictor.traffic)
      .map(record)
      .map((target) => ({
        revisionName: str(target.revisionName),
        percent: num(target.percent) ?? 0,
        latestRevision: target.latestRevision === true,
      })),
    latestReadyRevision: str(predictor.latestReadyRevision),
    latestCreatedRevision: str(predictor.latestCreatedRevision),
    canaryTrafficPercent: num(record(spec.predictor).canaryTrafficPercent),
  };
}

// ---- helpers ----

function toContainer(value: unknown): KContainer {
  const container = record(value);
  const env: Record<string, string> = {};
  for (const entry of array(container.env).map(record)) {
    const name = str(entry.name);
    const literal = str(entry.value);
    if (name && literal !== null) env[name] = literal;
  }
  return {
    name: str(container.name) ?? '',
    image: str(container.image) ?? '',
    command: array(container.command).map(String),
    args: array(container.args).map(String),
    env,
    gpus: gpuLimit(container.resources),
    ports: array(container.ports)
      .map(record)
      .map((port) => num(port.containerPort) ?? 0)
      .filter((port) => port > 0),
  };
}

/** GPUs per replica are what the pod is limited to (extended resources: requests == limits). */
function gpuLimit(resources: unknown): number {
  const r = record(resources);
  return quantity(record(r.limits)[GPU_RESOURCE]) ?? quantity(record(r.requests)[GPU_RESOURCE]) ?? 0;
}

/** What the scheduler allocates: requests, which default to limits for extended resources. */
function gpuRequest(resources: unknown): number {
  const r = record(resources);
  return quantity(record(r.requests)[GPU_RESOURCE]) ?? quantity(record(r.limits)[GPU_RESOURCE]) ?? 0;
}

function podOwner(
  namespace: string,
  owners: Array<Record<string, unknown>>,
  labels: Record<string, string>,
): string | null {
  const owner = owners.find((o) => o.controller === true) ?? owners[0];
  if (!owner) return null;
  const name = str(owner.name);
  if (!name) return null;
  if (owner.kind === 'StatefulSet') return workloadKey('StatefulSet', namespace, name);
  if (owner.kind === 'ReplicaSet') {
    // A Deployment's ReplicaSet is `<deployment>-<pod-template-hash>`.
    const hash = labels['pod-template-hash'];
    if (hash && name.endsWith(`-${hash}`))
      return workloadKey('Deployment', namespace, name.slice(0, -hash.length - 1));
    const dash = name.lastIndexOf('-');
    return dash > 0 ? workloadKey('Deployment', namespace, name.slice(0, dash)) : null;
  }
  return null;
}

/** Integer resource quantities ("2", 2, "1k"); GPUs are whole numbers. */
export function quantity(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || value === '') return null;
  const match = /^(\d+(?:\.\d+)?)(m|k|M|G)?$/.exec(value.trim());
  if (!match) return null;
  const n = Number(match[1]);
  const scale = { m: 0.001, k: 1e3, M: 1e6, G: 1e9 }[match[2] ?? ''] ?? 1;
  return n * scale;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
function strings(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(record(value))) if (typeof v === 'string') out[key] = v;
  return out;
}
/** Annotations minus kubectl's last-applied copy of the whole object (often most of its size). */
function annotations(value: unknown): Record<string, string> {
  const out = strings(value);
  delete out['kubectl.kubernetes.io/last-applied-configuration'];
  return out;
}
function time(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const t = Date.parse(value);
  return Number.isFinite(t) ? t : null;
}
