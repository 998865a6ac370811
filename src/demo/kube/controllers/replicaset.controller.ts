import type { KubeObjectStore } from '../object-store';
import { demoLabels, refs, type KubeObject } from '../object-store.types';
import type { EventRecorder } from './event-recorder';
import { isTerminated } from './scheduler';
import { createWorkQueue, type WorkQueue } from './work-queue';

/**
 * The ReplicaSet controller: keeps each ReplicaSet's pods equal to spec.replicas, named
 * `<replicaset>-<rand5>` (so `<deployment>-<hash>-<rand5>`), with the template's labels, an
 * ownerReference, and the demo's per-pod annotations: `fleetdeck.io/base-url` (where the
 * model-server simulator serves this pod) and the `prometheus.io/*` scrape hints pointing at it.
 */
export interface ReplicaSetControllerOptions {
  clusterName: string;
  podBaseUrl?: (cluster: string, namespace: string, podName: string) => string;
  random: () => number;
}

export interface ReplicaSetController {
  readonly queue: WorkQueue;
  stop(): void;
}

const nameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';
const podReady = (pod: KubeObject) =>
  (pod.status?.conditions ?? []).some(
    (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
  );

export const isPodReady = podReady;

type Container = { ports?: Array<{ containerPort: number }> };

function scrapeAnnotations(
  baseUrl: string | undefined,
  template: KubeObject['spec'],
): Record<string, string> {
  const containerPort = ((template?.spec?.containers ?? []) as Container[])[0]?.ports?.[0]?.containerPort;
  if (!baseUrl)
    return containerPort
      ? {
          'prometheus.io/scrape': 'true',
          'prometheus.io/port': String(containerPort),
          'prometheus.io/path': '/metrics',
        }
      : {};
  const url = new URL(baseUrl);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return {
    [demoLabels.podBaseUrl]: baseUrl,
    'prometheus.io/scrape': 'true',
    'prometheus.io/scheme': url.protocol.replace(':', ''),
    'prometheus.io/port': port,
    'prometheus.io/path': `${url.pathname.replace(/\/+$/, '')}/metrics`,
  };
}

export function createReplicaSetController(
  store: KubeObjectStore,
  recorder: EventRecorder,
  options: ReplicaSetControllerOptions,
): ReplicaSetController {
  const source = { component: 'replicaset-controller' };

  function randomSuffix() {
    let suffix = '';
    for (let i = 0; i < 5; i++) suffix += nameAlphabet[Math.floor(options.random() * nameAlphabet.length)];
    return suffix;
  }

  function createPod(rs: KubeObject) {
    const namespace = rs.metadata.namespace!;
    let name: string;
    do name = `${rs.metadata.name}-${randomSuffix()}`;
    while (store.get(refs.pods, namespace, name));
    const template = rs.spec.template ?? {};
    const baseUrl = options.podBaseUrl?.(options.clusterName, namespace, name);
    const containers = (template.spec?.containers ?? []) as Array<{
      resources?: { requests?: object; limits?: object };
    }>;
    const guaranteed = containers.every(
      (c) =>
        c.resources?.limits &&
        JSON.stringify(c.resources.requests ?? c.resources.limits) === JSON.stringify(c.resources.limits),
    );
    const pod = store.create(refs.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace,
        labels: { ...template.metadata?.labels },
        annotations: { ...template.metadata?.annotations, ...scrapeAnnotations(baseUrl, template) },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: rs.metadata.name,
            uid: rs.metadata.uid!,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        serviceAccountName: 'default',
        schedulerName: 'default-scheduler',
        ...template.spec,
      },
      status: { phase: 'Pending', qosClass: guaranteed ? 'Guaranteed' : 'Burstable' },
    });
    recorder.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, source);
  }

  /** Scale-down order, as the real controller: unscheduled, then not ready, then newest first. */
  const deletionRank = (pod: KubeObject) => (pod.spec?.nodeName ? 2 : 0) + (podReady(pod) ? 1 : 0);

  function reconcile(key: string) {
    const [namespace, name] = key.split('/') as [string, string];
    const rs = store.get(refs.replicasets, namespace, name);
    if (!rs) return;
    let pods = store.ownedBy(refs.pods, rs.metadata.uid!).filter((pod) => !isTerminated(pod));
    const wanted = Number(rs.spec?.replicas ?? 1);
    if (pods.length < wanted) {
      for (let i = pods.length; i < wanted; i++) createPod(rs);
    } else if (pods.length > wanted) {
      const victims = [...pods]
        .sort(
          (a, b) =>
            deletionRank(a) - deletionRank(b) ||
            String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)) ||
            b.metadata.name.localeCompare(a.metadata.name),
        )
        .slice(0, pods.length - wanted);
      for (const pod of victims) {
        store.delete(refs.pods, namespace, pod.metadata.name);
        recorder.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, source);
      }
    }
    pods = store.ownedBy(refs.pods, rs.metadata.uid!).filter((pod) => !isTerminated(pod));
    const ready = pods.filter(podReady).length;
    store.modify(
      refs.replicasets,
      namespace,
      name,
      (draft) => {
        draft.status = {
          replicas: pods.length,
          fullyLabeledReplicas: pods.length,
          readyReplicas: ready,
          availableReplicas: ready,
          observedGeneration: draft.metadata.generation,
        };
      },
      { status: true },
    );
  }

  const queue = createWorkQueue('replicaset', reconcile);
  const unsubscribe = store.onChange((change) => {
    if (change.ref.group === 'apps' && change.ref.resource === 'replicasets') {
      if (change.type !== 'DELETED')
        queue.add(`${change.object.metadata.namespace}/${change.object.metadata.name}`);
    } else if (change.ref.group === '' && change.ref.resource === 'pods') {
      const owner = change.object.metadata.ownerReferences?.find((o) => o.kind === 'ReplicaSet');
      if (owner) queue.add(`${change.object.metadata.namespace}/${owner.name}`);
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
