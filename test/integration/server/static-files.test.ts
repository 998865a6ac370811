import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDir } from '../../support/tmp';
import {
  ensureConsoleBuilt,
  rendererIndex,
  send,
  startConsole,
  stopAllConsoles,
  type ConsoleHost,
} from './console-host';

// The built renderer is served without the token (it holds no data) but with the same
// security headers as the desktop window, and never anything outside out/renderer.
describe('console host: static files', () => {
  const tmp = freshDir('fleetdeck-console-static-');
  let host: ConsoleHost;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    host = await startConsole(tmp.dir);
  });
  afterAll(async () => {
    await stopAllConsoles();
    tmp.cleanup();
  });

  it('serves index.html without a token, with CSP, nosniff, no-referrer and no-store', async () => {
    const reply = await send(host, '/');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.text).toBe(readFileSync(rendererIndex, 'utf8'));
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['referrer-policy']).toBe('no-referrer');
    expect(reply.headers['set-cookie']).toBeUndefined();
    const csp = String(reply.headers['content-security-policy']);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      `connect-src 'self' ws://${host.authority}`,
      "frame-ancestors 'none'",
      "object-src 'none'",
      "base-uri 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect((await send(host, '/index.html')).status).toBe(200);
  });

  it('serves the bundles index.html names with their content types', async () => {
    const html = readFileSync(rendererIndex, 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="(\/?(?:\.\/)?assets\/[^"]+)"/g)].map((m) =>
      m[1]!.replace(/^\.?\/?/, '/'),
    );
    expect(assets.length).toBeGreaterThan(0);
    const types: Record<string, string> = {
      js: 'text/javascript; charset=utf-8',
      css: 'text/css; charset=utf-8',
    };
    for (const asset of assets) {
      const reply = await send(host, asset);
      expect(reply.status, asset).toBe(200);
      const ext = asset.slice(asset.lastIndexOf('.') + 1);
      if (types[ext]) expect(reply.headers['content-type'], asset).toBe(types[ext]);
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('refuses paths that climb out of the renderer folder', async () => {
    const secret = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
    // Encoded separators survive URL normalisation and reach the file lookup: refused with 403.
    for (const path of [
      '/..%2fpackage.json',
      '/..%2f..%2fpackage.json',
      '/assets/..%2f..%2f..%2fpackage.json',
      '/%2e%2e%2f%2e%2e%2fpackage.json',
    ]) {
      const reply = await send(host, path);
      expect(reply.status, path).toBe(403);
      expect(reply.text).not.toContain('"name": "fleetdeck"');
    }
    // Plain dot segments are resolved by the URL parser first and never leave the root.
    for (const path of ['/../package.json', '/../../package.json', '/assets/../../../etc/passwd']) {
      const reply = await send(host, path);
      expect(reply.status, path).not.toBe(200);
      expect(reply.text).not.toBe(secret);
      expect(reply.text).not.toContain('root:');
    }
    // An absolute path, a NUL byte and a broken escape.
    expect((await send(host, '/%2fetc%2fpasswd')).status).not.toBe(200);
    expect((await send(host, '/index.html%00.js')).status).toBe(400);
    expect((await send(host, '/..%5c..%5cpackage.json')).status).toBe(400);
    expect((await send(host, '/%E0%A4%A')).status).toBe(400);
  });

  it('answers a missing file with 404 and other methods with 405', async () => {
    expect((await send(host, '/nothing-here.js')).status).toBe(404);
    expect((await send(host, '/assets')).status).toBe(404);
    const post = await send(host, '/index.html', { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
  });
});
