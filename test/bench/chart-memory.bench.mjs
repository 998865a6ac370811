// JS heap growth of an open endpoint detail under live updates, in Chromium (issue 4, goal < 5 %).
//
// value:    growth of the JS objects the page retains, from the end of the warm-up to the end of
//           the run, in %. Every sample forces a full GC (HeapProfiler.collectGarbage), then sums
//           a heap snapshot by kind (lib/cdp-page.mjs heapByKind). V8's compiled code and Blink's
//           native caches are logged beside it but not in the figure: the first keeps growing for
//           many minutes as functions called once per tick reach the JIT tiers, the second (font
//           shape cache) grows with every distinct string drawn; neither is memory the app holds,
//           and both would hide or fake a leak of chart objects (echarts #7442, #7125, #4105).
//           The raw Runtime.getHeapUsage `used` figure is logged too.
// baseline: the JS objects retained after warm-up, in bytes; ratio = final / baseline.
// Setup:    the built console with its demo fleet on a fresh data directory; the detail page of
//           an endpoint with traffic, all six panels polling their tail every 5 s and the fleet
//           deltas arriving. The page is driven over the bare DevTools protocol (lib/cdp-page.mjs)
//           so no Network-domain buffer is counted as the app's memory. The warm-up lasts until
//           every panel has drawn, WARMUP_TICKS live ticks have gone by, and every panel's window
//           is full: a fresh console has less history than the panel's range (15 min), so until
//           then each panel legitimately holds more points every tick, and growth measured then
//           is the window filling, not a leak (a 1-minute run read +1.55 %, a 10-minute one +8.5 %
//           with points per panel growing 13 -> 82). Full = no panel's point count grew over
//           FULL_FOR_MS; capped at FLEETDECK_BENCH_FILL_MINUTES (default 20). The detail opens
//           on FLEETDECK_BENCH_RANGE (default 15m).
// Duration: FLEETDECK_BENCH_MINUTES (default 10, as the issue says); a sample every 30 s goes to
//           stderr with the points each panel holds (bounded to about one per pixel).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBarePage } from './lib/cdp-page.mjs';
import { ensureBuilt, spawnAndWait, stop } from './lib/processes.mjs';

const MINUTES = Number(process.env.FLEETDECK_BENCH_MINUTES ?? 10);
const WARMUP_TICKS = 6; // live polls (5 s each) after the first full draw
const SAMPLE_EVERY_MS = 30_000;
const FULL_FOR_MS = 60_000;
const FILL_MINUTES = Number(process.env.FLEETDECK_BENCH_FILL_MINUTES ?? 20);
// The detail's shortest range, so its window is full after 15 minutes (the default, 1 h, fills
// only after an hour of history: a 20-minute warm-up still saw it growing).
const RANGE = process.env.FLEETDECK_BENCH_RANGE ?? '15m';

const log = (...args) => console.error('[chart-memory]', ...args);

const ERROR_CHART = "document.querySelector('[data-testid=chart-error-rate]')";

