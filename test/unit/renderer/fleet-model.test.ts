import { describe, expect, it } from 'vitest';
import type { Endpoint, HealthStatus } from '../../../src/shared/contract/index';
import {
  formatCount,
  incidentLine,
  incidentsByRegion,
  markChange,
  placeRegions,
  symbolSize,
  type RegionMark,
} from '../../../src/renderer/views/fleet/fleet-model';
import { buildTopology } from '../../../src/renderer/views/fleet/fleet-topology-model';
import {
  endpointHash,
  endpointsHash,
  fleetHash,
  parseFleetParams,
} from '../../../src/renderer/views/fleet/fleet-url';
import regions from '../../../resources/map/regions.json';
import { RegionTally } from '../../../src/shared/fleet/region-figures';

let n = 0;
function endpoint(
  over: Partial<Endpoint> & { status?: HealthStatus; rate?: number; spend?: number } = {},
): Endpoint {
  const { status = 'ok', rate = 1, spend = 2, ...rest } = over;
  n += 1;
  return {
    id: `c:ns:e${n}`,
    name: `e${n}`,
    model: 'llama',
    version: 'v1',
    source: 'demo',
    sourceKind: 'kubernetes',
    cluster: 'prod',
    region: 'us-east-1',
    namespace: 'ns',
    runtime: 'vllm',
    target: { kind: 'Deployment', name: `e${n}` },
    group: null,
    trafficPercent: null,
    replicas: { desired: 1, ready: 1 },
    gpus: 1,
    gpuType: null,
    nodes: [],
    hourlyPriceUsd: spend,
    spendTodayUsd: 0,
    url: null,
    health: { status, reason: '', since: null },
    metrics: {
      request_rate: { value: rate, at: 1 },
      error_rate: { value: status === 'critical' ? 0.5 : 0, at: 1 },
    },
    missingMetrics: [],
    freshness: { state: 'live', at: 1 },
    ...rest,
  };
}

/** The core's tally (fleet.service summary) of these endpoints, placed as the map shows it. */
const mapRegions = (list: Endpoint[]) => {
  const tally = new RegionTally();
  for (const e of list)
    tally.add({
      region: e.region,
      cluster: e.cluster,
      source: e.source,
      status: e.health.status,
      requestRate: e.metrics.request_rate?.value ?? 0,
      spendPerHour: e.hourlyPriceUsd ?? 0,
      gpus: e.gpus,
      errorRate: e.metrics.error_rate?.value,
    });
  return placeRegions(tally.figures(), regions);
};

