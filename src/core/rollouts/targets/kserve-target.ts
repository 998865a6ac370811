import { FleetError } from '../../../shared/errors/fleet-error';
import type { TrafficSplit, TrafficTarget } from '../traffic-target';
import {
  deploymentRef,
  inferenceServiceRef,
  type KubeObject,
  type KubeWriteClient,
} from './kube-write.client';
import {
  conflict,
  readVersioned,
  settle,
  viewDeployment,
  writeBase,
  type DeploymentView,
} from './target-objects';

/**
 * A KServe InferenceService (serving.kserve.io/v1beta1, serverless mode) split by
 * `spec.predictor.canaryTrafficPercent` (../shared/reference/ai-serving-apis.md section 2.1):
 * the latest ready revision gets the canary percent, the last rolled-out one the rest; removing
 * the field promotes the latest revision to 100 %; 0 sends everything back to the rolled-out
 * (stable) revision, which is KServe's rollback. read() takes the split from
 * `status.components.predictor.traffic[]`, i.e. what the ingress really does.
 *
 * Versions and revisions: a revision is a predictor Deployment labelled
 * `serving.kserve.io/inferenceservice=<isvc>` (Knative names it `<revision>-deployment`, the
 * demo `<isvc>-predictor-<version>`), carrying its revision name in `serving.knative.dev/revision`
 * and its order in `serving.knative.dev/configurationGeneration`. Its version is what the
 * inventory detects (`fleetdeck.io/model-version`, else the image tag). KServe only ever canaries
 * the latest revision, so the candidate must be the newest one: the revision created when
 * spec.predictor last changed. The demo fleet ships such revisions already created and scaled
 * to zero (src/demo/kube/seed.ts), as Knative leaves a revision without traffic.
 *
 * Replicas: Knative's autoscaler owns revision replicas on a real cluster and scales a revision
 * without traffic to zero by itself; the demo has no autoscaler, so the target scales the
 * candidate's revision up (prepare, setWeight, promote) and down (abort), and the old one down
 * in retireOld. The canary percent is always written before the candidate gets pods: a ready
 * latest revision without a canaryTrafficPercent would take 100 % at once.
 */
export interface KServeRevision {
  deployment: string;
  revision: string;
  version: string;
  generation: number;
}

export interface KServeTargetOptions {
  client: KubeWriteClient;
  namespace: string;
  isvc: string;
  stable: KServeRevision;
  candidate: KServeRevision;
  /** Stable revision's replicas before the rollout: what abort restores. */
  baseReplicas: number;
  /** Replicas the candidate revision runs while it takes traffic. */
  candidateReplicas: number;
  settleTimeoutMs: number;
  pollMs: number;
}

interface StatusTraffic {
  revisionName?: string;
  percent?: number;
  latestRevision?: boolean;
}

export const revisionLabel = 'serving.knative.dev/revision';
export const generationLabel = 'serving.knative.dev/configurationGeneration';
export const isvcLabel = 'serving.kserve.io/inferenceservice';

/** The InferenceService's predictor revisions, oldest first (the order KServe rolls them out). */
export async function listRevisions(
  client: KubeWriteClient,
  namespace: string,
  isvc: string,
): Promise<Array<KServeRevision & { view: DeploymentView; created: string }>> {
  const raws = await client.list('/apis/apps/v1', 'deployments', namespace, `${isvcLabel}=${isvc}`);
  const revisions = [];
  for (const raw of raws) {
    const view = viewDeployment(raw, client.context);
    const labels = raw.metadata.labels ?? {};
    if (!view || (labels.component && labels.component !== 'predictor')) continue;
    revisions.push({
      deployment: view.name,
      revision: labels[revisionLabel] ?? view.name,
      version: view.version,
      generation: Number(labels[generationLabel] ?? 0) || 0,
      created: String(raw.metadata.creationTimestamp ?? ''),
      view,
    });
  }
  return revisions.sort(
    (a, b) =>
      a.generation - b.generation ||
      a.created.localeCompare(b.created) ||
      a.deployment.localeCompare(b.deployment),
  );
}

export class KServeTrafficTarget implements TrafficTarget {
  readonly kind = 'kserve' as const;
  private readonly where: string;

  constructor(private readonly o: KServeTargetOptions) {
    this.where = `InferenceService ${o.client.context}/${o.namespace}/${o.isvc} (canaryTrafficPercent)`;
  }

  describe(): string {
    const { client, namespace, isvc, stable, candidate } = this.o;
    return `InferenceService ${client.context}/${namespace}/${isvc}: revision ${stable.revision} (${stable.version}) -> ${candidate.revision} (${candidate.version}), canaryTrafficPercent`;
  }

  async read(): Promise<TrafficSplit> {
    const [isvc, stable, candidate] = await Promise.all([this.isvc(), this.stable(), this.candidate()]);
    return this.split(isvc, stable, candidate);
  }

  async prepare(_options: { fullSize: boolean }): Promise<TrafficSplit> {
    // A revision serves at its own size whatever the weight: fullSize changes nothing here.
    await this.setCanary(0);
    await this.scaleCandidate(this.o.candidateReplicas);
    await this.waitFor((s, c) => !!c?.settled && s.candidatePercent === 0);
    return this.read();
  }

