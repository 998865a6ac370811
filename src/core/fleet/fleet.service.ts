import { SampleCadence } from './sample-cadence';
import type Database from 'better-sqlite3';
import type {
  Endpoint,
  FleetSummary,
  Freshness,
  Health,
  SourceStatus,
} from '../../shared/contract/fleet.schema';
import { canonicalMetricNames, type MetricName } from '../../shared/fleet/metrics';
import { defaultSlo, evaluateHealth, type BreachState, type Slo } from '../../shared/fleet/slo';
import { gpuSpendPerHour, localDay, spendOver, tokenSpendPerHour } from '../../shared/fleet/spend';
import { RegionTally } from '../../shared/fleet/region-figures';
import type { Logger } from '../log/logger';
import type { MetricsStore, Sample } from '../metrics/metrics.store';
import type { InventoryCache, InventoryChange } from './inventory.cache';
import type { EndpointRecord } from './inventory.types';
import type { PriceBook } from './price-book';
import { sloFor, type SloBook } from './slo-book';

/** An unchanged spend rate is still stored this often, so each 1-minute bucket holds a sample. */
const SPEND_STORE_EVERY_MS = 30_000;

type Latest = Partial<Record<MetricName, { value: number; at: number }>>;

export interface FleetDelta {
  at: number;
  /** Endpoints whose inventory, source, health or missing metrics changed (whole records). */
  upserted: Endpoint[];
  removed: string[];
  /** Latest values for endpoints that got new samples, in `canonicalMetricNames` order. */
  metrics: Record<string, Array<number | null>>;
  summary: FleetSummary;
  /** Freshness changes of records not in `upserted` (see `freshnessToSend`); absent when none. */
  freshness?: Record<string, FreshnessEntry>;
}

/** An endpoint's freshness in a delta: `[state, at]`, a few bytes instead of a whole record. */
export type FreshnessEntry = [Freshness['state'], number | null];

export interface FleetServiceOptions {
  db: Database.Database;
  inventory: InventoryCache;
  metrics: MetricsStore;
  prices: PriceBook;
  slos: SloBook;
  log: Logger;
  staleAfterMs: () => number;
  /** Status of each source, for freshness (offline when all of an endpoint's sources are down). */
  sourceStatus: (sourceId: string) => SourceStatus | undefined;
  sourceKind: (sourceId: string) => string;
  emit: (delta: FleetDelta) => void;
  now?: () => number;
}

/**
 * Joins what the sources report into the contract's Endpoint records: inventory + latest
 * canonical metrics + spend + health (from SLOs) + freshness. Runs one tick every few seconds
 * and emits only what changed.
 */
export class FleetService {
  private readonly latest = new Map<string, Latest>();
  private readonly breach = new Map<string, BreachState>();
  private readonly health = new Map<string, Health>();
  private readonly missing = new Map<string, string[]>();
  private readonly spendToday = new Map<string, number>();
  private readonly emitted = new Map<string, string>();
  /** Each endpoint's freshness as the renderer last got it (with its record or as an entry). */
  private readonly emittedFreshness = new Map<string, Freshness>();
  private readonly dirtyMetrics = new Set<string>();
  private readonly removedSinceTick = new Set<string>();
  /** When each endpoint's spend_per_hour was last written to the metrics store. */
  private readonly spendStoredAt = new Map<string, number>();
  /** Each endpoint's source rhythm: a slow source is stale after missing it, not before. */
  private readonly cadence = new SampleCadence();
  private day: string;
  private lastTick: number;
  private readonly now: () => number;
  private readonly saveSpend: Database.Statement<[string, string, number]>;

  constructor(private readonly o: FleetServiceOptions) {
    this.now = o.now ?? Date.now;
    this.lastTick = this.now();
    this.day = localDay(this.lastTick);
    this.saveSpend = o.db.prepare(
      'INSERT OR REPLACE INTO spend_daily (day, endpoint_id, usd) VALUES (?, ?, ?)',
    );
    const rows = o.db
      .prepare('SELECT endpoint_id, usd FROM spend_daily WHERE day = ?')
      .all(this.day) as Array<{ endpoint_id: string; usd: number }>;
    for (const r of rows) this.spendToday.set(r.endpoint_id, r.usd);
    this.loadLatestFromCache();
  }

