import { createHash } from 'node:crypto';
import type { KubeObjectStore } from '../object-store';
import { refs, type KubeObject } from '../object-store.types';
import type { EventRecorder } from './event-recorder';
import { isTerminated } from './scheduler';

/**
 * The kubelets of every simulated node, as one component: a bound pod becomes Running and Ready
 * after `readyDelayMs` (image already present, so just "Pulled/Created/Started"), with container
 * statuses kubectl and the providers read. It also plays container crashes: a pod in
 * CrashLoopBackOff restarts every `crashLoopIntervalMs` with restartCount climbing, Ready false
 * and BackOff events, until the fault is lifted.
 */
export interface Kubelet {
  /** True while a pod start is due. */
  readonly busy: boolean;
  setPodCrashLoop(namespace: string, pod: string, crashing: boolean): boolean;
  setDeploymentCrashLoop(namespace: string, deployment: string, crashing: boolean): boolean;
  stop(): void;
}

export interface KubeletOptions {
  readyDelayMs: number;
  crashLoopIntervalMs: number;
  now?: () => number;
}

const timestamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const keyOf = (namespace: string | undefined, name: string) => `${namespace}/${name}`;
const podKey = (pod: KubeObject) => keyOf(pod.metadata.namespace, pod.metadata.name);
const hex = (text: string) => createHash('sha256').update(text).digest('hex');

type Container = { name: string; image: string };

function conditions(ready: boolean, at: string, containers: string[]) {
  const status = ready ? 'True' : 'False';
  const notReady = ready
    ? {}
    : { reason: 'ContainersNotReady', message: `containers with unready status: [${containers.join(' ')}]` };
  return [
    { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: at },
    { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: at },
    { type: 'Ready', status, lastProbeTime: null, lastTransitionTime: at, ...notReady },
    { type: 'ContainersReady', status, lastProbeTime: null, lastTransitionTime: at, ...notReady },
    { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: at },
  ];
}

/** The Deployment a pod belongs to, through its ReplicaSet's ownerReference. */
export function deploymentOfPod(store: KubeObjectStore, pod: KubeObject): string | undefined {
  const rsName = pod.metadata.ownerReferences?.find((owner) => owner.kind === 'ReplicaSet')?.name;
  if (!rsName) return undefined;
  const rs = store.get(refs.replicasets, pod.metadata.namespace, rsName);
  return rs?.metadata.ownerReferences?.find((owner) => owner.kind === 'Deployment')?.name;
}

