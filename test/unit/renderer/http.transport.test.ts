import { describe, expect, it } from 'vitest';
import { createFleetApi, type ConnectionState } from '../../../src/shared/api/fleet-api';
import { FleetError } from '../../../src/shared/errors/fleet-error';
import type { EventMessage } from '../../../src/shared/contract/index';
import { createHttpTransport, eventsUrl, parseEventFrame } from '../../../src/renderer/api/http.transport';
import { FakeSocket, fakeEnv, jsonResponse } from './fake-socket';

const status = {
  at: 1_700_000_000_000,
  dataDir: '/var/lib/fleetdeck',
  database: { status: 'ok', detail: 'Database healthy' },
  dataFreshAt: null,
};

describe('http transport: commands', () => {
  it('POSTs JSON to /api/v1/<command> with same-origin credentials and passes the envelope through', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const { env } = fakeEnv(async (url, init) => {
      seen.push({ url: String(url), init: init ?? {} });
      return jsonResponse(200, { ok: true, result: { theme: 'dark' } });
    });
    const transport = createHttpTransport(env);
    await expect(transport.invoke('settings.set', { theme: 'dark' })).resolves.toEqual({
      ok: true,
      result: { theme: 'dark' },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('http://127.0.0.1:4100/api/v1/settings.set');
    expect(seen[0]!.init).toMatchObject({
      method: 'POST',
      credentials: 'same-origin',
      body: '{"theme":"dark"}',
    });
    expect(new Headers(seen[0]!.init.headers).get('content-type')).toBe('application/json');
  });

  it('turns a network failure into an unavailable envelope naming the console and what to do', async () => {
    const { env } = fakeEnv(async () => {
      throw new TypeError('Failed to fetch');
    });
    const envelope = await createHttpTransport(env).invoke('app.info', {});
    expect(envelope.ok).toBe(false);
    if (envelope.ok) return;
    expect(envelope.error.code).toBe('unavailable');
    expect(envelope.error.where).toBe('app.info');
    expect(envelope.error.message).toContain('Fleetdeck console at http://127.0.0.1:4100');
    expect(envelope.error.message).toMatch(/still running/);
    expect(envelope.error.hint).toMatch(/npm run console/);
    expect(envelope.error.hint).toMatch(/new URL/);
  });

  it('reports a command that gets no answer in time as a timeout', async () => {
    const { env } = fakeEnv(async () => {
      throw Object.assign(new Error('signal timed out'), { name: 'TimeoutError' });
    });
    const envelope = await createHttpTransport(env, { commandTimeoutMs: 5000 }).invoke('app.health', {});
    expect(envelope).toMatchObject({ ok: false, error: { code: 'timeout', where: 'app.health' } });
    if (!envelope.ok) expect(envelope.error.message).toContain('within 5 s');
  });

  it("keeps the console's own error envelope (reason and all) on a refusal", async () => {
    const refusal = {
      ok: false,
      error: {
        code: 'bad_request',
        message: 'Invalid arguments for settings.set: staleAfterSeconds: Too big',
      },
    };
    const { env } = fakeEnv(async () => jsonResponse(400, refusal));
    await expect(
      createHttpTransport(env).invoke('settings.set', { staleAfterSeconds: 99999 }),
    ).resolves.toEqual(refusal);
  });

  it('maps answers that are not ours by HTTP status: 502 from a proxy, 401 without a body', async () => {
    const { env: proxy } = fakeEnv(async () => new Response('<html>Bad gateway</html>', { status: 502 }));
    const bad = await createHttpTransport(proxy).invoke('app.info', {});
    expect(bad).toMatchObject({ ok: false, error: { code: 'unavailable', where: 'app.info' } });
    if (!bad.ok) expect(bad.error.message).toContain('HTTP 502');

    const { env: expired } = fakeEnv(async () => new Response('', { status: 401 }));
    const denied = await createHttpTransport(expired).invoke('app.info', {});
    expect(denied).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    if (!denied.ok) expect(denied.error.hint).toMatch(/new token|URL it printed/);

    const { env: notJson } = fakeEnv(async () => new Response('{"ok":"maybe"}', { status: 200 }));
    expect(await createHttpTransport(notJson).invoke('app.info', {})).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });

  it('lets FleetApi.call throw a FleetError built from the envelope', async () => {
    const { env } = fakeEnv(async () => {
      throw new TypeError('Failed to fetch');
    });
    const api = createFleetApi(createHttpTransport(env));
    const error = await api.call('app.info', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FleetError);
    expect((error as FleetError).code).toBe('unavailable');
  });
});

describe('http transport: events socket', () => {
  const noFetch = async (): Promise<Response> => {
    throw new Error('no commands in this test');
  };

  it('derives ws:// or wss:// from the page origin', () => {
    expect(eventsUrl('http://127.0.0.1:4100')).toBe('ws://127.0.0.1:4100/api/v1/events');
    expect(eventsUrl('https://fleet.example:8443')).toBe('wss://fleet.example:8443/api/v1/events');
  });

  it('opens one socket on subscribe, reports connected, and delivers only valid contract events', () => {
    const { env } = fakeEnv(noFetch);
    const transport = createHttpTransport(env);
    const states: ConnectionState[] = [];
    transport.onConnection((s) => states.push(s));
    const received: EventMessage[] = [];
    transport.subscribe((m) => received.push(m));
    expect(FakeSocket.instances).toHaveLength(1);
    expect(FakeSocket.instances[0]!.url).toBe('ws://127.0.0.1:4100/api/v1/events');

    const socket = FakeSocket.instances[0]!;
    socket.open();
    expect(states).toEqual(['connecting', 'connected']);

    socket.receive(JSON.stringify({ event: 'app.status', payload: status }));
    socket.receive('not json');
    socket.receive(JSON.stringify({ event: 'fleet.unknown', payload: {} }));
    socket.receive(JSON.stringify({ event: 'app.status', payload: { ...status, dataDir: 42 } }));
    expect(received).toEqual([{ event: 'app.status', payload: status }]);
  });

  it('reconnects with capped exponential backoff, going reconnecting -> disconnected, then recovers', () => {
    const { env, timers } = fakeEnv(noFetch);
    const transport = createHttpTransport(env, {
      backoff: { initialMs: 100, maxMs: 1000, jitter: 0 },
      attemptsBeforeDisconnected: 3,
    });
    const states: ConnectionState[] = [];
    transport.onConnection((s) => states.push(s));
    transport.subscribe(() => {});
    FakeSocket.instances[0]!.open();

    const delays: number[] = [];
    FakeSocket.instances.at(-1)!.drop();
    expect(states.at(-1)).toBe('connecting');
    for (let attempt = 0; attempt < 6; attempt++) {
      delays.push(timers.fire());
      FakeSocket.instances.at(-1)!.drop();
    }
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(states).toEqual(['connecting', 'connected', 'connecting', 'disconnected']);

    timers.fire();
    FakeSocket.instances.at(-1)!.open();
    expect(states.at(-1)).toBe('connected');
    // A later drop starts again from the shortest delay.
    FakeSocket.instances.at(-1)!.drop();
    expect(timers.pending.map((t) => t.ms)).toEqual([100]);
  });

  it('closes the socket and stops retrying when the last listener leaves', () => {
    const { env, timers } = fakeEnv(noFetch);
    const transport = createHttpTransport(env, { backoff: { jitter: 0 } });
    const off = transport.subscribe(() => {});
    const socket = FakeSocket.instances[0]!;
    socket.open();
    off();
    expect(socket.closedByClient).toBe(true);
    expect(timers.pending).toEqual([]);
  });

  it('tells the console what it listens to on every open and on every change, and nothing before', () => {
    const { env, timers } = fakeEnv(noFetch);
    const transport = createHttpTransport(env, { backoff: { jitter: 0 } });
    transport.subscribe(() => {});
    const first = FakeSocket.instances[0]!;
    first.open();
    // No listen() yet: the console's default (every event) stands.
    expect(first.sent).toEqual([]);

    transport.listen(['app.status', 'fleet.pulse']);
    expect(first.sent.map((f) => JSON.parse(f))).toEqual([{ listen: ['app.status', 'fleet.pulse'] }]);
    transport.listen(['app.status']);
    expect(first.sent.at(-1)).toBe('{"listen":["app.status"]}');

    // A new socket starts from "every event" on the console: the latest names go out when it opens.
    first.drop();
    timers.fire();
    const second = FakeSocket.instances.at(-1)!;
    expect(second).not.toBe(first);
    transport.listen(['settings.changed', 'sources.status']);
    expect(second.sent).toEqual([]);
    second.open();
    expect(second.sent).toEqual(['{"listen":["settings.changed","sources.status"]}']);
    expect(first.sent).toHaveLength(2);
  });

  it('asks for the events its FleetApi has listeners for', () => {
    const { env } = fakeEnv(noFetch);
    const api = createFleetApi(createHttpTransport(env));
    api.on('fleet.pulse', () => {});
    const off = api.on('app.status', () => {});
    const socket = FakeSocket.instances[0]!;
    socket.open();
    expect(socket.sent).toEqual(['{"listen":["app.status","fleet.pulse"]}']);
    off();
    expect(socket.sent.at(-1)).toBe('{"listen":["fleet.pulse"]}');
  });

  it('parses frames defensively', () => {
    expect(parseEventFrame(new ArrayBuffer(2))).toBeNull();
    expect(parseEventFrame('null')).toBeNull();
    expect(parseEventFrame(JSON.stringify({ event: 'app.status', payload: status }))).toEqual({
      event: 'app.status',
      payload: status,
    });
  });

  it('passes a fleet delta whose metric rows hold numbers and nulls, as the same rows, and drops one that does not', () => {
    const summary = {
      endpoints: { total: 1, ok: 1, warning: 0, critical: 0, unknown: 0 },
      requestRate: 1,
      latencyP95: null,
      errorRate: 0,
      gpusInUse: 0,
      spendPerHour: 0,
      spendToday: 0,
      freshness: { state: 'live', at: 1 },
      sources: { total: 1, ok: 1, failing: 0 },
      regions: [],
    };
    const frame = (metrics: unknown) =>
      JSON.stringify({
        event: 'fleet.delta',
        payload: { at: 5, upserted: [], removed: [], metrics, summary },
      });
    const good = parseEventFrame(frame({ 'c:ns:a': [1.5, null, 0], 'c:ns:b': [] }));
    expect(good?.event).toBe('fleet.delta');
    expect((good?.payload as { metrics: unknown }).metrics).toEqual({
      'c:ns:a': [1.5, null, 0],
      'c:ns:b': [],
    });
    // Each of these breaks the contract's rows and must never reach the store.
    for (const metrics of [
      { 'c:ns:a': [1, '2'] },
      { 'c:ns:a': 3 },
      [[1, 2]],
      null,
      { 'c:ns:a': [{ value: 1 }] },
    ])
      expect(parseEventFrame(frame(metrics)), JSON.stringify(metrics)).toBeNull();
  });
});
