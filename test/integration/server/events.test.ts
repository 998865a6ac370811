import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { freshDir } from '../../support/tmp';
import {
  bearer,
  callApi,
  ensureConsoleBuilt,
  openEvents,
  startConsole,
  stopAllConsoles,
  type ConsoleHost,
} from './console-host';

// GET /api/v1/events: the WebSocket that Lens CVE-2021-44458 left open to every web page.
// Refusals happen on the HTTP handshake, before any socket exists.
describe('console host: events WebSocket', () => {
  const tmp = freshDir('fleetdeck-console-events-');
  let host: ConsoleHost;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    host = await startConsole(tmp.dir);
  });
  afterAll(async () => {
    await stopAllConsoles();
    tmp.cleanup();
  });

  it('streams app.status to a client with the Bearer token', async () => {
    const outcome = await openEvents(host, bearer(host));
    expect(outcome.kind).toBe('open');
    if (outcome.kind !== 'open') return;
    expect(outcome.first.event).toBe('app.status');
    expect(outcome.first.payload).toMatchObject({
      dataDir: tmp.dir,
      database: { status: expect.any(String) },
    });
    outcome.ws.close();
  });

  it('accepts a browser: own Origin plus the cookie', async () => {
    const outcome = await openEvents(host, {
      origin: host.origin,
      cookie: `fleetdeck_token_${host.port}=${host.token}`,
    });
    expect(outcome.kind).toBe('open');
    if (outcome.kind === 'open') outcome.ws.close();
  });

  it('refuses an upgrade without a token with 401', async () => {
    const outcome = await openEvents(host, { origin: host.origin });
    expect(outcome).toMatchObject({ kind: 'refused', status: 401 });
    await host.proc.waitForStderr(/WebSocket upgrade refused/);
  });

  it('refuses a wrong token, and a token only in the query string, with 401', async () => {
    expect(await openEvents(host, { authorization: `Bearer ${'x'.repeat(43)}` })).toMatchObject({
      status: 401,
    });
    expect(await openEvents(host, {}, `/api/v1/events?token=${host.token}`)).toMatchObject({ status: 401 });
  });

  it('refuses a foreign Origin with 403 even with the token', async () => {
    const outcome = await openEvents(host, {
      origin: 'http://evil.example',
      cookie: `fleetdeck_token_${host.port}=${host.token}`,
    });
    expect(outcome).toMatchObject({ kind: 'refused', status: 403 });
    expect(await openEvents(host, { ...bearer(host), origin: 'null' })).toMatchObject({ status: 403 });
  });

  it('refuses a foreign Host header with 403', async () => {
    const outcome = await openEvents(host, { ...bearer(host), host: `rebind.example:${host.port}` });
    expect(outcome).toMatchObject({ kind: 'refused', status: 403 });
    if (outcome.kind === 'refused') expect(outcome.body).toContain('Host header');
  });

  it('has no WebSocket anywhere else', async () => {
    expect(await openEvents(host, bearer(host), '/api/v1/terminal')).toMatchObject({
      kind: 'refused',
      status: 404,
    });
  });
});

/** Every message a socket gets from now on, in order. */
function inbox(ws: WebSocket) {
  const messages: { event: string; payload: unknown }[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as (typeof messages)[number]));
  return {
    messages,
    events: () => messages.map((m) => m.event),
    clear: () => void messages.splice(0),
  };
}

/**
 * Resolves once the console has handled everything this client sent before, and this client has
 * every message the console sent before answering: the console reads a socket's frames in order
 * and writes its pong after them, so a ping round trip orders both ways without a clock.
 */
function roundTrip(ws: WebSocket): Promise<void> {
  return new Promise((done) => {
    ws.once('pong', () => done());
    ws.ping();
  });
}

