import { describe, expect, it } from 'vitest';
import type { Endpoint, FleetSummary } from '../../../src/shared/contract/index';
import { canonicalMetricNames } from '../../../src/shared/fleet/metrics';
import { applyDelta, type FleetDeltaMessage } from '../../../src/renderer/stores/fleet-data.slice';

const endpoint = (id: string, over: Partial<Endpoint> = {}): Endpoint =>
  ({
    id,
    name: id,
    model: 'm',
    version: 'v1',
    source: 's',
    sourceKind: 'kubernetes',
    cluster: 'c',
    region: 'r',
    namespace: 'ns',
    runtime: 'vllm',
    target: { kind: 'Deployment', name: id },
    group: null,
    trafficPercent: null,
    replicas: { desired: 1, ready: 1 },
    gpus: 1,
    gpuType: null,
    nodes: [],
    hourlyPriceUsd: 1,
    spendTodayUsd: 0,
    url: null,
    health: { status: 'ok', reason: 'within SLO', since: 0 },
    metrics: { latency_p95: { value: 1, at: 0 } },
    missingMetrics: [],
    freshness: { state: 'stale', at: 0 },
    ...over,
  }) as Endpoint;

const summary = {} as FleetSummary;

describe('applying fleet deltas in the renderer', () => {
  it('upserts, removes, and updates metrics by position without touching untouched records', () => {
    const a = endpoint('a');
    const b = endpoint('b');
    const c = endpoint('c');
    const current = new Map([
      ['a', a],
      ['b', b],
      ['c', c],
    ]);
    const values = canonicalMetricNames.map((m) =>
      m === 'latency_p95' ? 2.5 : m === 'request_rate' ? 7 : null,
    );
    const delta: FleetDeltaMessage = {
      at: 1000,
      upserted: [endpoint('d')],
      removed: ['b'],
      metrics: { a: values, ghost: values },
      summary,
    };
    const next = applyDelta(current, delta);
    expect([...next.keys()].sort()).toEqual(['a', 'c', 'd']);
    expect(next.get('c')).toBe(c);
    expect(next.get('a')!.metrics.latency_p95).toEqual({ value: 2.5, at: 1000 });
    expect(next.get('a')!.metrics.request_rate).toEqual({ value: 7, at: 1000 });
    expect(next.get('a')!.freshness).toEqual({ state: 'live', at: 1000 });
    // The old map is not mutated: selectors comparing by reference see the change.
    expect(current.get('a')!.metrics.latency_p95!.value).toBe(1);
    expect(current.has('b')).toBe(true);
  });

  it("takes a record's spend per hour from its spend_per_hour figure (the core does not re-send the record for it)", () => {
    const current = new Map([['a', endpoint('a', { hourlyPriceUsd: 1 })]]);
    const at = (value: number | null) =>
      canonicalMetricNames.map((m) => (m === 'spend_per_hour' ? value : m === 'latency_p95' ? 2 : null));
    const moved = applyDelta(current, {
      at: 1000,
      upserted: [],
      removed: [],
      metrics: { a: at(3.5) },
      summary,
    });
    expect(moved.get('a')!.hourlyPriceUsd).toBe(3.5);
    // A row without a spend figure keeps the record's own.
    const kept = applyDelta(moved, {
      at: 2000,
      upserted: [],
      removed: [],
      metrics: { a: at(null) },
      summary,
    });
    expect(kept.get('a')!.hourlyPriceUsd).toBe(3.5);
  });

  it('keeps metrics in canonical order whatever order the record had them in', () => {
    const current = new Map([
      [
        'a',
        endpoint('a', { metrics: { spend_per_hour: { value: 1, at: 0 }, latency_p95: { value: 1, at: 0 } } }),
      ],
    ]);
    const values = canonicalMetricNames.map((m) => (m === 'request_rate' ? 4 : null));
    const next = applyDelta(current, {
      at: 1000,
      upserted: [],
      removed: [],
      metrics: { a: values },
      summary,
    });
    expect(Object.keys(next.get('a')!.metrics)).toEqual(
      canonicalMetricNames.filter((m) => ['request_rate', 'latency_p95', 'spend_per_hour'].includes(m)),
    );
    expect(next.get('a')!.metrics.latency_p95).toEqual({ value: 1, at: 0 });
  });
});
