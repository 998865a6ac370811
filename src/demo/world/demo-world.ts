import { FleetError } from '../../shared/errors/fleet-error';
import type { DemoEndpoint, DemoFleetDefinition, DemoModel } from '../fleet-definition';
import { demoEndpointId } from '../fleet-definition';
import type { EndpointFaultEffects, FaultEffectsSource } from '../faults/fault-injector';
import type { ClusterObjectStore } from '../kube/object-store.types';
import { runtimeLatencyGrids } from '../model-server/runtime-buckets';
import { diurnalFactor, noiseAt, noiseStream, regionUtcOffsetHours, type NoiseStream } from './daily-pattern';
import { kserveTrafficWeights } from './kserve-traffic';
import { selectedMembers } from './service-selection';
import {
  computeFigures,
  createFigures,
  noEffects,
  type EndpointFigures,
  type LoadEffects,
  type LoadModelInput,
} from './load-model';
import { ClusterPodIndex, type PodInfo } from './pod-index';

/**
 * The demo world: the fleet definition brought to life. It follows each cluster's store (ready
 * pods per endpoint, KServe traffic), holds the traffic weights of Deployment groups, reads the
 * active faults, and on `refresh(now)` evaluates the load model for every endpoint. The
 * model-server host calls `refresh` on its tick; everything else reads the cached figures.
 *
 * Offered load (rps) at time t:
 *   solo endpoint:  peakRps x diurnal(t, region) x (1 + 0.12 n(t)) x surge
 *   group member:   (sum of members' peakRps) x diurnal x (1 + 0.12 n_group(t)) x w_i / sum(w) x surge
 * with n(t) in [-1, 1] smooth seeded noise (daily-pattern.ts) and w the group's weights.
 */
export interface DemoWorldOptions {
  fleet: DemoFleetDefinition;
  stores: readonly ClusterObjectStore[];
  faults?: FaultEffectsSource;
  /** World time in ms for the daily pattern and the noise (default Date.now). */
  now?: () => number;
}

export interface WorldEndpoint {
  readonly id: string;
  readonly def: DemoEndpoint;
  readonly model: DemoModel;
  readonly groupId: string | undefined;
  /** The latest figures (mutated in place by refresh). */
  readonly figures: EndpointFigures;
  /** Fault kinds active on this endpoint at the last refresh. */
  faultKinds: readonly string[];
  /** Its pods, live (the cluster's pod index edits this array in place). */
  readonly pods: readonly PodInfo[];
}

export interface WorldGroup {
  readonly id: string;
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
  /** KServe groups take their weights from the InferenceService's status traffic. */
  readonly kserve: boolean;
  readonly members: readonly WorldEndpoint[];
}

/** Stable group id, the same shape as an endpoint id: `<cluster>:<namespace>:<group>`. */
export const demoGroupId = (e: Pick<DemoEndpoint, 'cluster' | 'namespace'> & { group: string }) =>
  `${e.cluster}:${e.namespace}:${e.group}`;

const LOAD_NOISE = 0.12;
const LATENCY_NOISE = 0.04;

interface EndpointState extends WorldEndpoint {
  faultKinds: string[];
  readonly offsetH: number;
  readonly loadNoise: NoiseStream;
  readonly latencyNoise: NoiseStream;
}

interface GroupState extends WorldGroup {
  readonly members: EndpointState[];
  readonly offsetH: number;
  readonly noise: NoiseStream;
  readonly peakRps: number;
  /** Relative weights, one per member (Deployment groups; KServe ones read the store). */
  weights: number[];
  /** Set by setWeights: a router's explicit split instead of the replica ratio. */
  explicitWeights?: boolean;
  readonly store: ClusterObjectStore;
}

export class DemoWorld {
  readonly fleet: DemoFleetDefinition;
  readonly now: () => number;
  private readonly faults: FaultEffectsSource | undefined;
  private readonly indexes = new Map<string, ClusterPodIndex>();
  private readonly byId = new Map<string, EndpointState>();
  private readonly solo: EndpointState[] = [];
  private readonly groupsById = new Map<string, GroupState>();
  private readonly effects: LoadEffects = { ...noEffects };
  /** Reused for every evaluation: refresh allocates nothing per endpoint. */
  private readonly input: LoadModelInput;
  private lastRefresh = Number.NaN;

