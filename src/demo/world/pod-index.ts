import type { ClusterObjectStore, KubeObject } from '../kube/object-store.types';
import { demoLabels, refs } from '../kube/object-store.types';

/**
 * What the demo world and the model-server host need to know about one model-server pod,
 * kept current from the cluster's store. A replacement pod (new uid) is a new PodInfo, so
 * anything keyed on the object (a replica's counters) starts from zero, like a restart.
 */
export interface PodInfo {
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  endpointId: string;
  nodeName: string | undefined;
  /** Ready condition True, not terminating (before faults; see DemoWorld.isServing). */
  ready: boolean;
  /** Whether it took traffic at the world's last refresh (ready, and no fault stopping it). */
  serving: boolean;
  /** The first container's name, for DCGM's `container` label. */
  containerName: string;
  /** nvidia.com/gpu requested by the pod's containers. */
  gpus: number;
}

const gpuResource = 'nvidia.com/gpu';

function podGpus(pod: KubeObject): number {
  let total = 0;
  for (const container of (pod.spec?.containers ?? []) as Array<{ resources?: Record<string, unknown> }>) {
    const resources = container.resources as
      { limits?: Record<string, unknown>; requests?: Record<string, unknown> } | undefined;
    const value = resources?.limits?.[gpuResource] ?? resources?.requests?.[gpuResource];
    const n = typeof value === 'number' ? value : Number.parseInt(String(value ?? '0'), 10);
    if (Number.isFinite(n)) total += n;
  }
  return total;
}

function podReady(pod: KubeObject): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  const conditions = (pod.status?.conditions ?? []) as Array<{ type?: string; status?: string }>;
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Pods of one cluster by endpoint, by name and by node. Listing once, then following changes. */
export class ClusterPodIndex {
  readonly cluster: string;
  /**
   * Arrays, not maps: an endpoint has one to a few pods, and the tick walks them all every
   * second. An endpoint's array is created once and edited in place, so callers may keep it.
   */
  private readonly byEndpoint = new Map<string, PodInfo[]>();
  private readonly byName = new Map<string, PodInfo>();
  private readonly byNode = new Map<string, Set<PodInfo>>();
  private readonly unsubscribe: () => void;
  private readonly removedListeners = new Set<(pod: PodInfo) => void>();

  constructor(readonly store: ClusterObjectStore) {
    this.cluster = store.clusterName;
    // Subscribe before listing: a change landing in between is applied twice, which is harmless
    // (upsert), whereas the other order could miss it.
    this.unsubscribe = store.onChange((change) => {
      if (change.ref.resource !== 'pods' || change.ref.group !== '') return;
      if (change.type === 'DELETED') this.remove(change.object);
      else this.upsert(change.object);
    });
    for (const pod of store.list(refs.pods)) this.upsert(pod);
  }

  close(): void {
    this.unsubscribe();
  }

  /** Called with a pod's info when it leaves the index (deleted or replaced by a new uid). */
  onRemoved(listener: (pod: PodInfo) => void): () => void {
    this.removedListeners.add(listener);
    return () => this.removedListeners.delete(listener);
  }

  /** The endpoint's pods: a live array, updated in place as pods come and go. */
  podsOf(endpointId: string): readonly PodInfo[] {
    return this.endpointPods(endpointId);
  }

  pod(namespace: string, name: string): PodInfo | undefined {
    return this.byName.get(`${namespace}/${name}`);
  }

  podsOnNode(node: string): Iterable<PodInfo> {
    return this.byNode.get(node) ?? [];
  }

  private upsert(pod: KubeObject): void {
    const namespace = pod.metadata.namespace ?? '';
    const endpointName = pod.metadata.labels?.[demoLabels.endpoint];
    // The label holds the endpoint's name; its id adds the cluster and namespace it lives in.
    const endpointId = endpointName ? `${this.cluster}:${namespace}:${endpointName}` : undefined;
    const key = `${namespace}/${pod.metadata.name}`;
    const existing = this.byName.get(key);
    if (existing && (existing.uid !== pod.metadata.uid || !endpointId)) this.drop(existing, true);
    if (!endpointId) return;
    const current = this.byName.get(key);
    if (current) {
      if (current.endpointId !== endpointId) {
        this.unlink(current);
        current.endpointId = endpointId;
        this.endpointPods(endpointId).push(current);
      }
      const node = pod.spec?.nodeName as string | undefined;
      if (current.nodeName !== node) {
        if (current.nodeName) this.byNode.get(current.nodeName)?.delete(current);
        current.nodeName = node;
        if (node) this.nodePods(node).add(current);
      }
      current.ready = podReady(pod);
      current.gpus = podGpus(pod);
      return;
    }
    const info: PodInfo = {
      cluster: this.cluster,
      namespace,
      name: pod.metadata.name,
      uid: pod.metadata.uid ?? key,
      endpointId,
      nodeName: pod.spec?.nodeName,
      ready: podReady(pod),
      serving: false,
      containerName: pod.spec?.containers?.[0]?.name ?? 'server',
      gpus: podGpus(pod),
    };
    this.byName.set(key, info);
    this.endpointPods(endpointId).push(info);
    if (info.nodeName) this.nodePods(info.nodeName).add(info);
  }

  private remove(pod: KubeObject): void {
    const existing = this.byName.get(`${pod.metadata.namespace ?? ''}/${pod.metadata.name}`);
    if (existing && existing.uid === (pod.metadata.uid ?? existing.uid)) this.drop(existing, true);
  }

  private drop(info: PodInfo, notify: boolean): void {
    this.byName.delete(`${info.namespace}/${info.name}`);
    this.unlink(info);
    if (info.nodeName) {
      const onNode = this.byNode.get(info.nodeName);
      onNode?.delete(info);
      if (onNode?.size === 0) this.byNode.delete(info.nodeName);
    }
    if (notify) for (const listener of this.removedListeners) listener(info);
  }

  private unlink(info: PodInfo): void {
    const pods = this.byEndpoint.get(info.endpointId);
    if (!pods) return;
    const i = pods.indexOf(info);
    if (i >= 0) pods.splice(i, 1);
  }

  private endpointPods(endpointId: string): PodInfo[] {
    let pods = this.byEndpoint.get(endpointId);
    if (!pods) this.byEndpoint.set(endpointId, (pods = []));
    return pods;
  }

  private nodePods(node: string): Set<PodInfo> {
    let pods = this.byNode.get(node);
    if (!pods) this.byNode.set(node, (pods = new Set()));
    return pods;
  }
}
