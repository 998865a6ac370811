import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EventMessage } from '../../../src/shared/contract/index';
import { startConsoleServer, type ConsoleCore, type ConsoleServer } from '../../../src/server/console-server';

// Behaviour that needs a stand-in core or a missing build, so it runs the host's server module
// in this process instead of the built console.js: slow and dead event clients, and the page
// shown before `npm run build`.
function fakeCore() {
  const listeners = new Set<(message: EventMessage) => void>();
  const warnings: string[] = [];
  const core: ConsoleCore = {
    call: async () => ({ ok: true, result: {} }),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    log: {
      debug() {},
      info() {},
      warn: (message) => warnings.push(message),
      error: (message) => warnings.push(message),
    },
  };
  const emit = (payload: unknown) => {
    for (const listener of listeners) listener({ event: 'app.status', payload } as EventMessage);
  };
  return { core, emit, warnings, listeners };
}

describe('console host: server module', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(
    core: ConsoleCore,
    extra: { heartbeatMs?: number; maxBufferedBytes?: number; rendererDir?: string } = {},
  ) {
    const empty = mkdtempSync(join(tmpdir(), 'fleetdeck-no-renderer-'));
    cleanups.push(() => rmSync(empty, { recursive: true, force: true }));
    const server: ConsoleServer = await startConsoleServer({
      core,
      host: '127.0.0.1',
      port: 0,
      rendererDir: extra.rendererDir ?? join(empty, 'renderer'),
      ...extra,
    });
    cleanups.push(() => server.close(100));
    return server;
  }

  function connect(server: ConsoleServer, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
    return new Promise((done, fail) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/v1/events`, {
        headers: { authorization: `Bearer ${server.token}` },
        ...options,
      });
      ws.once('open', () => done(ws));
      ws.once('error', fail);
      cleanups.push(() => ws.terminate());
    });
  }

  it('closes a client that falls more than the limit behind with 1013 instead of buffering', async () => {
    const { core, emit, warnings, listeners } = fakeCore();
    const server = await start(core, { maxBufferedBytes: 1024 * 1024 });
    const ws = await connect(server);
    // Stop reading: the kernel buffers fill, then the server's queue grows.
    ws.pause();
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      ws.once('close', (code, reason) => done({ code, reason: reason.toString() })),
    );
    const chunk = 'x'.repeat(256 * 1024);
    // Far more than the kernel and the limit can hold; the server must give up, not queue it all.
    for (let i = 0; i < 400 && listeners.size > 0; i++) emit({ chunk });
    expect(warnings.some((w) => w.includes('too slow'))).toBe(true);
    ws.resume();
    const { code, reason } = await closed;
    expect(code).toBe(1013);
    expect(reason).toMatch(/too slow/);
  });

  it('drops a peer that stops answering pings', async () => {
    const { core, warnings } = fakeCore();
    const server = await start(core, { heartbeatMs: 50 });
    const ws = await connect(server, { autoPong: false });
    const code = await new Promise<number>((done) => ws.once('close', (c) => done(c)));
    // terminate() sends no close frame: the client sees an abnormal closure.
    expect(code).toBe(1006);
    expect(warnings.some((w) => w.includes('stopped answering pings'))).toBe(true);
  });

  it('keeps a peer that answers pings', async () => {
    const { core } = fakeCore();
    const server = await start(core, { heartbeatMs: 20 });
    const ws = await connect(server);
    let pings = 0;
    await new Promise<void>((done) =>
      ws.on('ping', () => {
        if (++pings === 5) done();
      }),
    );
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('answers / with a "run npm run build" page when the renderer is not built', async () => {
    const { core } = fakeCore();
    const server = await start(core);
    const res = await request(`http://127.0.0.1:${server.port}/`);
    const text = await res.body.text();
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(text).toContain('npm run build');
    expect(String(res.headers['content-security-policy'])).toContain("default-src 'self'");
  });

  it('finishes an in-flight request before closing', async () => {
    const { core } = fakeCore();
    let release!: () => void;
    const started = new Promise<void>((markStarted) => {
      core.call = () =>
        new Promise((done) => {
          markStarted();
          release = () => done({ ok: true, result: { finished: true } });
        });
    });
    const server = await start(core);
    const pending = request(`http://127.0.0.1:${server.port}/api/v1/app.info`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    await started;
    const closing = server.close(10_000);
    release();
    const res = await pending;
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ ok: true, result: { finished: true } });
    await closing;
  });
});
