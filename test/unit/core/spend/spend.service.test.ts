import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sample } from '../../../../src/core/metrics/metrics.store';
import { projectMonth } from '../../../../src/core/spend/month-projection';
import { canonicalMetricNames } from '../../../../src/shared/fleet/metrics';
import { endpointOf, spendFixture, type EndpointSpec } from './spend-fixture';

const MIN = 60_000;
const HOUR = 3_600_000;
const TICK = 5_000;
// Local time (the spend day and month are the console machine's), half past noon.
const NOW = new Date(2026, 10, 26, 12, 30, 0).getTime();
const START = NOW - 3.5 * HOUR; // 09:00, on an hour boundary
const CHANGE = NOW - 90 * MIN; // 11:00

const fleetSpec: EndpointSpec[] = [
  { id: 'c1:serving:a', source: 'k8s-a', cluster: 'c1', model: 'llama', version: 'v1' },
  { id: 'c1:serving:b', source: 'k8s-a', cluster: 'c1', model: 'llama', version: 'v2' },
  {
    id: 'c2:serving:c',
    source: 'k8s-b',
    cluster: 'c2',
    model: 'llama',
    version: 'v1',
    gpus: 2,
    gpuType: 'H100',
  },
  { id: 'c2:serving:d', source: 'k8s-b', cluster: 'c2', model: 'mistral', version: 'v1', gpuType: null },
  // Leaves the fleet at 11:00; what it cost before still counts in its groups.
  { id: 'c3:serving:e', source: 'k8s-c', cluster: 'c3', model: 'llama', version: 'v3' },
];
/** USD/h per endpoint over time. */
const rates: Record<string, (t: number) => number> = {
  'c1:serving:a': () => 10,
  'c1:serving:b': (t) => (t < CHANGE ? 4 : 1),
  'c2:serving:c': () => 6,
  'c2:serving:d': (t) => (t < CHANGE ? 2 : 8),
  'c3:serving:e': () => 1,
};
const serves = (id: string) => id.startsWith('c1') || id === 'c2:serving:c';
const live = (id: string, t: number) => id !== 'c3:serving:e' || t < CHANGE;
const index = (name: (typeof canonicalMetricNames)[number]) => canonicalMetricNames.indexOf(name);

