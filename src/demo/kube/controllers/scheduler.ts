import type { KubeObjectStore } from '../object-store';
import { refs, type KubeObject } from '../object-store.types';
import type { EventRecorder } from './event-recorder';
import { createWorkQueue, type WorkQueue } from './work-queue';

/**
 * A small kube-scheduler: binds each unscheduled pod to a Ready node that matches its
 * nodeSelector and has enough free `nvidia.com/gpu` (requests summed per node), preferring the
 * node with the most free GPUs. A pod that fits nowhere stays Pending with PodScheduled=False and
 * a FailedScheduling Event worded like the real one, and is retried when a pod goes away or a
 * node changes.
 */
export const gpuResource = 'nvidia.com/gpu';

export interface Scheduler {
  readonly queue: WorkQueue;
  stop(): void;
}

const timestamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const podKey = (pod: KubeObject) => `${pod.metadata.namespace}/${pod.metadata.name}`;

type Container = {
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
};

/** GPUs a pod asks for; extended resources default their request to the limit. */
export function podGpuRequest(pod: KubeObject): number {
  let total = 0;
  for (const container of (pod.spec?.containers ?? []) as Container[]) {
    total += Number(
      container.resources?.requests?.[gpuResource] ?? container.resources?.limits?.[gpuResource] ?? 0,
    );
  }
  return total;
}

export const isTerminated = (pod: KubeObject) =>
  pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed' || !!pod.metadata.deletionTimestamp;

