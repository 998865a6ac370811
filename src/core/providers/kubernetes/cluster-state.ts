import {
  workloadKey,
  type KEvent,
  type KInferenceService,
  type KNode,
  type KPod,
  type KService,
  type KWorkload,
} from './kube-objects';
import { mapSelects, selectorMatches } from './label-selectors';
import { detectModelWorkload, type ModelWorkload } from './model-detection';

/**
 * One context's objects, with the indexes the mapping needs and a record of what changed since
 * the last report. Watch events touch a handful of entries; the indexes keep each change local
 * (a pod marks its workload and its node dirty), so a 10,000-endpoint cluster costs per event,
 * not per fleet.
 */
export interface DirtySet {
  workloads: Set<string>;
  nodes: Set<string>;
  events: Set<string>;
  /** Namespaces whose Service groups must be worked out again. */
  groupNamespaces: Set<string>;
  cluster: boolean;
}

const freshDirty = (): DirtySet => ({
  workloads: new Set(),
  nodes: new Set(),
  events: new Set(),
  groupNamespaces: new Set(),
  cluster: false,
});

export class ClusterState {
  readonly pods = new Map<string, KPod>();
  readonly workloads = new Map<string, KWorkload>();
  readonly nodes = new Map<string, KNode>();
  readonly services = new Map<string, KService>();
  readonly events = new Map<string, KEvent>();
  readonly isvcs = new Map<string, KInferenceService>();
  /** Per workload: what model it serves, or null when it is not a model server. */
  readonly models = new Map<string, ModelWorkload | null>();
  /** Workload -> the Service in front of it (the one selecting the most model workloads). */
  readonly serviceOf = new Map<string, string>();
  /** Service key -> the model workloads it selects, when there are two or more (a group). */
  readonly groups = new Map<string, Set<string>>();

  private readonly podsByOwner = new Map<string, Set<string>>();
  private readonly podsByNode = new Map<string, Set<string>>();
  private readonly unownedPodsByNamespace = new Map<string, Set<string>>();
  private readonly workloadsByNamespace = new Map<string, Set<string>>();
  private readonly servicesByNamespace = new Map<string, Set<string>>();
  private readonly workloadsByIsvc = new Map<string, Set<string>>();
  private readonly warningsByNode = new Map<string, Set<string>>();
  private readonly groupKeysByNamespace = new Map<string, Set<string>>();

  dirty: DirtySet = freshDirty();

  takeDirty(): DirtySet {
    const taken = this.dirty;
    this.dirty = freshDirty();
    return taken;
  }

  markAllDirty(): void {
    for (const key of this.workloads.keys()) this.dirty.workloads.add(key);
    for (const name of this.nodes.keys()) this.dirty.nodes.add(name);
    for (const key of this.events.keys()) this.dirty.events.add(key);
    for (const namespace of this.workloadsByNamespace.keys()) this.dirty.groupNamespaces.add(namespace);
    this.dirty.cluster = true;
  }

  // ---- pods ----

  upsertPod(pod: KPod): void {
    this.removePod(pod.key);
    this.pods.set(pod.key, pod);
    if (pod.owner) addTo(this.podsByOwner, pod.owner, pod.key);
    else addTo(this.unownedPodsByNamespace, pod.namespace, pod.key);
    if (pod.nodeName) addTo(this.podsByNode, pod.nodeName, pod.key);
    this.touchPod(pod);
  }

  removePod(key: string): void {
    const pod = this.pods.get(key);
    if (!pod) return;
    this.pods.delete(key);
    if (pod.owner) removeFrom(this.podsByOwner, pod.owner, key);
    else removeFrom(this.unownedPodsByNamespace, pod.namespace, key);
    if (pod.nodeName) removeFrom(this.podsByNode, pod.nodeName, key);
    this.touchPod(pod);
  }

  private touchPod(pod: KPod): void {
    if (pod.owner) this.dirty.workloads.add(pod.owner);
    else for (const key of this.workloadsSelecting(pod)) this.dirty.workloads.add(key);
    if (pod.nodeName) this.dirty.nodes.add(pod.nodeName);
  }

