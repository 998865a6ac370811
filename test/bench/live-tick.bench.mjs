// Main-thread time per live update with 10,000 endpoints and the fleet map open (issue 4).
//
// Setup:    the console with `--demo-scale 10000` on a fresh data directory; Chromium opens
//           `#/fleet` and waits until the map shows all 10,000 endpoints with health.
// value:    Chromium's own performance timeline (CDP tracing, `devtools.timeline` + `toplevel`):
//           the summed duration of every top-level task on the page's main thread
//           (CrRendererMain `RunTask`) while TICKS `fleet.delta` events arrive, divided by the
//           number of deltas. So it holds everything a tick costs - WebSocket message, JSON
//           parse, applyFleetDelta, React, the throttled chart update, paint - and, honestly,
//           whatever else the page did in that window (status polls, timers).
// baseline: 16 ms, one frame at 60 Hz: a tick should cost no more than a frame. Goal ratio <= 1.
// The largest single task is printed on stderr: a long task is what a user would feel.
/* global document, requestAnimationFrame -- page.evaluate/waitForFunction bodies run in Chromium */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './lib/chromium.mjs';
import { ensureBuilt, spawnAndWait, stop } from './lib/processes.mjs';

const SCALE = Number(process.env.FLEETDECK_BENCH_SCALE ?? 10_000);
const TICKS = Number(process.env.FLEETDECK_BENCH_TICKS ?? 6);
const FRAME_MS = 16;

async function main() {
  ensureBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-tick-'));
  const browser = await launchChromium();
  let child;
  try {
    const started = await spawnAndWait(
      [
        'out/main/console.js',
        '--port',
        '0',
        '--no-open',
        '--data-dir',
        dataDir,
        '--demo-scale',
        String(SCALE),
      ],
      /^Fleetdeck console: (\S+)$/m,
      { timeoutMs: 120_000 },
    );
    child = started.child;
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    let deltas = 0;
    let deltaBytes = 0;
    let waiters = [];
    let shape = '';
    page.on('websocket', (socket) =>
      socket.on('framereceived', ({ payload }) => {
        const text = typeof payload === 'string' ? payload : payload.toString();
        if (!text.includes('"fleet.delta"')) return;
        deltas += 1;
        deltaBytes += text.length;
        if (!shape) {
          try {
            const { payload: delta } = JSON.parse(text);
            shape = `${delta.upserted.length} upserted, ${Object.keys(delta.metrics).length} with metrics`;
          } catch {
            shape = 'unparsed';
          }
        }
        for (const w of waiters) w();
      }),
    );
    const nextDeltas = (n) =>
      new Promise((done, fail) => {
        const target = deltas + n;
        const timer = setTimeout(
          () => fail(new Error(`fewer than ${n} fleet.delta events in 120 s`)),
          120_000,
        );
        const check = () => {
          if (deltas < target) return;
          clearTimeout(timer);
          waiters = waiters.filter((w) => w !== check);
          done();
        };
        waiters.push(check);
      });

    await page.goto(started.url);
    await page.waitForFunction(
      (scale) => {
        const map = document.querySelector('[data-testid=fleet-map][data-rendered=true]');
        const header = document.querySelector('[data-testid=fleet-health-counts]');
        return (
          map !== null &&
          Number(map.getAttribute('data-endpoints')) >= scale &&
          Number(header?.getAttribute('data-unknown')) < scale * 0.05
        );
      },
      SCALE,
      { timeout: 180_000, polling: 500 },
    );
    // Start on a tick boundary, so the window holds whole ticks.
    await nextDeltas(1);
    const deltasBefore = deltas;
    await browser.startTracing(page, {
      categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel'],
    });
    await nextDeltas(TICKS);
    // Let the last tick's throttled chart update (<= 1 s later) land inside the window.
    await page.evaluate(
      () => new Promise((done) => setTimeout(() => requestAnimationFrame(() => done()), 1200)),
    );
    const trace = JSON.parse((await browser.stopTracing()).toString());
    const ticks = deltas - deltasBefore;

    const events = trace.traceEvents ?? trace;
    const mainThreads = new Set(
      events
        .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
        .map((e) => `${e.pid}:${e.tid}`),
    );
    // The page's renderer is the one whose main thread ran tasks in the window.
    const tasks = events.filter(
      (e) => e.ph === 'X' && e.name === 'RunTask' && mainThreads.has(`${e.pid}:${e.tid}`) && e.dur > 0,
    );
    const byThread = new Map();
    for (const t of tasks)
      byThread.set(`${t.pid}:${t.tid}`, (byThread.get(`${t.pid}:${t.tid}`) ?? 0) + t.dur);
    const [busiest] = [...byThread.entries()].sort((a, b) => b[1] - a[1]);
    if (!busiest) throw new Error('no main-thread tasks in the trace');
    const mine = tasks.filter((t) => `${t.pid}:${t.tid}` === busiest[0]);
    const busyMs = busiest[1] / 1000;
    const longest = Math.max(...mine.map((t) => t.dur)) / 1000;
    const over50 = mine.filter((t) => t.dur > 50_000).length;
    // Where the time went, inclusive (events nest), for whoever chases it.
    const inside = new Map();
    for (const e of events) {
      if (e.ph !== 'X' || e.name === 'RunTask' || `${e.pid}:${e.tid}` !== busiest[0]) continue;
      inside.set(e.name, (inside.get(e.name) ?? 0) + (e.dur ?? 0));
    }
    const top = [...inside.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([name, dur]) => `${name} ${(dur / 1000).toFixed(0)}`)
      .join(', ');
    const value = busyMs / ticks;
    process.stdout.write(
      `${JSON.stringify({
        bench: 'live-tick',
        value: Number(value.toFixed(2)),
        unit: 'ms',
        baseline: FRAME_MS,
        ratio: Number((value / FRAME_MS).toFixed(3)),
      })}\n`,
    );
    process.stderr.write(
      `live-tick: ${SCALE} endpoints, ${ticks} fleet.delta events (${(deltaBytes / ticks / 1024).toFixed(0)} KiB each), ` +
        `main thread busy ${busyMs.toFixed(0)} ms in ${mine.length} tasks; longest task ${longest.toFixed(1)} ms, ` +
        `${over50} over 50 ms; a delta holds ${shape}; inclusive ms by event: ${top}\n`,
    );
  } finally {
    await browser.close();
    if (child) await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`live-tick bench failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
