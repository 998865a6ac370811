import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src/core/log/logger';
import { MetricsStore, type Sample } from '../../../../src/core/metrics/metrics.store';
import { openStore, type Store } from '../../../../src/core/store/database';
import { freshDir } from '../../../support/tmp';

const MIN = 60_000;
const HOUR = 3600_000;
// A fixed "now" on an hour boundary plus 30 minutes, so buckets are easy to reason about.
const NOW = Date.UTC(2026, 10, 26, 12, 30, 0);

describe('the metrics cache', () => {
  let store: Store;
  let metrics: MetricsStore;
  let cleanup: () => void;
  beforeEach(() => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    store = openStore({ dataDir: tmp.dir, log: silentLogger });
    metrics = new MetricsStore(store.db);
  });
  afterEach(() => {
    store.close();
    cleanup();
  });

  const everyFifteenSeconds = (
    endpointId: string,
    from: number,
    to: number,
    f: (t: number) => number,
  ): Sample[] => {
    const out: Sample[] = [];
    for (let t = from; t < to; t += 15_000)
      out.push({ endpointId, metric: 'latency_p95', ts: t, value: f(t) });
    return out;
  };

  it('returns raw points for a short range, bounded to maxPoints, averaging within each step', () => {
    metrics.write(everyFifteenSeconds('a', NOW - 15 * MIN, NOW, (t) => (t - (NOW - 15 * MIN)) / 1000));
    const [a] = metrics.series(
      { endpointIds: ['a'], metric: 'latency_p95', from: NOW - 15 * MIN, to: NOW, maxPoints: 1000 },
      NOW,
    );
    expect(a!.resolution).toBe('raw');
    expect(a!.points).toHaveLength(60);
    const [coarse] = metrics.series(
      { endpointIds: ['a'], metric: 'latency_p95', from: NOW - 15 * MIN, to: NOW, maxPoints: 10 },
      NOW,
    );
    expect(coarse!.points.length).toBeLessThanOrEqual(10);
    expect(coarse!.points.length).toBeGreaterThanOrEqual(9);
    // Each coarse point is the mean of the raw values in its step.
    const step = coarse!.stepMs;
    const [t0, v0] = coarse!.points[1]!;
    const inStep = a!.points.filter(([t]) => t >= t0 && t < t0 + step).map(([, v]) => v);
    expect(v0).toBeCloseTo(inStep.reduce((x, y) => x + y, 0) / inStep.length, 6);
  });

  it('rolls raw samples into 1-minute and 1-hour buckets, and serves 24 h from the 1-minute table', () => {
    metrics.write(everyFifteenSeconds('a', NOW - 2 * HOUR, NOW, () => 2));
    metrics.write(everyFifteenSeconds('a', NOW - 30 * MIN, NOW, () => 2)); // same timestamps: replaced, not doubled
    metrics.rollup(NOW);
    const oneMinute = store.db.prepare('SELECT count(*) AS n, sum(count) AS c FROM metric_1m').get() as {
      n: number;
      c: number;
    };
    expect(oneMinute.n).toBe(120);
    expect(oneMinute.c).toBe(480);
    const oneHour = store.db.prepare('SELECT bucket, sum, count FROM metric_1h ORDER BY bucket').all();
    expect(oneHour).toEqual([
      // 10:00 holds 10:30-11:00 (half an hour of samples), 11:00 is whole; 12:00 is not over.
      { bucket: NOW - 30 * MIN - 2 * HOUR, sum: 240, count: 120 },
      { bucket: NOW - 30 * MIN - HOUR, sum: 480, count: 240 },
    ]);
    const [day] = metrics.series(
      { endpointIds: ['a'], metric: 'latency_p95', from: NOW - 24 * HOUR, to: NOW, maxPoints: 1440 },
      NOW,
    );
    expect(day!.resolution).toBe('1m');
    // 120 rolled-up minutes; nothing past the watermark yet.
    expect(day!.points).toHaveLength(120);
    expect(day!.points.every(([, v]) => v === 2)).toBe(true);
  });

  it('is idempotent and absorbs late samples on the next rollup', () => {
    metrics.write(everyFifteenSeconds('a', NOW - 10 * MIN, NOW - 5 * MIN, () => 1));
    metrics.rollup(NOW);
    metrics.rollup(NOW);
    const before = store.db.prepare('SELECT sum(count) AS c FROM metric_1m').get() as { c: number };
    expect(before.c).toBe(20);
    // A sample for a minute already rolled up arrives late.
    metrics.write([{ endpointId: 'a', metric: 'latency_p95', ts: NOW - 6 * MIN + 1, value: 9 }]);
    metrics.rollup(NOW + 10_000);
    const row = store.db.prepare('SELECT sum, count FROM metric_1m WHERE bucket = ?').get(NOW - 6 * MIN) as {
      sum: number;
      count: number;
    };
    expect(row).toEqual({ sum: 13, count: 5 });
  });

  it('stitches samples not yet rolled up onto a long-range chart', () => {
    metrics.write(everyFifteenSeconds('a', NOW - 2 * HOUR, NOW - 10 * MIN, () => 1));
    metrics.rollup(NOW - 10 * MIN);
    metrics.write(everyFifteenSeconds('a', NOW - 10 * MIN, NOW, () => 5));
    const [day] = metrics.series(
      { endpointIds: ['a'], metric: 'latency_p95', from: NOW - 24 * HOUR, to: NOW, maxPoints: 1440 },
      NOW,
    );
    expect(day!.resolution).toBe('1m');
    expect(day!.points.at(-1)).toEqual([NOW - MIN, 5]);
    // 110 rolled-up minutes plus 10 minutes still only in raw.
    expect(day!.points).toHaveLength(120);
  });

  it('packs settled hours into one chunk per series, and answers from chunks once minute rows are gone', () => {
    metrics.write(everyFifteenSeconds('a', NOW - 2 * HOUR, NOW, (t) => (t - NOW) / 1000));
    // Other series too: packing must handle many (and write while it reads), each its own chunk.
    for (const other of ['b', 'c']) metrics.write(everyFifteenSeconds(other, NOW - 2 * HOUR, NOW, () => 1));
    metrics.rollup(NOW);
    expect(store.db.prepare('SELECT count(*) AS n FROM metric_1m_chunk').get()).toEqual({ n: 6 });
    // 10:30-12:30 of data at 12:30: the 10:00 and 11:00 hours have settled; 12:00 has not.
    const chunks = store.db
      .prepare('SELECT hour, length(data) AS bytes FROM metric_1m_chunk WHERE series_id = ? ORDER BY hour')
      .all(metrics.seriesId('a', 'latency_p95'));
    expect(chunks).toEqual([
      { hour: NOW - 30 * MIN - 2 * HOUR, bytes: 960 },
      { hour: NOW - 30 * MIN - HOUR, bytes: 960 },
    ]);
    const [fresh] = metrics.series(
      { endpointIds: ['a'], metric: 'latency_p95', from: NOW - 24 * HOUR, to: NOW, maxPoints: 1440 },
      NOW,
    );

    // A day later the minute rows of those hours are pruned; the chunks still answer, the same.
    const later = NOW + 25 * HOUR;
    const kept = new MetricsStore(store.db, { rawMs: 2 * HOUR, minuteRowsMs: 26 * HOUR });
    kept.rollup(later);
    store.db.prepare('DELETE FROM metric_1m').run();
    const [fromChunks] = kept.series(
      { endpointIds: ['a'], metric: 'latency_p95', from: NOW - 3 * HOUR, to: NOW, maxPoints: 1440 },
      later,
    );
    // (By then the 12:00 hour has settled too: the chunks hold all 120 minutes.)
    expect(fromChunks!.points).toEqual(fresh!.points);
    // And at coarser steps the chunk minutes are merged into steps by weight.
    const [coarse] = kept.series(
      { endpointIds: ['a'], metric: 'latency_p95', from: NOW - 3 * HOUR, to: NOW - 30 * MIN, maxPoints: 12 },
      later,
    );
    const step = coarse!.stepMs;
    const inFirst = fromChunks!.points.filter(
      ([t]) => t >= coarse!.points[1]![0] && t < coarse!.points[1]![0] + step,
    );
    expect(coarse!.points[1]![1]).toBeCloseTo(inFirst.reduce((x, [, v]) => x + v, 0) / inFirst.length, 9);
  });

  it('prunes each table past its retention', () => {
    const short = new MetricsStore(store.db, { rawMs: 30 * MIN, oneMinuteMs: 2 * HOUR, oneHourMs: 4 * HOUR });
    short.write(everyFifteenSeconds('a', NOW - 3 * HOUR, NOW, () => 1));
    short.rollup(NOW);
    const oldestRaw = store.db.prepare('SELECT min(ts) AS t FROM metric_raw').get() as { t: number };
    expect(oldestRaw.t).toBeGreaterThanOrEqual(NOW - 30 * MIN);
  });

  it('ranks endpoints by their mean over a window', () => {
    for (const [id, v] of [
      ['slow', 3],
      ['fast', 0.2],
      ['mid', 1],
    ] as const) {
      metrics.write(everyFifteenSeconds(id, NOW - 30 * MIN, NOW, () => v));
    }
    metrics.rollup(NOW);
    expect(metrics.top('latency_p95', NOW - HOUR, NOW, 2)).toEqual([
      { endpointId: 'slow', value: 3 },
      { endpointId: 'mid', value: 1 },
    ]);
  });

  it('answers an endpoint with no data with an empty series, and drops NaN samples', () => {
    metrics.write([{ endpointId: 'a', metric: 'error_rate', ts: NOW, value: Number.NaN }]);
    const [none] = metrics.series(
      { endpointIds: ['nobody'], metric: 'latency_p95', from: NOW - HOUR, to: NOW, maxPoints: 100 },
      NOW,
    );
    expect(none!.points).toEqual([]);
    expect(store.db.prepare('SELECT count(*) AS n FROM metric_raw').get()).toEqual({ n: 0 });
  });
});
