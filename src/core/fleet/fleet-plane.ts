import type Database from 'better-sqlite3';
import type { DemoFaultInfo } from '../../shared/contract/demo.schema';
import type { Source } from '../../shared/contract/fleet.schema';
import { endpointsQuerySchema } from '../../shared/contract/fleet.schema';
import { FleetError } from '../../shared/errors/fleet-error';
import type { HandlerGroup } from '../commands/registry';
import type { EventBus } from '../events/event-bus';
import type { Logger } from '../log/logger';
import { MetricsStore } from '../metrics/metrics.store';
import type { ProviderFactory } from '../providers/provider';
import type { SecretStore } from '../secrets/secret-store';
import type { SettingsService } from '../settings/settings.service';
import { parseGpuPriceOverrides, parseTokenPriceOverrides } from '../../shared/fleet/price-overrides';
import { roundMetricRows } from './delta-precision';
import { queryEndpoints } from './endpoint-query';
import { FleetService, type FleetDelta } from './fleet.service';
import { InventoryCache } from './inventory.cache';
import { PriceBook } from './price-book';
import { SloBook } from './slo-book';
import { SourcesService, type SourceDefinition } from './sources.service';

/** What the demo fleet (src/demo) offers the core: fault injection. Absent with --no-demo. */
export interface DemoControl {
  inject(fault: { kind: DemoFaultInfo['kind']; target: string; durationS: number }): DemoFaultInfo;
  list(): DemoFaultInfo[];
}

/** Reads kubeconfig contexts for Settings (implemented by the Kubernetes provider). */
export type ContextLister = (kubeconfigPath?: string) => Promise<{
  files: string[];
  contexts: Array<{ name: string; cluster: string; user: string; namespace: string | null }>;
  error: string | null;
}>;

export interface FleetPlaneOptions {
  db: Database.Database;
  log: Logger;
  bus: EventBus;
  settings: SettingsService;
  dataDir: string;
  resourcesDir: string;
  factories: readonly ProviderFactory[];
  secrets: SecretStore;
  builtInSources?: Array<Omit<SourceDefinition, 'builtIn'>>;
  demo?: DemoControl;
  listContexts?: ContextLister;
  tickMs?: number;
  rollupMs?: number;
  now?: () => number;
}

export type FleetCommands =
  | 'fleet.summary'
  | 'fleet.endpoints'
  | 'fleet.endpoint'
  | 'metrics.series'
  | 'sources.list'
  | 'sources.add'
  | 'sources.test'
  | 'sources.remove'
  | 'sources.contexts'
  | 'secrets.set'
  | 'secrets.list'
  | 'secrets.delete'
  | 'slos.list'
  | 'slos.set'
  | 'demo.fault'
  | 'demo.faults';

export interface FleetPlane {
  handlers: HandlerGroup<FleetCommands>;
  fleet: FleetService;
  /** The metrics cache (rollout analysis reads candidate and stable series from it). */
  metrics: MetricsStore;
  sources: SourcesService;
  /** Latest time any source delivered data, for the status bar. */
  dataFreshAt(): number | null;
  /** Adds built-in sources and fault control after start (the host starts the demo only when no source is configured). */
  useDemo(demo: { sources: Array<Omit<SourceDefinition, 'builtIn'>>; control: DemoControl }): void;
  start(): void;
  stop(): Promise<void>;
}

/**
 * The data plane: inventory cache, metrics cache, sources and their providers, the fleet
 * service that joins them, and the commands over it. Paints from the cache before any source
 * answers (cache first), and keeps serving the cache when every source is down.
 */
