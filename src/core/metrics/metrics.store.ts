import type Database from 'better-sqlite3';
import { canonicalMetricNames, type MetricName } from '../../shared/fleet/metrics';

const metricIndex = new Map<string, number>(canonicalMetricNames.map((m, i) => [m, i]));

export interface Sample {
  endpointId: string;
  metric: MetricName;
  /** Epoch milliseconds. */
  ts: number;
  value: number;
}

export interface SeriesQuery {
  endpointIds: readonly string[];
  metric: MetricName;
  from: number;
  to: number;
  maxPoints: number;
}

export type Resolution = 'raw' | '1m' | '1h';

export interface SeriesResult {
  endpointId: string;
  metric: MetricName;
  resolution: Resolution;
  /** Bucket width of the returned points, milliseconds. */
  stepMs: number;
  /** [epoch ms, value] pairs, oldest first, at most maxPoints. */
  points: Array<[number, number]>;
}

export interface Retention {
  rawMs: number;
  /** 1-minute data, as hourly chunks once an hour has settled. */
  oneMinuteMs: number;
  /** 1-minute rows (recent minutes, top-N queries) before they live on only in chunks. */
  minuteRowsMs: number;
  oneHourMs: number;
}

export const defaultRetention: Retention = {
  rawMs: 2 * 3600_000,
  oneMinuteMs: 8 * 24 * 3600_000,
  minuteRowsMs: 26 * 3600_000,
  oneHourMs: 400 * 24 * 3600_000,
};

/** Minutes after an hour ends before it is chunked: samples may still arrive late until then. */
const SETTLE_MS = 10 * 60_000;
const CHUNK_MINUTES = 60;

const MINUTE = 60_000;
const HOUR = 3600_000;

/**
 * The metrics cache: raw samples for a short window plus 1-minute and 1-hour rollups.
 * The hot path (`write`) is one prepared insert per sample inside one transaction per batch;
 * rollups are set-based and run off the hot path (`rollup`), recomputing whole buckets so
 * late samples are absorbed and a crash mid-rollup loses nothing (raw is still there).
 */
export class MetricsStore {
  /** endpoint id -> series id per metric (by canonical index); no string building per sample. */
  private readonly seriesIds = new Map<string, Array<number | undefined>>();
  private readonly insertRaw: Database.Statement<[number, number, number]>;
  private readonly findSeries: Database.Statement<[string, string], { id: number }>;
  private readonly insertSeries: Database.Statement<[string, string], { id: number }>;
  private readonly writeBatch: (samples: readonly Sample[]) => void;
  readonly retention: Retention;

  constructor(
    private readonly db: Database.Database,
    retention: Partial<Retention> = defaultRetention,
  ) {
    this.retention = { ...defaultRetention, ...retention };
    this.insertRaw = db.prepare('INSERT OR REPLACE INTO metric_raw (series_id, ts, value) VALUES (?, ?, ?)');
    this.findSeries = db.prepare('SELECT id FROM metric_series WHERE endpoint_id = ? AND metric = ?');
    this.insertSeries = db.prepare(
      'INSERT INTO metric_series (endpoint_id, metric) VALUES (?, ?) RETURNING id',
    );
    this.writeBatch = db.transaction((samples: readonly Sample[]) => {
      for (let i = 0; i < samples.length; i++) {
        const s = samples[i]!;
        if (!Number.isFinite(s.value)) continue;
        this.insertRaw.run(this.seriesId(s.endpointId, s.metric), Math.round(s.ts), s.value);
      }
    });
  }

  seriesId(endpointId: string, metric: MetricName): number {
    let ids = this.seriesIds.get(endpointId);
    if (ids === undefined) this.seriesIds.set(endpointId, (ids = []));
    const index = metricIndex.get(metric)!;
    let id = ids[index];
    if (id === undefined) {
      id = (this.findSeries.get(endpointId, metric) ?? this.insertSeries.get(endpointId, metric))!.id;
      ids[index] = id;
    }
    return id;
  }

  /** Writes a batch in one transaction. Non-finite values (NaN from a 0/0 rate) are dropped. */
  write(samples: readonly Sample[]): void {
    if (samples.length > 0) this.writeBatch(samples);
  }

