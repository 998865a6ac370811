import type { KubeObject } from './object-store.types';
import type { ResourceDefinition } from './resources';
import { labelSelectorToString } from './selectors';

/**
 * Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): the columns
 * `kubectl get` shows come from the server, as with a real apiserver's printers and a CRD's
 * additionalPrinterColumns. Columns with priority 1 appear only with `-o wide`.
 */
interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format?: string;
  priority?: number;
  description: string;
  cell: (object: KubeObject, now: number) => string | number;
}

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration, which kubectl's AGE columns use. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8)
    return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

const since = (time: string | undefined, now: number) =>
  time ? humanDuration(now - Date.parse(time)) : '<unknown>';

const name: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  cell: (object) => object.metadata.name,
};
const age: Column = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  cell: (object, now) => since(object.metadata.creationTimestamp, now),
};
const column = (label: string, cell: Column['cell'], extra: Partial<Column> = {}): Column => ({
  name: label,
  type: 'string',
  description: label,
  cell,
  ...extra,
});
const wide = { priority: 1 };

type Container = { name: string; image: string; ports?: Array<{ containerPort: number }> };
const containersOf = (object: KubeObject): Container[] => object.spec?.template?.spec?.containers ?? [];
const workloadWideColumns = [
  column(
    'Containers',
    (o) =>
      containersOf(o)
        .map((c) => c.name)
        .join(','),
    wide,
  ),
  column(
    'Images',
    (o) =>
      containersOf(o)
        .map((c) => c.image)
        .join(','),
    wide,
  ),
  column('Selector', (o) => labelSelectorToString(o.spec?.selector ?? {}), wide),
];

interface ContainerStatus {
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string }; terminated?: { reason?: string }; running?: object };
  lastState?: { terminated?: { finishedAt?: string } };
}

function podStatusText(pod: KubeObject): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  let reason: string = pod.status?.reason ?? pod.status?.phase ?? 'Unknown';
  for (const status of (pod.status?.containerStatuses ?? []) as ContainerStatus[]) {
    const stateReason = status.state?.waiting?.reason ?? status.state?.terminated?.reason;
    if (stateReason) reason = stateReason;
  }
  return reason;
}

function podRestarts(pod: KubeObject, now: number): string {
  const statuses = (pod.status?.containerStatuses ?? []) as ContainerStatus[];
  const restarts = statuses.reduce((sum, status) => sum + (status.restartCount ?? 0), 0);
  const last = statuses
    .map((status) => status.lastState?.terminated?.finishedAt)
    .filter((time): time is string => !!time)
    .sort()
    .pop();
  return last && restarts > 0 ? `${restarts} (${since(last, now)} ago)` : String(restarts);
}

function nodeStatus(node: KubeObject): string {
  const ready = (node.status?.conditions ?? []).find(
    (condition: { type: string }) => condition.type === 'Ready',
  );
  const text = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
  return node.spec?.unschedulable ? `${text},SchedulingDisabled` : text;
}

function nodeRoles(node: KubeObject): string {
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter((key) => key.startsWith('node-role.kubernetes.io/'))
    .map((key) => key.slice('node-role.kubernetes.io/'.length));
  return roles.length ? roles.sort().join(',') : '<none>';
}

const nodeAddress = (node: KubeObject, type: string) =>
  (node.status?.addresses ?? []).find((address: { type: string }) => address.type === type)?.address ??
  '<none>';

type Traffic = { tag?: string; latestRevision?: boolean; percent?: number; revisionName?: string };
const trafficOf = (isvc: KubeObject): Traffic[] => isvc.status?.components?.predictor?.traffic ?? [];
const prevTraffic = (isvc: KubeObject) => trafficOf(isvc).find((entry) => entry.tag === 'prev');
const latestTraffic = (isvc: KubeObject) => trafficOf(isvc).find((entry) => entry.latestRevision === true);
const conditionStatus = (object: KubeObject, type: string) =>
  (object.status?.conditions ?? []).find((condition: { type: string }) => condition.type === type)?.status ??
  '';

