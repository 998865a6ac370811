import { describe, expect, it } from 'vitest';
import type { Endpoint, HealthStatus } from '../../../src/shared/contract/index';
import { deriveRows } from '../../../src/renderer/views/endpoints/endpoint-rows';
import {
  DEFAULT_TABLE_STATE,
  emptyFacets,
  type TableState,
} from '../../../src/renderer/views/endpoints/url-state';

function endpoint(
  id: string,
  o: { model?: string; region?: string; cluster?: string; health?: HealthStatus; p95?: number; rps?: number },
): Endpoint {
  return {
    id,
    name: id,
    model: o.model ?? 'm1',
    version: 'v1',
    source: 'demo',
    sourceKind: 'kubernetes',
    cluster: o.cluster ?? 'c1',
    region: o.region ?? 'r1',
    namespace: 'ns',
    runtime: 'vllm',
    target: { kind: 'Deployment', name: id },
    group: null,
    trafficPercent: null,
    replicas: { desired: 1, ready: 1 },
    gpus: 1,
    gpuType: null,
    nodes: [],
    hourlyPriceUsd: 2,
    spendTodayUsd: 0,
    url: null,
    health: { status: o.health ?? 'ok', reason: 'within SLO', since: 0 },
    metrics: {
      ...(o.p95 === undefined ? {} : { latency_p95: { value: o.p95, at: 0 } }),
      ...(o.rps === undefined ? {} : { request_rate: { value: o.rps, at: 0 } }),
    },
    missingMetrics: [],
    freshness: { state: 'live', at: 0 },
  };
}

const fleet = [
  endpoint('a', { model: 'llama', region: 'us-east-1', health: 'critical', p95: 3, rps: 10 }),
  endpoint('b', { model: 'llama', region: 'eu-west-1', health: 'ok', p95: 1, rps: 5 }),
  endpoint('c', { model: 'qwen', region: 'us-east-1', health: 'warning' }),
  endpoint('d', { model: 'qwen', region: 'us-east-1', health: 'ok', p95: 2, rps: 1 }),
];
const state = (patch: Partial<TableState>): TableState => ({
  ...DEFAULT_TABLE_STATE,
  facets: emptyFacets(),
  ...patch,
});
const ids = (s: TableState) =>
  deriveRows(fleet, s).rows.map((r) => (r.kind === 'endpoint' ? r.endpoint.id : `[${r.key}]`));

describe('endpoint rows', () => {
  it('sorts by a figure either way, with missing values last both times', () => {
    expect(ids(state({ sort: 'latency_p95', order: 'desc' }))).toEqual(['a', 'd', 'b', 'c']);
    expect(ids(state({ sort: 'latency_p95', order: 'asc' }))).toEqual(['b', 'd', 'a', 'c']);
    expect(ids(state({ sort: 'health', order: 'desc' }))).toEqual(['a', 'c', 'b', 'd']);
  });

  it('filters by text and facets, and counts each facet with the other facets applied', () => {
    const s = state({ q: 'qwen', facets: { ...emptyFacets(), region: ['us-east-1'] } });
    const derived = deriveRows(fleet, s);
    expect(derived.rows.map((r) => (r.kind === 'endpoint' ? r.endpoint.id : ''))).toEqual(['c', 'd']);
    expect(derived.matched).toBe(2);
    expect(derived.total).toBe(4);
    // Region counts ignore the region pick (still shows eu-west-1 would give 0 qwen).
    expect(derived.facets.region).toEqual([{ value: 'us-east-1', count: 2 }]);
    expect(derived.facets.health).toEqual([
      { value: 'warning', count: 1 },
      { value: 'ok', count: 1 },
    ]);
    const picked = deriveRows(fleet, state({ facets: { ...emptyFacets(), region: ['us-east-1'] } }));
    expect(picked.facets.region).toEqual([
      { value: 'eu-west-1', count: 1 },
      { value: 'us-east-1', count: 3 },
    ]);
    expect(picked.facets.model).toEqual([
      { value: 'llama', count: 1 },
      { value: 'qwen', count: 2 },
    ]);
  });

  it('groups with aggregates and hides the rows of a collapsed group', () => {
    const derived = deriveRows(fleet, state({ group: 'model' }), new Set(['qwen']));
    expect(derived.rows.map((r) => (r.kind === 'endpoint' ? r.endpoint.id : `[${r.key}]`))).toEqual([
      '[llama]',
      'a',
      'b',
      '[qwen]',
    ]);
    const llama = derived.rows[0]!;
    expect(llama.kind === 'group' && llama).toMatchObject({
      count: 2,
      requestRate: 15,
      worst: 'critical',
      gpus: 2,
      spendPerHour: 4,
    });
    const qwen = derived.rows[3]!;
    expect(qwen.kind === 'group' && qwen).toMatchObject({ collapsed: true, count: 2, worst: 'warning' });
  });

  it('derives 10,000 rows well inside a frame budget', () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      endpoint(`e${i}`, { model: `m${i % 40}`, region: `r${i % 7}`, p95: (i * 7919) % 1000, rps: i % 13 }),
    );
    deriveRows(many, state({ sort: 'latency_p95', order: 'desc' }));
    const t0 = performance.now();
    const derived = deriveRows(many, state({ sort: 'latency_p95', order: 'desc', q: 'e1' }));
    const ms = performance.now() - t0;
    expect(derived.matched).toBeGreaterThan(1000);
    // Generous for a loaded CI box; typical is a few ms.
    expect(ms).toBeLessThan(100);
  });
});
