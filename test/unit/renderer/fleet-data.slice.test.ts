import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Endpoint, FleetSummary } from '../../../src/shared/contract/index';
import { canonicalMetricNames } from '../../../src/shared/fleet/metrics';
import {
  applyDelta,
  ROWS_LINGER_MS,
  type FleetDeltaMessage,
} from '../../../src/renderer/stores/fleet-data.slice';
import { createFleetStore } from '../../../src/renderer/stores/fleet.store';
import type { FleetApi } from '../../../src/shared/api/fleet-api';
import type { EventName } from '../../../src/shared/contract/index';
import { FleetError } from '../../../src/shared/errors/fleet-error';
import { deriveRows } from '../../../src/renderer/views/endpoints/endpoint-rows';
import { DEFAULT_TABLE_STATE, emptyFacets } from '../../../src/renderer/views/endpoints/url-state';

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
    // A metric row does not decide freshness (it may carry only the spend rate Fleetdeck
    // computes itself): the core's freshness entries do.
    expect(next.get('a')!.freshness).toEqual({ state: 'stale', at: 0 });
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

  it('keeps the last figure of a metric a row does not carry, across rows, and serialises as the plain record', () => {
    const current = new Map([
      [
        'a',
        endpoint('a', { metrics: { spend_per_hour: { value: 1, at: 0 }, latency_p95: { value: 1, at: 0 } } }),
      ],
    ]);
    const row = (values: Partial<Record<string, number>>) =>
      canonicalMetricNames.map((m) => values[m] ?? null);
    const first = applyDelta(current, {
      at: 1000,
      upserted: [],
      removed: [],
      metrics: { a: row({ request_rate: 4 }) },
      summary,
    });
    // Carried over from the plain record the full load gave.
    expect(first.get('a')!.metrics.latency_p95).toEqual({ value: 1, at: 0 });
    expect(first.get('a')!.metrics.request_rate).toEqual({ value: 4, at: 1000 });
    expect(first.get('a')!.metrics.ttft_p95).toBeUndefined();
    const second = applyDelta(first, {
      at: 2000,
      upserted: [],
      removed: [],
      metrics: { a: row({ latency_p95: 2 }) },
      summary,
    });
    // Carried over from the previous row, with the time it was sampled.
    const m = second.get('a')!.metrics;
    expect(m.request_rate).toEqual({ value: 4, at: 1000 });
    expect(m.latency_p95).toEqual({ value: 2, at: 2000 });
    expect(m.spend_per_hour).toEqual({ value: 1, at: 0 });
    // The previous record is untouched.
    expect(first.get('a')!.metrics.latency_p95).toEqual({ value: 1, at: 0 });
    // Whatever serialises an endpoint gets the contract's plain record, in canonical order.
    expect(JSON.parse(JSON.stringify(second.get('a')!)).metrics).toEqual({
      request_rate: { value: 4, at: 1000 },
      latency_p95: { value: 2, at: 2000 },
      spend_per_hour: { value: 1, at: 0 },
    });
    expect(Object.keys(JSON.parse(JSON.stringify(m)))).toEqual(
      canonicalMetricNames.filter((n) => ['request_rate', 'latency_p95', 'spend_per_hour'].includes(n)),
    );
  });

  it("applies compact freshness entries to those endpoints only, and the table's rows follow", () => {
    const a = endpoint('a', { freshness: { state: 'live', at: 100 } });
    const b = endpoint('b', { freshness: { state: 'live', at: 100 } });
    const c = endpoint('c', { freshness: { state: 'stale', at: 50 } });
    const current = new Map([
      ['a', a],
      ['b', b],
      ['c', c],
    ]);
    const next = applyDelta(current, {
      at: 90_000,
      upserted: [],
      removed: [],
      metrics: {},
      summary,
      freshness: { a: ['stale', 100], c: ['live', 89_000], ghost: ['stale', 1] },
    });
    expect(next.get('a')!.freshness).toEqual({ state: 'stale', at: 100 });
    expect(next.get('c')!.freshness).toEqual({ state: 'live', at: 89_000 });
    expect(next.has('ghost')).toBe(false);
    // Untouched records keep their identity; changed ones are new objects (selectors see them).
    expect(next.get('b')).toBe(b);
    expect(next.get('a')).not.toBe(a);
    expect(current.get('a')!.freshness.state).toBe('live');
    // Everything else the record shows is kept.
    expect(next.get('a')).toEqual({ ...a, freshness: { state: 'stale', at: 100 } });

    // The rows the table shows, sorted by freshness, follow the new states.
    const byFreshness = (m: ReadonlyMap<string, Endpoint>) =>
      deriveRows(m.values(), { ...DEFAULT_TABLE_STATE, facets: emptyFacets(), sort: 'freshness' }).rows.map(
        (r) => (r.kind === 'endpoint' ? `${r.endpoint.id}:${r.endpoint.freshness.state}` : r.key),
      );
    expect(byFreshness(current)).toEqual(['a:live', 'b:live', 'c:stale']);
    expect(byFreshness(next)).toEqual(['b:live', 'c:live', 'a:stale']);
  });

  it('applies freshness entries after metric rows in the same delta', () => {
    const current = new Map([['a', endpoint('a', { freshness: { state: 'stale', at: 0 } })]]);
    const values = canonicalMetricNames.map((m) => (m === 'request_rate' ? 3 : null));
    const next = applyDelta(current, {
      at: 5000,
      upserted: [],
      removed: [],
      metrics: { a: values },
      summary,
      freshness: { a: ['live', 4000] },
    });
    expect(next.get('a')!.metrics.request_rate).toEqual({ value: 3, at: 5000 });
    expect(next.get('a')!.freshness).toEqual({ state: 'live', at: 4000 });
  });
});