describe('the spend service (real SQLite file)', () => {
  let f: ReturnType<typeof spendFixture>;
  /** What each endpoint accrued, tick by tick, as the fleet service accrues spend_daily. */
  const accrued = new Map<string, number>();

  beforeEach(() => {
    f = spendFixture(fleetSpec, NOW);
    accrued.clear();
    // The core's ticks every 5 s: each delta carries the spend sampled at that tick (and the
    // latest token and request rates); samples also go to the metrics cache for the movers.
    let removed = false;
    for (let t = START; t < NOW; t += TICK) {
      const metrics: Record<string, Array<number | null>> = {};
      const samples: Sample[] = [];
      for (const [id, rate] of Object.entries(rates)) {
        if (!live(id, t)) continue;
        const values: Array<number | null> = canonicalMetricNames.map(() => null);
        // As the fleet sends it: the spend rate only when it moved (an unchanged fleet makes an
        // empty delta), token and request rates whenever a scrape brought them.
        const moved = t === START || rate(t) !== rate(t - TICK);
        if (moved) values[index('spend_per_hour')] = rate(t);
        if (serves(id)) {
          values[index('tokens_in_rate')] = 100;
          values[index('tokens_out_rate')] = 50;
          values[index('request_rate')] = 2;
        }
        if (moved || serves(id)) metrics[id] = values;
        samples.push({ endpointId: id, metric: 'spend_per_hour', ts: t, value: rate(t) });
        if (t > START) accrued.set(id, (accrued.get(id) ?? 0) + (rate(t) * TICK) / HOUR);
      }
      const gone = !removed && t >= CHANGE ? ['c3:serving:e'] : [];
      if (gone.length > 0) removed = true;
      f.metrics.write(samples);
      f.emit({
        event: 'fleet.delta',
        payload: { at: t, upserted: [], removed: gone, metrics, summary: {} } as never,
      });
    }
    f.clock.now = NOW;
  });
  afterEach(() => f.close());

  const sumOf = (ids: string[]) => ids.reduce((s, id) => s + (accrued.get(id) ?? 0), 0);
  const window24h = { from: NOW - 24 * HOUR, to: NOW, maxPoints: 288, maxGroups: 10 };

  it.each(['model', 'cluster', 'source', 'version'] as const)(
    'by %s: each group totals the accruals of its endpoints, and the groups the whole fleet',
    (groupBy) => {
      const o = f.service.overview({ ...window24h, groupBy });
      const keyOf = (e: EndpointSpec) =>
        groupBy === 'version' ? `${e.model} ${e.version}` : groupBy === 'source' ? e.source : e[groupBy];
      const members = new Map<string, string[]>();
      for (const e of fleetSpec) members.set(keyOf(e), [...(members.get(keyOf(e)) ?? []), e.id]);
      expect(o.groups.map((g) => g.key).sort()).toEqual([...members.keys()].sort());
      for (const g of o.groups) expect(g.totalUsd).toBeCloseTo(sumOf(members.get(g.key)!), 9);
      expect(o.totalUsd).toBeCloseTo(sumOf(Object.keys(rates)), 9);
      // Steps sized over what was recorded (09:00-12:30), not the empty hours before it.
      expect(o.dataFrom).toBe(START);
      expect(o.stepMs).toBe(MIN);
      expect(o.resolution).toBe('1m');
      const steps = o.groups[0]!.points.map(([t]) => t);
      expect(steps).toHaveLength(210);
      for (const g of o.groups) expect(g.points.map(([t]) => t)).toEqual(steps);
      // Stacked, each step is the fleet's spend per hour: the sum of the endpoints' rates.
      const stackedAt = (t: number) => o.groups.reduce((s, g) => s + g.points[steps.indexOf(t)]![1], 0);
      expect(stackedAt(START + HOUR)).toBeCloseTo(10 + 4 + 6 + 2 + 1, 9);
      expect(stackedAt(NOW - 30 * MIN)).toBeCloseTo(10 + 1 + 6 + 8, 9);
      expect(o.dataAt).toBe(NOW - TICK);
    },
  );

  it('reads 5-minute buckets for a day of data at 288 points', () => {
    f.clock.now = NOW + 20 * HOUR;
    const o = f.service.overview({
      from: f.clock.now - 24 * HOUR,
      to: f.clock.now,
      groupBy: 'model',
      maxPoints: 288,
      maxGroups: 10,
    });
    expect(o.resolution).toBe('5m');
    expect(o.stepMs).toBe(5 * MIN);
    expect(o.groups[0]!.points).toHaveLength(42);
    expect(o.totalUsd).toBeCloseTo(sumOf(Object.keys(rates)), 9);
  });

  it('labels sources by name and counts members', () => {
    const bySource = f.service.overview({ ...window24h, groupBy: 'source' });
    expect(bySource.groups.map((g) => g.label).sort()).toEqual([
      'Source k8s-a',
      'Source k8s-b',
      'Source k8s-c',
    ]);
    const byVersion = f.service.overview({ ...window24h, groupBy: 'version' });
    expect(byVersion.groups.find((g) => g.key === 'llama v1')!.members).toBe(2);
  });

  it('reads hourly buckets for long ranges and merges groups past maxGroups into one series', () => {
    // Three days on, the recorded hours are older than the 48 h of 5-minute buckets.
    f.clock.now = NOW + 72 * HOUR;
    const o = f.service.overview({
      from: f.clock.now - 7 * 24 * HOUR,
      to: f.clock.now,
      groupBy: 'version',
      maxPoints: 168,
      maxGroups: 2,
    });
    expect(o.resolution).toBe('1h');
    expect(o.stepMs).toBe(HOUR);
    expect(o.groups.map((g) => g.key)).toEqual(['llama v1', '__other__']);
    expect(o.groups[1]!.label).toBe('3 other versions');
    expect(o.totalUsd).toBeCloseTo(sumOf(Object.keys(rates)), 9);
    expect(o.groups[0]!.points.map(([t]) => t)).toEqual([
      START,
      START + HOUR,
      START + 2 * HOUR,
      START + 3 * HOUR,
    ]);
    const at10 = o.groups.reduce((sum, g) => sum + g.points[1]![1], 0);
    expect(at10).toBeCloseTo(10 + 4 + 6 + 2 + 1, 9);
  });

  it('is empty, not an error, with no spend data in the window', () => {
    const o = f.service.overview({
      from: NOW - 48 * HOUR,
      to: NOW - 30 * HOUR,
      groupBy: 'model',
      maxPoints: 100,
      maxGroups: 10,
    });
    expect(o.groups).toEqual([]);
    expect(o.totalUsd).toBe(0);
    expect(o.dataAt).toBeNull();
  });

  it('costs per 1k tokens and per 1k requests per model: spend over the window / tokens integrated', () => {
    const u = f.service.units({ from: NOW - 24 * HOUR, to: NOW });
    const llama = u.models.find((m) => m.model === 'llama')!;
    const spend = sumOf(['c1:serving:a', 'c1:serving:b', 'c2:serving:c', 'c3:serving:e']);
    const seconds = (NOW - START - TICK) / 1000;
    const tokens = 3 * 150 * seconds;
    const requests = 3 * 2 * seconds;
    expect(llama.spendUsd).toBeCloseTo(spend, 9);
    expect(llama.tokens).toBeCloseTo(tokens, 6);
    expect(llama.requests).toBeCloseTo(requests, 6);
    expect(llama.usdPer1kTokens).toBeCloseTo((spend / tokens) * 1000, 12);
    expect(llama.usdPer1kRequests).toBeCloseTo((spend / requests) * 1000, 12);
    expect(llama.endpoints).toBe(4);
    const mistral = u.models.find((m) => m.model === 'mistral')!;
    expect(mistral.usdPer1kTokens).toBeNull();
    expect(u.models[0]!.model).toBe('llama');
  });

  it("today: total from spend_daily, movers vs the start of today's data, projected month", () => {
    const put = f.db.prepare('INSERT INTO spend_daily (day, endpoint_id, usd) VALUES (?, ?, ?)');
    put.run('2026-11-26', 'c1:serving:a', 5);
    put.run('2026-11-26', 'c1:serving:b', 3);
    put.run('2026-11-01', 'c1:serving:a', 100);
    put.run('2026-10-31', 'c1:serving:a', 999);
    f.fleet.rate = 20;
    const t = f.service.today({ moversLimit: 5 });
    expect(t.day).toBe('2026-11-26');
    expect(t.totalUsd).toBe(8);
    expect(t.endpoints).toBe(2);
    expect(t.ratePerHour).toBe(20);
    expect(t.tickAt).toBe(NOW - TICK);
    // 09:00-09:10 baseline vs the newest sample; a and c are flat, e stopped reporting.
    expect(t.movers.up.map((m) => [m.name, m.baselineUsdPerHour, m.currentUsdPerHour])).toEqual([
      ['d', 2, 8],
    ]);
    expect(t.movers.up[0]!.changeRatio).toBeCloseTo(3, 9);
    expect(t.movers.up[0]!.baselineAt).toBe(START);
    expect(t.movers.down.map((m) => [m.name, m.changeUsdPerHour, m.model])).toEqual([['b', -3, 'llama']]);
    expect(t.movers.method).toMatch(/first 10 minutes/);
    const hoursLeft = (new Date(2026, 11, 1).getTime() - NOW) / HOUR;
    expect(t.projection.month).toBe('2026-11');
    expect(t.projection.monthToDateUsd).toBe(108);
    expect(t.projection.hoursLeft).toBeCloseTo(hoursLeft, 9);
    expect(t.projection.projectedUsd).toBeCloseTo(108 + 20 * hoursLeft, 9);
  });
});

