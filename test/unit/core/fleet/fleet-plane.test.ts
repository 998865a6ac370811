import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { startCore, type Core } from '../../../../src/core/core';
import type { EndpointRecord, NodeRecord } from '../../../../src/core/fleet/inventory.types';
import { silentLogger } from '../../../../src/core/log/logger';
import type { ProviderContext, ProviderFactory } from '../../../../src/core/providers/provider';
import type { CommandEnvelope } from '../../../../src/shared/api/fleet-api';
import type { EventMessage, FleetSummary } from '../../../../src/shared/contract/index';
import { freshDir } from '../../../support/tmp';

/** A scripted source: the test decides what it reports and when. */
function scriptedFactory() {
  const contexts: ProviderContext[] = [];
  const factory: ProviderFactory = {
    kind: 'kubernetes',
    describe: 'scripted',
    configSchema: z.object({}).passthrough(),
    create: () => ({
      start: (ctx) => void contexts.push(ctx),
      stop: async () => {},
      test: async () => ({ ok: true, message: 'ok', details: [] }),
    }),
  };
  return { factory, ctx: () => contexts.at(-1)! };
}

const node: NodeRecord = {
  id: 'prod:gpu-1',
  name: 'gpu-1',
  cluster: 'prod',
  region: 'us-east-1',
  zone: 'us-east-1a',
  instanceType: 'g5.12xlarge',
  gpuProduct: 'NVIDIA-A10G',
  gpuCapacity: 4,
  gpuAllocated: 2,
  ready: true,
  problems: [],
  hourlyPriceUsd: 8,
};
const endpoint = (over: Partial<EndpointRecord> = {}): EndpointRecord => ({
  id: 'prod:llm:chat',
  name: 'chat',
  model: 'llama-3.1-8b-instruct',
  version: 'v1',
  cluster: 'prod',
  region: 'us-east-1',
  namespace: 'llm',
  runtime: 'vllm',
  target: { kind: 'deployment', name: 'chat' },
  group: null,
  trafficPercent: null,
  replicas: { desired: 2, ready: 2 },
  gpusPerReplica: 1,
  gpuType: null,
  nodes: ['gpu-1'],
  pods: [
    {
      name: 'chat-a',
      node: 'gpu-1',
      phase: 'Running',
      ready: true,
      restarts: 0,
      metricsUrl: null,
      runtime: 'vllm',
    },
    {
      name: 'chat-b',
      node: 'gpu-1',
      phase: 'Running',
      ready: true,
      restarts: 0,
      metricsUrl: null,
      runtime: 'vllm',
    },
  ],
  url: null,
  ...over,
});

const ctx = { actor: 't', host: 'console' as const };
const ok = <T>(e: CommandEnvelope): T => {
  if (!e.ok) throw new Error(`${e.error.code}: ${e.error.message}`);
  return e.result as T;
};