async function until(what, probe, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main() {
  ensureBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-chart-memory-'));
  let child;
  let page;
  try {
    const started = await spawnAndWait(
      ['out/main/console.js', '--port', '0', '--no-open', '--data-dir', dataDir],
      /^Fleetdeck console: (\S+)$/m,
    );
    child = started.child;
    const { origin, searchParams } = new URL(started.url);
    const call = async (command, args = {}) => {
      const res = await fetch(`${origin}/api/v1/${command}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${searchParams.get('token')}`, 'content-type': 'application/json' },
        body: JSON.stringify(args),
      });
      const body = await res.json();
      if (!body.ok) throw new Error(`${command}: ${JSON.stringify(body.error)}`);
      return body.result;
    };
    const target = await until('a demo endpoint with traffic', async () => {
      const list = await call('fleet.endpoints', { limit: 20_000 });
      return list.items.find((e) => (e.metrics.request_rate?.value ?? 0) > 0);
    });
    log(`endpoint ${target.id}, range ${RANGE}, ${MINUTES} min`);

    page = await openBarePage();
    await page.goto(started.url);
    await page.waitFor(
      'the shell',
      "!!document.querySelector('[data-testid=status-bar][data-ready=true]')",
      30_000,
    );
    await page.evaluate(
      `location.hash = ${JSON.stringify(`#/endpoints/${encodeURIComponent(target.id)}?range=${RANGE}`)}`,
    );
    await page.waitFor(
      'every panel drawn',
      "(() => { const p = [...document.querySelectorAll('.chart-panel')]; return p.length === 6 && p.every((x) => Number(x.dataset.points ?? 0) > 0); })()",
      90_000,
    );
    const nextTick = async () => {
      const before = await page.evaluate(`${ERROR_CHART}?.dataset.lastAt ?? ''`);
      await page.waitFor(
        'a live tick',
        `(${ERROR_CHART}?.dataset.lastAt ?? '') !== ${JSON.stringify(before)}`,
        30_000,
      );
    };
    for (let tick = 0; tick < WARMUP_TICKS; tick++) await nextTick();
    const pointsPerPanel = async () =>
      (
        await page.evaluate(
          "[...document.querySelectorAll('.chart-panel')].map((p) => p.dataset.points).join(',')",
        )
      )
        .split(',')
        .map(Number);
    const fillBy = Date.now() + FILL_MINUTES * 60_000;
    let counts = await pointsPerPanel();
    let steadySince = Date.now();
    while (Date.now() - steadySince < FULL_FOR_MS && Date.now() < fillBy) {
      await new Promise((r) => setTimeout(r, 10_000));
      const now = await pointsPerPanel();
      // A full window still moves by a point as the range slides: compare with the most seen.
      if (now.some((n, i) => n > (counts[i] ?? 0))) {
        counts = now.map((n, i) => Math.max(n, counts[i] ?? 0));
        steadySince = Date.now();
      }
    }
    log(
      Date.now() < fillBy
        ? `windows full: points per panel ${counts.join(',')}`
        : `windows still filling after ${FILL_MINUTES} min (points per panel ${counts.join(',')}); measuring anyway`,
    );

    const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
    const pct = (now, then) => `${(((now - then) / then) * 100).toFixed(2)} %`;
    const first = { used: await page.usedHeapBytes(), ...(await page.heapByKind()) };
    log(
      `baseline: JS objects ${mib(first.js)}, code ${mib(first.code)}, native ${mib(first.native)}, used ${mib(first.used)}`,
    );
    const startedAt = Date.now();
    const endAt = startedAt + MINUTES * 60_000;
    let last = first;
    while (Date.now() < endAt) {
      await new Promise((r) => setTimeout(r, Math.min(SAMPLE_EVERY_MS, Math.max(0, endAt - Date.now()))));
      last = { used: await page.usedHeapBytes(), ...(await page.heapByKind()) };
      const points = await page.evaluate(
        "[...document.querySelectorAll('.chart-panel')].map((p) => p.dataset.points).join(',')",
      );
      log(
        `+${((Date.now() - startedAt) / 1000).toFixed(0)} s: JS objects ${mib(last.js)} (${pct(last.js, first.js)}), ` +
          `code ${pct(last.code, first.code)}, native ${pct(last.native, first.native)}, ` +
          `used ${mib(last.used)} (${pct(last.used, first.used)}); points per panel ${points}`,
      );
    }
    // Still live at the end: a flat heap must not come from updates having stopped.
    await nextTick();
    const growth = ((last.js - first.js) / first.js) * 100;
    console.log(
      JSON.stringify({
        bench: 'chart-memory',
        value: Number(growth.toFixed(2)),
        unit: '%',
        baseline: first.js,
        ratio: Number((last.js / first.js).toFixed(4)),
      }),
    );
  } finally {
    if (page) await page.close();
    if (child) await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