  constructor(options: DemoWorldOptions) {
    this.fleet = options.fleet;
    this.faults = options.faults;
    this.now = options.now ?? Date.now;
    this.input = {
      endpoint: undefined as unknown as DemoEndpoint,
      model: undefined as unknown as DemoModel,
      offeredRps: 0,
      readyReplicas: 0,
      latencyNoise: 1,
      effects: this.effects,
    };
    const models = new Map(options.fleet.models.map((m) => [m.name, m]));
    const clusters = new Map(options.fleet.clusters.map((c) => [c.name, c]));
    const stores = new Map(options.stores.map((s) => [s.clusterName, s]));
    for (const store of options.stores) this.indexes.set(store.clusterName, new ClusterPodIndex(store));

    const seed = options.fleet.seed;
    for (const def of options.fleet.endpoints) {
      const id = demoEndpointId(def);
      const model = models.get(def.model);
      const pods = this.indexes.get(def.cluster);
      if (!model) throw new Error(`Demo fleet: endpoint ${id} uses unknown model "${def.model}".`);
      if (!pods)
        throw new Error(`Demo fleet: endpoint ${id} is in cluster "${def.cluster}", which has no store.`);
      const groupId = def.group ? demoGroupId({ ...def, group: def.group }) : undefined;
      const endpoint: EndpointState = {
        id,
        def,
        model,
        groupId,
        figures: createFigures(runtimeLatencyGrids[def.runtime]),
        faultKinds: [],
        pods: pods.podsOf(id),
        offsetH: regionUtcOffsetHours(clusters.get(def.cluster)?.region ?? ''),
        loadNoise: noiseStream(seed, `load:${id}`),
        latencyNoise: noiseStream(seed, `latency:${id}`),
      };
      this.byId.set(id, endpoint);
      if (!groupId) {
        this.solo.push(endpoint);
        continue;
      }
      let group = this.groupsById.get(groupId);
      if (!group) {
        group = {
          id: groupId,
          cluster: def.cluster,
          namespace: def.namespace,
          name: def.group!,
          kserve: def.target === 'kserve',
          members: [],
          offsetH: endpoint.offsetH,
          noise: noiseStream(seed, `load:${groupId}`),
          peakRps: 0,
          weights: [],
          store: stores.get(def.cluster)!,
        };
        this.groupsById.set(groupId, group);
      }
      group.members.push(endpoint);
      (group as { peakRps: number }).peakRps += def.peakRps;
    }
    for (const group of this.groupsById.values()) group.weights = defaultWeights(group.members);
    this.refresh();
  }

  /** Stops following the stores. */
  close(): void {
    for (const index of this.indexes.values()) index.close();
  }

  endpoints(): readonly WorldEndpoint[] {
    return [...this.byId.values()];
  }

  endpoint(id: string): WorldEndpoint | undefined {
    return this.byId.get(id);
  }

  groups(): readonly WorldGroup[] {
    return [...this.groupsById.values()];
  }

  /** The pods of one cluster, as the model-server host routes to them. */
  podIndex(cluster: string): ClusterPodIndex | undefined {
    return this.indexes.get(cluster);
  }

  clusterNames(): string[] {
    return [...this.indexes.keys()];
  }

  /** Current figures of one endpoint (as of the last refresh). */
  figures(id: string): EndpointFigures | undefined {
    return this.byId.get(id)?.figures;
  }

  /**
   * Whether a pod takes traffic now: Ready in the store, not crash-looping, its node has no Xid.
   * Faults are timed by the fault injector's clock, not the simulated world time.
   */
  isServing(pod: PodInfo): boolean {
    if (!pod.ready) return false;
    if (this.faults?.effectsFor(pod.endpointId)?.crashLoop) return false;
    if (pod.nodeName && this.faults && this.faults.xidOn(pod.cluster, pod.nodeName) !== 0) return false;
    return true;
  }

  /** Whether the endpoint is crash-looping now (its pods' processes keep restarting). */
  isCrashLooping(endpointId: string): boolean {
    return this.faults?.effectsFor(endpointId)?.crashLoop ?? false;
  }

  /** The Xid a node's GPUs report now (0 for none). */
  xidOn(cluster: string, node: string): number {
    return this.faults?.xidOn(cluster, node) ?? 0;
  }

  readyReplicas(id: string): number {
    const endpoint = this.byId.get(id);
    if (!endpoint) return 0;
    let ready = 0;
    for (const pod of endpoint.pods) if (this.isServing(pod)) ready++;
    return ready;
  }

  /** Counts serving pods and marks each pod's `serving` for the tick that follows a refresh. */
  private markServing(endpoint: EndpointState): number {
    const pods = endpoint.pods;
    let ready = 0;
    for (let i = 0; i < pods.length; i++) {
      const pod = pods[i]!;
      pod.serving = this.isServing(pod);
      if (pod.serving) ready++;
    }
    return ready;
  }

  /** The relative weights of a group's members by endpoint id (from the store for KServe). */
  weights(groupId: string): Record<string, number> {
    const group = this.group(groupId);
    const weights = this.currentWeights(group);
    return Object.fromEntries(group.members.map((m, i) => [m.id, weights[i]!]));
  }