const nodeReady = (node: KubeObject) =>
  (node.status?.conditions ?? []).some(
    (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
  );

export const allocatableGpus = (node: KubeObject) => Number(node.status?.allocatable?.[gpuResource] ?? 0);

type HeapEntry = { node: KubeObject; free: number };
const heapBefore = (a: HeapEntry, b: HeapEntry) =>
  a.free > b.free || (a.free === b.free && a.node.metadata.name < b.node.metadata.name);

function heapPush(heap: HeapEntry[], entry: HeapEntry) {
  heap.push(entry);
  for (let i = heap.length - 1; i > 0;) {
    const parent = (i - 1) >> 1;
    if (!heapBefore(heap[i]!, heap[parent]!)) break;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function heapSiftDown(heap: HeapEntry[], index: number) {
  for (let i = index; ;) {
    const left = 2 * i + 1;
    const right = left + 1;
    let first = i;
    if (left < heap.length && heapBefore(heap[left]!, heap[first]!)) first = left;
    if (right < heap.length && heapBefore(heap[right]!, heap[first]!)) first = right;
    if (first === i) return;
    [heap[i], heap[first]] = [heap[first]!, heap[i]!];
    i = first;
  }
}

export function createScheduler(
  store: KubeObjectStore,
  recorder: EventRecorder,
  options: { now?: () => number } = {},
): Scheduler {
  const now = options.now ?? Date.now;
  const source = { component: 'default-scheduler' };
  /** Kept up to date from store changes, so a pass costs O(pending pods x candidate nodes). */
  const pending = new Set<string>();
  const bound = new Map<string, { node: string; gpus: number }>();
  const used = new Map<string, number>();

  const unbind = (key: string) => {
    const binding = bound.get(key);
    if (!binding) return;
    bound.delete(key);
    used.set(binding.node, (used.get(binding.node) ?? 0) - binding.gpus);
  };
  const track = (pod: KubeObject) => {
    const key = podKey(pod);
    const nodeName = pod.spec?.nodeName as string | undefined;
    if (isTerminated(pod)) {
      pending.delete(key);
      unbind(key);
    } else if (nodeName) {
      pending.delete(key);
      if (bound.get(key)?.node === nodeName) return;
      unbind(key);
      const gpus = podGpuRequest(pod);
      bound.set(key, { node: nodeName, gpus });
      used.set(nodeName, (used.get(nodeName) ?? 0) + gpus);
    } else {
      pending.add(key);
    }
  };
  for (const pod of store.list(refs.pods)) track(pod);

  const scheduleAll = () => {
    if (pending.size === 0) return;
    const nodes = store.list(refs.nodes);
    // Per nodeSelector, a max-heap of candidate nodes by free GPUs (ties: name), so each pod
    // costs O(log nodes) — 15,000 pods onto 2,000 nodes in scale mode.
    const groups = new Map<
      string,
      { heap: Array<{ node: KubeObject; free: number }>; unmatched: number; notReady: number }
    >();
    const groupFor = (selector: Record<string, string>) => {
      const cacheKey = JSON.stringify(Object.entries(selector).sort());
      let found = groups.get(cacheKey);
      if (!found) {
        found = { heap: [], unmatched: 0, notReady: 0 };
        for (const node of nodes) {
          const labels = node.metadata.labels ?? {};
          if (!Object.entries(selector).every(([key, value]) => labels[key] === value)) found.unmatched++;
          else if (!nodeReady(node) || node.spec?.unschedulable) found.notReady++;
          else
            heapPush(found.heap, { node, free: allocatableGpus(node) - (used.get(node.metadata.name) ?? 0) });
        }
        groups.set(cacheKey, found);
      }
      return found;
    };

    for (const key of [...pending]) {
      const [namespace, name] = key.split('/') as [string, string];
      const pod = store.get(refs.pods, namespace, name);
      if (!pod) {
        pending.delete(key);
        continue;
      }
      const request = podGpuRequest(pod);
      const group = groupFor((pod.spec?.nodeSelector ?? {}) as Record<string, string>);
      const { unmatched, notReady } = group;
      const top = group.heap[0];
      const best = top && top.free >= request ? top.node : undefined;
      const insufficient = best ? 0 : group.heap.length;
      if (top && best) {
        top.free -= request;
        heapSiftDown(group.heap, 0);
      }
      if (best) {
        const nodeName = best.metadata.name;
        const result = store.modify(refs.pods, namespace, name, (draft) => {
          if (draft.spec.nodeName) return false;
          draft.spec.nodeName = nodeName;
          draft.status = {
            ...draft.status,
            phase: 'Pending',
            conditions: [
              {
                type: 'PodScheduled',
                status: 'True',
                lastProbeTime: null,
                lastTransitionTime: timestamp(now()),
              },
            ],
          };
        });
        if (result && result !== pod) {
          recorder.record(
            result,
            'Normal',
            'Scheduled',
            `Successfully assigned ${key} to ${nodeName}`,
            source,
          );
        }
        continue;
      }
      const reasons = [
        insufficient ? `${insufficient} Insufficient ${gpuResource}` : '',
        unmatched ? `${unmatched} node(s) didn't match Pod's node affinity/selector` : '',
        notReady ? `${notReady} node(s) had untolerated taint {node.kubernetes.io/not-ready: }` : '',
      ].filter(Boolean);
      const message =
        `0/${nodes.length} nodes are available: ${reasons.join(', ') || 'no nodes available to schedule pods'}. ` +
        `preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`;
      const updated = store.modify(refs.pods, namespace, name, (draft) => {
        const previous = (draft.status?.conditions ?? []).find(
          (c: { type: string }) => c.type === 'PodScheduled',
        );
        if (previous?.status === 'False' && previous.message === message) return false;
        draft.status = {
          ...draft.status,
          phase: 'Pending',
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message,
              lastProbeTime: null,
              lastTransitionTime: timestamp(now()),
            },
          ],
        };
      });
      if (updated && updated !== pod)
        recorder.record(updated, 'Warning', 'FailedScheduling', message, source);
    }
  };

  const queue = createWorkQueue('scheduler', scheduleAll);
  const unsubscribe = store.onChange((change) => {
    if (change.ref.resource === 'nodes' && change.ref.group === '') {
      queue.add('all');
    } else if (change.ref.resource === 'pods' && change.ref.group === '') {
      const pod = change.object;
      if (change.type === 'DELETED') {
        pending.delete(podKey(pod));
        // Capacity freed by a bound pod going away may fit a pending one.
        if (bound.has(podKey(pod))) {
          unbind(podKey(pod));
          if (pending.size > 0) queue.add('all');
        }
        return;
      }
      const wasPending = pending.has(podKey(pod));
      track(pod);
      if (pending.has(podKey(pod)) && !wasPending) queue.add('all');
    }
  });

  return {
    queue,
    stop() {
      unsubscribe();
      queue.stop();
    },
  };
}
