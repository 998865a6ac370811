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

// The token rules of the console host (issue 2, item 5): header or cookie on every API call,
// the query string only to set the cookie from the printed page.
describe('console host: token', () => {
  const tmp = freshDir('fleetdeck-console-auth-');
  let host: ConsoleHost;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    host = await startConsole(tmp.dir);
  });
  afterAll(async () => {
    await stopAllConsoles();
    tmp.cleanup();
  });

  it('prints a 256-bit base64url token, fresh for every launch', async () => {
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(host.token, 'base64url')).toHaveLength(32);
    const other = freshDir('fleetdeck-console-auth2-');
    try {
      const second = await startConsole(other.dir);
      expect(second.token).not.toBe(host.token);
      expect((await second.stop()).code).toBe(0);
    } finally {
      other.cleanup();
    }
  });

  it('refuses an API call without a token with 401', async () => {
    const reply = await callApi(host, 'app.info', {});
    expect(reply.status).toBe(401);
    expect(reply.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(reply.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('refuses a wrong token with 401, as Bearer and as cookie', async () => {
    const wrong = 'A'.repeat(43);
    expect((await callApi(host, 'app.info', {}, { authorization: `Bearer ${wrong}` })).status).toBe(401);
    expect(
      (await callApi(host, 'app.info', {}, { cookie: `fleetdeck_token_${host.port}=${wrong}` })).status,
    ).toBe(401);
    // A prefix of the right token is still wrong.
    expect(
      (await callApi(host, 'app.info', {}, { authorization: `Bearer ${host.token.slice(0, 42)}` })).status,
    ).toBe(401);
    // The refusal is logged with its reason, and never with the token that was tried.
    await host.proc.waitForStderr(/request refused \(401\): wrong token/);
    expect(host.proc.stderr).not.toContain(wrong);
    expect(host.proc.stderr).not.toContain(host.token);
  });

  it('accepts the token as Authorization: Bearer', async () => {
    const reply = await callApi(host, 'app.info', {}, bearer(host));
    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({ ok: true, result: { name: 'Fleetdeck', host: 'console' } });
  });

  it('accepts the token as the per-port fleetdeck_token_<port> cookie', async () => {
    const reply = await callApi(
      host,
      'app.info',
      {},
      { cookie: `other=1; fleetdeck_token_${host.port}=${host.token}` },
    );
    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({ ok: true });
  });

  it('turns ?token= on the page into an HttpOnly, SameSite=Strict cookie and redirects to / without it', async () => {
    const reply = await send(host, `/?token=${host.token}`);
    expect(reply.status).toBe(302);
    expect(reply.headers.location).toBe('/');
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.headers['referrer-policy']).toBe('no-referrer');
    const cookie = String(reply.headers['set-cookie']);
    const attributes = cookie.split(';').map((part) => part.trim());
    expect(attributes[0]).toBe(`fleetdeck_token_${host.port}=${host.token}`);
    expect(attributes).toContain('HttpOnly');
    expect(attributes).toContain('SameSite=Strict');
    expect(attributes).toContain('Path=/');

    // The cookie the browser now holds is what the page's API calls carry.
    const call = await callApi(host, 'app.info', {}, { cookie: attributes[0]! });
    expect(call.status).toBe(200);
  });

  it('does not set a cookie for a wrong ?token= on the page', async () => {
    const reply = await send(host, '/?token=not-the-token');
    expect(reply.status).toBe(401);
    expect(reply.headers['set-cookie']).toBeUndefined();
    expect(reply.text).not.toContain('not-the-token');
  });

  it('ignores ?token= on the API: the query string alone gets 401', async () => {
    const reply = await callApi(host, `app.info?token=${host.token}`, {});
    expect(reply.status).toBe(401);
    expect(host.proc.stderr).not.toContain(host.token);
  });
});