describe('fleet-model: regions for the map', () => {
  it('counts every endpoint once per region, worst health wins, unknown regions are kept off the map', () => {
    const list = [
      endpoint({ region: 'us-east-1', status: 'ok', rate: 10 }),
      endpoint({ region: 'us-east-1', status: 'critical', rate: 10, cluster: 'b' }),
      endpoint({ region: 'europe-west4', status: 'warning' }),
      endpoint({ region: 'europe-west4', status: 'unknown' }),
      endpoint({ region: 'mars-north-1', status: 'ok' }),
      endpoint({ region: '', status: 'ok', metrics: {} }),
    ];
    const out = mapRegions(list);
    expect(out.map((r) => r.region)).toEqual(['europe-west4', 'mars-north-1', 'unknown', 'us-east-1']);
    const east = out.find((r) => r.region === 'us-east-1')!;
    expect(east.worst).toBe('critical');
    expect(east.label).toBe(regions['us-east-1'].label);
    expect(east.place).toEqual({ lat: regions['us-east-1'].lat, lon: regions['us-east-1'].lon });
    expect(east.health).toEqual({ ok: 1, warning: 0, critical: 1, unknown: 0, total: 2 });
    expect(east.requestRate).toBe(20);
    expect(east.spendPerHour).toBe(4);
    expect(east.gpus).toBe(2);
    // Weighted by traffic: 0.5 on 10 rps and 0 on 10 rps.
    expect(east.errorRate).toBeCloseTo(0.25);
    expect(east.clusters.map((c) => [c.cluster, c.health.total, c.requestRate])).toEqual([
      ['b', 1, 10],
      ['prod', 1, 10],
    ]);
    expect(out.find((r) => r.region === 'europe-west4')!.worst).toBe('warning');
    expect(out.find((r) => r.region === 'mars-north-1')!.place).toBeNull();
    expect(out.find((r) => r.region === 'mars-north-1')!.label).toBe('mars-north-1');
    // An endpoint reporting no error rate leaves its region's rate unknown, not 0.
    expect(out.find((r) => r.region === 'unknown')!.errorRate).toBeNull();
    expect(out.reduce((s, r) => s + r.health.total, 0)).toBe(list.length);
  });

  it('places every region the demo fleets use', () => {
    for (const code of [
      'us-east-1',
      'us-east-2',
      'us-west-2',
      'europe-west4',
      'germanywestcentral',
      'asia-northeast1',
      'eu-west-1',
    ])
      expect(regions).toHaveProperty(code);
  });

  it('sizes symbols by the square root of traffic with a floor', () => {
    expect(symbolSize(0, 100)).toBe(14);
    expect(symbolSize(100, 100)).toBe(44);
    expect(symbolSize(25, 100)).toBeCloseTo(14 + 30 * 0.5);
  });

  it('tells a change in health from a traffic-only resize from nothing the map would show', () => {
    const mark = (over: Partial<RegionMark> = {}): RegionMark => ({
      region: 'us-east-1',
      label: 'N. Virginia',
      lon: -77,
      lat: 38,
      size: 20,
      worst: 'ok',
      healthLine: 'OK',
      incidentLine: '',
      position: 'right',
      ...over,
    });
    expect(markChange(null, [mark()])).toBe('health');
    expect(markChange([mark()], [mark({ size: 20.4 })])).toBe('none');
    expect(markChange([mark()], [mark({ size: 21.2 })])).toBe('traffic');
    expect(markChange([mark()], [mark({ worst: 'critical', healthLine: '3 critical' })])).toBe('health');
    expect(markChange([mark({ healthLine: '3 critical' })], [mark({ healthLine: '4 critical' })])).toBe(
      'health',
    );
    expect(markChange([mark()], [mark(), mark({ region: 'eu-west-1' })])).toBe('health');
    // An incident opening on a region's endpoints shows at once.
    expect(markChange([mark()], [mark({ incidentLine: 'SEV2 incident' })])).toBe('health');
  });

  it('counts each active incident once per region it touches, keeping the worst to link to', () => {
    const regionOf = (id: string) =>
      ({ a1: 'us-east-1', a2: 'us-east-1', b1: 'eu-west-1', gone: undefined })[id];
    const byRegion = incidentsByRegion(
      new Map([
        ['a1', { id: 'inc-1', severity: 'sev3' as const }],
        ['a2', { id: 'inc-1', severity: 'sev3' as const }],
        ['b1', { id: 'inc-2', severity: 'sev1' as const }],
        ['gone', { id: 'inc-3', severity: 'sev1' as const }],
      ]),
      regionOf,
    );
    expect([...byRegion]).toEqual([
      ['us-east-1', { count: 1, worst: 'sev3', firstId: 'inc-1' }],
      ['eu-west-1', { count: 1, worst: 'sev1', firstId: 'inc-2' }],
    ]);
    const both = incidentsByRegion(
      new Map([
        ['a1', { id: 'inc-1', severity: 'sev3' as const }],
        ['a2', { id: 'inc-4', severity: 'sev2' as const }],
      ]),
      regionOf,
    );
    expect(both.get('us-east-1')).toEqual({ count: 2, worst: 'sev2', firstId: 'inc-4' });
    expect(incidentLine(both.get('us-east-1'))).toBe('2 incidents, worst SEV2');
    expect(incidentLine(byRegion.get('eu-west-1'))).toBe('SEV1 incident');
    expect(incidentLine(undefined)).toBe('');
  });
});

