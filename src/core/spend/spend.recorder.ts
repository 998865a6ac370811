import type Database from 'better-sqlite3';
import type { Endpoint } from '../../shared/contract/fleet.schema';
import type { SpendGroupBy } from '../../shared/contract/spend.schema';
import { canonicalMetricNames } from '../../shared/fleet/metrics';

const HOUR = 3_600_000;

/** Longer than this between ticks (a suspended laptop, a stopped core) is not counted. */
const MAX_GAP_MS = 5 * 60_000;
/**
 * Bucket widths and how long each is kept: 1-minute buckets for 6 h (a fleet recorded for
 * minutes still gets a chart), 5-minute for 48 h (a day at 288 points), hourly for as long as
 * the 1-hour metric rollups (400 days). Finest first.
 */
export const bucketWidths: ReadonlyArray<{ width: number; keepMs: number }> = [
  { width: 60_000, keepMs: 6 * HOUR },
  { width: 5 * 60_000, keepMs: 48 * HOUR },
  { width: HOUR, keepMs: 400 * 24 * HOUR },
];

export const spendDims: readonly SpendGroupBy[] = ['source', 'cluster', 'model', 'version'];
/** The whole fleet: its row per bucket holds the total and the time ticked (covered_ms). */
export const FLEET_DIM = 'fleet';

const at = (name: (typeof canonicalMetricNames)[number]) => canonicalMetricNames.indexOf(name);
const SPEND = at('spend_per_hour');
const TOKENS_IN = at('tokens_in_rate');
const TOKENS_OUT = at('tokens_out_rate');
const REQUESTS = at('request_rate');

/** Token and request rates older than this stop counting (the endpoint stopped reporting). */
const USAGE_STALE_MS = 2 * 60_000;

interface Tracked {
  keys: Record<SpendGroupBy, string>;
  gpus: number;
  gpuType: string | null;
  /** The last spend rate seen: the fleet sends it only when it moves, and it holds until then. */
  rate: number | null;
  tokensRate: number;
  requestRate: number;
  usageAt: number | null;
}

export interface TickDelta {
  at: number;
  upserted: readonly Endpoint[];
  removed: readonly string[];
  /**
   * Latest values per endpoint that got samples this tick, in canonicalMetricNames order. An
   * unchanged spend rate is not re-sent (at 10,000 endpoints an unchanged fleet makes an empty
   * delta), so the recorder keeps each endpoint's last rate and accrues it every tick.
   */
  metrics: Readonly<Record<string, ReadonlyArray<number | null>>>;
}

/** A version means something only with its model. */
export const groupKeys = (e: Pick<Endpoint, 'source' | 'cluster' | 'model' | 'version'>) => ({
  source: e.source,
  cluster: e.cluster,
  model: e.model,
  version: `${e.model} ${e.version}`,
});

/**
 * Accrues the Spend view's figures from the fleet's ticks, so reading them never scans
 * per-endpoint history (migration 4). On each `fleet.delta`: every endpoint that got a spend
 * sample this tick adds rate x time since the previous tick, the same accrual as
 * spend_daily, to its source, cluster, model and version (tokens and requests too, for unit
 * costs); and allocated GPUs x that time go to their GPU type. A tick costs one upsert per
 * group, not one per endpoint. Dimensions and GPUs come from the delta's records, which the
 * fleet re-sends whenever they change.
 */
export class SpendRecorder {
  private readonly tracked = new Map<string, Tracked>();
  private lastAt: number | null = null;
  private prunedHour = 0;
  private readonly addGpu: Database.Statement<[number, string, number]>;
  private readonly addGroup: Database.Statement<
    [number, string, number, string, number, number, number, number, number]
  >;

  constructor(private readonly db: Database.Database) {
    this.addGpu = db.prepare(
      `INSERT INTO spend_gpu_hours (hour, gpu_type, gpu_hours) VALUES (?, ?, ?)
       ON CONFLICT (hour, gpu_type) DO UPDATE SET gpu_hours = gpu_hours + excluded.gpu_hours`,
    );
    this.addGroup = db.prepare(
      `INSERT INTO spend_rollup (width, dim, bucket, key, usd, tokens, requests, covered_ms, endpoints)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (width, dim, bucket, key) DO UPDATE SET
         usd = usd + excluded.usd, tokens = tokens + excluded.tokens,
         requests = requests + excluded.requests, covered_ms = covered_ms + excluded.covered_ms,
         endpoints = max(endpoints, excluded.endpoints)`,
    );
  }