  async setWeight(percent: number): Promise<TrafficSplit> {
    if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
      throw new FleetError({
        code: 'bad_request',
        message: `A weight is a percent from 0 to 100; got ${percent}`,
        where: this.where,
      });
    }
    const wanted = Math.round(percent);
    await this.setCanary(wanted);
    if (wanted > 0) await this.scaleCandidate(this.o.candidateReplicas);
    await this.restoreStable();
    await this.waitFor((s) => s.candidatePercent === wanted);
    return this.read();
  }

  async promote(): Promise<TrafficSplit> {
    await this.scaleCandidate(this.o.candidateReplicas);
    // Only a ready revision can take 100 %: promote once the candidate's pods are up.
    await this.waitFor((_s, c) => !!c?.settled);
    await this.setCanary(null);
    await this.waitFor((s) => s.candidatePercent === 100);
    return this.read();
  }

  async retireOld(): Promise<void> {
    const split = await this.read();
    if (split.candidatePercent < 100) {
      throw conflict(
        `Cannot retire revision ${this.o.stable.revision}: it still serves ${100 - split.candidatePercent} % of ${this.o.isvc}`,
        this.where,
        'Promote the candidate first (or abort the rollout).',
      );
    }
    await this.o.client.scale(deploymentRef(this.o.namespace, this.o.stable.deployment), 0);
    const candidate = await this.candidate();
    await writeBase(this.o.client, candidate, this.o.stable.deployment, null);
  }

  async abort(): Promise<TrafficSplit> {
    const { client, namespace } = this.o;
    // KServe's rollback: canaryTrafficPercent 0 pins all traffic to the rolled-out revision.
    await this.setCanary(0);
    await this.restoreStable(true);
    const present = await client.get(deploymentRef(namespace, this.o.candidate.deployment));
    if (present) await client.scale(deploymentRef(namespace, this.o.candidate.deployment), 0);
    await this.waitFor((s) => s.candidatePercent === 0, !present);
    const [isvc, stable] = await Promise.all([this.isvc(), this.stable()]);
    const candidate = present ? await this.candidate().catch(() => null) : null;
    if (candidate) await writeBase(client, candidate, stable.name, null);
    return this.split(isvc, stable, candidate);
  }

  private split(isvc: KubeObject, stable: DeploymentView, candidate: DeploymentView | null): TrafficSplit {
    return {
      candidatePercent: candidate ? this.candidatePercent(isvc) : 0,
      stableReplicas: stable.ready,
      candidateReplicas: candidate?.ready ?? 0,
      candidateEndpointId: candidate?.endpointId ?? null,
    };
  }

  /** The candidate's share in status.components.predictor.traffic (Knative TrafficTargets). */
  private candidatePercent(isvc: KubeObject): number {
    const status = (isvc.status ?? {}) as {
      components?: { predictor?: { traffic?: StatusTraffic[]; latestReadyRevision?: string } };
    };
    const predictor = status.components?.predictor;
    const traffic = Array.isArray(predictor?.traffic) ? predictor.traffic : [];
    let percent = 0;
    for (const target of traffic) {
      const revision =
        target.revisionName ?? (target.latestRevision ? predictor?.latestReadyRevision : undefined);
      if (revision === this.o.candidate.revision) percent += Number(target.percent ?? 0);
    }
    return percent;
  }

  private async setCanary(percent: number | null): Promise<void> {
    const isvc = await this.isvc();
    const predictor = (isvc.spec?.predictor ?? {}) as { canaryTrafficPercent?: number };
    if ((predictor.canaryTrafficPercent ?? null) === percent) return;
    const patched = await this.o.client.mergePatch(inferenceServiceRef(this.o.namespace, this.o.isvc), {
      spec: { predictor: { canaryTrafficPercent: percent } },
    });
    if (!patched) throw this.isvcGone();
  }

  private async scaleCandidate(replicas: number): Promise<void> {
    const candidate = await this.candidate();
    await writeBase(this.o.client, candidate, this.o.stable.deployment, this.o.baseReplicas);
    if (candidate.desired !== replicas)
      await this.o.client.scale(deploymentRef(this.o.namespace, candidate.name), replicas);
  }

  /** Stable runs again at its size (after a retireOld, or when someone scaled it down). */
  private async restoreStable(exact = false): Promise<void> {
    const stable = await this.stable();
    const wanted = this.o.baseReplicas;
    if (exact ? stable.desired !== wanted : stable.desired === 0)
      await this.o.client.scale(deploymentRef(this.o.namespace, stable.name), wanted);
  }

  /** Waits (bounded) until the controller has reconciled the latest spec and `done` holds. */
  private async waitFor(
    done: (split: TrafficSplit, candidate: DeploymentView | null) => boolean,
    candidateGone = false,
  ): Promise<void> {
    await settle(
      async () => {
        const isvc = await this.isvc();
        const status = (isvc.status ?? {}) as { observedGeneration?: number };
        if ((status.observedGeneration ?? 0) < (isvc.metadata.generation ?? 0)) return false;
        const [stable, candidate] = await Promise.all([
          this.stable(),
          candidateGone ? null : this.candidate(),
        ]);
        return done(this.split(isvc, stable, candidate), candidate);
      },
      this.o.settleTimeoutMs,
      this.o.pollMs,
    );
  }

  private async isvc(): Promise<KubeObject> {
    const isvc = await this.o.client.get(inferenceServiceRef(this.o.namespace, this.o.isvc));
    if (!isvc) throw this.isvcGone();
    return isvc;
  }

  private isvcGone(): FleetError {
    return conflict(
      `The InferenceService ${this.o.namespace}/${this.o.isvc} is gone`,
      this.where,
      `It was deleted while the rollout ran; recreate it (kubectl -n ${this.o.namespace} get isvc) or abort the rollout.`,
    );
  }

  private stable(): Promise<DeploymentView> {
    const { client, namespace, stable } = this.o;
    return readVersioned(client, namespace, stable.deployment, 'stable', stable.version, this.where);
  }

  private candidate(): Promise<DeploymentView> {
    const { client, namespace, candidate } = this.o;
    return readVersioned(client, namespace, candidate.deployment, 'candidate', candidate.version, this.where);
  }
}