  /**
   * Sets a Deployment group's traffic weights (relative; members left out get 0), keyed by
   * endpoint id or endpoint name. A rollout calls this as it shifts the replica ratio.
   */
  setWeights(groupId: string, weights: Record<string, number>): void {
    const group = this.group(groupId);
    if (group.kserve) {
      throw new FleetError({
        code: 'bad_request',
        message: `Traffic in ${groupId} is split by its KServe InferenceService, not by the demo world.`,
        where: 'demo.world',
        hint: `Patch spec.predictor.canaryTrafficPercent of inferenceservice/${group.name} in namespace ${group.namespace} (context ${group.cluster}).`,
      });
    }
    const next = group.members.map(() => 0);
    for (const [key, value] of Object.entries(weights)) {
      const i = group.members.findIndex((m) => m.id === key || m.def.name === key);
      if (i < 0) {
        throw new FleetError({
          code: 'not_found',
          message: `${JSON.stringify(key)} is not a member of group ${groupId}.`,
          where: 'demo.world',
          hint: `Members: ${group.members.map((m) => m.id).join(', ')}.`,
        });
      }
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new FleetError({
          code: 'bad_request',
          message: `Weight for ${key} must be a finite number >= 0; got ${JSON.stringify(value)}.`,
          where: 'demo.world',
        });
      }
      next[i] = value;
    }
    group.weights = next;
    group.explicitWeights = true;
    this.refreshGroup(group, this.now());
  }

  /** Re-evaluates every endpoint at `now`. O(endpoints + groups), no allocation per endpoint. */
  refresh(now = this.now()): void {
    this.lastRefresh = now;
    for (const group of this.groupsById.values()) {
      const total =
        group.peakRps * diurnalFactor(now, group.offsetH) * (1 + LOAD_NOISE * noiseAt(group.noise, now));
      const weights = this.currentWeights(group);
      let sum = 0;
      for (const w of weights) sum += w;
      for (let i = 0; i < group.members.length; i++) {
        this.evaluate(group.members[i]!, sum > 0 ? (total * weights[i]!) / sum : 0, now);
      }
    }
    for (const endpoint of this.solo) {
      const offered =
        endpoint.def.peakRps *
        diurnalFactor(now, endpoint.offsetH) *
        (1 + LOAD_NOISE * noiseAt(endpoint.loadNoise, now));
      this.evaluate(endpoint, offered, now);
    }
  }

  /** World time of the last refresh. */
  get refreshedAt(): number {
    return this.lastRefresh;
  }

  private refreshGroup(group: GroupState, now: number): void {
    const total =
      group.peakRps * diurnalFactor(now, group.offsetH) * (1 + LOAD_NOISE * noiseAt(group.noise, now));
    const weights = this.currentWeights(group);
    let sum = 0;
    for (const w of weights) sum += w;
    for (let i = 0; i < group.members.length; i++) {
      this.evaluate(group.members[i]!, sum > 0 ? (total * weights[i]!) / sum : 0, now);
    }
  }

  private evaluate(endpoint: EndpointState, offered: number, now: number): void {
    const fx: EndpointFaultEffects | undefined = this.faults?.effectsFor(endpoint.id);
    const effects = this.effects;
    effects.latencyFactor = fx?.latencyFactor ?? 1;
    effects.errorRateFloor = fx?.errorRateFloor ?? 0;
    effects.loadFactor = fx?.loadFactor ?? 1;
    effects.tokenFactor = fx?.tokenFactor ?? 1;
    if (fx || endpoint.faultKinds.length > 0) endpoint.faultKinds = fx ? [...fx.kinds] : [];
    const input = this.input;
    input.endpoint = endpoint.def;
    input.model = endpoint.model;
    input.offeredRps = offered * effects.loadFactor;
    input.readyReplicas = this.markServing(endpoint);
    input.latencyNoise = 1 + LATENCY_NOISE * noiseAt(endpoint.latencyNoise, now);
    computeFigures(input, endpoint.figures);
  }

  /**
   * KServe groups: the InferenceService's status traffic. Deployment groups behind one Service:
   * the ready replicas of each version, as kube-proxy spreads connections over the Service's
   * ready endpoints (a rollout shifts traffic by scaling) that its selector selects (a
   * blue-green switch pins it to one version), unless weights were set explicitly (a traffic
   * router such as a Gateway route), which then win.
   */
  private currentWeights(group: GroupState): number[] {
    if (group.kserve)
      return kserveTrafficWeights(group.store, group.namespace, group.name, group.members) ?? group.weights;
    if (group.explicitWeights) return group.weights;
    const selected = selectedMembers(group.store, group.namespace, group.name, group.members);
    const ready = group.members.map((m, i) => (selected && !selected[i] ? 0 : this.readyReplicas(m.id)));
    return ready.some((r) => r > 0) ? ready : group.weights;
  }

  private group(groupId: string): GroupState {
    const group = this.groupsById.get(groupId);
    if (group) return group;
    throw new FleetError({
      code: 'not_found',
      message: `No demo traffic group ${JSON.stringify(groupId)}.`,
      where: 'demo.world',
      hint: `Group ids are <cluster>:<namespace>:<group>: ${[...this.groupsById.keys()].join(', ') || '(none)'}.`,
    });
  }
}

/** Initial weights from the fleet's trafficPercent; a group with none set splits evenly. */
function defaultWeights(members: readonly EndpointState[]): number[] {
  if (members.every((m) => m.def.trafficPercent === undefined)) return members.map(() => 1);
  return members.map((m) => m.def.trafficPercent ?? 0);
}

export function createDemoWorld(options: DemoWorldOptions): DemoWorld {
  return new DemoWorld(options);
}