  /** Seeds dimensions and allocations (the whole fleet) before the first delta. */
  seed(endpoints: readonly Endpoint[]): void {
    for (const e of endpoints) this.track(e);
  }

  get lastTickAt(): number | null {
    return this.lastAt;
  }

  onTick(delta: TickDelta): void {
    const dt = this.lastAt === null ? 0 : delta.at - this.lastAt;
    const counted = dt > 0 && dt <= MAX_GAP_MS;
    this.db.transaction(() => {
      // GPUs held since the previous tick, before this delta's changes apply.
      if (counted) this.accrueGpus(delta.at, dt);
      for (const id of delta.removed) this.tracked.delete(id);
      for (const e of delta.upserted) this.track(e);
      this.noteRates(delta);
      // Spend at each endpoint's current rate, for the time since the last tick (as spend_daily).
      if (counted) this.accrueSpend(delta.at, dt);
      this.prune(delta.at);
    })();
    if (this.lastAt === null || delta.at > this.lastAt) this.lastAt = delta.at;
  }

  private track(e: Endpoint): void {
    const before = this.tracked.get(e.id);
    this.tracked.set(e.id, {
      keys: groupKeys(e),
      gpus: e.gpus,
      gpuType: e.gpuType,
      rate: e.metrics?.spend_per_hour?.value ?? before?.rate ?? null,
      tokensRate: before?.tokensRate ?? 0,
      requestRate: before?.requestRate ?? 0,
      usageAt: before?.usageAt ?? null,
    });
  }

  private noteRates(delta: TickDelta): void {
    for (const [id, values] of Object.entries(delta.metrics)) {
      const t = this.tracked.get(id);
      if (!t) continue;
      const rate = values[SPEND];
      if (rate !== null && rate !== undefined) t.rate = rate;
      const tokensIn = values[TOKENS_IN];
      const tokensOut = values[TOKENS_OUT];
      const requests = values[REQUESTS];
      if (tokensIn != null || tokensOut != null || requests != null) {
        t.tokensRate = (tokensIn ?? 0) + (tokensOut ?? 0);
        t.requestRate = requests ?? 0;
        t.usageAt = delta.at;
      }
    }
  }

  private accrueGpus(at: number, dt: number): void {
    const byType = new Map<string, number>();
    for (const t of this.tracked.values()) {
      if (t.gpus <= 0) continue;
      const type = t.gpuType ?? 'unknown GPU';
      byType.set(type, (byType.get(type) ?? 0) + t.gpus);
    }
    const hour = Math.floor(at / HOUR) * HOUR;
    for (const [type, gpus] of byType) this.addGpu.run(hour, type, (gpus * dt) / HOUR);
  }

  private accrueSpend(at: number, dt: number): void {
    const groups = new Map<
      string,
      { dim: string; key: string; usd: number; tokens: number; requests: number; n: number }
    >();
    const add = (dim: string, key: string, usd: number, tokens: number, requests: number) => {
      const id = `${dim}\u0000${key}`;
      const g = groups.get(id) ?? { dim, key, usd: 0, tokens: 0, requests: 0, n: 0 };
      g.usd += usd;
      g.tokens += tokens;
      g.requests += requests;
      g.n += 1;
      groups.set(id, g);
    };
    for (const t of this.tracked.values()) {
      if (t.rate === null) continue;
      const usd = (t.rate * dt) / HOUR;
      const usageFresh = t.usageAt !== null && at - t.usageAt <= USAGE_STALE_MS;
      const tokens = usageFresh ? (t.tokensRate * dt) / 1000 : 0;
      const requests = usageFresh ? (t.requestRate * dt) / 1000 : 0;
      for (const dim of spendDims) add(dim, t.keys[dim], usd, tokens, requests);
      add(FLEET_DIM, '', usd, tokens, requests);
    }
    if (!groups.has(`${FLEET_DIM}\u0000`)) return;
    for (const { width } of bucketWidths) {
      const bucket = Math.floor(at / width) * width;
      for (const g of groups.values())
        this.addGroup.run(width, g.dim, bucket, g.key, g.usd, g.tokens, g.requests, dt, g.n);
    }
  }

  private prune(at: number): void {
    const hour = Math.floor(at / HOUR) * HOUR;
    if (hour === this.prunedHour) return;
    this.prunedHour = hour;
    const prune = this.db.prepare('DELETE FROM spend_rollup WHERE width = ? AND bucket < ?');
    for (const { width, keepMs } of bucketWidths) prune.run(width, at - keepMs);
    this.db.prepare('DELETE FROM spend_gpu_hours WHERE hour < ?').run(at - bucketWidths.at(-1)!.keepMs);
  }
}