describe('fleet-topology-model', () => {
  it('nests source > cluster > model > version > endpoint with health and ids stable by path', () => {
    const list = [
      endpoint({ cluster: 'a', model: 'm', version: 'v1' }),
      endpoint({ cluster: 'a', model: 'm', version: 'v2', status: 'critical' }),
      endpoint({ cluster: 'b', model: 'm', version: 'v1', rate: 0 }),
    ];
    const tree = buildTopology(list, 'traffic');
    expect(tree.counts).toEqual({ ok: 2, warning: 0, critical: 1, unknown: 0, total: 3 });
    expect(tree.leaves).toBe(3);
    const [source] = tree.roots;
    expect(source!.id).toBe('s:demo');
    expect(source!.health).toBe('critical');
    const a = source!.children![0]!;
    expect(a.id).toBe('s:demo/c:a');
    expect(a.children![0]!.children!.map((v) => v.id)).toEqual([
      's:demo/c:a/m:m/v:v1',
      's:demo/c:a/m:m/v:v2',
    ]);
    const leaf = a.children![0]!.children![1]!.children![0]!;
    expect(leaf.endpointId).toBe(list[1]!.id);
    // An idle endpoint still gets a (small) rectangle.
    const idle = source!.children![1]!.children![0]!.children![0]!.children![0]!;
    expect(idle.value).toBeGreaterThan(0);
    // Sized by spend when asked.
    expect(buildTopology(list, 'spend').roots[0]!.spendPerHour).toBe(6);
  });

  it('folds small endpoints into "N more" but keeps unhealthy ones visible and counts all', () => {
    const list = Array.from({ length: 100 }, (_, i) =>
      endpoint({ rate: 100 - i, status: i === 99 ? 'critical' : 'ok' }),
    );
    const tree = buildTopology(list, 'traffic', 10);
    const version = tree.roots[0]!.children![0]!.children![0]!.children![0]!;
    const leaves = version.children!.filter((c) => c.level === 'endpoint');
    const more = version.children!.find((c) => c.level === 'more')!;
    expect(leaves).toHaveLength(11);
    expect(leaves.some((l) => l.health === 'critical')).toBe(true);
    expect(more.counts.total).toBe(89);
    expect(tree.counts.total).toBe(100);
  });

  it('handles 10,000 endpoints', () => {
    const list = Array.from({ length: 10_000 }, (_, i) =>
      endpoint({
        cluster: `c${i % 6}`,
        model: `m${i % 20}`,
        version: `v${i % 3}`,
        region: `us-east-${(i % 2) + 1}`,
      }),
    );
    const tree = buildTopology(list, 'traffic');
    const regionsOut = mapRegions(list);
    expect(tree.counts.total).toBe(10_000);
    expect(regionsOut).toHaveLength(2);
  });
});

describe('fleet-url', () => {
  it('round-trips the panel and size through the hash, leaving defaults out', () => {
    expect(parseFleetParams('#/fleet')).toEqual({ panel: 'map', size: 'traffic' });
    expect(parseFleetParams('#/fleet?view=topology&size=spend')).toEqual({
      panel: 'topology',
      size: 'spend',
    });
    expect(parseFleetParams('#/fleet?view=nonsense&size=x')).toEqual({ panel: 'map', size: 'traffic' });
    expect(fleetHash({ panel: 'map', size: 'traffic' })).toBe('#/fleet');
    expect(fleetHash({ panel: 'topology', size: 'spend' })).toBe('#/fleet?view=topology&size=spend');
  });

  it('builds drill-down links the Endpoints view reads', () => {
    expect(endpointsHash({ region: 'us-east-1' })).toBe('#/endpoints?region=us-east-1');
    expect(endpointHash('prod:ns:a b')).toBe('#/endpoints/prod%3Ans%3Aa%20b');
  });
});

describe('fleet header figures', () => {
  it('keeps large figures short and says how fresh they are', async () => {
    const { headerFigure, figureFreshness } = await import('../../../src/renderer/views/fleet/FleetHeader');
    expect(headerFigure('requests', 141_976.5)).toBe('142k req/s');
    expect(headerFigure('requests', 12.5)).toBe('12.5 req/s');
    expect(headerFigure('spendHour', 136_991.2)).toBe('$136,991/h');
    expect(headerFigure('spendToday', 5_921.48)).toBe('$5,921.48');
    const at = new Date(2026, 0, 1, 14, 2).getTime();
    const base = {
      connected: true,
      lastDeltaAt: at,
      now: at + 1000,
      staleAfterSeconds: 60,
      timeFormat: '24h' as const,
    };
    expect(figureFreshness({ ...base, summary: { state: 'live', at } })).toEqual({
      kind: 'live',
      label: 'live',
    });
    expect(figureFreshness({ ...base, now: at + 120_000, summary: { state: 'live', at } }).label).toBe(
      'stale since 14:02',
    );
    expect(figureFreshness({ ...base, connected: false, summary: { state: 'live', at } }).label).toBe(
      'offline since 14:02',
    );
    expect(
      figureFreshness({ ...base, lastDeltaAt: null, summary: { state: 'unknown', at: null } }).kind,
    ).toBe('none');
  });
});

describe('fleet-model: counts in words', () => {
  it('writes counts as toLocaleString en-US does', () => {
    for (const n of [0, 7, 999, 1000, 10_000, 1_234_567])
      expect(formatCount(n)).toBe(n.toLocaleString('en-US'));
    expect(formatCount(10_000)).toBe('10,000');
  });
});
