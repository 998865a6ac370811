import { EventBus } from '../../../../src/core/events/event-bus';
import { silentLogger } from '../../../../src/core/log/logger';
import { MetricsStore, type Sample } from '../../../../src/core/metrics/metrics.store';
import { createRolloutPlane, type RolloutPlane } from '../../../../src/core/rollouts/rollout-plane';
import type { TrafficSplit, TrafficTarget } from '../../../../src/core/rollouts/traffic-target';
import { openStore, type Store } from '../../../../src/core/store/database';
import type { Endpoint } from '../../../../src/shared/contract/fleet.schema';
import type { Rollout, RolloutSummary } from '../../../../src/shared/contract/rollout.schema';
import { FleetError } from '../../../../src/shared/errors/fleet-error';
import type { MetricName } from '../../../../src/shared/fleet/metrics';

export const STABLE = 'demo-a:llm:chat-v1';
export const CANDIDATE = 'demo-a:llm:chat-v2';

/**
 * The traffic controls of one deployment group, in memory: the interface boundary the engine
 * drives (a test double of a cluster). `hang` makes a call never return, as if the console died
 * during it, after (`land: true`) or before the change reached the cluster.
 */
export class MemoryTarget implements TrafficTarget {
  readonly kind = 'deployment' as const;
  percent = 0;
  prepared = false;
  promoted = false;
  retired = false;
  readonly calls: string[] = [];
  hang: { call: string; land: boolean } | null = null;
  gone = false;
  /** The cluster does not answer (yet): calls fail as unavailable. */
  unreachable = false;

  describe() {
    return 'Deployment demo-a/llm/chat (in memory)';
  }

  private split(): TrafficSplit {
    return {
      candidatePercent: this.percent,
      stableReplicas: null,
      candidateReplicas: null,
      candidateEndpointId: CANDIDATE,
    };
  }

  private act(call: string, change: () => void): Promise<TrafficSplit> {
    if (this.gone)
      return Promise.reject(
        new FleetError({ code: 'conflict', message: 'the Deployment chat-v2 is gone', where: 'test' }),
      );
    this.calls.push(call);
    if (this.hang?.call === call) {
      if (this.hang.land) change();
      return new Promise(() => {});
    }
    change();
    return Promise.resolve(this.split());
  }

  read() {
    if (this.unreachable)
      return Promise.reject(
        new FleetError({ code: 'unavailable', message: 'connection refused', where: 'test' }),
      );
    return this.gone
      ? Promise.reject(
          new FleetError({ code: 'conflict', message: 'the Deployment chat-v2 is gone', where: 'test' }),
        )
      : Promise.resolve(this.split());
  }
  prepare() {
    return this.act('prepare', () => (this.prepared = true));
  }
  setWeight(percent: number) {
    return this.act(`setWeight ${percent}`, () => (this.percent = percent));
  }
  promote() {
    return this.act('promote', () => {
      this.percent = 100;
      this.promoted = true;
    });
  }
  async retireOld() {
    await this.act('retireOld', () => (this.retired = true));
  }
  abort() {
    return this.act('abort', () => {
      this.percent = 0;
      this.promoted = false;
    });
  }
}

export type Values = Partial<Record<MetricName, number>>;
/** What each version reports at a moment, given the candidate's share of traffic; null: the source is down. */
export type Scenario = (candidatePercent: number, t: number) => { stable: Values; candidate: Values } | null;

export const healthy: Scenario = () => ({
  stable: { request_rate: 10, error_rate: 0.008, latency_p95: 0.9 },
  candidate: { request_rate: 5, error_rate: 0.008, latency_p95: 0.9 },
});

function endpoint(id: string, version: string): Endpoint {
  return {
    id,
    name: id.split(':')[2]!,
    model: 'chat-llm',
    version,
    source: 'demo',
    sourceKind: 'kubernetes',
    cluster: 'demo-a',
    region: 'local',
    namespace: 'llm',
    runtime: 'vllm',
    target: { kind: 'Deployment', name: id.split(':')[2]! },
    group: 'chat',
    trafficPercent: null,
    replicas: { desired: 2, ready: 2 },
    gpus: 2,
    gpuType: null,
    nodes: [],
    hourlyPriceUsd: null,
    spendTodayUsd: 0,
    url: null,
    health: { status: 'ok', reason: '', since: null },
    metrics: {},
    missingMetrics: [],
    freshness: { state: 'live', at: null },
  };
}