// A socket that says `{"listen": [names]}` gets only those events; one that never says gets all.
describe('console host: events WebSocket, listen', () => {
  const tmp = freshDir('fleetdeck-console-listen-');
  let host: ConsoleHost;
  let theme: 'dark' | 'light' = 'light';

  beforeAll(async () => {
    await ensureConsoleBuilt();
    host = await startConsole(tmp.dir);
  });
  afterAll(async () => {
    await stopAllConsoles();
    tmp.cleanup();
  });

  async function connect() {
    const outcome = await openEvents(host, bearer(host));
    if (outcome.kind !== 'open') throw new Error(`events socket refused: ${outcome.status}`);
    return { ws: outcome.ws, inbox: inbox(outcome.ws) };
  }

  /** settings.changed (a theme it did not have), then app.status; both emitted before the answers. */
  async function settingsThenStatus() {
    theme = theme === 'dark' ? 'light' : 'dark';
    expect((await callApi(host, 'settings.set', { theme }, bearer(host))).status).toBe(200);
    expect((await callApi(host, 'app.health', {}, bearer(host))).status).toBe(200);
  }

  it('sends a socket only the events it listens to, while one that never said gets everything', async () => {
    const filtered = await connect();
    const everything = await connect();
    filtered.ws.send(JSON.stringify({ listen: ['app.status'] }));
    await roundTrip(filtered.ws);
    filtered.inbox.clear();
    everything.inbox.clear();

    await settingsThenStatus();
    await roundTrip(filtered.ws);
    await roundTrip(everything.ws);
    // The settings change came first and was held back: the first message is the status after it.
    expect(filtered.inbox.events()[0]).toBe('app.status');
    expect(filtered.inbox.events()).not.toContain('settings.changed');
    const all = everything.inbox.events();
    expect(all).toContain('settings.changed');
    expect(all.indexOf('app.status', all.indexOf('settings.changed'))).toBeGreaterThan(0);
    expect(everything.inbox.messages.find((m) => m.event === 'settings.changed')?.payload).toMatchObject({
      theme,
    });

    // A later listen replaces the set.
    filtered.ws.send(JSON.stringify({ listen: ['settings.changed', 'sources.status'] }));
    await roundTrip(filtered.ws);
    filtered.inbox.clear();
    await settingsThenStatus();
    await roundTrip(filtered.ws);
    expect(filtered.inbox.events()).toEqual(['settings.changed']);
    filtered.ws.close();
    everything.ws.close();
  });

  const malformed: Array<[string, string, RegExp]> = [
    [
      'an unknown event name',
      '{"listen":["settings.changed","fleet.everything"]}',
      /unknown event "fleet\.everything"/,
    ],
    ['a message that is not JSON', 'listen settings.changed', /not JSON/],
    ['a message without a listen field', '{"events":["settings.changed"]}', /without a "listen" field/],
    ['a listen that is not an array', '{"listen":"settings.changed"}', /not an array/],
  ];
  for (const [what, message, problem] of malformed) {
    it(`ignores ${what}: the socket keeps its events and the console says what was wrong`, async () => {
      const client = await connect();
      client.ws.send(JSON.stringify({ listen: ['app.status'] }));
      client.ws.send(message);
      await roundTrip(client.ws);
      client.inbox.clear();

      await settingsThenStatus();
      await roundTrip(client.ws);
      expect(client.inbox.events()[0]).toBe('app.status');
      expect(client.inbox.events()).not.toContain('settings.changed');
      const line = await host.proc.waitForStderr(
        new RegExp(`warn: console: events client sent .*${problem.source}.*`),
      );
      expect(line).toMatch(/ignored, its events are unchanged/);
      expect(host.proc.stderr).not.toContain(host.token);
      client.ws.close();
    });
  }

  it('warns once per socket, however many bad messages it sends', async () => {
    const noisy = await connect();
    noisy.ws.send('{"listen":["first.unknown"]}');
    noisy.ws.send('{"listen":["second.unknown"]}');
    await roundTrip(noisy.ws);
    // Another socket's warning comes after anything the first one's messages logged.
    const other = await connect();
    other.ws.send('{"listen":["third.unknown"]}');
    await host.proc.waitForStderr(/unknown event "third\.unknown"/);
    expect(host.proc.stderr).toMatch(/unknown event "first\.unknown"/);
    expect(host.proc.stderr).not.toMatch(/second\.unknown/);
    noisy.ws.close();
    other.ws.close();
  });
});