  /**
   * Rolls complete minutes of raw samples into metric_1m and complete hours of 1m into
   * metric_1h, then prunes each table past its retention. Idempotent; call every ~30 s.
   */
  rollup(now: number = Date.now()): void {
    const minuteEnd = Math.floor(now / MINUTE) * MINUTE;
    const hourEnd = Math.floor(now / HOUR) * HOUR;
    const since1m = this.watermark('metrics.rollup.1m', minuteEnd - this.retention.rawMs);
    const since1h = this.watermark('metrics.rollup.1h', hourEnd - this.retention.oneMinuteMs);
    this.db.transaction(() => {
      // Recompute from ten minutes back so samples that arrived late (a slow scrape, a
      // reconnecting source) are included; whole buckets are replaced, never added to.
      const from1m = Math.max(since1m - 10 * MINUTE, minuteEnd - this.retention.rawMs);
      this.db
        .prepare(
          `INSERT OR REPLACE INTO metric_1m (series_id, bucket, sum, count, min, max)
           SELECT series_id, (ts / ${MINUTE}) * ${MINUTE}, sum(value), count(*), min(value), max(value)
           FROM metric_raw WHERE ts >= ? AND ts < ? GROUP BY 1, 2`,
        )
        .run(from1m, minuteEnd);
      const from1h = Math.max(since1h - HOUR, hourEnd - this.retention.minuteRowsMs);
      this.db
        .prepare(
          `INSERT OR REPLACE INTO metric_1h (series_id, bucket, sum, count, min, max)
           SELECT series_id, (bucket / ${HOUR}) * ${HOUR}, sum(sum), sum(count), min(min), max(max)
           FROM metric_1m WHERE bucket >= ? AND bucket < ? GROUP BY 1, 2`,
        )
        .run(from1h, hourEnd);
      this.compactSettledHours(minuteEnd);
      this.db.prepare('DELETE FROM metric_raw WHERE ts < ?').run(now - this.retention.rawMs);
      this.db.prepare('DELETE FROM metric_1m WHERE bucket < ?').run(now - this.retention.minuteRowsMs);
      this.db.prepare('DELETE FROM metric_1m_chunk WHERE hour < ?').run(now - this.retention.oneMinuteMs);
      this.db.prepare('DELETE FROM metric_1h WHERE bucket < ?').run(now - this.retention.oneHourMs);
      this.setWatermark('metrics.rollup.1m', minuteEnd);
      this.setWatermark('metrics.rollup.1h', hourEnd);
    })();
  }

  /**
   * Packs each settled hour of 1-minute rows into one chunk per series (60 sum/count pairs).
   * An hour is settled SETTLE_MS after it ends; a sample later than that reaches the minute
   * rows but no longer the chunk.
   */
  private compactSettledHours(minuteEnd: number): void {
    const settledEnd = Math.floor((minuteEnd - SETTLE_MS) / HOUR) * HOUR;
    let hour = this.watermark(
      'metrics.chunk.1m',
      Math.floor((minuteEnd - this.retention.minuteRowsMs) / HOUR) * HOUR,
    );
    // Read in ranges of series: better-sqlite3 cannot write while a read is open on the same
    // connection, and an hour of 10,000 endpoints' series is too much to hold at once.
    const read = this.db
      .prepare(
        `SELECT series_id, bucket, sum, count FROM metric_1m
         WHERE series_id >= ? AND series_id < ? AND bucket >= ? AND bucket < ? ORDER BY series_id, bucket`,
      )
      .raw(true);
    const write = this.db.prepare(
      'INSERT OR REPLACE INTO metric_1m_chunk (series_id, hour, data) VALUES (?, ?, ?)',
    );
    const maxSeries = (
      this.db.prepare('SELECT coalesce(max(id), 0) AS n FROM metric_series').get() as { n: number }
    ).n;
    const RANGE = 1000;
    // At most two days per pass, so a long-closed console catches up without one huge stall.
    for (let n = 0; hour < settledEnd && n < 48; hour += HOUR, n++) {
      for (let first = 1; first <= maxSeries; first += RANGE) {
        const rows = read.all(first, first + RANGE, hour, hour + HOUR) as Array<
          [number, number, number, number]
        >;
        let series = -1;
        let pairs: Float64Array | null = null;
        for (const [id, bucket, sum, count] of rows) {
          if (id !== series) {
            if (pairs) write.run(series, hour, Buffer.from(pairs.buffer));
            series = id;
            pairs = new Float64Array(CHUNK_MINUTES * 2);
          }
          const m = Math.floor((bucket - hour) / MINUTE);
          pairs![m * 2] = sum;
          pairs![m * 2 + 1] = count;
        }
        if (pairs) write.run(series, hour, Buffer.from(pairs.buffer));
      }
    }
    // The next hour to pack: everything before it lives in chunks.
    this.setWatermark('metrics.chunk.1m', hour);
  }

