import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDir } from '../../support/tmp';
import {
  bearer,
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
