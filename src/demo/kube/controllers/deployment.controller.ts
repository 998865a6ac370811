import { createHash } from 'node:crypto';
import type { KubeObjectStore } from '../object-store';
import { refs, type KubeObject } from '../object-store.types';
import type { EventRecorder } from './event-recorder';
import { isPodReady } from './replicaset.controller';
import { isTerminated } from './scheduler';
import { createWorkQueue, type WorkQueue } from './work-queue';

/**
 * The Deployment controller: one ReplicaSet per pod template (named `<deployment>-<hash>`, hash
 * from the template as `pod-template-hash`), a RollingUpdate that honours maxSurge and
 * maxUnavailable (Recreate is supported too), and the status fields `kubectl rollout status`
 * reads — observedGeneration, replicas, updatedReplicas, readyReplicas, availableReplicas and the
 * Available / Progressing conditions, ending in NewReplicaSetAvailable.
 */
export interface DeploymentController {
  readonly queue: WorkQueue;
  stop(): void;
}

const nameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';
const revisionAnnotation = 'deployment.kubernetes.io/revision';
const timestamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** JSON with sorted keys: a template that only had its keys reordered by a patch hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function podTemplateHash(template: unknown): string {
  const digest = createHash('sha256').update(canonicalJson(template)).digest();
  let hash = '';
  for (let i = 0; i < 10; i++) hash += nameAlphabet[digest[i]! % nameAlphabet.length];
  return hash;
}