export function createFleetPlane(o: FleetPlaneOptions): FleetPlane {
  const now = o.now ?? Date.now;
  const inventory = new InventoryCache(o.db);
  const cached = inventory.load();
  const metrics = new MetricsStore(o.db);
  const prices = new PriceBook(o.resourcesDir);
  // Settings > prices override the list-price table, at once and on every change.
  const applyPriceOverrides = (settings: ReturnType<SettingsService['get']>) => {
    const gpu = parseGpuPriceOverrides(settings.gpuPriceOverrides);
    const tokens = parseTokenPriceOverrides(settings.tokenPriceOverrides);
    prices.setOverrides({ instances: gpu.ok ? gpu.value : {}, tokens: tokens.ok ? tokens.value : {} });
  };
  applyPriceOverrides(o.settings.get());
  o.settings.onChange(applyPriceOverrides);
  const slos = new SloBook(o.db);
  let fleet: FleetService | null = null;
  const sources = new SourcesService({
    db: o.db,
    log: o.log,
    factories: o.factories,
    deps: { log: o.log, dataDir: o.dataDir, secret: (ref) => o.secrets.get(ref) },
    inventory,
    fleet: () => fleet!,
    onStatus: (source: Source) => o.bus.emit('sources.status', source),
    now,
  });
  for (const def of o.builtInSources ?? []) sources.addBuiltIn(def);
  let freshAt: number | null = null;
  fleet = new FleetService({
    db: o.db,
    inventory,
    metrics,
    prices,
    slos,
    log: o.log,
    now,
    staleAfterMs: () => o.settings.get().staleAfterSeconds * 1000,
    sourceStatus: (id) => sources.status(id),
    sourceKind: (id) => sources.kindOf(id),
    emit: (delta: FleetDelta) => {
      if (delta.summary.freshness.state === 'live' && delta.summary.freshness.at)
        freshAt = delta.summary.freshness.at;
      const list = sources.list();
      delta.summary.sources = {
        total: list.length,
        ok: list.filter((s) => s.status.state === 'ok').length,
        failing: list.filter((s) => s.status.state === 'error' || s.status.state === 'degraded').length,
      };
      roundMetricRows(delta.metrics);
      o.bus.emit('fleet.delta', delta);
      // The same tick for windows whose view shows no endpoint's figures (the fleet map): they
      // listen to this instead, and are spared ~650 metric rows a tick at 10,000 endpoints.
      const { at, upserted, removed, summary } = delta;
      o.bus.emit('fleet.pulse', { at, upserted, removed, summary });
    },
  });
  if (cached > 0) o.log.info('fleet served from cache until sources answer', { records: cached });

  let demo: DemoControl | undefined = o.demo;
  let started = false;
  const requireDemo = (): DemoControl => {
    if (!demo) {
      throw new FleetError({
        code: 'unavailable',
        message: 'The demo fleet is not running',
        hint: 'It starts by default when no sources are configured; remove --no-demo to use it.',
      });
    }
    return demo;
  };

  const handlers: HandlerGroup<FleetCommands> = {
    'fleet.summary': () => {
      const summary = fleet!.summary();
      const list = sources.list();
      summary.sources = {
        total: list.length,
        ok: list.filter((s) => s.status.state === 'ok').length,
        failing: list.filter((s) => s.status.state === 'error' || s.status.state === 'degraded').length,
      };
      return summary;
    },
    'fleet.endpoints': (q) => queryEndpoints(fleet!.all(), endpointsQuerySchema.parse(q)),
    'fleet.endpoint': ({ id }) => {
      const endpoint = fleet!.endpoint(id);
      if (!endpoint) {
        throw new FleetError({
          code: 'not_found',
          message: `No endpoint "${id}"`,
          where: 'fleet.endpoint',
          hint: 'Endpoint ids look like <cluster>:<namespace>:<name>; fleet.endpoints lists them.',
        });
      }
      const rec = inventory.endpoint(id)!;
      const nodes = rec.nodes
        .map((n) => inventory.node(`${rec.cluster}:${n}`))
        .filter((n) => n !== undefined);
      // Picked from the inventory's records before any is made into an Endpoint: the incident
      // collector asks for up to 50 endpoints a tick, and making all 10,000 for each stalled the
      // console for most of a second a tick.
      const siblings = rec.group
        ? inventory
            .endpoints()
            .filter((r) => r.id !== id && r.group === rec.group && r.cluster === rec.cluster)
            .flatMap((r) => fleet!.endpoint(r.id) ?? [])
        : [];
      return {
        endpoint,
        pods: rec.pods.map((p) => ({
          name: p.name,
          node: p.node,
          phase: p.phase,
          ready: p.ready,
          restarts: p.restarts,
        })),
        nodes: nodes.map((n) => ({
          id: n.id,
          name: n.name,
          cluster: n.cluster,
          zone: n.zone,
          instanceType: n.instanceType,
          gpuProduct: n.gpuProduct,
          gpuCapacity: n.gpuCapacity,
          gpuAllocated: n.gpuAllocated,
          ready: n.ready,
          problems: n.problems,
          hourlyPriceUsd: prices.nodeHourly(n.instanceType, n.hourlyPriceUsd),
        })),
        events: [...inventory.events(id, 50), ...nodes.flatMap((n) => inventory.events(n.id, 10))]
          .sort((a, b) => b.at - a.at)
          .map((e) => ({ type: e.type, reason: e.reason, message: e.message, at: e.at, count: e.count })),
        siblings,
      };
    },
    'metrics.series': (q) => ({
      metric: q.metric,
      series: metrics.series(q, now()).map((s) => ({
        endpointId: s.endpointId,
        resolution: s.resolution,
        stepMs: s.stepMs,
        points: s.points,
      })),
    }),
    'sources.list': () => sources.list(),
    'sources.add': (input) => sources.add(input),
    'sources.test': (input) => sources.test(input),
    'sources.remove': async ({ id }) => {
      await sources.remove(id);
      return { removed: id };
    },
    'sources.contexts': async ({ kubeconfigPath }) => {
      if (!o.listContexts)
        return { files: [], contexts: [], error: 'The Kubernetes provider is not available in this build.' };
      return o.listContexts(kubeconfigPath);
    },
    'secrets.set': async ({ name, value }) => {
      await o.secrets.set(name, value);
      return { name, protection: o.secrets.protection };
    },
    'secrets.list': async () => ({ names: await o.secrets.list(), protection: o.secrets.protection }),
    'secrets.delete': async ({ name }) => ({ deleted: await o.secrets.delete(name) }),
    'slos.list': () => slos.all(),
    'slos.set': ({ model, slo }) => slos.set(model, slo),
    'demo.fault': (args) => requireDemo().inject(args),
    'demo.faults': () => requireDemo().list(),
  };

  let tickTimer: NodeJS.Timeout | null = null;
  let rollupTimer: NodeJS.Timeout | null = null;
  return {
    handlers,
    fleet,
    metrics,
    sources,
    dataFreshAt: () => freshAt,
    useDemo(d) {
      demo = d.control;
      for (const def of d.sources) {
        sources.addBuiltIn(def);
        if (started) sources.startOne(def.id);
      }
    },
    start() {
      started = true;
      sources.startAll();
      const tick = () => {
        try {
          fleet!.tick();
        } catch (error) {
          o.log.error('fleet tick failed', { error: String(error), stack: (error as Error).stack });
        }
      };
      tick();
      tickTimer = setInterval(tick, o.tickMs ?? 5000);
      tickTimer.unref();
      rollupTimer = setInterval(() => {
        try {
          metrics.rollup(now());
        } catch (error) {
          o.log.error('metrics rollup failed', { error: String(error) });
        }
      }, o.rollupMs ?? 30_000);
      rollupTimer.unref();
    },
    async stop() {
      if (tickTimer) clearInterval(tickTimer);
      if (rollupTimer) clearInterval(rollupTimer);
      await sources.stopAll();
    },
  };
}
