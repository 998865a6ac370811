import { afterEach } from 'vitest';
import { freshDir } from '../../support/tmp';
import { CommandRegistry, type HandlerMap } from '../../../src/core/commands/registry';
import { EventBus } from '../../../src/core/events/event-bus';
import { coreCaller } from '../../../src/core/incidents/core-caller';
import { createIncidentPlane, type IncidentPlane } from '../../../src/core/incidents/incident-plane';
import { silentLogger } from '../../../src/core/log/logger';
import { MetricsStore } from '../../../src/core/metrics/metrics.store';
import { SettingsService } from '../../../src/core/settings/settings.service';
import { openStore, type Store } from '../../../src/core/store/database';
import type { CommandName, CommandResult, EventPayload } from '../../../src/shared/contract/index';
import type { Endpoint, HealthStatus } from '../../../src/shared/contract/fleet.schema';
import type {
  IncidentChange,
  IncidentSummary,
  TimelineEntry,
} from '../../../src/shared/contract/incident.schema';
import type { MetricName } from '../../../src/shared/fleet/metrics';

type EndpointDetail = CommandResult<'fleet.endpoint'>;

export const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
const ctx = { actor: 'alice', host: 'console' as const };

export interface EndpointSpec {
  cluster?: string;
  region?: string;
  namespace?: string;
  model?: string;
  name?: string;
  version?: string;
}

/** A fleet record as the fleet service sends it in fleet.delta. */
export function endpoint(id: string, spec: EndpointSpec = {}): Endpoint {
  const [cluster, namespace, name] = id.split(':') as [string, string, string];
  return {
    id,
    name: spec.name ?? name,
    model: spec.model ?? 'llama-3.1-70b-instruct',
    version: spec.version ?? 'v1',
    source: 'test',
    sourceKind: 'kubernetes',
    cluster: spec.cluster ?? cluster,
    region: spec.region ?? 'us-east-1',
    namespace: spec.namespace ?? namespace,
    runtime: 'vllm',
    target: { kind: 'Deployment', name },
    group: null,
    trafficPercent: null,
    replicas: { desired: 2, ready: 2 },
    gpus: 2,
    gpuType: 'H100',
    nodes: [],
    hourlyPriceUsd: null,
    spendTodayUsd: 0,
    url: null,
    health: { status: 'ok', reason: 'within SLO', since: T0 - 3600_000 },
    metrics: {},
    missingMetrics: [],
    freshness: { state: 'live', at: null },
  };
}

/**
 * An incident plane on a real SQLite store, metrics cache and event bus, fed synthetic fleet
 * records (what the fleet service would emit) with a clock the test moves. Its other core
 * commands go through a real registry holding the plane's handlers and a fleet.endpoint over
 * the test's records.
 */
export interface Harness {
  plane: IncidentPlane;
  store: Store;
  metrics: MetricsStore;
  settings: SettingsService;
  bus: EventBus;
  clock: { t: number };
  fleet: Map<string, Endpoint>;
  /** What fleet.endpoint answers beside the record: pods, nodes, events (empty unless set). */
  details: Map<string, Pick<EndpointDetail, 'pods' | 'nodes' | 'events'>>;
  changes: IncidentChange[];
  /** Sets health (and optionally metrics) of endpoints and emits one fleet.delta with them. */
  tick(
    updates: Array<{ id: string; status?: HealthStatus; reason?: string; metrics?: Endpoint['metrics'] }>,
  ): void;
  /** Takes endpoints out of the fleet (a fleet.delta with them removed). */
  remove(ids: string[]): void;
  /** Moves the clock and emits an empty delta (a quiet fleet tick). */
  advance(ms: number): void;
  call(name: CommandName, args: unknown, actor?: string): Promise<unknown>;
  incidents(): IncidentSummary[];
  timeline(id: string): TimelineEntry[];
  /** Writes samples of a metric for endpoints every 10 s over the last `minutes`. */
  samples(ids: string[], metric: MetricName, value: (t: number) => number, minutes?: number): void;
  restart(): Harness;
  close(): Promise<void>;
}

/** Other core parts on the same database and bus (a rollout plane), with their handlers. */
export type Extras = (d: { db: Store['db']; bus: EventBus; metrics: MetricsStore }) => {
  handlers: Partial<HandlerMap>;
  close?: () => Promise<void>;
};

