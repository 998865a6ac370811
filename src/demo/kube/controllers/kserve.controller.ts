import type { KubeObjectStore } from '../object-store';
import { demoLabels, refs, type KubeObject } from '../object-store.types';
import { createWorkQueue, type WorkQueue } from './work-queue';

/**
 * A KServe controller for serverless-mode InferenceServices, reduced to what the console reads:
 * `status.components.predictor` (revisions, traffic split, rolled-out bookkeeping), url, address
 * and the Ready / PredictorReady / IngressReady conditions (../shared/reference/ai-serving-apis.md
 * section 2.1).
 *
 * Revisions are the predictor Deployments owned by the InferenceService and labelled
 * `serving.kserve.io/inferenceservice=<isvc>`, each carrying its revision name in
 * `serving.knative.dev/revision`; they are ordered by `serving.knative.dev/configurationGeneration`
 * (then creation time), so a new revision needs a higher generation. A revision is ready when its
 * Deployment has an available replica. Traffic follows `spec.predictor.canaryTrafficPercent`:
 * the latest ready revision gets the canary percent, the last rolled-out one the rest; without
 * the field the latest ready revision gets 100% and becomes the rolled-out one (promotion).
 */
export const revisionLabel = 'serving.knative.dev/revision';
/** Knative's label on revisions: their order within an InferenceService (1, 2, ...). */
export const configurationGenerationLabel = 'serving.knative.dev/configurationGeneration';

export interface KServeController {
  readonly queue: WorkQueue;
  stop(): void;
}

interface Revision {
  name: string;
  ready: boolean;
  replicas: number;
  /** spec.replicas: 0 when someone (a rollout's abort) scaled the revision away. */
  desired: number;
}

interface TrafficTarget {
  revisionName: string;
  percent: number;
  latestRevision: boolean;
  tag: 'latest' | 'prev';
}

const timestamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function createKServeController(
  store: KubeObjectStore,
  options: { now?: () => number } = {},
): KServeController {
  const now = options.now ?? Date.now;

  function revisionsOf(isvc: KubeObject): Revision[] {
    return store
      .ownedBy(refs.deployments, isvc.metadata.uid!)
      .filter((deployment) => deployment.metadata.labels?.[demoLabels.kserveIsvc] === isvc.metadata.name)
      .sort(
        (a, b) =>
          Number(a.metadata.labels?.[configurationGenerationLabel] ?? 0) -
            Number(b.metadata.labels?.[configurationGenerationLabel] ?? 0) ||
          String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)) ||
          a.metadata.name.localeCompare(b.metadata.name),
      )
      .map((deployment) => ({
        name: deployment.metadata.labels?.[revisionLabel] ?? deployment.metadata.name,
        ready: Number(deployment.status?.availableReplicas ?? 0) > 0,
        replicas: Number(deployment.status?.readyReplicas ?? 0),
        desired: Number(deployment.spec?.replicas ?? 1),
      }));
  }

  function reconcile(key: string) {
    const [namespace, name] = key.split('/') as [string, string];
    const isvc = store.get(refs.inferenceservices, namespace, name);
    if (!isvc) return;
    const revisions = revisionsOf(isvc);
    const names = new Set(revisions.map((revision) => revision.name));
    const previous = isvc.status?.components?.predictor ?? {};
    const canary = isvc.spec?.predictor?.canaryTrafficPercent as number | undefined;
    const latestCreated = revisions.at(-1);
    const latestReady = [...revisions].reverse().find((revision) => revision.ready);

    let rolledOut: string | undefined = names.has(previous.latestRolledoutRevision)
      ? previous.latestRolledoutRevision
      : undefined;
    let previousRolledOut: string | undefined = names.has(previous.previousRolledoutRevision)
      ? previous.previousRolledoutRevision
      : undefined;
    if (!rolledOut) {
      // First look at this InferenceService: with a canary, the revision before the latest is the stable one.
      rolledOut = canary !== undefined && revisions.length >= 2 ? revisions.at(-2)!.name : latestReady?.name;
    }
    // Unhealthy revisions get no traffic: a rolled-out revision scaled to zero (a rollout aborted
    // after its promotion) hands back to the one rolled out before it, KServe's rollback target.
    const scaledAway = (name: string | undefined) =>
      revisions.find((revision) => revision.name === name)?.desired === 0;
    if (rolledOut && scaledAway(rolledOut)) {
      const back =
        previousRolledOut && !scaledAway(previousRolledOut) ? previousRolledOut : latestReady?.name;
      if (back && back !== rolledOut) {
        previousRolledOut = rolledOut;
        rolledOut = back;
      }
    }

    let traffic: TrafficTarget[] = [];
    if (latestReady) {
      if (canary === undefined || latestReady.name === rolledOut || !rolledOut) {
        traffic = [{ revisionName: latestReady.name, percent: 100, latestRevision: true, tag: 'latest' }];
        if (canary === undefined && rolledOut !== latestReady.name) {
          // Promotion (PropagateStatus): the previous rolled-out revision is remembered for rollback.
          previousRolledOut = rolledOut;
          rolledOut = latestReady.name;
        }
      } else {
        const percent = Math.max(0, Math.min(100, Math.round(canary)));
        traffic = [
          { revisionName: latestReady.name, percent, latestRevision: true, tag: 'latest' },
          { revisionName: rolledOut, percent: 100 - percent, latestRevision: false, tag: 'prev' },
        ];
      }
    } else if (rolledOut) {
      traffic = [{ revisionName: rolledOut, percent: 100, latestRevision: false, tag: 'prev' }];
    }

    const predictorReady =
      traffic.length > 0 &&
      traffic.every((target) => revisions.find((r) => r.name === target.revisionName)?.ready);
    const latestDeploymentReady = !!latestCreated?.ready;
    const at = timestamp(now());
    const oldConditions = (isvc.status?.conditions ?? []) as Array<{
      type: string;
      status: string;
      lastTransitionTime?: string;
    }>;
    const condition = (type: string, ok: boolean, reason?: string, message?: string) => {
      const status = ok ? 'True' : 'False';
      const before = oldConditions.find((c) => c.type === type);
      return {
        type,
        status,
        lastTransitionTime: before?.status === status ? before.lastTransitionTime : at,
        ...(ok ? {} : { reason, message }),
      };
    };
    const host = `${name}.${namespace}.example.com`;
    const predictorHost = `${name}-predictor.${namespace}.example.com`;
    const predictorReplicas = revisions.reduce((sum, revision) => sum + revision.replicas, 0);

    store.modify(
      refs.inferenceservices,
      namespace,
      name,
      (draft) => {
        draft.status = {
          observedGeneration: draft.metadata.generation,
          url: `http://${host}`,
          address: { url: `http://${name}-predictor.${namespace}.svc.cluster.local` },
          deploymentMode: draft.metadata.annotations?.['serving.kserve.io/deploymentMode'] ?? 'Serverless',
          components: {
            predictor: {
              ...(latestCreated ? { latestCreatedRevision: latestCreated.name } : {}),
              ...(latestReady ? { latestReadyRevision: latestReady.name } : {}),
              ...(rolledOut ? { latestRolledoutRevision: rolledOut } : {}),
              ...(previousRolledOut ? { previousRolledoutRevision: previousRolledOut } : {}),
              traffic,
              url: `http://${predictorHost}`,
              address: { url: `http://${name}-predictor.${namespace}.svc.cluster.local` },
            },
          },
          modelStatus: {
            transitionStatus: latestDeploymentReady ? 'UpToDate' : 'InProgress',
            states: {
              activeModelState: predictorReady ? 'Loaded' : 'Pending',
              targetModelState: latestDeploymentReady ? 'Loaded' : 'Loading',
            },
            copies: { failedCopies: 0, totalCopies: predictorReplicas },
          },
          conditions: [
            condition(
              'IngressReady',
              traffic.length > 0,
              'RoutesNotReady',
              'No ready predictor revision to route to',
            ),
            condition(
              'LatestDeploymentReady',
              latestDeploymentReady,
              'RevisionNotReady',
              `Revision "${latestCreated?.name ?? ''}" has no available replicas`,
            ),
            condition(
              'PredictorReady',
              predictorReady,
              'RevisionMissing',
              'Traffic targets a revision with no available replicas',
            ),
            condition(
              'Ready',
              predictorReady && traffic.length > 0,
              'PredictorNotReady',
              'Predictor is not ready',
            ),
          ],
        };
      },
      { status: true },
    );
  }

  const queue = createWorkQueue('kserve', reconcile);
  const unsubscribe = store.onChange((change) => {
    const { group, resource } = change.ref;
    const object = change.object;
    if (group === 'serving.kserve.io' && resource === 'inferenceservices') {
      if (change.type !== 'DELETED') queue.add(`${object.metadata.namespace}/${object.metadata.name}`);
    } else if (group === 'apps' && resource === 'deployments') {
      const isvc = object.metadata.labels?.[demoLabels.kserveIsvc];
      if (isvc) queue.add(`${object.metadata.namespace}/${isvc}`);
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
