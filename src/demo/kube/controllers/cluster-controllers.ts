import type { KubeObjectStore } from '../object-store';
import { createDeploymentController } from './deployment.controller';
import { createEventRecorder } from './event-recorder';
import { startGarbageCollector } from './garbage-collector';
import { createKServeController } from './kserve.controller';
import { createKubelet } from './kubelet';
import { setNodeGpuFailure, type GpuFailureOptions } from './node-health';
import { createReplicaSetController } from './replicaset.controller';
import { createScheduler } from './scheduler';

/**
 * Everything that makes a simulated cluster move, driven by store.onChange (no polling): the
 * Deployment, ReplicaSet and KServe controllers, the scheduler, the kubelets, the garbage
 * collector, and the fault hooks the demo's fault injector calls.
 */
export interface ClusterControllerOptions {
  /** Bound pod -> Running and Ready (default 1,500 ms; tests use 0). */
  readyDelayMs?: number;
  /** Where the model-server simulator serves a pod; becomes the pod's `fleetdeck.io/base-url`. */
  podBaseUrl?: (cluster: string, namespace: string, podName: string) => string;
  /** Time between restarts of a crash-looping container (default 10 s). */
  crashLoopIntervalMs?: number;
  /** Events kept before the oldest are deleted (default 5,000). */
  maxEvents?: number;
  /** Source of randomness for pod names (default Math.random); seed it for reproducible demos. */
  random?: () => number;
  now?: () => number;
}

export interface ClusterControllers {
  /** Resolves once every queue is drained and no pod start is due: the cluster has settled. */
  idle(): Promise<void>;
  /** CrashLoopBackOff for one pod (restartCount climbs, Ready false, BackOff events) or back. */
  setPodCrashLoop(namespace: string, pod: string, crashing: boolean): boolean;
  /** The same for every pod of a Deployment, including pods it creates while the fault lasts. */
  setDeploymentCrashLoop(namespace: string, deployment: string, crashing: boolean): boolean;
  /** A GPU Xid failure on a node (condition, Warning Event, fewer allocatable GPUs) or its recovery. */
  setNodeGpuFailure(node: string, failed: boolean, options?: GpuFailureOptions): boolean;
  stop(): void;
}

/** mulberry32: a small seeded PRNG, so a seeded demo names its pods the same way every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function startClusterControllers(
  store: KubeObjectStore,
  options: ClusterControllerOptions = {},
): ClusterControllers {
  const now = options.now ?? Date.now;
  const recorder = createEventRecorder(store, { maxEvents: options.maxEvents, now });
  const stopGc = startGarbageCollector(store);
  const scheduler = createScheduler(store, recorder, { now });
  const kubelet = createKubelet(store, recorder, {
    readyDelayMs: options.readyDelayMs ?? 1500,
    crashLoopIntervalMs: options.crashLoopIntervalMs ?? 10_000,
    now,
  });
  const replicaSets = createReplicaSetController(store, recorder, {
    clusterName: store.clusterName,
    podBaseUrl: options.podBaseUrl,
    random: options.random ?? Math.random,
  });
  const deployments = createDeploymentController(store, recorder, { now });
  const kserve = createKServeController(store, { now });
  const busy = () =>
    scheduler.queue.busy ||
    replicaSets.queue.busy ||
    deployments.queue.busy ||
    kserve.queue.busy ||
    kubelet.busy;
  let stopped = false;

  return {
    idle() {
      return new Promise((resolve) => {
        // Two quiet turns in a row: a drain can schedule another controller's work on the same turn.
        let quiet = 0;
        const check = () => {
          quiet = busy() && !stopped ? 0 : quiet + 1;
          if (quiet >= 2) resolve();
          else if (
            kubelet.busy &&
            !scheduler.queue.busy &&
            !replicaSets.queue.busy &&
            !deployments.queue.busy
          )
            setTimeout(check, 5);
          else setImmediate(check);
        };
        setImmediate(check);
      });
    },
    setPodCrashLoop: (namespace, pod, crashing) => kubelet.setPodCrashLoop(namespace, pod, crashing),
    setDeploymentCrashLoop: (namespace, deployment, crashing) =>
      kubelet.setDeploymentCrashLoop(namespace, deployment, crashing),
    setNodeGpuFailure: (node, failed, gpuOptions) =>
      setNodeGpuFailure(store, recorder, node, failed, gpuOptions, now),
    stop() {
      stopped = true;
      stopGc();
      scheduler.stop();
      kubelet.stop();
      replicaSets.stop();
      deployments.stop();
      kserve.stop();
    },
  };
}