describe('the fleet plane', () => {
  let core: Core | null = null;
  let cleanup: () => void = () => {};
  afterEach(async () => {
    await core?.close();
    core = null;
    cleanup();
  });

  function start(dataDir: string, clock: { t: number }) {
    const s = scriptedFactory();
    core = startCore({
      dataDir,
      host: 'console',
      log: silentLogger,
      providers: [s.factory],
      tickMs: 60_000,
      builtInSources: [{ id: 'k8s', kind: 'kubernetes', name: 'Test cluster', config: {} }],
      now: () => clock.t,
    });
    return s;
  }

  it('joins inventory and samples into endpoints with health, spend and freshness, and serves the cache offline after a restart', async () => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    const clock = { t: Date.UTC(2026, 10, 26, 12, 0, 0) };
    let s = start(tmp.dir, clock);
    const deltas: EventMessage[] = [];
    core!.subscribe((m) => m.event === 'fleet.delta' && deltas.push(m));

    s.ctx().reportStatus({ state: 'ok', reason: 'listed 1 endpoint', retryAt: null });
    s.ctx().reportInventory({ nodes: [node], endpoints: [endpoint()] });
    s.ctx().reportSamples([
      { endpointId: 'prod:llm:chat', metric: 'request_rate', ts: clock.t, value: 12 },
      { endpointId: 'prod:llm:chat', metric: 'latency_p95', ts: clock.t, value: 0.8 },
      { endpointId: 'prod:llm:chat', metric: 'error_rate', ts: clock.t, value: 0.001 },
    ]);
    clock.t += 60_000;
    core!.tick();
    const detail = ok<{
      endpoint: {
        health: { status: string };
        hourlyPriceUsd: number;
        freshness: { state: string };
        gpus: number;
      };
    }>(await core!.call('fleet.endpoint', { id: 'prod:llm:chat' }, ctx));
    // 2 GPUs of a 4-GPU node at $8/h.
    expect(detail.endpoint.hourlyPriceUsd).toBeCloseTo(4, 6);
    expect(detail.endpoint.gpus).toBe(2);
    expect(detail.endpoint.health.status).toBe('ok');
    expect(deltas.length).toBeGreaterThan(0);

    // An error burst held past the SLO's window turns it critical, with the reason in words.
    for (let i = 0; i < 3; i++) {
      clock.t += 30_000;
      s.ctx().reportSamples([{ endpointId: 'prod:llm:chat', metric: 'error_rate', ts: clock.t, value: 0.3 }]);
      core!.tick();
    }
    const page = ok<{ items: Array<{ health: { status: string; reason: string } }> }>(
      await core!.call('fleet.endpoints', { health: ['critical'] }, ctx),
    );
    expect(page.items).toHaveLength(1);
    expect(page.items[0]!.health.reason).toMatch(/^error rate 30 % > 5 % for \d min$/);
    const summary = ok<{ endpoints: { critical: number }; spendToday: number; spendPerHour: number }>(
      await core!.call('fleet.summary', {}, ctx),
    );
    expect(summary.endpoints.critical).toBe(1);
    expect(summary.spendPerHour).toBeCloseTo(4, 6);
    // The same figures by region and cluster, for the map (its worst health, its traffic, its spend).
    const regions = (summary as unknown as FleetSummary).regions;
    expect(regions).toHaveLength(1);
    expect(regions[0]).toMatchObject({
      region: 'us-east-1',
      health: { total: 1, ok: 0, warning: 0, critical: 1, unknown: 0 },
      requestRate: 12,
      gpus: 2,
    });
    expect(regions[0]!.errorRate).toBeCloseTo(0.3, 9);
    expect(regions[0]!.spendPerHour).toBeCloseTo(4, 6);
    expect(regions[0]!.clusters).toEqual([
      {
        cluster: 'prod',
        source: expect.any(String),
        health: regions[0]!.health,
        requestRate: 12,
        spendPerHour: regions[0]!.spendPerHour,
      },
    ]);
    // $4/h for 2.5 minutes of ticks.
    expect(summary.spendToday).toBeCloseTo((4 * 150_000) / 3_600_000, 6);

    // Restart with the source down: the cached fleet is served at once, marked offline since the last good data.
    await core!.close();
    s = start(tmp.dir, clock);
    s.ctx().reportStatus({ state: 'error', reason: 'connection refused', retryAt: null });
    core!.tick();
    const cached = ok<{
      total: number;
      items: Array<{ id: string; freshness: { state: string; at: number } }>;
    }>(await core!.call('fleet.endpoints', {}, ctx));
    expect(cached.total).toBe(1);
    expect(cached.items[0]!.freshness.state).toBe('offline');
    expect(cached.items[0]!.freshness.at).toBe(clock.t);
  });

  it('marks an endpoint stale when its source goes quiet, though Fleetdeck still computes its spend every tick', async () => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    const clock = { t: Date.UTC(2026, 10, 26, 12, 0, 0) };
    const s = start(tmp.dir, clock);
    s.ctx().reportStatus({ state: 'ok', reason: 'listed 1 endpoint', retryAt: null });
    s.ctx().reportInventory({ nodes: [node], endpoints: [endpoint()] });
    const reportedAt = clock.t;
    s.ctx().reportSamples([
      { endpointId: 'prod:llm:chat', metric: 'request_rate', ts: reportedAt, value: 12 },
    ]);
    core!.tick();
    const read = async () => {
      const detail = ok<{ endpoint: { freshness: { state: string; at: number }; hourlyPriceUsd: number } }>(
        await core!.call('fleet.endpoint', { id: 'prod:llm:chat' }, ctx),
      );
      const summary = ok<{ freshness: { state: string; at: number } }>(
        await core!.call('fleet.summary', {}, ctx),
      );
      return { endpoint: detail.endpoint, summary };
    };
    expect((await read()).endpoint.freshness).toEqual({ state: 'live', at: reportedAt });

    // The source stays connected but reports nothing for two minutes; ticks go on.
    for (let i = 0; i < 24; i++) {
      clock.t += 5_000;
      core!.tick();
    }
    const after = await read();
    expect(after.endpoint.hourlyPriceUsd).toBeCloseTo(4, 6);
    expect(after.endpoint.freshness).toEqual({ state: 'stale', at: reportedAt });
    expect(after.summary.freshness).toEqual({ state: 'stale', at: reportedAt });
  });

  it('judges a source that refreshes slower than "stale after" by its own rhythm, and still ages it out', async () => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    const clock = { t: Date.UTC(2026, 10, 26, 12, 0, 0) };
    const s = start(tmp.dir, clock);
    s.ctx().reportStatus({ state: 'ok', reason: 'listed 1 endpoint', retryAt: null });
    s.ctx().reportInventory({ nodes: [node], endpoints: [endpoint()] });
    const state = async () =>
      ok<{ endpoint: { freshness: { state: string } } }>(
        await core!.call('fleet.endpoint', { id: 'prod:llm:chat' }, ctx),
      ).endpoint.freshness.state;
    const sample = () =>
      s
        .ctx()
        .reportSamples([{ endpointId: 'prod:llm:chat', metric: 'request_rate', ts: clock.t, value: 12 }]);
    const wait = (ms: number) => {
      for (let t = 0; t < ms; t += 5_000) {
        clock.t += 5_000;
        core!.tick();
      }
    };
    // A scrape pass of 90 s (a rate-limited fleet of 10,000), "stale after" 60 s: between
    // passes the figures are as fresh as the source gets them, not stale.
    // (Until a second pass the rhythm is unknown and the setting applies.)
    sample();
    wait(90_000);
    for (let pass = 0; pass < 3; pass++) {
      sample();
      wait(85_000);
      expect(await state()).toBe('live');
      wait(5_000);
    }
    // The source then misses its rhythm: stale once two cycles (180 s) passed without figures.
    sample();
    wait(175_000);
    expect(await state()).toBe('live');
    wait(10_000);
    expect(await state()).toBe('stale');

    // A source back on a 5 s rhythm is judged by the setting again, however long it was away.
    for (let i = 0; i < 4; i++) {
      sample();
      wait(5_000);
    }
    wait(55_000);
    expect(await state()).toBe('live');
    wait(10_000);
    expect(await state()).toBe('stale');
  });

  it('serves a source added while running as live, with its kind, after ticks that read the sources before it', async () => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    const clock = { t: Date.UTC(2026, 10, 26, 12, 0, 0) };
    const s = start(tmp.dir, clock);
    // The built-in source's endpoint ticks first: the fleet asks about its source on every tick.
    s.ctx().reportStatus({ state: 'ok', reason: 'listed 1 endpoint', retryAt: null });
    s.ctx().reportInventory({ nodes: [node], endpoints: [endpoint()] });
    core!.tick();
    clock.t += 5000;
    core!.tick();
    const added = ok<{ id: string }>(
      await core!.call('sources.add', { kind: 'kubernetes', name: 'Lab', config: {} }, ctx),
    );
    const lab = s.ctx();
    lab.reportStatus({ state: 'ok', reason: 'listed 1 endpoint', retryAt: null });
    lab.reportInventory({
      nodes: [{ ...node, id: 'lab:gpu-1', cluster: 'lab' }],
      endpoints: [endpoint({ id: 'lab:llm:chat', cluster: 'lab' })],
    });
    lab.reportSamples([{ endpointId: 'lab:llm:chat', metric: 'latency_p95', ts: clock.t, value: 0.8 }]);
    clock.t += 5000;
    core!.tick();
    const { endpoint: e } = ok<{
      endpoint: { source: string; sourceKind: string; freshness: { state: string } };
    }>(await core!.call('fleet.endpoint', { id: 'lab:llm:chat' }, ctx));
    expect(e).toMatchObject({ source: added.id, sourceKind: 'kubernetes', freshness: { state: 'live' } });
  });

  it('sends an empty delta for a fleet where nothing changed (spend still accrues)', async () => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    const clock = { t: Date.UTC(2026, 10, 26, 12, 0, 0) };
    const s = start(tmp.dir, clock);
    const deltas: Array<{
      upserted: unknown[];
      metrics: Record<string, unknown>;
      summary: { spendToday: number };
    }> = [];
    const pulses: Array<Record<string, unknown>> = [];
    core!.subscribe((m) => m.event === 'fleet.delta' && deltas.push(m.payload as never));
    core!.subscribe((m) => m.event === 'fleet.pulse' && pulses.push(m.payload as never));
    s.ctx().reportStatus({ state: 'ok', reason: 'ok', retryAt: null });
    s.ctx().reportInventory({ nodes: [node], endpoints: [endpoint()] });
    s.ctx().reportSamples([{ endpointId: 'prod:llm:chat', metric: 'latency_p95', ts: clock.t, value: 0.8 }]);
    core!.tick();
    clock.t += 5000;
    core!.tick();
    clock.t += 5000;
    core!.tick();
    // Every tick's pulse is its delta without the figures: the same records, removals and summary.
    expect(pulses).toHaveLength(deltas.length);
    pulses.forEach((pulse, i) => {
      const figureless: Record<string, unknown> = { ...deltas[i] };
      delete figureless.metrics;
      delete figureless.freshness;
      expect(pulse).toEqual(figureless);
    });
    expect(pulses[0]!.upserted).toHaveLength(1);
    const last = deltas.at(-1)!;
    expect(last.upserted).toEqual([]);
    expect(last.metrics).toEqual({});
    expect(last.summary.spendToday).toBeGreaterThan(deltas.at(-2)!.summary.spendToday);
    // New samples travel as compact metrics, not as records.
    s.ctx().reportSamples([{ endpointId: 'prod:llm:chat', metric: 'latency_p95', ts: clock.t, value: 0.9 }]);
    clock.t += 5000;
    core!.tick();
    expect(Object.keys(deltas.at(-1)!.metrics)).toEqual(['prod:llm:chat']);
    expect(deltas.at(-1)!.upserted).toEqual([]);
  });

  it('re-sends a record when its inventory, its node or its health changes, and not otherwise', async () => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    const clock = { t: Date.UTC(2026, 10, 26, 12, 0, 0) };
    const s = start(tmp.dir, clock);
    const deltas: Array<{
      upserted: Array<{
        id: string;
        metrics: Record<string, unknown>;
        replicas: { ready: number };
        gpuType: string | null;
        health: { status: string };
      }>;
    }> = [];
    core!.subscribe((m) => m.event === 'fleet.delta' && deltas.push(m.payload as never));
    const other = endpoint({ id: 'prod:llm:other', name: 'other' });
    s.ctx().reportStatus({ state: 'ok', reason: 'ok', retryAt: null });
    s.ctx().reportInventory({ nodes: [node], endpoints: [endpoint(), other] });
    const fresh = (id: string) => [
      { endpointId: id, metric: 'latency_p95' as const, ts: clock.t, value: 0.8 },
      { endpointId: id, metric: 'error_rate' as const, ts: clock.t, value: 0.001 },
    ];
    const tick = () => {
      s.ctx().reportSamples([...fresh('prod:llm:chat'), ...fresh('prod:llm:other')]);
      clock.t += 5000;
      core!.tick();
      return deltas.at(-1)!.upserted;
    };
    const firstRecords = tick();
    expect(firstRecords.map((e) => e.id)).toEqual(['prod:llm:chat', 'prod:llm:other']);
    // Metrics in canonical order, not in the order their samples arrived (p95 came first).
    expect(Object.keys(firstRecords[0]!.metrics)).toEqual(['error_rate', 'latency_p95', 'spend_per_hour']);
    expect(tick()).toEqual([]);

    // The same inventory listed again: nothing to send.
    s.ctx().reportInventory({ nodes: [node], endpoints: [endpoint(), other] });
    expect(tick()).toEqual([]);

    // One replica goes unready: that record, with the new figure (and its health, now warning).
    s.ctx().reportInventory({ endpoints: [endpoint({ replicas: { desired: 2, ready: 1 } }), other] });
    const [changed, ...rest] = tick();
    expect(rest).toEqual([]);
    expect(changed).toMatchObject({
      id: 'prod:llm:chat',
      replicas: { ready: 1 },
      health: { status: 'warning' },
    });
    expect(tick()).toEqual([]);

    // The node reports another GPU product: both records name their GPU type from it.
    s.ctx().reportInventory({ nodes: [{ ...node, gpuProduct: 'NVIDIA-L4' }] });
    const relabelled = tick();
    expect(relabelled.map((e) => [e.id, e.gpuType])).toEqual([
      ['prod:llm:chat', 'NVIDIA-L4'],
      ['prod:llm:other', 'NVIDIA-L4'],
    ]);
    expect(tick()).toEqual([]);
  });

  it('sends a freshness flip as a compact entry, not a record, and still re-sends records that changed', async () => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    const clock = { t: Date.UTC(2026, 10, 26, 12, 0, 0) };
    const s = start(tmp.dir, clock);
    const deltas: Array<{
      upserted: Array<{ id: string; replicas: { ready: number }; freshness: { state: string } }>;
      metrics: Record<string, unknown>;
      freshness?: Record<string, [string, number | null]>;
    }> = [];
    core!.subscribe((m) => m.event === 'fleet.delta' && deltas.push(m.payload as never));
    const other = endpoint({ id: 'prod:llm:other', name: 'other' });
    s.ctx().reportStatus({ state: 'ok', reason: 'ok', retryAt: null });
    s.ctx().reportInventory({ nodes: [node], endpoints: [endpoint(), other] });
    const report = (ids: string[]) =>
      s
        .ctx()
        .reportSamples(
          ids.map((id) => ({ endpointId: id, metric: 'request_rate' as const, ts: clock.t, value: 5 })),
        );
    const tick = () => {
      clock.t += 5_000;
      core!.tick();
      return deltas.at(-1)!;
    };
    const firstAt = clock.t;
    report(['prod:llm:chat', 'prod:llm:other']);
    const first = tick();
    expect(first.upserted.map((e) => [e.id, e.freshness.state])).toEqual([
      ['prod:llm:chat', 'live'],
      ['prod:llm:other', 'live'],
    ]);
    // The records carried their freshness: no entry repeats it.
    expect(first.freshness).toBeUndefined();

    // "other" keeps reporting, "chat" goes quiet past "Stale after" (60 s by default).
    let flipped: (typeof deltas)[number] | undefined;
    for (let i = 0; i < 14 && !flipped; i++) {
      report(['prod:llm:other']);
      const d = tick();
      expect(d.upserted).toEqual([]);
      if (d.freshness) flipped = d;
    }
    expect(flipped, 'chat turned stale within 70 s').toBeDefined();
    // Only the flip, with the time shown ("stale since"); "other"'s newer samples while live
    // send no entry (the UI shows no time for live).
    expect(flipped!.freshness).toEqual({ 'prod:llm:chat': ['stale', firstAt] });
    expect(flipped!.upserted).toEqual([]);
    report(['prod:llm:other']);
    expect(tick().freshness).toBeUndefined();

    // Back: one entry, live, with the new sample's time; no record.
    const backAt = clock.t;
    report(['prod:llm:chat']);
    const back = tick();
    expect(back.upserted).toEqual([]);
    expect(back.freshness).toEqual({ 'prod:llm:chat': ['live', backAt] });
    expect(Object.keys(back.metrics)).toContain('prod:llm:chat');

    // A real change still re-sends the record (with its freshness in it, so no entry).
    s.ctx().reportInventory({ endpoints: [endpoint({ replicas: { desired: 2, ready: 1 } }), other] });
    report(['prod:llm:chat', 'prod:llm:other']);
    const changed = tick();
    expect(changed.upserted.map((e) => [e.id, e.replicas.ready, e.freshness.state])).toEqual([
      ['prod:llm:chat', 1, 'live'],
    ]);
    expect(changed.freshness).toBeUndefined();

    // The source goes down: both go offline in compact entries, no records.
    s.ctx().reportStatus({ state: 'error', reason: 'unreachable', retryAt: null });
    const down = tick();
    expect(down.upserted).toEqual([]);
    expect(
      Object.fromEntries(Object.entries(down.freshness ?? {}).map(([id, [state]]) => [id, state])),
    ).toEqual({
      'prod:llm:chat': 'offline',
      'prod:llm:other': 'offline',
    });
  });

  it('stores an unchanged spend rate every 30 s, and a changed one at once', async () => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    const clock = { t: Date.UTC(2026, 10, 26, 12, 0, 0) };
    const s = start(tmp.dir, clock);
    s.ctx().reportInventory({ nodes: [node], endpoints: [endpoint()] });
    const from = clock.t;
    // 60 s of 5 s ticks at $4/h (2 of the node's 4 GPUs at $8/h), then one pod goes away.
    for (let i = 0; i <= 12; i++) {
      core!.tick();
      clock.t += 5000;
    }
    s.ctx().reportInventory({ endpoints: [endpoint({ pods: endpoint().pods.slice(0, 1) })] });
    core!.tick();
    clock.t += 5000;
    core!.tick();
    const series = ok<{ series: Array<{ resolution: string; points: Array<[number, number]> }> }>(
      await core!.call(
        'metrics.series',
        { endpointIds: ['prod:llm:chat'], metric: 'spend_per_hour', from, to: clock.t, maxPoints: 1000 },
        ctx,
      ),
    );
    expect(series.series[0]!.resolution).toBe('raw');
    expect(series.series[0]!.points.map(([t, v]) => [Math.round((t - from) / 5000) * 5 + 0, v])).toEqual([
      [0, 4],
      [30, 4],
      [60, 4],
      [65, 2],
    ]);
    // Spend today still accrues on every tick (rate x time since the last), not only when stored.
    const summary = ok<{ spendToday: number }>(await core!.call('fleet.summary', {}, ctx));
    expect(summary.spendToday).toBeCloseTo((4 * 60_000 + 2 * 10_000) / 3_600_000, 9);
  });

  it('prices GPUs from a Settings override when one names the instance type', async () => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    const clock = { t: Date.UTC(2026, 10, 26, 12, 0, 0) };
    const s = start(tmp.dir, clock);
    s.ctx().reportInventory({ nodes: [node], endpoints: [endpoint()] });
    core!.tick();
    const price = async () =>
      ok<{ endpoint: { hourlyPriceUsd: number } }>(
        await core!.call('fleet.endpoint', { id: 'prod:llm:chat' }, ctx),
      ).endpoint.hourlyPriceUsd;
    expect(await price()).toBeCloseTo(4, 6); // the node's own $8/h, 2 of its 4 GPUs
    ok(await core!.call('settings.set', { gpuPriceOverrides: 'g5.12xlarge=20' }, ctx));
    clock.t += 5000;
    core!.tick();
    expect(await price()).toBeCloseTo(10, 6); // your $20/h wins over the node's annotation
  });

  it('refuses demo faults when no demo runs, naming how to get one', async () => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    start(tmp.dir, { t: Date.now() });
    const r = await core!.call('demo.fault', { kind: 'error_burst', target: 'x', durationS: 60 }, ctx);
    expect(r).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('returns series bounded to maxPoints through metrics.series', async () => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    const clock = { t: Date.UTC(2026, 10, 26, 12, 0, 0) };
    const s = start(tmp.dir, clock);
    const samples = Array.from({ length: 240 }, (_, i) => ({
      endpointId: 'prod:llm:chat',
      metric: 'latency_p95' as const,
      ts: clock.t - i * 15_000,
      value: i,
    }));
    s.ctx().reportSamples(samples);
    const r = ok<{ series: Array<{ points: unknown[] }> }>(
      await core!.call(
        'metrics.series',
        {
          endpointIds: ['prod:llm:chat'],
          metric: 'latency_p95',
          from: clock.t - 3_600_000,
          to: clock.t,
          maxPoints: 30,
        },
        ctx,
      ),
    );
    expect(r.series[0]!.points.length).toBeLessThanOrEqual(30);
    expect(r.series[0]!.points.length).toBeGreaterThan(25);
  });
});

describe('per-model SLOs', () => {
  it("change only the thresholds given; the rest are the model kind's defaults", async () => {
    const tmp = freshDir();
    const core = startCore({ dataDir: tmp.dir, host: 'console', log: silentLogger, providers: [] });
    try {
      const set = await core.call('slos.set', { model: 'bge-large-en-v1.5', slo: { forSeconds: 3 } }, ctx);
      // An embedding model keeps the embedding thresholds (0.5 s), not the chat ones (12 s).
      expect(set).toMatchObject({
        ok: true,
        result: { forSeconds: 3, latencyP95WarnS: 0.5, latencyP95CritS: 1 },
      });
    } finally {
      await core.close();
      tmp.cleanup();
    }
  });
});
