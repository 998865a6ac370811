import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';

/**
 * A Chromium page driven over the bare DevTools protocol, for memory benches. Playwright enables
 * the Network domain on every page it drives, and DevTools then keeps each response in its own
 * buffer (blink::NetworkResourcesData, up to ~100 MB): a page polling its API every few seconds
 * "grows" by that buffer alone. Here only Page, Runtime and HeapProfiler are enabled, so what a
 * heap sample shows is the application's own memory, as in the desktop app with no DevTools open.
 */
export async function openBarePage({ width = 1440, height = 1000 } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-chromium-'));
  const browser = spawn(
    CHROMIUM,
    [
      ...CHROMIUM_ARGS,
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      `--window-size=${width},${height}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const wsUrl = await new Promise((done, fail) => {
    let buffered = '';
    const timer = setTimeout(() => fail(new Error(`Chromium printed no DevTools URL:\n${buffered}`)), 30_000);
    browser.stderr.on('data', (chunk) => {
      buffered += chunk;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(buffered);
      if (match) {
        clearTimeout(timer);
        done(match[1]);
      }
    });
    browser.once('exit', (code) => fail(new Error(`Chromium exited (${code}):\n${buffered}`)));
  });
  const socket = new WebSocket(wsUrl, { perMessageDeflate: false });
  await new Promise((done, fail) => {
    socket.once('open', done);
    socket.once('error', fail);
  });
  let nextId = 1;
  const pending = new Map();
  const listeners = new Map();
  socket.on('message', (raw) => {
    const message = JSON.parse(raw.toString());
    if (message.method) for (const fn of listeners.get(message.method) ?? []) fn(message.params);
    const waiter = message.id !== undefined ? pending.get(message.id) : undefined;
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.fail(new Error(`${waiter.method}: ${message.error.message}`));
    else waiter.done(message.result);
  });
  const send = (method, params = {}, sessionId) =>
    new Promise((done, fail) => {
      const id = nextId++;
      pending.set(id, { done, fail, method });
      socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });

  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const page = (method, params) => send(method, params, sessionId);
  await page('Page.enable');
  await page('HeapProfiler.enable');
  await page('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });

  const evaluate = async (expression) => {
    const { result, exceptionDetails } = await page('Runtime.evaluate', { expression, returnByValue: true });
    if (exceptionDetails) throw new Error(`${expression}: ${exceptionDetails.text}`);
    return result.value;
  };

  return {
    /** Any other protocol command on the page's session, and its events. */
    cdp: page,
    on(method, fn) {
      listeners.set(method, [...(listeners.get(method) ?? []), fn]);
    },
    goto: (url) => page('Page.navigate', { url }),
    evaluate,
    /** Polls an expression in the page until it is truthy. */
    async waitFor(what, expression, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await evaluate(expression).catch(() => null);
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    /** Retained JS heap: full GC twice (weak refs, finalizers), then the used size. */
    async usedHeapBytes() {
      await page('HeapProfiler.collectGarbage');
      await page('HeapProfiler.collectGarbage');
      const { usedSize } = await page('Runtime.getHeapUsage');
      return usedSize;
    },
    /**
     * The same GC, then a heap snapshot summed by node type: `js` is what the page's own objects
     * retain (objects, arrays, strings, closures...), `code` V8's compiled code (bytecode and
     * JIT tiers, which keep growing while functions get hot), `native` Blink's objects in the
     * snapshot (DOM, and caches such as the font shape cache, keyed by every string drawn).
     */
    async heapByKind() {
      await page('HeapProfiler.collectGarbage');
      const chunks = [];
      const onChunk = (e) => chunks.push(e.chunk);
      listeners.set('HeapProfiler.addHeapSnapshotChunk', [onChunk]);
      await page('HeapProfiler.takeHeapSnapshot', { reportProgress: false, captureNumericValue: false });
      listeners.delete('HeapProfiler.addHeapSnapshotChunk');
      const snapshot = JSON.parse(chunks.join(''));
      const { node_fields: fields, node_types: nodeTypes } = snapshot.snapshot.meta;
      const stride = fields.length;
      const typeAt = fields.indexOf('type');
      const sizeAt = fields.indexOf('self_size');
      const sums = { js: 0, code: 0, native: 0 };
      for (let i = 0; i < snapshot.nodes.length; i += stride) {
        const type = nodeTypes[0][snapshot.nodes[i + typeAt]];
        const kind = type === 'code' ? 'code' : type === 'native' ? 'native' : 'js';
        sums[kind] += snapshot.nodes[i + sizeAt];
      }
      return sums;
    },
    async close() {
      socket.close();
      await new Promise((done) => {
        if (browser.exitCode !== null) return done();
        browser.once('exit', done);
        browser.kill('SIGTERM');
      });
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
