import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from '../server/console-host';

const root = resolve(import.meta.dirname, '../../..');
const out = (...p: string[]) => join(root, 'out', ...p);

// `npm run build` (electron-vite) makes everything a user runs; `npm test` builds before vitest.
describe('the electron-vite build', () => {
  beforeAll(() => ensureConsoleBuilt(), 180_000);

  it('produces the Electron main, the console host, the preload and the renderer', () => {
    for (const file of [
      out('main', 'index.js'),
      out('main', 'console.js'),
      out('preload', 'index.cjs'),
      out('renderer', 'index.html'),
    ]) {
      expect(existsSync(file), file).toBe(true);
    }
    const assets = readdirSync(out('renderer', 'assets'));
    expect(assets.some((f) => f.endsWith('.js'))).toBe(true);
    expect(assets.some((f) => f.endsWith('.css'))).toBe(true);
  });

  it('bundles the sandboxed preload into one file that requires nothing but electron', () => {
    const preload = readFileSync(out('preload', 'index.cjs'), 'utf8');
    const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    // The bridge is derived from the contract (what it exposes is tested in test/unit/electron).
    expect(preload).toContain('fleetdeck:command:');
    expect(preload).toMatch(/exposeInMainWorld\(BRIDGE_GLOBAL, createBridge\(/);
  });

  it('ships a renderer page with a strict CSP and no inline script', () => {
    const html = readFileSync(out('renderer', 'index.html'), 'utf8');
    expect(html).toMatch(/Content-Security-Policy/);
    expect(html).toMatch(/script-src 'self'/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });
});
