// Navigation to a rendered fleet map with 10,000 cached endpoints, in Chromium (issue 4).
//
// Setup:    start the console with `--demo-scale 10000` on a fresh data directory, wait until
//           fleet.endpoints holds all 10,000 endpoints with health, stop it, then restart it on
//           the same data directory with `--no-demo`: the fleet is now served from the SQLite
//           cache alone (cache first, ARCHITECTURE.md), as after a restart with sources down.
// value:    a full navigation to `#/fleet` (session cookie set once beforehand; the bundle may
//           be in the HTTP cache, as it is from disk in the desktop app) -> the map's first
//           rendered frame with the data (the `fleetdeck:fleet-map-rendered` mark, set on
//           ECharts' `finished` event), in ms since the navigation started.
// baseline: the same navigation on a console with an empty fleet (`--no-demo`, fresh data
//           directory) -> the empty state rendered (`fleetdeck:fleet-empty-rendered`): what the
//           page costs with no fleet at all; the ratio is what 10,000 endpoints add.
// Medians of RUNS runs after one unmeasured warm-up each, in a fresh browser context.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './lib/chromium.mjs';
import { seedCache, startConsole } from './lib/console.mjs';
import { ensureBuilt, stop } from './lib/processes.mjs';

const RUNS = Number(process.env.FLEETDECK_BENCH_RUNS ?? 5);
const SCALE = Number(process.env.FLEETDECK_BENCH_SCALE ?? 10_000);
const MAP_MARK = 'fleetdeck:fleet-map-rendered';
const EMPTY_MARK = 'fleetdeck:fleet-empty-rendered';

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** One measured navigation in a fresh context: cookie first, then a full load of `#/fleet`. */
async function navigate(browser, running, mark, selector) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(running.url);
    await page.waitForSelector(selector, { timeout: 60_000 });
    await page.goto('about:blank');
    await page.goto(`${running.origin}/#/fleet`, { waitUntil: 'commit' });
    await page.waitForSelector(selector, { timeout: 60_000 });
    const handle = await page.waitForFunction(
      (name) => performance.getEntriesByName(name)[0]?.startTime ?? null,
      mark,
      { timeout: 60_000 },
    );
    return handle.jsonValue();
  } finally {
    await context.close();
  }
}

async function main() {
  ensureBuilt();
  const cached = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-fleet-'));
  const empty = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-empty-'));
  const browser = await launchChromium();
  let fromCache;
  let emptyConsole;
  try {
    await seedCache(cached, SCALE);
    fromCache = await startConsole(cached, ['--no-demo']);
    const total = (await fromCache.call('fleet.summary')).endpoints.total;
    if (total < SCALE) throw new Error(`the cache served ${total} endpoints, expected ${SCALE}`);
    emptyConsole = await startConsole(empty, ['--no-demo']);
    const mapSelector = '[data-testid=fleet-map][data-rendered=true]';
    const emptySelector = '[data-testid=fleet-empty]';
    await navigate(browser, fromCache, MAP_MARK, mapSelector);
    await navigate(browser, emptyConsole, EMPTY_MARK, emptySelector);
    const values = [];
    const baselines = [];
    for (let i = 0; i < RUNS; i++) {
      values.push(await navigate(browser, fromCache, MAP_MARK, mapSelector));
      baselines.push(await navigate(browser, emptyConsole, EMPTY_MARK, emptySelector));
    }
    const value = median(values);
    const baseline = median(baselines);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'fleet-first-paint',
        value: Number(value.toFixed(1)),
        unit: 'ms',
        baseline: Number(baseline.toFixed(1)),
        ratio: Number((value / baseline).toFixed(3)),
      })}\n`,
    );
    process.stderr.write(
      `fleet-first-paint: ${total} cached endpoints; map ${values.map((v) => v.toFixed(0)).join('/')} ms; ` +
        `empty ${baselines.map((v) => v.toFixed(0)).join('/')} ms (goal <= 1500 ms)\n`,
    );
  } finally {
    await browser.close();
    if (fromCache) await stop(fromCache.child);
    if (emptyConsole) await stop(emptyConsole.child);
    rmSync(cached, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`fleet-first-paint bench failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