/** A FleetApi that serves a fleet of records and lets the test push events to whoever listens. */
function fleetApi(records: () => Endpoint[]) {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const calls: string[] = [];
  const api: FleetApi = {
    kind: 'console',
    openTerminal: () => ({ send() {}, close() {} }),
    async call(name) {
      calls.push(name);
      if (name === 'fleet.endpoints')
        return { total: records().length, offset: 0, items: records() } as never;
      if (name === 'fleet.summary') return { ...summary } as never;
      throw new FleetError({ code: 'not_found', message: `no ${name}` });
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    onConnection: () => () => {},
  };
  const listening = () => [...listeners].filter(([, set]) => set.size > 0).map(([name]) => name);
  const push = (event: EventName, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
  return { api, calls, listening, push };
}

describe('what the window follows of the live fleet', () => {
  afterEach(() => vi.useRealTimers());

  it('follows pulses until a view shows figures, then deltas after a fresh load, and pulses again after the linger', async () => {
    vi.useFakeTimers();
    const row = canonicalMetricNames.map((m) => (m === 'latency_p95' ? 9 : null));
    let served = [endpoint('a'), endpoint('b')];
    const fake = fleetApi(() => served);
    const store = createFleetStore({ api: fake.api, now: () => 5, setHash: () => {} });
    const stop = store.getState().startFleet();
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.listening()).toEqual(['fleet.pulse']);
    expect(store.getState().fleetDetail).toBe('pulse');
    const loads = () => fake.calls.filter((c) => c === 'fleet.endpoints').length;
    expect(loads()).toBe(1);

    // A pulse brings records that changed in other ways (here b turned critical) and the summary.
    const critical = endpoint('b', { health: { status: 'critical', reason: 'errors', since: 1 } });
    fake.push('fleet.pulse', { at: 10, upserted: [critical], removed: [], summary });
    expect(store.getState().endpoints.get('b')!.health.status).toBe('critical');
    expect(store.getState().fleetUpdatedAt).toBe(10);

    // The table opens: the window follows deltas, and loads the figures the pulses skipped.
    served = [endpoint('a', { metrics: { latency_p95: { value: 7, at: 10 } } }), critical];
    const release = store.getState().followRows();
    expect(fake.listening()).toEqual(['fleet.delta']);
    await vi.advanceTimersByTimeAsync(0);
    expect(loads()).toBe(2);
    expect(store.getState().endpoints.get('a')!.metrics.latency_p95!.value).toBe(7);
    fake.push('fleet.delta', { at: 11, upserted: [], removed: [], metrics: { a: row }, summary });
    expect(store.getState().endpoints.get('a')!.metrics.latency_p95!.value).toBe(9);

    // A second view holds it too; both close; the window lingers on deltas, then goes back.
    const second = store.getState().followRows();
    release();
    release();
    second();
    await vi.advanceTimersByTimeAsync(ROWS_LINGER_MS - 1);
    expect(fake.listening()).toEqual(['fleet.delta']);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.listening()).toEqual(['fleet.pulse']);
    expect(store.getState().fleetDetail).toBe('pulse');

    // Reopened within the linger after no pulse came: nothing was skipped, so no reload.
    const again = store.getState().followRows();
    again();
    await vi.advanceTimersByTimeAsync(ROWS_LINGER_MS);
    // Back on pulses, no pulse came in between: opening the table again needs no load either.
    store.getState().followRows()();
    expect(loads()).toBe(2);
    // One pulse later (the release above lingers on deltas; let it lapse first), it does.
    await vi.advanceTimersByTimeAsync(ROWS_LINGER_MS);
    fake.push('fleet.pulse', { at: 12, upserted: [], removed: [], summary });
    const last = store.getState().followRows();
    await vi.advanceTimersByTimeAsync(0);
    expect(loads()).toBe(3);
    last();

    stop();
    expect(fake.listening()).toEqual([]);
  });
});