  /**
   * Points for each endpoint, at most `maxPoints` each (about one per pixel). Reads the finest
   * table that still holds the start of the range, and stitches on what has not been rolled up
   * yet (1-hour buckets, then 1-minute, then raw past the watermarks), so the newest minutes
   * are never missing from a long-range chart.
   */
  series(query: SeriesQuery, now: number = Date.now()): SeriesResult[] {
    const span = Math.max(1, query.to - query.from);
    const maxPoints = Math.max(1, Math.floor(query.maxPoints));
    let resolution: Resolution;
    if (query.from >= now - this.retention.rawMs) resolution = 'raw';
    else if (query.from >= now - this.retention.oneMinuteMs) resolution = '1m';
    else resolution = '1h';
    const native = resolution === '1h' ? HOUR : resolution === '1m' ? MINUTE : 1;
    // Whole native buckets per step, so a point's bucket never straddles two rollup rows.
    const step = Math.ceil(Math.max(Math.ceil(span / maxPoints), native) / native) * native;
    const wm1m = this.watermark('metrics.rollup.1m', 0);
    const wm1h = this.watermark('metrics.rollup.1h', 0);
    const wmChunk = Math.min(this.watermark('metrics.chunk.1m', 0), wm1m);
    const to = query.to + 1;
    // Non-overlapping parts, oldest first: rolled-up tables up to their watermarks, raw after.
    const parts: Array<{
      table: 'metric_1h' | 'metric_1m_chunk' | 'metric_1m' | 'metric_raw';
      lo: number;
      hi: number;
    }> = [];
    if (resolution === '1h') {
      parts.push({ table: 'metric_1h', lo: query.from, hi: Math.min(to, wm1h) });
      parts.push({ table: 'metric_1m', lo: Math.max(query.from, wm1h), hi: Math.min(to, wm1m) });
      parts.push({ table: 'metric_raw', lo: Math.max(query.from, wm1m), hi: to });
    } else if (resolution === '1m') {
      parts.push({ table: 'metric_1m_chunk', lo: query.from, hi: Math.min(to, wmChunk) });
      parts.push({ table: 'metric_1m', lo: Math.max(query.from, wmChunk), hi: Math.min(to, wm1m) });
      parts.push({ table: 'metric_raw', lo: Math.max(query.from, wm1m), hi: to });
    } else {
      parts.push({ table: 'metric_raw', lo: query.from, hi: to });
    }
    const live = parts.filter((p) => p.hi > p.lo);
    return query.endpointIds.map((endpointId) => {
      const id = this.lookupSeries(endpointId, query.metric);
      const points: Array<[number, number]> = [];
      if (id !== undefined) {
        // [t, sum, count] per step from each part; a step straddling two parts is merged here.
        let lastT = Number.NaN;
        let lastS = 0;
        let lastC = 0;
        const emit = (t: number, sum: number, count: number) => {
          if (t === lastT) {
            lastS += sum;
            lastC += count;
            points[points.length - 1]![1] = lastS / lastC;
          } else {
            points.push([t, sum / count]);
            lastT = t;
            lastS = sum;
            lastC = count;
          }
        };
        for (const part of live) {
          if (part.table === 'metric_1m_chunk') this.readChunks(id, part.lo, part.hi, step, emit);
          else
            for (const [t, sum, count] of this.partStatement(part.table, step).all(id, part.lo, part.hi))
              emit(t, sum, count);
        }
      }
      return { endpointId, metric: query.metric, resolution, stepMs: step, points: points.slice(-maxPoints) };
    });
  }

  private chunkRead: Database.Statement<[number, number, number], [number, Buffer]> | null = null;