export function openHarness(
  dir: string,
  fleet = new Map<string, Endpoint>(),
  clock = { t: T0 },
  extras: Extras = () => ({ handlers: {} }),
): Harness {
  const store = openStore({ dataDir: dir, log: silentLogger });
  const metrics = new MetricsStore(store.db);
  const bus = new EventBus();
  const settings = new SettingsService(store.db, silentLogger);
  const changes: IncidentChange[] = [];
  const details: Harness['details'] = new Map();
  bus.subscribe((m) => {
    if (m.event === 'incidents.changed') changes.push(m.payload as IncidentChange);
  });
  let registry: CommandRegistry | null = null;
  const plane = createIncidentPlane({
    db: store.db,
    log: silentLogger,
    bus,
    settings,
    fleet: { endpoint: (id) => fleet.get(id), all: () => [...fleet.values()] },
    metrics,
    call: coreCaller((name, args, actor) => registry!.call(name, args, { actor, host: 'console' })),
    now: () => clock.t,
  });
  const extra = extras({ db: store.db, bus, metrics });
  const handlers = {
    ...plane.handlers,
    'fleet.endpoint': ({ id }: { id: string }) => {
      const e = fleet.get(id);
      if (!e) throw new Error(`no endpoint ${id}`);
      return { endpoint: e, pods: [], nodes: [], events: [], ...details.get(id), siblings: [] };
    },
    // No rollout plane unless a test adds one: none live.
    'rollouts.list': () => [],
    ...extra.handlers,
  } as unknown as HandlerMap;
  registry = new CommandRegistry(handlers, {
    log: silentLogger,
    validateResults: true,
    onCalled: (name, args, c, result) => plane.onCalled(name, args, c, result),
  });
  plane.start();
  const emit = (upserted: Endpoint[], removed: string[] = []) => {
    const delta: EventPayload<'fleet.delta'> = {
      at: clock.t,
      upserted,
      removed,
      metrics: {},
      summary: {
        endpoints: { total: fleet.size, ok: 0, warning: 0, critical: 0, unknown: 0 },
        requestRate: 0,
        latencyP95: null,
        errorRate: null,
        gpusInUse: 0,
        spendPerHour: 0,
        spendToday: 0,
        freshness: { state: 'live', at: clock.t },
        sources: { total: 1, ok: 1, failing: 0 },
        regions: [],
      },
    };
    bus.emit('fleet.delta', delta);
  };
  const h: Harness = {
    plane,
    store,
    metrics,
    settings,
    bus,
    clock,
    fleet,
    details,
    changes,
    tick(updates) {
      const upserted: Endpoint[] = [];
      for (const u of updates) {
        const e = fleet.get(u.id);
        if (!e) throw new Error(`the test fleet has no ${u.id}`);
        const status = u.status ?? e.health.status;
        const next: Endpoint = {
          ...e,
          health: {
            status,
            reason: u.reason ?? (status === 'ok' ? 'within SLO' : e.health.reason),
            since: status === e.health.status ? e.health.since : clock.t,
          },
          metrics: u.metrics ?? e.metrics,
        };
        fleet.set(e.id, next);
        upserted.push(next);
      }
      emit(upserted);
    },
    remove(ids) {
      for (const id of ids) fleet.delete(id);
      emit([], ids);
    },
    advance(ms) {
      clock.t += ms;
      emit([]);
    },
    async call(name, args, actor = 'alice') {
      const reply = await registry!.call(name, args, { ...ctx, actor });
      if (!reply.ok) throw new Error(`${name}: ${reply.error.message}`);
      return reply.result;
    },
    incidents: () => plane.incidents.store.list({ limit: 1000 }),
    timeline: (id) => plane.incidents.store.entriesAfter(id, 0, 100_000),
    samples(ids, metric, value, minutes = 30) {
      const rows = [];
      for (let t = clock.t - minutes * 60_000; t <= clock.t; t += 10_000)
        for (const endpointId of ids) rows.push({ endpointId, metric, ts: t, value: value(t) });
      metrics.write(rows);
    },
    restart() {
      void plane.close();
      void extra.close?.();
      store.close();
      const next = openHarness(dir, fleet, clock, extras);
      for (const [id, detail] of details) next.details.set(id, detail);
      return next;
    },
    async close() {
      await plane.close();
      await extra.close?.();
      store.close();
    },
  };
  return h;
}

/**
 * One harness per test, on a fresh directory, closed and removed after the test: `start` opens it
 * with these endpoints in the fleet; `replace` makes a restarted harness the one closed; `current`
 * is the one open now. Call it inside a describe.
 */
export function harnessPerTest(prefix: string) {
  let h: Harness | null = null;
  let cleanup = () => {};
  afterEach(async () => {
    await h?.close();
    h = null;
    cleanup();
  });
  return {
    start(ids: Array<[string, EndpointSpec?]>, extras?: Extras): Harness {
      const tmp = freshDir(prefix);
      cleanup = tmp.cleanup;
      h = openHarness(tmp.dir, undefined, undefined, extras);
      for (const [id, spec] of ids) h.fleet.set(id, endpoint(id, spec));
      return h;
    },
    replace(next: Harness): Harness {
      h = next;
      return next;
    },
    /** The harness open now, for parts that reach back into it (a fleet lookup). */
    current: (): Harness | null => h,
  };
}
