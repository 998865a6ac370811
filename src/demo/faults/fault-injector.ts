import { FleetError } from '../../shared/errors/fleet-error';
import type { DemoFault, DemoFaultKind, DemoFleetDefinition } from '../fleet-definition';
import { demoEndpointId } from '../fleet-definition';
import type { ClusterObjectStore } from '../kube/object-store.types';
import { resolveEndpoint, resolveNode, validKind } from './fault-targets';

/**
 * Fault injection for demos and tests (`demo.fault`, issue 3 §1). A fault changes what the
 * load model computes for its target (see `effectsFor`) and, for the two faults Kubernetes
 * can see, calls into the simulated cluster through `FaultKubeHooks` so `kubectl` shows it too.
 * Faults end by themselves at `endsAt`; `clear()` ends them early.
 */
export { faultKinds } from './fault-targets';

/** What each kind does to its target's figures. */
export const faultFactors = {
  latency_spike: { latencyFactor: 4 },
  error_burst: { errorRateFloor: 0.35 },
  traffic_surge: { loadFactor: 3 },
  cost_spike: { tokenFactor: 5 },
} as const;

/** Xid 79, "GPU has fallen off the bus": the one on-call engineers dread, and it takes pods down. */
export const DEMO_XID = 79;
export const MAX_FAULT_DURATION_S = 24 * 3600;

export interface FaultEndpointRef {
  id: string;
  cluster: string;
  namespace: string;
  name: string;
}

export interface FaultNodeRef {
  cluster: string;
  name: string;
}

/**
 * How faults reach the simulated Kubernetes controllers. Each is called once when the fault
 * starts (`active: true`) and once when it ends or is cleared (`active: false`).
 */
export interface FaultKubeHooks {
  /** The endpoint's pods crash-loop: restarts climb, CrashLoopBackOff, not Ready, until it ends. */
  setCrashLoop?(endpoint: FaultEndpointRef, active: boolean): void;
  /** The node reports the Xid: a node condition and a Warning Event; its pods stop being Ready. */
  setGpuXid?(node: FaultNodeRef, xid: number, active: boolean): void;
}

/** The combined effect of every active fault on one endpoint. */
export interface EndpointFaultEffects {
  latencyFactor: number;
  errorRateFloor: number;
  loadFactor: number;
  tokenFactor: number;
  crashLoop: boolean;
  kinds: DemoFaultKind[];
}

/**
 * What the demo world reads every tick; cheap (map lookups) and safe to call at any time.
 * Faults run on the injector's own clock (wall time), whatever time the world simulates.
 */
export interface FaultEffectsSource {
  effectsFor(endpointId: string): EndpointFaultEffects | undefined;
  /** The Xid a node's GPUs report now, or 0. */
  xidOn(cluster: string, node: string): number;
}

export interface FaultRequest {
  kind: string;
  target: string;
  durationS: number;
}

export interface FaultInjectorOptions {
  fleet: DemoFleetDefinition;
  /** The demo clusters' stores, to resolve gpu_xid node names. */
  stores: readonly ClusterObjectStore[];
  hooks?: FaultKubeHooks;
  now?: () => number;
  /** Where a hook failing at expiry is reported (default console.error); never thrown into a timer. */
  onError?: (error: unknown, fault: DemoFault) => void;
}

interface ActiveFault {
  fault: DemoFault;
  endpoint?: FaultEndpointRef;
  node?: FaultNodeRef;
}

const where = 'demo.fault';