  /** Cache first: the newest stored value of each metric, so a restart shows figures at once. */
  private loadLatestFromCache(): void {
    const rows = this.o.db
      .prepare(
        `SELECT s.endpoint_id AS id, s.metric AS metric, r.ts AS ts, r.value AS value
         FROM metric_series s JOIN metric_raw r ON r.series_id = s.id
         WHERE r.ts = (SELECT max(ts) FROM metric_raw WHERE series_id = s.id)`,
      )
      .all() as Array<{ id: string; metric: MetricName; ts: number; value: number }>;
    for (const r of rows) {
      const l = this.latest.get(r.id) ?? {};
      l[r.metric] = { value: r.value, at: r.ts };
      this.latest.set(r.id, l);
    }
  }

  onSamples(samples: readonly Sample[]): void {
    if (samples.length === 0) return;
    this.o.metrics.write(samples);
    this.noteLatest(samples);
  }

  private noteLatest(samples: readonly Sample[]): void {
    for (const s of samples) {
      const l = this.latest.get(s.endpointId) ?? {};
      const prev = l[s.metric];
      if (!prev || prev.at <= s.ts) l[s.metric] = { value: s.value, at: s.ts };
      // spend_per_hour is Fleetdeck's own figure, written every tick: not the source's rhythm.
      if (s.metric !== 'spend_per_hour') this.cadence.note(s.endpointId, s.ts);
      this.latest.set(s.endpointId, l);
      this.dirtyMetrics.add(s.endpointId);
    }
  }

  onInventory(change: InventoryChange): void {
    for (const id of change.endpoints.removed) {
      this.latest.delete(id);
      this.breach.delete(id);
      this.health.delete(id);
      this.emitted.delete(id);
      this.emittedFreshness.delete(id);
      this.spendStoredAt.delete(id);
      this.cadence.forget(id);
      this.removedSinceTick.add(id);
    }
  }

  onMissingMetrics(endpointId: string, missing: string[]): void {
    this.missing.set(endpointId, missing);
  }