/** An int-or-percent (`25%`) against `total`, rounding as the controller does. */
function resolveIntOrPercent(value: unknown, total: number, roundUp: boolean, fallback: string): number {
  const raw = value ?? fallback;
  if (typeof raw === 'number') return raw;
  const percent = Number(String(raw).replace('%', ''));
  const exact = (percent * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

interface ReplicaSetView {
  rs: KubeObject;
  replicas: number;
  pods: number;
  ready: number;
  revision: number;
}

export function createDeploymentController(
  store: KubeObjectStore,
  recorder: EventRecorder,
  options: { now?: () => number } = {},
): DeploymentController {
  const now = options.now ?? Date.now;
  const source = { component: 'deployment-controller' };
  /** uid -> template hash at a generation: the template only changes with the generation. */
  const templateHashes = new Map<string, { generation: number | undefined; hash: string }>();

  function view(rs: KubeObject): ReplicaSetView {
    const pods = store.ownedBy(refs.pods, rs.metadata.uid!).filter((pod) => !isTerminated(pod));
    return {
      rs,
      replicas: Number(rs.spec?.replicas ?? 0),
      pods: pods.length,
      ready: pods.filter(isPodReady).length,
      revision: Number(rs.metadata.annotations?.[revisionAnnotation] ?? 0),
    };
  }

  function scaleReplicaSet(
    deployment: KubeObject,
    target: ReplicaSetView,
    replicas: number,
    revision?: number,
  ) {
    if (target.replicas === replicas && revision === undefined) return;
    const from = target.replicas;
    const updated = store.modify(
      refs.replicasets,
      target.rs.metadata.namespace,
      target.rs.metadata.name,
      (draft) => {
        draft.spec.replicas = replicas;
        if (revision !== undefined)
          draft.metadata.annotations = {
            ...draft.metadata.annotations,
            [revisionAnnotation]: String(revision),
          };
      },
    );
    if (updated) target.rs = updated;
    target.replicas = replicas;
    if (from !== replicas) {
      const direction = replicas > from ? 'up' : 'down';
      recorder.record(
        deployment,
        'Normal',
        'ScalingReplicaSet',
        `Scaled ${direction} replica set ${target.rs.metadata.name} from ${from} to ${replicas}`,
        source,
      );
    }
  }

  function reconcile(key: string) {
    const [namespace, name] = key.split('/') as [string, string];
    const deployment = store.get(refs.deployments, namespace, name);
    if (!deployment || deployment.metadata.deletionTimestamp) return;
    const replicas = Number(deployment.spec?.replicas ?? 1);
    const template = deployment.spec?.template ?? {};
    const cached = templateHashes.get(deployment.metadata.uid!);
    const hash =
      cached && cached.generation === deployment.metadata.generation
        ? cached.hash
        : podTemplateHash(template);
    templateHashes.set(deployment.metadata.uid!, { generation: deployment.metadata.generation, hash });
    const owned = store.ownedBy(refs.replicasets, deployment.metadata.uid!).map(view);
    const maxRevision = owned.reduce((max, item) => Math.max(max, item.revision), 0);
    let current = owned.find((item) => item.rs.metadata.labels?.['pod-template-hash'] === hash);
    const olds = owned.filter((item) => item !== current).sort((a, b) => a.revision - b.revision);

    let createdNow = false;
    if (!current) {
      const labels = { ...template.metadata?.labels, 'pod-template-hash': hash };
      const selector = deployment.spec?.selector ?? { matchLabels: template.metadata?.labels ?? {} };
      const rs = store.create(refs.replicasets, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${name}-${hash}`,
          namespace,
          labels,
          annotations: {
            [revisionAnnotation]: String(maxRevision + 1),
            'deployment.kubernetes.io/desired-replicas': String(replicas),
          },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name,
              uid: deployment.metadata.uid!,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: {
          replicas: 0,
          selector: { ...selector, matchLabels: { ...selector.matchLabels, 'pod-template-hash': hash } },
          template: { ...template, metadata: { ...template.metadata, labels } },
        },
      });
      current = view(rs);
      createdNow = true;
    } else if (current.revision < maxRevision) {
      // Rolling back to an older template makes its ReplicaSet the newest revision again.
      scaleReplicaSet(deployment, current, current.replicas, maxRevision + 1);
      current.revision = maxRevision + 1;
    }

    const recreate = deployment.spec?.strategy?.type === 'Recreate';
    const rolling = deployment.spec?.strategy?.rollingUpdate ?? {};
    const maxSurge = recreate ? 0 : resolveIntOrPercent(rolling.maxSurge, replicas, true, '25%');
    let maxUnavailable = recreate
      ? replicas
      : resolveIntOrPercent(rolling.maxUnavailable, replicas, false, '25%');
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;

    const oldReplicas = () => olds.reduce((sum, item) => sum + item.replicas, 0);
    if (recreate) {
      for (const old of olds) scaleReplicaSet(deployment, old, 0);
      const oldPods = olds.reduce((sum, item) => sum + item.pods, 0);
      scaleReplicaSet(deployment, current, oldPods === 0 ? replicas : 0);
    } else if (oldReplicas() === 0 || current.replicas > replicas) {
      scaleReplicaSet(deployment, current, replicas);
    } else {
      const room = replicas + maxSurge - (current.replicas + oldReplicas());
      if (current.replicas < replicas && room > 0)
        scaleReplicaSet(deployment, current, Math.min(replicas, current.replicas + room));
      // Old pods that are not ready cost no availability: remove them first, then as many ready ones
      // as keeps at least replicas - maxUnavailable available.
      const available = current.ready + olds.reduce((sum, item) => sum + item.ready, 0);
      let removable = Math.max(0, available - (replicas - maxUnavailable));
      for (const old of olds) {
        if (old.replicas === 0) continue;
        const unready = Math.max(0, Math.min(old.replicas, old.pods) - old.ready);
        const fromReady = Math.min(removable, old.replicas - unready);
        removable -= fromReady;
        scaleReplicaSet(deployment, old, old.replicas - unready - fromReady);
      }
    }

    const all = [current, ...olds];
    const totalPods = all.reduce((sum, item) => sum + item.pods, 0);
    const ready = all.reduce((sum, item) => sum + item.ready, 0);
    const updated = current.pods;
    // As the real controller: sum of the ReplicaSets' desired replicas minus available, never negative.
    const unavailable = Math.max(0, all.reduce((sum, item) => sum + item.replicas, 0) - ready);
    const complete = updated === replicas && totalPods === replicas && current.ready === replicas;
    const availableOk = ready >= replicas - maxUnavailable;
    const at = timestamp(now());
    const rsName = current.rs.metadata.name;
    store.modify(
      refs.deployments,
      namespace,
      name,
      (draft) => {
        const previous = (draft.status?.conditions ?? []) as Array<Record<string, string>>;
        const condition = (type: string, status: string, reason: string, message: string) => {
          const before = previous.find((c) => c.type === type);
          return {
            type,
            status,
            lastUpdateTime:
              before && before.reason === reason && before.message === message ? before.lastUpdateTime : at,
            lastTransitionTime: before && before.status === status ? before.lastTransitionTime : at,
            reason,
            message,
          };
        };
        draft.metadata.annotations = {
          ...draft.metadata.annotations,
          [revisionAnnotation]: String(current!.revision),
        };
        draft.status = {
          observedGeneration: draft.metadata.generation,
          replicas: totalPods,
          updatedReplicas: updated,
          readyReplicas: ready,
          availableReplicas: ready,
          ...(unavailable > 0 ? { unavailableReplicas: unavailable } : {}),
          conditions: [
            availableOk
              ? condition(
                  'Available',
                  'True',
                  'MinimumReplicasAvailable',
                  'Deployment has minimum availability.',
                )
              : condition(
                  'Available',
                  'False',
                  'MinimumReplicasUnavailable',
                  'Deployment does not have minimum availability.',
                ),
            complete
              ? condition(
                  'Progressing',
                  'True',
                  'NewReplicaSetAvailable',
                  `ReplicaSet "${rsName}" has successfully progressed.`,
                )
              : createdNow
                ? condition(
                    'Progressing',
                    'True',
                    'NewReplicaSetCreated',
                    `Created new replica set "${rsName}"`,
                  )
                : condition(
                    'Progressing',
                    'True',
                    'ReplicaSetUpdated',
                    `ReplicaSet "${rsName}" is progressing.`,
                  ),
          ],
        };
      },
      { status: false },
    );
  }

  const queue = createWorkQueue('deployment', reconcile);
  const ownerDeployment = (namespace: string | undefined, rsName: string) =>
    store
      .get(refs.replicasets, namespace, rsName)
      ?.metadata.ownerReferences?.find((o) => o.kind === 'Deployment')?.name;

  const unsubscribe = store.onChange((change) => {
    const { group, resource } = change.ref;
    const object = change.object;
    const namespace = object.metadata.namespace;
    if (group === 'apps' && resource === 'deployments') {
      if (change.type !== 'DELETED') queue.add(`${namespace}/${object.metadata.name}`);
      else templateHashes.delete(object.metadata.uid!);
    } else if (group === 'apps' && resource === 'replicasets') {
      const owner = object.metadata.ownerReferences?.find((o) => o.kind === 'Deployment');
      if (owner) queue.add(`${namespace}/${owner.name}`);
    } else if (group === '' && resource === 'pods') {
      const rs = object.metadata.ownerReferences?.find((o) => o.kind === 'ReplicaSet');
      const owner = rs && ownerDeployment(namespace, rs.name);
      if (owner) queue.add(`${namespace}/${owner}`);
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
