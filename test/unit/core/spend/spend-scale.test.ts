import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalMetricNames } from '../../../../src/shared/fleet/metrics';
import type { Endpoint } from '../../../../src/shared/contract/fleet.schema';
import { spendFixture } from './spend-fixture';

const HOUR = 3_600_000;
const N = 10_000;
const NOW = new Date(2026, 10, 26, 12, 30, 0).getTime();

const dims = (i: number) => ({
  source: `src-${i % 3}`,
  cluster: `cluster-${i % 5}`,
  model: `model-${i % 20}`,
  version: `v${i % 3}`,
});

/**
 * Issue 4: "fast at 10,000 endpoints". A real SQLite file with 10,000 endpoints, 30 days of
 * hourly and 48 h of 5-minute spend rollups for every group, and spend samples per endpoint;
 * each read of the Spend view and each tick's accrual must stay well inside a frame budget of
 * the core's one thread (the limits are loose for slow CI machines; the log shows the times).
 */
describe('spend at 10,000 endpoints', () => {
  let f: ReturnType<typeof spendFixture>;
  beforeAll(() => {
    f = spendFixture([], NOW);
    const db = f.db;
    const put = db.prepare(
      'INSERT INTO spend_rollup (width, dim, bucket, key, usd, tokens, requests, covered_ms, endpoints) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const keys: Record<string, string[]> = {
      source: ['src-0', 'src-1', 'src-2'],
      cluster: [0, 1, 2, 3, 4].map((i) => `cluster-${i}`),
      model: Array.from({ length: 20 }, (_, i) => `model-${i}`),
      version: Array.from({ length: 60 }, (_, i) => `model-${i % 20} v${i % 3}`),
      fleet: [''],
    };
    db.transaction(() => {
      for (const [width, span] of [
        [HOUR, 30 * 24 * HOUR],
        [5 * 60_000, 48 * HOUR],
      ] as const) {
        for (let b = Math.floor((NOW - span) / width) * width; b < NOW; b += width)
          for (const [dim, list] of Object.entries(keys))
            for (const key of list)
              put.run(width, dim, b, key, width / HOUR, 1e6, 1e3, width, Math.round(N / list.length));
      }
      const series = db.prepare(
        "INSERT INTO metric_series (id, endpoint_id, metric) VALUES (?, ?, 'spend_per_hour')",
      );
      const raw = db.prepare('INSERT INTO metric_raw (series_id, ts, value) VALUES (?, ?, ?)');
      for (let i = 0; i < N; i++) {
        series.run(i + 1, `e${i}`);
        for (let t = NOW - 20 * 60_000; t < NOW; t += 60_000)
          raw.run(i + 1, t, 1 + (i % 7) * (t > NOW - 5 * 60_000 ? 2 : 1));
      }
    })();
  }, 120_000);
  afterAll(() => f.close());

  const timed = <T>(label: string, fn: () => T): [T, number] => {
    const t0 = performance.now();
    const result = fn();
    const ms = performance.now() - t0;
    console.log(`${label}: ${ms.toFixed(1)} ms`);
    return [result, ms];
  };

  it.each([
    ['24h', 24 * HOUR, 288],
    ['7d', 7 * 24 * HOUR, 168],
    ['30d', 30 * 24 * HOUR, 720],
  ] as const)('reads the %s overview and unit costs in well under a second', (label, ms, maxPoints) => {
    const [o, overviewMs] = timed(`overview ${label}`, () =>
      f.service.overview({ from: NOW - ms, to: NOW, groupBy: 'version', maxPoints, maxGroups: 8 }),
    );
    expect(o.groups).toHaveLength(8);
    expect(o.groups[0]!.points.length).toBeLessThanOrEqual(maxPoints + 1);
    expect(overviewMs).toBeLessThan(250);
    const [u, unitsMs] = timed(`units ${label}`, () => f.service.units({ from: NOW - ms, to: NOW }));
    expect(u.models).toHaveLength(20);
    expect(unitsMs).toBeLessThan(250);
  });

  it("computes today's movers from 10,000 endpoints' samples", () => {
    const [t, ms] = timed('today', () => f.service.today({ moversLimit: 5 }));
    expect(t.movers.up).toHaveLength(5);
    expect(ms).toBeLessThan(1500);
    // Baselines are settled after their first ten minutes and kept for the day.
    const [again, cachedMs] = timed('today, baselines cached', () => f.service.today({ moversLimit: 5 }));
    expect(again.movers.up).toEqual(t.movers.up);
    expect(cachedMs).toBeLessThan(400);
  });

  it('accrues one tick of 10,000 endpoints in a few milliseconds', () => {
    const endpoints = Array.from(
      { length: N },
      (_, i) => ({ id: `e${i}`, ...dims(i), gpus: 1, gpuType: 'L4' }) as Endpoint,
    );
    const values = canonicalMetricNames.map((m) => (m === 'spend_per_hour' ? 2 : 10));
    const metrics = Object.fromEntries(endpoints.map((e) => [e.id, values]));
    f.fleet.all = () => endpoints;
    const tick = (at: number) =>
      f.emit({
        event: 'fleet.delta',
        payload: { at, upserted: [], removed: [], metrics, summary: {} } as never,
      });
    tick(NOW);
    const [, ms] = timed('tick', () => tick(NOW + 5_000));
    expect(ms).toBeLessThan(100);
    const g = f.service.gpus({ from: NOW - HOUR, to: NOW + HOUR });
    expect(g.byType).toEqual([{ gpuType: 'L4', gpuHours: (N * 5) / 3600 }]);
  });
});