  /**
   * One pass over the fleet: spend accrues, spend_per_hour is sampled, health is evaluated,
   * and the changes since the last tick are emitted as one delta.
   */
  tick(): FleetDelta {
    const now = this.now();
    const dt = Math.max(0, now - this.lastTick);
    this.lastTick = now;
    const today = localDay(now);
    if (today !== this.day) {
      this.day = today;
      this.spendToday.clear();
    }
    const spendSamples: Sample[] = [];
    const upserted: Endpoint[] = [];
    const metrics: Record<string, Array<number | null>> = {};
    const freshness: Record<string, FreshnessEntry> = {};
    let freshnessChanged = false;
    const save = this.o.db.transaction(() => {
      for (const rec of this.o.inventory.endpoints()) {
        // Rounded to a millionth of a dollar: a float sum over pods in a different order (a
        // re-listed endpoint) must not read as a change and re-send the record every tick.
        const raw = this.spendPerHour(rec);
        const spend = raw === null ? null : Math.round(raw * 1e6) / 1e6;
        if (spend !== null) {
          spendSamples.push({ endpointId: rec.id, metric: 'spend_per_hour', ts: now, value: spend });
          const usd = (this.spendToday.get(rec.id) ?? 0) + spendOver(spend, dt);
          this.spendToday.set(rec.id, usd);
          this.saveSpend.run(this.day, rec.id, usd);
        }
      }
    });
    save();
    // Spend is sampled every tick but only travels in the delta when the rate moved: at 10,000
    // endpoints an unchanged fleet must make an empty delta. Likewise it is only stored when it
    // moved, or SPEND_STORE_EVERY_MS after it was last stored: the rate is a step function, and
    // 10,000 unchanged rows every tick were most of the tick's SQLite time. Every 1-minute
    // rollup bucket still gets a sample, so charts and spend baselines see no gap.
    const dirtyBefore = new Set(this.dirtyMetrics);
    const unchanged = new Set<string>();
    const toStore: Sample[] = [];
    for (const s of spendSamples) {
      const same = this.latest.get(s.endpointId)?.spend_per_hour?.value === s.value;
      if (same) unchanged.add(s.endpointId);
      const storedAt = this.spendStoredAt.get(s.endpointId);
      if (!same || storedAt === undefined || now - storedAt >= SPEND_STORE_EVERY_MS) {
        toStore.push(s);
        this.spendStoredAt.set(s.endpointId, now);
      }
    }
    this.o.metrics.write(toStore);
    this.noteLatest(spendSamples);
    for (const id of unchanged) if (!dirtyBefore.has(id)) this.dirtyMetrics.delete(id);

    // One SLO lookup per model, not per endpoint (the kind is guessed from the name by regex).
    const slos = new Map<string, Slo>();
    for (const rec of this.o.inventory.endpoints()) {
      const latest = this.latest.get(rec.id) ?? {};
      let slo = slos.get(rec.model);
      if (slo === undefined) slos.set(rec.model, (slo = sloFor(this.o.slos, rec.model)));
      const r = evaluateHealth(
        { now, slo, metrics: latest, replicas: rec.replicas },
        this.breach.get(rec.id) ?? {},
        this.health.get(rec.id),
      );
      this.breach.set(rec.id, r.state);
      this.health.set(rec.id, r.health);
      // The record is re-sent only when something it shows changed. Metrics travel separately
      // (compact), and so does spend per hour (the renderer takes hourlyPriceUsd from them);
      // spend today grows every tick: it travels in the summary, and with the record whenever
      // the record changes for another reason (fleet.endpoint has it exact). The key is built
      // from revisions and a few short fields, not by serialising the record: at 10,000
      // endpoints a JSON key per record cost tens of ms of every tick. Freshness is not in the
      // key: when a scrape pass outlasts "Stale after" (10,000 endpoints), endpoints flip
      // between live and stale every few ticks, and re-sending whole records for that made
      // 2 MB deltas; a flip travels as a compact entry instead.
      const sourceId = this.o.inventory.sourceOf('endpoint', rec.id) ?? 'unknown';
      const fresh = this.endpointFreshness(rec.id, newestAt(latest), now, sourceId);
      const key = this.emittedKey(rec, r.health, sourceId);
      if (this.emitted.get(rec.id) !== key) {
        this.emitted.set(rec.id, key);
        const endpoint = this.toEndpoint(rec, now);
        upserted.push(endpoint);
        this.emittedFreshness.set(rec.id, endpoint.freshness);
      } else if (freshnessToSend(this.emittedFreshness.get(rec.id), fresh)) {
        this.emittedFreshness.set(rec.id, fresh);
        freshness[rec.id] = [fresh.state, fresh.at];
        freshnessChanged = true;
      }
      if (this.dirtyMetrics.has(rec.id)) {
        metrics[rec.id] = canonicalMetricNames.map((m) => latest[m]?.value ?? null);
      }
    }
    this.dirtyMetrics.clear();
    const removed = [...this.removedSinceTick];
    this.removedSinceTick.clear();
    const delta: FleetDelta = { at: now, upserted, removed, metrics, summary: this.summary() };
    if (freshnessChanged) delta.freshness = freshness;
    this.o.emit(delta);
    return delta;
  }

  endpointIds(): string[] {
    return this.o.inventory.endpoints().map((e) => e.id);
  }

  endpoint(id: string): Endpoint | undefined {
    const rec = this.o.inventory.endpoint(id);
    return rec ? this.toEndpoint(rec, this.now()) : undefined;
  }

  all(): Endpoint[] {
    const now = this.now();
    return this.o.inventory.endpoints().map((rec) => this.toEndpoint(rec, now));
  }

