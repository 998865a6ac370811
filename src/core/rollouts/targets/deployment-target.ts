import { FleetError } from '../../../shared/errors/fleet-error';
import type { TrafficSplit, TrafficTarget } from '../traffic-target';
import { deploymentRef, serviceRef, type KubeWriteClient } from './kube-write.client';
import { replicaPercent, splitReplicas, type ReplicaSplit } from './replica-split';
import { pinnedTo, pinService, type PinLabel } from './service-pin';
import { conflict, readVersioned, settle, writeBase, type DeploymentView } from './target-objects';

/**
 * Two Deployments of one model behind one Service: the traffic split is the ratio of ready
 * replicas (kube-proxy spreads over every ready pod the Service selects). Weights become
 * replica counts (replica-split.ts) written through the `scale` subresource, as `kubectl scale`
 * does; read() derives the percent from ready replicas, so it says what the Service really does.
 *
 * Every ready pod the Service selects gets its share, so prepare({fullSize}) brings the
 * candidate up at full size beside stable (blue-green previews at the replica ratio). promote()
 * is a switch: the candidate at N replicas, then the Service's selector pinned to the
 * candidate's version label (service-pin.ts), so all traffic moves at once while stable keeps
 * its pods, warm, with none; abort() pins back to stable first (traffic back at once), and
 * retireOld() scales stable to 0 and unpins. Without a label telling the versions apart
 * (`pin: null`), promote() can only move replicas and stable keeps a share until retireOld().
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
  /** The pod label a switch pins the Service to; null when none tells the versions apart. */
  pin: PinLabel | null;
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
    return this.split(stable, candidate, await this.pinned());
  }

  async prepare(options: { fullSize: boolean }): Promise<TrafficSplit> {
    const [stable, candidate] = await this.both();
    await writeBase(this.o.client, candidate, stable.name, this.o.baseReplicas);
    if (!options.fullSize) return this.split(stable, candidate, await this.pinned());
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
    const split = await this.apply(splitReplicas(this.o.totalReplicas, percent));
    // A weight is a replica ratio: no version may be pinned while one is set.
    if (this.o.pin && (await this.pinned()) !== null) {
      await this.pinTo(null);
      return this.read();
    }
    return split;
  }

  async promote(): Promise<TrafficSplit> {
    const [stable] = await this.both();
    const split = await this.apply({ stable: stable.desired, candidate: this.o.totalReplicas });
    if (!this.o.pin) return split;
    // The candidate is up and ready (apply settled): switch every request to it at once.
    await this.pinTo('candidate');
    return this.read();
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
    if (this.o.pin) await this.pinTo(null);
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
    // has somewhere to go before the candidate's pods stop. After a switch, stable's pods are
    // still up (warm): pinning back to them moves all traffic at once.
    if (this.o.pin && stable.ready > 0 && (await this.pinned()) === 'candidate') await this.pinTo('stable');
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
    if (this.o.pin) await this.pinTo(null);
    const after = await this.stable();
    const candidate = raw ? await this.candidate().catch(() => null) : null;
    if (candidate) await writeBase(client, candidate, after.name, null);
    return candidate ? this.split(after, candidate, null) : this.split(after, null, null);
  }

  /** Which version the Service is pinned to now (null: none, or no pin label). */
  private async pinned(): Promise<'stable' | 'candidate' | null> {
    if (!this.o.pin) return null;
    return pinnedTo(await this.o.client.get(serviceRef(this.o.namespace, this.o.service)), this.o.pin);
  }

  private pinTo(to: 'stable' | 'candidate' | null): Promise<void> {
    return pinService(this.o.client, this.o.namespace, this.o.service, this.o.pin!, to);
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

  private split(
    stable: DeploymentView,
    candidate: DeploymentView | null,
    pinned: 'stable' | 'candidate' | null,
  ): TrafficSplit {
    const c = candidate?.ready ?? 0;
    const percent =
      pinned === 'candidate' && c > 0
        ? 100
        : pinned === 'stable' && stable.ready > 0
          ? 0
          : stable.ready + c > 0
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