export function createKubelet(
  store: KubeObjectStore,
  recorder: EventRecorder,
  options: KubeletOptions,
): Kubelet {
  const now = options.now ?? Date.now;
  /** pod key -> due time; insertion order is due order since the delay is constant. */
  const starts = new Map<string, number>();
  let startTimer: NodeJS.Timeout | undefined;
  const crashingPods = new Set<string>();
  const crashingDeployments = new Set<string>();
  let crashTimer: NodeJS.Timeout | undefined;
  const source = (pod: KubeObject) => ({
    component: 'kubelet',
    host: pod.spec?.nodeName as string | undefined,
  });

  const crashes = (pod: KubeObject) =>
    crashingPods.has(podKey(pod)) ||
    crashingDeployments.has(keyOf(pod.metadata.namespace, deploymentOfPod(store, pod) ?? ''));

  function containerStatuses(
    pod: KubeObject,
    at: string,
    crashing: boolean,
    previous?: Array<{ restartCount?: number }>,
  ) {
    return ((pod.spec?.containers ?? []) as Container[]).map((container, index) => {
      const restartCount = (previous?.[index]?.restartCount ?? 0) + (crashing ? 1 : 0);
      const id = `containerd://${hex(`${pod.metadata.uid}/${container.name}/${restartCount}`)}`;
      return {
        name: container.name,
        image: container.image,
        imageID: `${container.image.split(':')[0]}@sha256:${hex(container.image)}`,
        containerID: id,
        ready: !crashing,
        started: !crashing,
        restartCount,
        state: crashing
          ? {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: `back-off ${Math.min(300, 10 * 2 ** Math.min(5, restartCount - 1))}s restarting failed container=${container.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
              },
            }
          : { running: { startedAt: at } },
        lastState: crashing
          ? { terminated: { exitCode: 1, reason: 'Error', startedAt: at, finishedAt: at, containerID: id } }
          : {},
      };
    });
  }

  function writeStatus(pod: KubeObject, crashing: boolean) {
    const at = timestamp(now());
    return store.modify(
      refs.pods,
      pod.metadata.namespace,
      pod.metadata.name,
      (draft) => {
        const node = store.get(refs.nodes, undefined, draft.spec.nodeName);
        const hostIP =
          (node?.status?.addresses ?? []).find((a: { type: string }) => a.type === 'InternalIP')?.address ??
          '10.0.0.1';
        draft.status = {
          ...draft.status,
          phase: 'Running',
          hostIP,
          hostIPs: [{ ip: hostIP }],
          podIP: '127.0.0.1',
          podIPs: [{ ip: '127.0.0.1' }],
          startTime: draft.status?.startTime ?? at,
          conditions: conditions(
            !crashing,
            at,
            ((draft.spec.containers ?? []) as Container[]).map((container) => container.name),
          ),
          containerStatuses: containerStatuses(draft, at, crashing, draft.status?.containerStatuses),
        };
      },
      { status: true },
    );
  }

  function start(key: string) {
    const [namespace, name] = key.split('/') as [string, string];
    const pod = store.get(refs.pods, namespace, name);
    if (!pod || isTerminated(pod) || !pod.spec?.nodeName) return;
    const crashing = crashes(pod);
    const started = writeStatus(pod, crashing);
    if (!started) return;
    for (const container of (pod.spec.containers ?? []) as Container[]) {
      recorder.record(
        started,
        'Normal',
        'Pulled',
        `Container image "${container.image}" already present on machine`,
        source(pod),
      );
      recorder.record(started, 'Normal', 'Created', `Created container: ${container.name}`, source(pod));
      recorder.record(started, 'Normal', 'Started', `Started container ${container.name}`, source(pod));
    }
    if (crashing) enterCrashLoop(started);
  }

  function runDueStarts() {
    startTimer = undefined;
    const at = now();
    for (const [key, due] of starts) {
      if (due > at) break;
      starts.delete(key);
      start(key);
    }
    armStartTimer();
  }

  function armStartTimer() {
    if (startTimer || starts.size === 0) return;
    const first = starts.values().next().value as number;
    startTimer = setTimeout(runDueStarts, Math.max(0, first - now()));
    startTimer.unref();
  }

  function enterCrashLoop(pod: KubeObject) {
    crashingPods.add(podKey(pod));
    for (const container of (pod.spec?.containers ?? []) as Container[]) {
      recorder.record(
        pod,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${container.name} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
        source(pod),
      );
    }
    if (!crashTimer) {
      crashTimer = setInterval(crashTick, options.crashLoopIntervalMs);
      crashTimer.unref();
    }
  }

  function crashTick() {
    for (const key of crashingPods) {
      const [namespace, name] = key.split('/') as [string, string];
      const pod = store.get(refs.pods, namespace, name);
      if (!pod || pod.status?.phase !== 'Running') continue;
      const restarted = writeStatus(pod, true);
      if (restarted) enterCrashLoop(restarted);
    }
  }

  function recover(pod: KubeObject) {
    crashingPods.delete(podKey(pod));
    if (crashingPods.size === 0 && crashTimer) {
      clearInterval(crashTimer);
      crashTimer = undefined;
    }
    if (pod.status?.phase !== 'Running') return;
    const running = writeStatus(pod, false);
    for (const container of (pod.spec?.containers ?? []) as Container[]) {
      if (running)
        recorder.record(running, 'Normal', 'Started', `Started container ${container.name}`, source(pod));
    }
  }

  const unsubscribe = store.onChange((change) => {
    if (change.ref.resource !== 'pods' || change.ref.group !== '') return;
    const pod = change.object;
    const key = podKey(pod);
    if (change.type === 'DELETED') {
      starts.delete(key);
      crashingPods.delete(key);
      return;
    }
    if (!pod.spec?.nodeName || isTerminated(pod) || pod.status?.containerStatuses || starts.has(key)) return;
    starts.set(key, now() + options.readyDelayMs);
    if (options.readyDelayMs > 0) {
      const at = timestamp(now());
      store.modify(
        refs.pods,
        pod.metadata.namespace,
        pod.metadata.name,
        (draft) => {
          draft.status = {
            ...draft.status,
            containerStatuses: ((draft.spec.containers ?? []) as Container[]).map((container) => ({
              name: container.name,
              image: container.image,
              imageID: '',
              ready: false,
              started: false,
              restartCount: 0,
              state: { waiting: { reason: 'ContainerCreating' } },
              lastState: {},
            })),
            conditions: [
              ...(draft.status?.conditions ?? []),
              { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: at },
            ],
          };
        },
        { status: true },
      );
    }
    armStartTimer();
  });

  return {
    get busy() {
      return starts.size > 0;
    },
    setPodCrashLoop(namespace, name, crashing) {
      const pod = store.get(refs.pods, namespace, name);
      if (!pod) return false;
      if (!crashing) recover(pod);
      else if (pod.status?.phase === 'Running') enterCrashLoop(writeStatus(pod, true) ?? pod);
      else crashingPods.add(podKey(pod)); // crashes as soon as it starts
      return true;
    },
    setDeploymentCrashLoop(namespace, deployment, crashing) {
      if (!store.get(refs.deployments, namespace, deployment)) return false;
      const key = keyOf(namespace, deployment);
      if (crashing) crashingDeployments.add(key);
      else crashingDeployments.delete(key);
      for (const pod of store.list(refs.pods, { namespace })) {
        if (deploymentOfPod(store, pod) !== deployment) continue;
        if (crashing && !crashingPods.has(podKey(pod)))
          this.setPodCrashLoop(namespace, pod.metadata.name, true);
        if (!crashing && crashingPods.has(podKey(pod))) recover(pod);
      }
      return true;
    },
    stop() {
      unsubscribe();
      if (startTimer) clearTimeout(startTimer);
      if (crashTimer) clearInterval(crashTimer);
      starts.clear();
      crashingPods.clear();
    },
  };
}