const columnsByKind: Record<string, Column[]> = {
  Namespace: [name, column('Status', (o) => o.status?.phase ?? 'Active'), age],
  Node: [
    name,
    column('Status', nodeStatus),
    column('Roles', nodeRoles),
    age,
    column('Version', (o) => o.status?.nodeInfo?.kubeletVersion ?? ''),
    column('Internal-IP', (o) => nodeAddress(o, 'InternalIP'), wide),
    column('External-IP', (o) => nodeAddress(o, 'ExternalIP'), wide),
    column('OS-Image', (o) => o.status?.nodeInfo?.osImage ?? '', wide),
    column('Kernel-Version', (o) => o.status?.nodeInfo?.kernelVersion ?? '', wide),
    column('Container-Runtime', (o) => o.status?.nodeInfo?.containerRuntimeVersion ?? '', wide),
  ],
  Pod: [
    name,
    column('Ready', (o) => {
      const statuses = (o.status?.containerStatuses ?? []) as ContainerStatus[];
      const total = o.spec?.containers?.length ?? statuses.length;
      return `${statuses.filter((status) => status.ready).length}/${total}`;
    }),
    column('Status', podStatusText),
    column('Restarts', podRestarts),
    age,
    column('IP', (o) => o.status?.podIP ?? '<none>', wide),
    column('Node', (o) => o.spec?.nodeName ?? '<none>', wide),
    column('Nominated Node', (o) => o.status?.nominatedNodeName ?? '<none>', wide),
    column('Readiness Gates', () => '<none>', wide),
  ],
  Service: [
    name,
    column('Type', (o) => o.spec?.type ?? 'ClusterIP'),
    column('Cluster-IP', (o) => o.spec?.clusterIP ?? '<none>'),
    column('External-IP', (o) => (o.spec?.externalIPs ?? []).join(',') || '<none>'),
    column('Port(s)', (o) =>
      (o.spec?.ports ?? [])
        .map((port: { port: number; protocol?: string }) => `${port.port}/${port.protocol ?? 'TCP'}`)
        .join(','),
    ),
    age,
    column(
      'Selector',
      (o) => labelSelectorToString({ matchLabels: o.spec?.selector ?? {} }) || '<none>',
      wide,
    ),
  ],
  Event: [
    column('Last Seen', (o, now) =>
      since((o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp) as string | undefined, now),
    ),
    column('Type', (o) => String(o.type ?? '')),
    column('Reason', (o) => String(o.reason ?? '')),
    column('Object', (o) => {
      const involved = (o.involvedObject ?? {}) as { kind?: string; name?: string };
      return `${(involved.kind ?? '').toLowerCase()}/${involved.name ?? ''}`;
    }),
    column('Subobject', (o) => String((o.involvedObject as { fieldPath?: string })?.fieldPath ?? ''), wide),
    column('Source', (o) => String((o.source as { component?: string })?.component ?? ''), wide),
    column('Message', (o) => String(o.message ?? '')),
    column('First Seen', (o, now) => since(o.firstTimestamp as string | undefined, now), wide),
    column('Count', (o) => Number(o.count ?? 1), { ...wide, type: 'integer' }),
    column('Name', (o) => o.metadata.name, wide),
  ],
  Deployment: [
    name,
    column('Ready', (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`),
    column('Up-to-date', (o) => o.status?.updatedReplicas ?? 0, { type: 'integer' }),
    column('Available', (o) => o.status?.availableReplicas ?? 0, { type: 'integer' }),
    age,
    ...workloadWideColumns,
  ],
  ReplicaSet: [
    name,
    column('Desired', (o) => o.spec?.replicas ?? 0, { type: 'integer' }),
    column('Current', (o) => o.status?.replicas ?? 0, { type: 'integer' }),
    column('Ready', (o) => o.status?.readyReplicas ?? 0, { type: 'integer' }),
    age,
    ...workloadWideColumns,
  ],
  // KServe's CRD additionalPrinterColumns (config/crd/full/serving.kserve.io_inferenceservices.yaml)
  InferenceService: [
    name,
    column('URL', (o) => o.status?.url ?? ''),
    column('Ready', (o) => conditionStatus(o, 'Ready')),
    column('Prev', (o) => prevTraffic(o)?.percent ?? '', { type: 'integer' }),
    column('Latest', (o) => latestTraffic(o)?.percent ?? '', { type: 'integer' }),
    column('PrevRolledoutRevision', (o) => prevTraffic(o)?.revisionName ?? ''),
    column('LatestReadyRevision', (o) => latestTraffic(o)?.revisionName ?? ''),
    age,
  ],
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

function rowObject(object: KubeObject, include: IncludeObject) {
  if (include === 'None') return undefined;
  if (include === 'Object') return object;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
}

export function toTable(
  definition: ResourceDefinition,
  objects: readonly KubeObject[],
  listMeta: TableListMeta,
  options: { now?: number; includeObject?: IncludeObject; noHeaders?: boolean } = {},
) {
  const now = options.now ?? Date.now();
  const columns = columnsByKind[definition.kind] ?? [name, age];
  const include = options.includeObject ?? 'Metadata';
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {
      resourceVersion: listMeta.resourceVersion,
      ...(listMeta.continue ? { continue: listMeta.continue } : {}),
      ...(listMeta.remainingItemCount !== undefined
        ? { remainingItemCount: listMeta.remainingItemCount }
        : {}),
    },
    columnDefinitions: options.noHeaders
      ? null
      : columns.map((col) => ({
          name: col.name,
          type: col.type,
          format: col.format ?? '',
          description: col.description,
          priority: col.priority ?? 0,
        })),
    rows: objects.map((object) => ({
      cells: columns.map((col) => col.cell(object, now)),
      object: rowObject(object, include),
    })),
  };
}