  /** Minutes from hourly chunks, each as (step start, sum, count); the caller merges steps. */
  private readChunks(
    seriesId: number,
    lo: number,
    hi: number,
    step: number,
    emit: (t: number, sum: number, count: number) => void,
  ): void {
    this.chunkRead ??= this.db
      .prepare<[number, number, number], [number, Buffer]>(
        'SELECT hour, data FROM metric_1m_chunk WHERE series_id = ? AND hour >= ? AND hour < ? ORDER BY hour',
      )
      .raw(true);
    for (const [hour, data] of this.chunkRead.all(seriesId, Math.floor(lo / HOUR) * HOUR, hi)) {
      // One aligned copy per chunk (SQLite's buffer need not be 8-byte aligned).
      const pairs = new Float64Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
      for (let m = 0; m < CHUNK_MINUTES; m++) {
        const count = pairs[m * 2 + 1]!;
        const t = hour + m * MINUTE;
        if (count === 0 || t < lo || t >= hi) continue;
        emit(step === MINUTE ? t : Math.floor(t / step) * step, pairs[m * 2]!, count);
      }
    }
  }

  private readonly partStatements = new Map<
    string,
    Database.Statement<[number, number, number], [number, number, number]>
  >();

  /**
   * One part of a series query, as [t, sum, count] rows. When the step is the table's own bucket
   * the rows are read as they are (no grouping: the common chart case, 1-minute points over a
   * day); otherwise buckets are grouped into steps in SQL.
   */
  private partStatement(table: 'metric_1h' | 'metric_1m' | 'metric_raw', step: number) {
    const key = `${table}:${step}`;
    let stmt = this.partStatements.get(key);
    if (!stmt) {
      const native = table === 'metric_1h' ? HOUR : table === 'metric_1m' ? MINUTE : 0;
      const sql =
        table === 'metric_raw'
          ? `SELECT (ts / ${step}) * ${step}, sum(value), count(*) FROM metric_raw
             WHERE series_id = ? AND ts >= ? AND ts < ? GROUP BY 1 ORDER BY 1`
          : step === native
            ? `SELECT bucket, sum, count FROM ${table} WHERE series_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket`
            : `SELECT (bucket / ${step}) * ${step}, sum(sum), sum(count) FROM ${table}
               WHERE series_id = ? AND bucket >= ? AND bucket < ? GROUP BY 1 ORDER BY 1`;
      stmt = this.db.prepare<[number, number, number], [number, number, number]>(sql).raw(true);
      this.partStatements.set(key, stmt);
    }
    return stmt;
  }

  /**
   * Endpoints ranked by their mean of `metric` over [from, to]: the fleet-wide "top N" used by
   * tables and the CLI. Reads 1-minute rollups, falling back to raw for the current minute.
   */
  top(metric: MetricName, from: number, to: number, limit: number, order: 'desc' | 'asc' = 'desc') {
    const dir = order === 'asc' ? 'ASC' : 'DESC';
    return this.db
      .prepare(
        `SELECT s.endpoint_id AS endpointId, sum(r.sum) / sum(r.count) AS value
         FROM metric_1m r JOIN metric_series s ON s.id = r.series_id
         WHERE s.metric = ? AND r.bucket >= ? AND r.bucket <= ?
         GROUP BY s.id ORDER BY value ${dir} LIMIT ?`,
      )
      .all(metric, from, to, limit) as Array<{ endpointId: string; value: number }>;
  }

  private lookupSeries(endpointId: string, metric: MetricName): number | undefined {
    const cached = this.seriesIds.get(endpointId)?.[metricIndex.get(metric)!];
    if (cached !== undefined) return cached;
    const row = this.findSeries.get(endpointId, metric);
    if (row) {
      let ids = this.seriesIds.get(endpointId);
      if (ids === undefined) this.seriesIds.set(endpointId, (ids = []));
      ids[metricIndex.get(metric)!] = row.id;
    }
    return row?.id;
  }

  private watermark(key: string, fallback: number): number {
    const row = this.db.prepare('SELECT value FROM app_meta WHERE key = ?').get(key) as
      { value: string } | undefined;
    return row ? Number(row.value) : fallback;
  }

  private setWatermark(key: string, value: number): void {
    this.db.prepare('INSERT OR REPLACE INTO app_meta (key, value) VALUES (?, ?)').run(key, String(value));
  }
}