export interface Harness {
  plane: RolloutPlane;
  target: MemoryTarget;
  clock: { t: number };
  events: RolloutSummary[];
  store: Store;
  start(text: string, actor?: string): Promise<Rollout>;
  get(id: string): Rollout;
  control(
    id: string,
    action: 'pause' | 'resume' | 'promote' | 'abort',
    actor?: string,
    reason?: string,
  ): Promise<Rollout>;
  /** Waits (turning the event loop, never the wall clock) until the rollout satisfies `test`. */
  until(id: string, what: string, test: (r: Rollout) => boolean): Promise<Rollout>;
  /** A restart: this plane stops (a crash when `crash`), the store closes, a new plane opens on the same files. */
  restart(options?: { crash?: boolean }): Promise<Harness>;
  close(): Promise<void>;
}

export const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);

/**
 * A rollout plane on a real SQLite store and metrics cache, with a clock that jumps: each wait
 * of the engine moves it on and the scenario writes both versions' samples at the new time.
 */
export function openHarness(
  dir: string,
  scenario: { current: Scenario },
  target = new MemoryTarget(),
  clock = { t: T0 },
): Harness {
  const store = openStore({ dataDir: dir, log: silentLogger });
  const metrics = new MetricsStore(store.db);
  const bus = new EventBus();
  const events: RolloutSummary[] = [];
  bus.subscribe((m) => {
    if (m.event === 'rollouts.changed') events.push(m.payload as RolloutSummary);
  });
  const endpoints = [endpoint(STABLE, 'v1'), endpoint(CANDIDATE, 'v2')];
  const feed = () => {
    const values = scenario.current(target.percent, clock.t);
    if (!values) return;
    const samples: Sample[] = [];
    for (const [id, v] of [
      [STABLE, values.stable],
      [CANDIDATE, values.candidate],
    ] as const)
      for (const [metric, value] of Object.entries(v))
        samples.push({ endpointId: id, metric: metric as MetricName, ts: clock.t, value: value! });
    metrics.write(samples);
  };
  let crashed = false;
  const plane = createRolloutPlane({
    db: store.db,
    log: silentLogger,
    bus,
    fleet: { endpoint: (id) => endpoints.find((e) => e.id === id), all: () => endpoints },
    metrics,
    traffic: { resolve: async () => target },
    now: () => clock.t,
    sleep: async (ms, signal) => {
      // A crashed plane's loops freeze where they are, as a killed process's would.
      if (crashed) return new Promise<void>(() => {});
      if (signal.aborted) return;
      clock.t += ms;
      feed();
      await new Promise((r) => setImmediate(r));
    },
  });
  plane.start();
  const h: Harness = {
    plane,
    target,
    clock,
    events,
    store,
    async start(text, actor = 'alice') {
      return plane.handlers['rollouts.start']({ text }, { actor, host: 'console' });
    },
    get(id) {
      return plane.handlers['rollouts.get']({ id }, { actor: 'alice', host: 'console' }) as Rollout;
    },
    async control(id, action, actor = 'alice', reason) {
      return plane.handlers['rollouts.control'](
        { id, action, ...(reason ? { reason } : {}) },
        { actor, host: 'console' },
      );
    },
    async until(id, what, test) {
      for (let i = 0; i < 20_000; i++) {
        const r = h.get(id);
        if (test(r)) return r;
        await new Promise((done) => setImmediate(done));
      }
      const r = h.get(id);
      throw new Error(
        `rollout never ${what}; it is ${r.state} at weight ${r.weight}: ${r.message}\n${r.decisions.map((d) => d.message).join('\n')}`,
      );
    },
    async restart(options = {}) {
      if (options.crash) crashed = true;
      else await plane.close();
      store.close();
      return openHarness(dir, scenario, target, clock);
    },
    async close() {
      if (!crashed) await plane.close();
      store.close();
    },
  };
  return h;
}

/** A canary plan in the YAML format, with short intervals. */
export function canaryPlan(steps: string, options: { background?: string } = {}): string {
  return `apiVersion: fleetdeck.io/v1
kind: Rollout
metadata:
  name: chat-v2
spec:
  endpoint: ${STABLE}
  stable: {version: v1}
  candidate: {version: v2}
  analysis:
    gate:
      conditions:
        - error_rate <= stable * 1.1
        - latency_p95 < 2s
      interval: 10s
      count: 3
      failureLimit: 1
      inconclusiveLimit: 2
      minRequestRate: 1
${options.background ?? ''}  strategy:
    canary:
      steps:
${steps}`;
}