  summary(): FleetSummary {
    const now = this.now();
    const counts = { total: 0, ok: 0, warning: 0, critical: 0, unknown: 0 };
    let requestRate = 0;
    let p95Weighted = 0;
    let errWeighted = 0;
    let weight = 0;
    let gpus = 0;
    let spendPerHour = 0;
    let spendToday = 0;
    let newest: number | null = null;
    const regions = new RegionTally();
    const sourceIds = new Set<string>();
    for (const rec of this.o.inventory.endpoints()) {
      const sourceId = this.o.inventory.sourceOf('endpoint', rec.id);
      sourceIds.add(sourceId ?? '');
      const status = this.health.get(rec.id)?.status ?? 'unknown';
      counts.total++;
      counts[status]++;
      const l = this.latest.get(rec.id) ?? {};
      const rps = l.request_rate?.value ?? 0;
      requestRate += rps;
      if (l.latency_p95 && rps > 0) p95Weighted += l.latency_p95.value * rps;
      if (l.error_rate && rps > 0) errWeighted += l.error_rate.value * rps;
      if (rps > 0 && (l.latency_p95 || l.error_rate)) weight += rps;
      // The same figures as the endpoint's record (toEndpoint): gpus, and spend as its hourlyPriceUsd.
      const endpointGpus = rec.gpusPerReplica * rec.pods.filter((p) => p.node !== null).length;
      const endpointSpend = l.spend_per_hour?.value ?? 0;
      gpus += endpointGpus;
      spendPerHour += endpointSpend;
      regions.add({
        region: rec.region,
        cluster: rec.cluster,
        source: sourceId ?? 'unknown',
        status,
        requestRate: rps,
        spendPerHour: endpointSpend,
        gpus: endpointGpus,
        errorRate: l.error_rate?.value,
      });
      spendToday += this.spendToday.get(rec.id) ?? 0;
      const at = newestAt(l);
      if (at !== null && at <= now && (newest === null || at > newest)) newest = at;
    }
    return {
      endpoints: counts,
      requestRate,
      latencyP95: weight > 0 ? p95Weighted / weight : null,
      errorRate: weight > 0 ? errWeighted / weight : null,
      gpusInUse: gpus,
      spendPerHour,
      spendToday,
      freshness: this.freshness(newest, now, sourceIds),
      sources: { total: 0, ok: 0, failing: 0 },
      regions: regions.figures(),
    };
  }

  /**
   * Everything an emitted record shows apart from its metrics, spend per hour, spend today and
   * freshness (each travels compactly): the inventory record's revision (and its first node's,
   * which may name the GPU type), the source, health, and the metrics reported missing.
   */
  private emittedKey(rec: EndpointRecord, health: Health, sourceId: string): string {
    const inv = this.o.inventory;
    const nodeRevision =
      (rec.gpuType ?? null) === null && rec.nodes[0]
        ? inv.revision('node', `${rec.cluster}:${rec.nodes[0]}`)
        : 0;
    const missing = this.missing.get(rec.id)?.join(',') ?? '';
    return `${inv.revision('endpoint', rec.id)}|${nodeRevision}|${sourceId}|${health.status}|${health.since}|${missing}|${health.reason}`;
  }

  spendTodayFor(id: string): number {
    return this.spendToday.get(id) ?? 0;
  }

  private spendPerHour(rec: EndpointRecord): number | null {
    if (rec.target.kind === 'hosted') {
      const l = this.latest.get(rec.id) ?? {};
      const price = rec.tokenPrice
        ? { input: rec.tokenPrice.input * 1e6, output: rec.tokenPrice.output * 1e6 }
        : this.o.prices.tokenPrice(rec.model);
      if (!price) return null;
      return tokenSpendPerHour(l.tokens_in_rate?.value ?? 0, l.tokens_out_rate?.value ?? 0, price);
    }
    const perNode = new Map<string, number>();
    for (const pod of rec.pods)
      if (pod.node) perNode.set(pod.node, (perNode.get(pod.node) ?? 0) + rec.gpusPerReplica);
    if (perNode.size === 0) return rec.gpusPerReplica > 0 ? 0 : null;
    return gpuSpendPerHour(
      [...perNode].map(([nodeName, gpus]) => {
        const node = this.o.inventory.node(`${rec.cluster}:${nodeName}`);
        return {
          gpus,
          nodeGpus: node?.gpuCapacity ?? 0,
          nodeHourlyUsd: node ? this.o.prices.nodeHourly(node.instanceType, node.hourlyPriceUsd) : null,
        };
      }),
    );
  }

  private freshness(newest: number | null, now: number, sourceIds: ReadonlySet<string>): Freshness {
    const statuses = [...sourceIds].map((id) => this.o.sourceStatus(id));
    // Down: in error, or no longer configured (then nothing will refresh its records).
    const allDown = statuses.length > 0 && statuses.every((s) => s === undefined || s.state === 'error');
    if (allDown)
      return { state: 'offline', at: newest ?? Math.max(0, ...statuses.map((s) => s?.lastOkAt ?? 0)) };
    if (newest === null) return { state: 'unknown', at: null };
    return { state: now - newest <= this.o.staleAfterMs() ? 'live' : 'stale', at: newest };
  }

