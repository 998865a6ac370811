import { FleetError } from '../../../shared/errors/fleet-error';
import type { TrafficSplit, TrafficTarget } from '../traffic-target';
import { deploymentRef, type KubeWriteClient } from './kube-write.client';
import { replicaPercent, splitReplicas, type ReplicaSplit } from './replica-split';
import { conflict, readVersioned, settle, writeBase, type DeploymentView } from './target-objects';

/**
 * Two Deployments of one model behind one Service: the traffic split is the ratio of ready
 * replicas (kube-proxy spreads over every ready pod the Service selects). Weights become
 * replica counts (replica-split.ts) written through the `scale` subresource, as `kubectl scale`
 * does; read() derives the percent from ready replicas, so it says what the Service really does.
 *
 * There is no way to keep a candidate warm without traffic here: every ready pod behind the
 * Service gets its share. prepare({fullSize}) therefore brings the candidate up at full size
 * beside stable (blue-green previews at the replica ratio), and promote() gives it N replicas
 * while stable keeps its pods until retireOld() scales them to 0.
 */
export interface DeploymentTargetOptions {
  client: KubeWriteClient;
  namespace: string;
  service: string;
  stable: { name: string; version: string };
  candidate: { name: string; version: string };
  /** Stable's replicas before the rollout: what abort restores. */
  baseReplicas: number;
  /** N: replicas the two versions share at intermediate weights and the candidate gets at 100 %. */
  totalReplicas: number;
  settleTimeoutMs: number;
  pollMs: number;
}

export class DeploymentTrafficTarget implements TrafficTarget {
  readonly kind = 'deployment' as const;
  private readonly where: string;

  constructor(private readonly o: DeploymentTargetOptions) {
    this.where = `Deployment ${o.client.context}/${o.namespace}/${o.candidate.name} (replica ratio behind Service ${o.service})`;
  }

  describe(): string {
    const { client, namespace, stable, candidate, service } = this.o;
    return `Deployments ${client.context}/${namespace}/${stable.name} (${stable.version}) -> ${candidate.name} (${candidate.version}), replica ratio behind Service ${service}`;
  }

  async read(): Promise<TrafficSplit> {
    const [stable, candidate] = await this.both();
    return this.split(stable, candidate);
  }

  async prepare(options: { fullSize: boolean }): Promise<TrafficSplit> {
    const [stable, candidate] = await this.both();
    await writeBase(this.o.client, candidate, stable.name, this.o.baseReplicas);
    if (!options.fullSize) return this.split(stable, candidate);
    return this.apply({ stable: stable.desired, candidate: this.o.totalReplicas });
  }

  async setWeight(percent: number): Promise<TrafficSplit> {
    if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
      throw new FleetError({
        code: 'bad_request',
        message: `A weight is a percent from 0 to 100; got ${percent}`,
        where: this.where,
      });
    }
    return this.apply(splitReplicas(this.o.totalReplicas, percent));
  }

  async promote(): Promise<TrafficSplit> {
    const [stable] = await this.both();
    return this.apply({ stable: stable.desired, candidate: this.o.totalReplicas });
  }

  async retireOld(): Promise<void> {
    const [stable, candidate] = await this.both();
    if (candidate.desired === 0) {
      throw conflict(
        `Cannot retire ${stable.name}: the candidate ${candidate.name} has no replicas, so stable still serves all traffic`,
        this.where,
        'Promote the candidate first (or abort the rollout).',
      );
    }
    await this.apply({ stable: 0, candidate: candidate.desired });
    await writeBase(this.o.client, await this.candidate(), stable.name, null);
  }

  async abort(): Promise<TrafficSplit> {
    const { client, namespace } = this.o;
    const stable = await readVersioned(
      client,
      namespace,
      this.o.stable.name,
      'stable',
      this.o.stable.version,
      this.where,
    );
    // Safe to repeat, and safe when the candidate is already gone: stable first, so traffic
    // has somewhere to go before the candidate's pods stop.
    if (stable.desired !== this.o.baseReplicas)
      await client.scale(deploymentRef(namespace, stable.name), this.o.baseReplicas);
    const raw = await client.get(deploymentRef(namespace, this.o.candidate.name));
    if (raw) await client.scale(deploymentRef(namespace, this.o.candidate.name), 0);
    await settle(
      async () => {
        const s = await this.stable();
        const c = raw ? await this.candidate().catch(() => null) : null;
        return s.settled && (!c || c.ready === 0);
      },
      this.o.settleTimeoutMs,
      this.o.pollMs,
    );
    const after = await this.stable();
    const candidate = raw ? await this.candidate().catch(() => null) : null;
    if (candidate) await writeBase(client, candidate, after.name, null);
    return candidate ? this.split(after, candidate) : this.split(after, null);
  }

  /** Scales the one that grows first, so capacity never dips below what serves now. */
  private async apply(target: ReplicaSplit): Promise<TrafficSplit> {
    const { client, namespace } = this.o;
    const [stable, candidate] = await this.both();
    await writeBase(client, candidate, stable.name, this.o.baseReplicas);
    const steps = [
      { view: stable, replicas: target.stable },
      { view: candidate, replicas: target.candidate },
    ].sort((a, b) => b.replicas - b.view.desired - (a.replicas - a.view.desired));
    for (const step of steps) {
      if (step.view.desired !== step.replicas)
        await client.scale(deploymentRef(namespace, step.view.name), step.replicas);
    }
    await settle(
      async () => {
        const [s, c] = await this.both();
        return s.settled && c.settled && s.desired === target.stable && c.desired === target.candidate;
      },
      this.o.settleTimeoutMs,
      this.o.pollMs,
    );
    return this.read();
  }

  private split(stable: DeploymentView, candidate: DeploymentView | null): TrafficSplit {
    const c = candidate?.ready ?? 0;
    const percent =
      stable.ready + c > 0
        ? replicaPercent(stable.ready, c)
        : replicaPercent(stable.desired, candidate?.desired ?? 0);
    return {
      candidatePercent: percent,
      stableReplicas: stable.ready,
      candidateReplicas: candidate ? candidate.ready : 0,
      candidateEndpointId: candidate?.endpointId ?? null,
    };
  }

  private stable(): Promise<DeploymentView> {
    const { client, namespace, stable } = this.o;
    return readVersioned(client, namespace, stable.name, 'stable', stable.version, this.where);
  }

  private candidate(): Promise<DeploymentView> {
    const { client, namespace, candidate } = this.o;
    return readVersioned(client, namespace, candidate.name, 'candidate', candidate.version, this.where);
  }

  private both(): Promise<[DeploymentView, DeploymentView]> {
    return Promise.all([this.stable(), this.candidate()]);
  }
}
