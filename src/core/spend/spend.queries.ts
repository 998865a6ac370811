import type Database from 'better-sqlite3';
import type { SpendGroupBy } from '../../shared/contract/spend.schema';
import { FLEET_DIM } from './spend.recorder';
import { HOUR } from './spend-window';

export interface GroupStepRow {
  key: string;
  t: number;
  usd: number;
  /** Most endpoints the group had in one tick of the step. */
  n: number;
}

export interface ModelUnitsRow {
  model: string;
  usd: number;
  tokens: number;
  requests: number;
  endpoints: number;
}

/**
 * The SQL behind the Spend view. Figures over a range read spend_rollup (hundreds of rows per
 * range, whatever the fleet size); today's movers read each endpoint's own samples with index
 * seeks (a few per endpoint), and totals come from spend_daily.
 */
export class SpendQueries {
  private readonly latestSpend: Database.Statement<[number], { value: number; ts: number }>;
  private readonly firstMinute: Database.Statement<[number, number, number], { f: number | null }>;
  private readonly firstRaw: Database.Statement<[number, number], { f: number | null }>;
  private readonly minuteRange: Database.Statement<[number, number, number], { s: number; c: number }>;
  private readonly rawRange: Database.Statement<[number, number, number], { s: number; c: number }>;

  constructor(private readonly db: Database.Database) {
    this.latestSpend = db.prepare(
      'SELECT value, ts FROM metric_raw WHERE series_id = ? ORDER BY ts DESC LIMIT 1',
    );
    this.firstMinute = db.prepare(
      'SELECT min(bucket) AS f FROM metric_1m WHERE series_id = ? AND bucket >= ? AND bucket < ?',
    );
    this.firstRaw = db.prepare('SELECT min(ts) AS f FROM metric_raw WHERE series_id = ? AND ts >= ?');
    this.minuteRange = db.prepare(
      'SELECT total(sum) AS s, total(count) AS c FROM metric_1m WHERE series_id = ? AND bucket >= ? AND bucket < ?',
    );
    this.rawRange = db.prepare(
      'SELECT total(value) AS s, count(*) AS c FROM metric_raw WHERE series_id = ? AND ts >= ? AND ts < ?',
    );
  }

  watermarks(): { oneMinute: number; oneHour: number } {
    const read = (key: string) => {
      const row = this.db.prepare('SELECT value FROM app_meta WHERE key = ?').get(key) as
        { value: string } | undefined;
      return row ? Math.round(Number(row.value)) : 0;
    };
    return { oneMinute: read('metrics.rollup.1m'), oneHour: read('metrics.rollup.1h') };
  }

  /** USD per group and step from spend_rollup (`width` buckets), and the time ticked per step. */
  groupSteps(dim: SpendGroupBy, width: number, stepMs: number, from: number, to: number) {
    const lo = Math.floor(from / width) * width;
    const rows = this.db
      .prepare(
        `SELECT key, (bucket / @step) * @step AS t, sum(usd) AS usd, max(endpoints) AS n FROM spend_rollup
         WHERE width = @width AND dim = @dim AND bucket >= @lo AND bucket <= @to
         GROUP BY key, t ORDER BY t`,
      )
      .all({ step: stepMs, width, dim, lo, to }) as GroupStepRow[];
    const covered = this.db
      .prepare(
        `SELECT (bucket / @step) * @step AS t, sum(covered_ms) AS ms FROM spend_rollup
         WHERE width = @width AND dim = '${FLEET_DIM}' AND bucket >= @lo AND bucket <= @to
         GROUP BY t ORDER BY t`,
      )
      .all({ step: stepMs, width, lo, to }) as Array<{ t: number; ms: number }>;
    return { rows, covered };
  }

  /** The first bucket with spend at or after `from` (where the recorded history begins). */
  firstBucket(width: number, from: number): number | null {
    return (
      this.db
        .prepare(
          `SELECT min(bucket) AS b FROM spend_rollup WHERE width = ? AND dim = '${FLEET_DIM}' AND bucket >= ?`,
        )
        .get(width, Math.floor(from / width) * width) as { b: number | null }
    ).b;
  }

  /** Spend, tokens and requests per model over [from, to] from spend_rollup. */
  modelUnits(width: number, from: number, to: number): ModelUnitsRow[] {
    return this.db
      .prepare(
        `SELECT key AS model, sum(usd) AS usd, sum(tokens) AS tokens, sum(requests) AS requests,
                max(endpoints) AS endpoints
         FROM spend_rollup WHERE width = ? AND dim = 'model' AND bucket >= ? AND bucket <= ?
         GROUP BY key`,
      )
      .all(width, Math.floor(from / width) * width, to) as ModelUnitsRow[];
  }

  /** Every endpoint's spend series id (current and removed endpoints alike). */
  spendSeries(): Array<{ id: number; endpointId: string }> {
    return this.db
      .prepare("SELECT id, endpoint_id AS endpointId FROM metric_series WHERE metric = 'spend_per_hour'")
      .all() as Array<{ id: number; endpointId: string }>;
  }

  /** The newest spend sample of a series (raw samples only live a couple of hours). */
  latest(seriesId: number): { value: number; ts: number } | undefined {
    return this.latestSpend.get(seriesId);
  }

  /**
   * The mean rate over the first `spanMs` of data at or after `since` (local midnight, for
   * today's movers), and when that data began; undefined when the series has none since then.
   */
  baseline(seriesId: number, since: number, spanMs: number): { value: number; at: number } | undefined {
    const wm = this.watermarks().oneMinute;
    const first =
      this.firstMinute.get(seriesId, since, wm)?.f ??
      this.firstRaw.get(seriesId, Math.max(since, wm))?.f ??
      null;
    if (first === null) return undefined;
    const end = first + spanMs;
    const m = this.minuteRange.get(seriesId, first, Math.min(end, wm))!;
    const r = this.rawRange.get(seriesId, Math.max(first, wm), end)!;
    const count = m.c + r.c;
    return count > 0 ? { value: (m.s + r.s) / count, at: first } : undefined;
  }

  /** Sum of spend_daily over [firstDay, lastDay] (local YYYY-MM-DD, compared as text). */
  dailyTotal(firstDay: string, lastDay: string): { usd: number; endpoints: number } {
    return this.db
      .prepare(
        'SELECT total(usd) AS usd, count(DISTINCT endpoint_id) AS endpoints FROM spend_daily WHERE day >= ? AND day <= ?',
      )
      .get(firstDay, lastDay) as { usd: number; endpoints: number };
  }

  gpuHours(from: number, to: number): Array<{ gpuType: string; gpuHours: number }> {
    return this.db
      .prepare(
        `SELECT gpu_type AS gpuType, total(gpu_hours) AS gpuHours FROM spend_gpu_hours
         WHERE hour >= ? AND hour <= ? GROUP BY gpu_type ORDER BY gpuHours DESC`,
      )
      .all(Math.floor(from / HOUR) * HOUR, to) as Array<{ gpuType: string; gpuHours: number }>;
  }

  gpuRecordingSince(): number | null {
    return (this.db.prepare('SELECT min(hour) AS h FROM spend_gpu_hours').get() as { h: number | null }).h;
  }
}