  /**
   * `freshness` for one endpoint's source, without the per-call sets (called 10,000 times a
   * tick). Stale after the setting, or after two of the source's own refresh cycles when it
   * cannot refresh that often (SampleCadence).
   */
  private endpointFreshness(
    endpointId: string,
    newest: number | null,
    now: number,
    sourceId: string,
  ): Freshness {
    const status = this.o.sourceStatus(sourceId);
    if (status === undefined || status.state === 'error')
      return { state: 'offline', at: newest ?? Math.max(0, status?.lastOkAt ?? 0) };
    if (newest === null) return { state: 'unknown', at: null };
    const staleAfter = this.cadence.staleAfterMs(endpointId, this.o.staleAfterMs());
    return { state: now - newest <= staleAfter ? 'live' : 'stale', at: newest };
  }

  private toEndpoint(rec: EndpointRecord, now: number): Endpoint {
    const sourceId = this.o.inventory.sourceOf('endpoint', rec.id) ?? 'unknown';
    const latest = this.latest.get(rec.id) ?? {};
    const scheduled = rec.pods.filter((p) => p.node !== null).length;
    const newest = newestAt(latest);
    const gpuNode = rec.nodes[0] ? this.o.inventory.node(`${rec.cluster}:${rec.nodes[0]}`) : undefined;
    const spend = latest.spend_per_hour?.value ?? null;
    return {
      id: rec.id,
      name: rec.name,
      model: rec.model,
      version: rec.version,
      source: sourceId,
      sourceKind: this.o.sourceKind(sourceId),
      cluster: rec.cluster,
      region: rec.region,
      namespace: rec.namespace,
      runtime: rec.runtime,
      target: rec.target,
      group: rec.group,
      trafficPercent: rec.trafficPercent,
      replicas: rec.replicas,
      gpus: rec.gpusPerReplica * scheduled,
      gpuType: rec.gpuType ?? gpuNode?.gpuProduct ?? null,
      nodes: rec.nodes,
      hourlyPriceUsd: spend,
      spendTodayUsd: this.spendToday.get(rec.id) ?? 0,
      url: rec.url,
      health: this.health.get(rec.id) ?? { status: 'unknown', reason: 'not evaluated yet', since: null },
      metrics: inCanonicalOrder(latest),
      missingMetrics: this.missing.get(rec.id) ?? [],
      freshness: this.endpointFreshness(rec.id, newest, now, sourceId),
    };
  }
}

/**
 * The metrics in canonicalMetricNames order, whatever order their samples arrived in: the
 * renderer reads these objects for 10,000 endpoints per update, and objects whose keys come
 * in many orders get many hidden classes, which made those reads megamorphic and several
 * times slower.
 */
function inCanonicalOrder(latest: Latest): Latest {
  const ordered: Latest = {};
  for (const name of canonicalMetricNames) {
    const m = latest[name];
    if (m !== undefined) ordered[name] = m;
  }
  return ordered;
}

/**
 * Whether an endpoint's freshness must travel: its state changed, or its time changed where
 * the UI shows it ("stale since 14:02", "offline since 14:02"). While live the UI shows "live"
 * with no time (freshness-words.ts), so a live endpoint's newer samples do not each send an
 * entry: the renderer keeps the time it went live (fleet.endpoint has it exact).
 */
function freshnessToSend(sent: Freshness | undefined, now: Freshness): boolean {
  if (sent === undefined || sent.state !== now.state) return true;
  return now.state !== 'live' && sent.at !== now.at;
}

/**
 * When a source last reported anything for the endpoint. Spend per hour is left out: Fleetdeck
 * computes it on every tick from the inventory and prices, so counting it would keep every
 * figure "live" while the source itself had gone quiet.
 */
function newestAt(latest: Latest): number | null {
  let newest: number | null = null;
  for (const name in latest) {
    if (name === 'spend_per_hour') continue;
    const at = latest[name as MetricName]?.at;
    if (at !== undefined && (newest === null || at > newest)) newest = at;
  }
  return newest;
}

export { defaultSlo };