describe('GPU-hours', () => {
  it('accrue by GPU type from the fleet ticks, following allocation changes, not across gaps', () => {
    const f = spendFixture(fleetSpec.slice(0, 4), NOW);
    try {
      const delta = (at: number, upserted: ReturnType<typeof f.fleet.all> = []) => ({
        event: 'fleet.delta' as const,
        payload: { at, upserted, removed: [], metrics: {}, summary: {} } as never,
      });
      f.emit(delta(NOW)); // seeds allocations; nothing before the first tick is charged
      f.emit(delta(NOW + 5_000));
      f.emit(delta(NOW + 10_000));
      const c = endpointOf(fleetSpec[2]!);
      f.emit(delta(NOW + 15_000, [{ ...c, gpus: 4 }]));
      f.emit(delta(NOW + 25_000));
      f.emit(delta(NOW + 25_000 + 10 * MIN)); // a suspended machine: not GPU time
      const g = f.service.gpus({ from: NOW - HOUR, to: NOW + HOUR });
      const hours = Object.fromEntries(g.byType.map((r) => [r.gpuType, r.gpuHours]));
      // a and b: one A100 each; c: 2 H100 for 15 s then 4 for 10 s; d: one GPU of unknown type.
      expect(hours['NVIDIA-A100-SXM4-80GB']).toBeCloseTo((2 * 25) / 3600, 12);
      expect(hours.H100).toBeCloseTo((2 * 15 + 4 * 10) / 3600, 12);
      expect(hours['unknown GPU']).toBeCloseTo(25 / 3600, 12);
      expect(g.recordingSince).toBe(Math.floor(NOW / HOUR) * HOUR);
      expect(g.dataAt).toBe(NOW + 25_000 + 10 * MIN);
    } finally {
      f.close();
    }
  });
});

describe('the month projection', () => {
  it('adds the current rate for every hour left until the 1st of next month, local time', () => {
    const now = new Date(2026, 1, 27, 6, 0, 0).getTime();
    const p = projectMonth(now, 1000, 10);
    const left = (new Date(2026, 2, 1).getTime() - now) / HOUR;
    expect(p.month).toBe('2026-02');
    expect(p.firstDay).toBe('2026-02-01');
    expect(p.hoursLeft).toBeCloseTo(left, 9);
    expect(p.projectedUsd).toBeCloseTo(1000 + 10 * left, 9);
    expect(p.method).toMatch(/Month to date/);
    expect(projectMonth(new Date(2026, 11, 31, 23, 59, 59, 999).getTime() + 1, 5, 100).hoursLeft).toBeCloseTo(
      31 * 24,
      6,
    );
  });
});