export class FaultInjector implements FaultEffectsSource {
  private readonly endpoints = new Map<string, FaultEndpointRef>();
  private readonly active = new Map<string, ActiveFault>();
  private readonly byEndpoint = new Map<string, ActiveFault[]>();
  private readonly xidNodes = new Map<string, ActiveFault>();
  private readonly listeners = new Set<(faults: DemoFault[]) => void>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: FaultInjectorOptions) {
    this.now = options.now ?? Date.now;
    for (const e of options.fleet.endpoints) {
      const id = demoEndpointId(e);
      this.endpoints.set(id, { id, cluster: e.cluster, namespace: e.namespace, name: e.name });
    }
  }

  /** Starts a fault (or restarts one of the same kind on the same target) and returns it. */
  inject(request: FaultRequest): DemoFault {
    const kind = validKind(request?.kind);
    const durationS = request.durationS;
    if (
      typeof durationS !== 'number' ||
      !Number.isFinite(durationS) ||
      durationS <= 0 ||
      durationS > MAX_FAULT_DURATION_S
    ) {
      throw new FleetError({
        code: 'bad_request',
        message: `Fault duration must be a number of seconds above 0 and at most ${MAX_FAULT_DURATION_S}; got ${JSON.stringify(durationS)}.`,
        where,
        hint: 'Pass durationS, e.g. {"kind":"latency_spike","target":"prod-us-east:llm:llama-8b-chat","durationS":120}.',
      });
    }
    const node =
      kind === 'gpu_xid' ? resolveNode(this.options.stores, this.endpoints, request.target) : undefined;
    const endpoint = node
      ? undefined
      : resolveEndpoint(this.options.stores, this.endpoints, kind, request.target);
    const startedAt = this.now();
    const fault: DemoFault = {
      kind,
      target: node ? request.target : endpoint!.id,
      startedAt,
      endsAt: startedAt + Math.round(durationS * 1000),
    };
    const entry: ActiveFault = node ? { fault, node } : { fault, endpoint: endpoint! };
    const key = `${kind}|${entry.node ? `${entry.node.cluster}/${entry.node.name}` : entry.fault.target}`;
    const previous = this.active.get(key);
    if (previous) {
      // Same fault again: extend it in place, without flapping the cluster's state.
      previous.fault = entry.fault;
    } else {
      this.callHook(entry, true);
      this.active.set(key, entry);
      this.index(entry);
    }
    this.schedule();
    this.notify();
    return { ...entry.fault };
  }

  /** Active faults, oldest first; expired ones are ended first. */
  list(): DemoFault[] {
    this.sweep();
    return [...this.active.values()].map((a) => ({ ...a.fault }));
  }

  /** Ends every fault, or those on one target (endpoint id or node name); returns them. */
  clear(target?: string): DemoFault[] {
    const ended: DemoFault[] = [];
    for (const [key, entry] of [...this.active]) {
      const matches =
        target === undefined ||
        entry.fault.target === target ||
        entry.node?.name === target ||
        (entry.node && `${entry.node.cluster}/${entry.node.name}` === target);
      if (!matches) continue;
      this.end(key, entry, false);
      ended.push({ ...entry.fault });
    }
    if (ended.length > 0) {
      this.schedule();
      this.notify();
    }
    return ended;
  }

  /** Called with the active faults whenever one starts or ends. */
  onChange(listener: (faults: DemoFault[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ends faults whose time is up (also run by a timer at the next expiry). */
  sweep(now = this.now()): void {
    let changed = false;
    for (const [key, entry] of [...this.active]) {
      if (entry.fault.endsAt <= now) {
        this.end(key, entry, true);
        changed = true;
      }
    }
    if (changed) {
      this.schedule();
      this.notify();
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.clear();
  }

  effectsFor(endpointId: string): EndpointFaultEffects | undefined {
    if (this.byEndpoint.size === 0) return undefined; // the common case, on every tick for every endpoint
    const entries = this.byEndpoint.get(endpointId);
    if (!entries) return undefined;
    const now = this.now();
    let effects: EndpointFaultEffects | undefined;
    for (const { fault } of entries) {
      if (now < fault.startedAt || now >= fault.endsAt) continue;
      effects ??= {
        latencyFactor: 1,
        errorRateFloor: 0,
        loadFactor: 1,
        tokenFactor: 1,
        crashLoop: false,
        kinds: [],
      };
      effects.kinds.push(fault.kind);
      switch (fault.kind) {
        case 'latency_spike':
          effects.latencyFactor *= faultFactors.latency_spike.latencyFactor;
          break;
        case 'error_burst':
          effects.errorRateFloor = Math.max(effects.errorRateFloor, faultFactors.error_burst.errorRateFloor);
          break;
        case 'traffic_surge':
          effects.loadFactor *= faultFactors.traffic_surge.loadFactor;
          break;
        case 'cost_spike':
          effects.tokenFactor *= faultFactors.cost_spike.tokenFactor;
          break;
        case 'crash_loop':
          effects.crashLoop = true;
          break;
        case 'gpu_xid':
          break;
      }
    }
    return effects;
  }

  xidOn(cluster: string, node: string): number {
    if (this.xidNodes.size === 0) return 0;
    const entry = this.xidNodes.get(`${cluster}/${node}`);
    const now = this.now();
    return entry && now >= entry.fault.startedAt && now < entry.fault.endsAt ? DEMO_XID : 0;
  }

  private index(entry: ActiveFault): void {
    if (entry.endpoint) {
      const list = this.byEndpoint.get(entry.endpoint.id) ?? [];
      list.push(entry);
      this.byEndpoint.set(entry.endpoint.id, list);
    }
    if (entry.node) this.xidNodes.set(`${entry.node.cluster}/${entry.node.name}`, entry);
  }

  private end(key: string, entry: ActiveFault, expired: boolean): void {
    this.active.delete(key);
    if (entry.endpoint) {
      const list = (this.byEndpoint.get(entry.endpoint.id) ?? []).filter((e) => e !== entry);
      if (list.length > 0) this.byEndpoint.set(entry.endpoint.id, list);
      else this.byEndpoint.delete(entry.endpoint.id);
    }
    if (entry.node) this.xidNodes.delete(`${entry.node.cluster}/${entry.node.name}`);
    try {
      this.callHook(entry, false);
    } catch (error) {
      if (!expired) throw error;
      (this.options.onError ?? ((e, f) => console.error(`[demo] ending ${f.kind} on ${f.target} failed`, e)))(
        error,
        entry.fault,
      );
    }
  }

  private callHook(entry: ActiveFault, active: boolean): void {
    const hooks = this.options.hooks;
    if (entry.fault.kind === 'crash_loop' && entry.endpoint) hooks?.setCrashLoop?.(entry.endpoint, active);
    if (entry.fault.kind === 'gpu_xid' && entry.node) hooks?.setGpuXid?.(entry.node, DEMO_XID, active);
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let next = Infinity;
    for (const { fault } of this.active.values()) next = Math.min(next, fault.endsAt);
    if (next === Infinity) return;
    // Timers cap at ~24.8 days; faults cap at 24 h, so one timeout always reaches the expiry.
    this.timer = setTimeout(() => this.sweep(), Math.max(0, next - this.now()) + 5);
    this.timer.unref();
  }

  private notify(): void {
    if (this.listeners.size === 0) return;
    const faults = [...this.active.values()].map((a) => ({ ...a.fault }));
    for (const listener of this.listeners) listener(faults);
  }
}

export function createFaultInjector(options: FaultInjectorOptions): FaultInjector {
  return new FaultInjector(options);
}
