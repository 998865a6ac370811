import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../src/shared/contract/index';
import { freshDir } from '../../support/tmp';
import {
  bearer,
  callApi,
  ensureConsoleBuilt,
  send,
  startConsole,
  stopAllConsoles,
  type ConsoleHost,
} from './console-host';

// POST /api/v1/<command>: the contract's commands over HTTP, with the core's own validation.
describe('console host: command API', () => {
  const tmp = freshDir('fleetdeck-console-api-');
  let host: ConsoleHost;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    host = await startConsole(tmp.dir);
  });
  afterAll(async () => {
    await stopAllConsoles();
    tmp.cleanup();
  });

  it('answers an unknown command with 404', async () => {
    const reply = await callApi(host, 'fleet.destroy', {}, bearer(host));
    expect(reply.status).toBe(404);
    expect(reply.json()).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(reply.text).toContain('fleet.destroy');
  });

  it('refuses arguments that fail the schema with 400 naming the field', async () => {
    const purple = await callApi(host, 'settings.set', { theme: 'purple' }, bearer(host));
    expect(purple.status).toBe(400);
    expect(purple.json()).toMatchObject({ ok: false, error: { code: 'bad_request', where: 'settings.set' } });
    expect((purple.json() as { error: { message: string } }).error.message).toContain('theme');

    const unknown = await callApi(host, 'settings.set', { nope: 1 }, bearer(host));
    expect(unknown.status).toBe(400);
    expect((unknown.json() as { error: { message: string } }).error.message).toContain('nope');
  });

  it('refuses a body that is not JSON, or not a JSON object, with 400', async () => {
    const headers = { ...bearer(host), 'content-type': 'application/json' };
    for (const body of ['{theme:', '[]', '"dark"', 'null', '']) {
      const reply = await send(host, '/api/v1/settings.get', { method: 'POST', headers, body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.json()).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
  });

  it('only allows POST (405)', async () => {
    const reply = await send(host, '/api/v1/settings.get', { headers: bearer(host) });
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('POST');
  });

  it('needs Content-Type: application/json (415), which also blocks form posts', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const reply = await send(host, '/api/v1/settings.set', {
        method: 'POST',
        headers: { ...bearer(host), 'content-type': type },
        body: '{"theme":"dark"}',
      });
      expect(reply.status, type).toBe(415);
    }
    const charset = await send(host, '/api/v1/settings.get', {
      method: 'POST',
      headers: { ...bearer(host), 'content-type': 'application/json; charset=utf-8' },
      body: '{}',
    });
    expect(charset.status).toBe(200);
  });

  it('caps the body at 1 MB (413)', async () => {
    const body = JSON.stringify({ theme: 'dark', padding: 'x'.repeat(1024 * 1024) });
    const reply = await send(host, '/api/v1/settings.set', {
      method: 'POST',
      headers: { ...bearer(host), 'content-type': 'application/json' },
      body,
    });
    expect(reply.status).toBe(413);
  });

  it('points a plain GET on the events path at the WebSocket (426)', async () => {
    const reply = await send(host, '/api/v1/events', { headers: bearer(host) });
    expect(reply.status).toBe(426);
  });

  it('keeps settings.set across a restart on the same data directory', async () => {
    const set = await callApi(host, 'settings.set', { theme: 'dark', staleAfterSeconds: 120 }, bearer(host));
    expect(set.status).toBe(200);
    expect(set.json()).toMatchObject({ ok: true, result: { theme: 'dark', staleAfterSeconds: 120 } });
    expect((await callApi(host, 'settings.get', {}, bearer(host))).json()).toMatchObject({
      result: { theme: 'dark', staleAfterSeconds: 120 },
    });

    expect((await host.stop()).code).toBe(0);
    host = await startConsole(tmp.dir);

    const get = await callApi(host, 'settings.get', {}, bearer(host));
    expect(get.status).toBe(200);
    // What was set survives; everything else is still its default.
    expect(get.json()).toEqual({
      ok: true,
      result: { ...defaultSettings, theme: 'dark', staleAfterSeconds: 120 },
    });
  });
});
