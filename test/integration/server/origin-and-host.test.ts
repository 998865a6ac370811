import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

// Requests a browser makes on behalf of another site: foreign Origin (CSRF, Lens
// CVE-2021-44458) and a foreign Host header (DNS rebinding) are refused even with the token.
describe('console host: Origin and Host checks', () => {
  const tmp = freshDir('fleetdeck-console-origin-');
  let host: ConsoleHost;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    host = await startConsole(tmp.dir);
  });
  afterAll(async () => {
    await stopAllConsoles();
    tmp.cleanup();
  });

  it('refuses a foreign Origin on the API with 403, token or not', async () => {
    for (const origin of [
      'http://evil.example',
      `http://evil.example:${host.port}`,
      'null',
      `https://${host.authority}`,
    ]) {
      const reply = await callApi(host, 'settings.get', {}, { ...bearer(host), origin });
      expect(reply.status, origin).toBe(403);
      expect(reply.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    await host.proc.waitForStderr(/request refused \(403\): Origin "http:\/\/evil\.example"/);
  });

  it("accepts the console's own origin, and localhost under the same port", async () => {
    expect((await callApi(host, 'settings.get', {}, { ...bearer(host), origin: host.origin })).status).toBe(
      200,
    );
    const localhost = `http://localhost:${host.port}`;
    expect((await callApi(host, 'settings.get', {}, { ...bearer(host), origin: localhost })).status).toBe(
      200,
    );
  });

  it('allows requests without Origin (curl, the CLI) when the token is right', async () => {
    expect((await callApi(host, 'settings.get', {}, bearer(host))).status).toBe(200);
  });

  it('refuses a foreign Host header with 403 and names it (DNS rebinding)', async () => {
    const reply = await callApi(
      host,
      'settings.get',
      {},
      { ...bearer(host), host: `rebind.example:${host.port}` },
    );
    expect(reply.status).toBe(403);
    expect(reply.text).toContain('Host header');
    expect(reply.text).toContain('rebind.example');
    // Static files too: a rebinding page must not even get the app shell under its own name.
    const page = await send(host, '/', { headers: { host: `rebind.example:${host.port}` } });
    expect(page.status).toBe(403);
    expect(page.text).toContain('Host header');
  });

  it('refuses the right name on the wrong port', async () => {
    const reply = await callApi(
      host,
      'settings.get',
      {},
      { ...bearer(host), host: `127.0.0.1:${host.port + 1}` },
    );
    expect(reply.status).toBe(403);
  });

  it('accepts localhost:PORT as Host when bound to loopback', async () => {
    const reply = await callApi(
      host,
      'settings.get',
      {},
      { ...bearer(host), host: `localhost:${host.port}` },
    );
    expect(reply.status).toBe(200);
  });

  it('never sends CORS headers, not even to a preflight from its own origin', async () => {
    const preflight = await send(host, '/api/v1/settings.set', {
      method: 'OPTIONS',
      headers: { origin: host.origin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const foreign = await send(host, '/api/v1/settings.get', {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    const ok = await callApi(host, 'settings.get', {}, bearer(host));
    expect(Object.keys(ok.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });
});