  /** A workload's pods: by owner reference, plus owner-less pods its selector matches. */
  podsOf(key: string): KPod[] {
    const out: KPod[] = [];
    for (const podKey of this.podsByOwner.get(key) ?? []) {
      const pod = this.pods.get(podKey);
      if (pod) out.push(pod);
    }
    const workload = this.workloads.get(key);
    const selector = workload?.selector;
    if (workload && selector) {
      for (const podKey of this.unownedPodsByNamespace.get(workload.namespace) ?? []) {
        const pod = this.pods.get(podKey);
        if (pod && selectorMatches(selector, pod.labels)) out.push(pod);
      }
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  podsOnNode(name: string): KPod[] {
    const out: KPod[] = [];
    for (const podKey of this.podsByNode.get(name) ?? []) {
      const pod = this.pods.get(podKey);
      if (pod) out.push(pod);
    }
    return out;
  }

  private workloadsSelecting(pod: KPod): string[] {
    const out: string[] = [];
    for (const key of this.workloadsByNamespace.get(pod.namespace) ?? []) {
      const selector = this.workloads.get(key)?.selector;
      if (selector && selectorMatches(selector, pod.labels)) out.push(key);
    }
    return out;
  }

  // ---- workloads ----

  upsertWorkload(workload: KWorkload): void {
    this.removeWorkload(workload.key);
    this.workloads.set(workload.key, workload);
    const model = detectModelWorkload(workload);
    this.models.set(workload.key, model);
    addTo(this.workloadsByNamespace, workload.namespace, workload.key);
    if (model?.isvc) addTo(this.workloadsByIsvc, `${workload.namespace}/${model.isvc}`, workload.key);
    this.touchWorkload(workload.key, workload.namespace);
  }

  removeWorkload(key: string): void {
    const workload = this.workloads.get(key);
    if (!workload) return;
    const model = this.models.get(key);
    this.workloads.delete(key);
    this.models.delete(key);
    this.serviceOf.delete(key);
    removeFrom(this.workloadsByNamespace, workload.namespace, key);
    if (model?.isvc) removeFrom(this.workloadsByIsvc, `${workload.namespace}/${model.isvc}`, key);
    this.touchWorkload(key, workload.namespace);
  }

  private touchWorkload(key: string, namespace: string): void {
    this.dirty.workloads.add(key);
    this.dirty.groupNamespaces.add(namespace);
  }

  workloadsOfIsvc(namespace: string, isvc: string): string[] {
    return [...(this.workloadsByIsvc.get(`${namespace}/${isvc}`) ?? [])].sort();
  }

  // ---- nodes, services, isvcs, events ----

  upsertNode(node: KNode): void {
    const before = this.nodes.get(node.name);
    this.nodes.set(node.name, node);
    this.dirty.nodes.add(node.name);
    if (!before || placementChanged(before, node)) {
      this.dirty.cluster = true;
      for (const pod of this.podsOnNode(node.name)) if (pod.owner) this.dirty.workloads.add(pod.owner);
    }
  }

  removeNode(name: string): void {
    if (!this.nodes.delete(name)) return;
    this.dirty.nodes.add(name);
    this.dirty.cluster = true;
    for (const pod of this.podsOnNode(name)) if (pod.owner) this.dirty.workloads.add(pod.owner);
  }

  upsertService(service: KService): void {
    // A new live selector (a rollout pinning the Service to one version) moves traffic shares
    // without changing who is in the group.
    const previous = this.services.get(service.key);
    if (previous && !sameSelector(previous.selector, service.selector))
      for (const key of this.groups.get(service.key) ?? []) this.dirty.workloads.add(key);
    this.removeService(service.key);
    this.services.set(service.key, service);
    addTo(this.servicesByNamespace, service.namespace, service.key);
    this.dirty.groupNamespaces.add(service.namespace);
  }

  removeService(key: string): void {
    const service = this.services.get(key);
    if (!service) return;
    this.services.delete(key);
    removeFrom(this.servicesByNamespace, service.namespace, key);
    this.dirty.groupNamespaces.add(service.namespace);
  }

  upsertIsvc(isvc: KInferenceService): void {
    this.isvcs.set(isvc.key, isvc);
    for (const key of this.workloadsByIsvc.get(isvc.key) ?? []) this.dirty.workloads.add(key);
  }

  removeIsvc(key: string): void {
    if (!this.isvcs.delete(key)) return;
    for (const workload of this.workloadsByIsvc.get(key) ?? []) this.dirty.workloads.add(workload);
  }

  upsertEvent(event: KEvent): void {
    this.removeEvent(event.key);
    this.events.set(event.key, event);
    this.dirty.events.add(event.key);
    if (event.involved.kind === 'Node' && event.type === 'Warning') {
      addTo(this.warningsByNode, event.involved.name, event.key);
      this.dirty.nodes.add(event.involved.name);
    }
  }

  removeEvent(key: string): void {
    const event = this.events.get(key);
    if (!event) return;
    this.events.delete(key);
    if (event.involved.kind === 'Node' && event.type === 'Warning') {
      removeFrom(this.warningsByNode, event.involved.name, key);
      this.dirty.nodes.add(event.involved.name);
    }
  }

  warningsOnNode(name: string): KEvent[] {
    const out: KEvent[] = [];
    for (const key of this.warningsByNode.get(name) ?? []) {
      const event = this.events.get(key);
      if (event) out.push(event);
    }
    return out;
  }

  /** Nodes whose problems come partly from events, to re-evaluate as those events age out. */
  nodesWithWarnings(): string[] {
    return [...this.warningsByNode.keys()];
  }

  /** Drops events older than `cutoff` from memory (the fleet store keeps its own history). */
  forgetEventsBefore(cutoff: number): void {
    for (const [key, event] of this.events) if (event.at < cutoff) this.removeEvent(key);
  }

  // ---- Service groups ----

  /**
   * Works out, for the namespaces marked dirty, which Service fronts each model workload and
   * which Services select two or more of them (a group: versions sharing traffic). Candidates
   * come from a label index, so a namespace with thousands of Services stays linear.
   */
  recomputeGroups(namespaces: Iterable<string>): void {
    for (const namespace of namespaces) {
      const modelKeys = [...(this.workloadsByNamespace.get(namespace) ?? [])].filter((key) =>
        this.models.get(key),
      );
      const index = new Map<string, string[]>();
      for (const key of modelKeys) {
        for (const [label, value] of Object.entries(this.workloads.get(key)!.templateLabels)) {
          const entry = `${label}=${value}`;
          const list = index.get(entry);
          if (list) list.push(key);
          else index.set(entry, [key]);
        }
      }
      const selected = new Map<string, string[]>();
      for (const serviceKey of this.servicesByNamespace.get(namespace) ?? []) {
        const service = this.services.get(serviceKey)!;
        // The group selector: a Service pinned to one version still fronts both as one group.
        const pairs = Object.entries(service.groupSelector);
        if (pairs.length === 0) continue;
        let candidates: string[] | undefined;
        for (const [label, value] of pairs) {
          const list = index.get(`${label}=${value}`);
          if (!list) {
            candidates = [];
            break;
          }
          if (!candidates || list.length < candidates.length) candidates = list;
        }
        const members = (candidates ?? []).filter((key) =>
          mapSelects(service.groupSelector, this.workloads.get(key)!.templateLabels),
        );
        if (members.length > 0) selected.set(serviceKey, members);
      }

      const before = new Map<string, string | undefined>();
      for (const key of this.workloadsByNamespace.get(namespace) ?? []) {
        before.set(key, this.serviceOf.get(key));
        this.serviceOf.delete(key);
      }
      const groupsBefore = new Map<string, Set<string>>();
      for (const serviceKey of this.groupKeysByNamespace.get(namespace) ?? []) {
        const members = this.groups.get(serviceKey);
        if (members) groupsBefore.set(serviceKey, members);
        this.groups.delete(serviceKey);
      }
      this.groupKeysByNamespace.delete(namespace);

      const byMembership = [...selected].sort(
        ([aKey, a], [bKey, b]) => b.length - a.length || (aKey < bKey ? -1 : aKey > bKey ? 1 : 0),
      );
      for (const [serviceKey, members] of byMembership) {
        for (const key of members) if (!this.serviceOf.has(key)) this.serviceOf.set(key, serviceKey);
      }
      for (const [serviceKey, members] of byMembership) {
        const own = members.filter(
          (key) => this.serviceOf.get(key) === serviceKey && !this.models.get(key)?.isvc,
        );
        if (own.length >= 2) {
          this.groups.set(serviceKey, new Set(own));
          addTo(this.groupKeysByNamespace, namespace, serviceKey);
        }
      }
      // A group that gained or lost a member: everyone's traffic share moved.
      for (const serviceKey of new Set([
        ...groupsBefore.keys(),
        ...(this.groupKeysByNamespace.get(namespace) ?? []),
      ])) {
        const old = groupsBefore.get(serviceKey) ?? new Set<string>();
        const now = this.groups.get(serviceKey) ?? new Set<string>();
        if (old.size === now.size && [...old].every((key) => now.has(key))) continue;
        for (const key of old) this.dirty.workloads.add(key);
        for (const key of now) this.dirty.workloads.add(key);
      }
      for (const [key, previous] of before)
        if (previous !== this.serviceOf.get(key)) this.dirty.workloads.add(key);
      for (const key of modelKeys) if (!before.has(key)) this.dirty.workloads.add(key);
    }
  }

  /** Every member of a dirty workload's Service group is dirty too: traffic shares moved. */
  spreadDirtyToGroups(): void {
    for (const key of [...this.dirty.workloads]) {
      const serviceKey = this.serviceOf.get(key);
      const members = serviceKey ? this.groups.get(serviceKey) : undefined;
      if (members) for (const member of members) this.dirty.workloads.add(member);
    }
  }

  groupMembersOf(key: string): string[] {
    const serviceKey = this.serviceOf.get(key);
    const members = serviceKey ? this.groups.get(serviceKey) : undefined;
    return members ? [...members] : [];
  }

  /** For events: `<deployment>-<rs hash>-<pod hash>` when the pod itself is gone. */
  workloadKeyForPodName(namespace: string, podName: string): string | null {
    const pod = this.pods.get(`${namespace}/${podName}`);
    if (pod?.owner) return pod.owner;
    const parts = podName.split('-');
    for (const cut of [2, 1]) {
      if (parts.length <= cut) continue;
      const name = parts.slice(0, -cut).join('-');
      for (const kind of ['Deployment', 'StatefulSet'] as const) {
        const key = workloadKey(kind, namespace, name);
        if (this.workloads.has(key)) return key;
      }
    }
    return null;
  }
}

function placementChanged(a: KNode, b: KNode): boolean {
  const keys = [
    'topology.kubernetes.io/region',
    'topology.kubernetes.io/zone',
    'nvidia.com/gpu.product',
    'node.kubernetes.io/instance-type',
    'failure-domain.beta.kubernetes.io/region',
  ];
  return keys.some((key) => a.labels[key] !== b.labels[key]) || a.providerID !== b.providerID;
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

const sameSelector = (a: Record<string, string>, b: Record<string, string>) => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
};
