// Console cold start to first paint, in Chromium.
//
// value:    spawn `node out/main/console.js` on a fresh data directory -> open its printed URL
//           (token exchange, redirect, bundle, API calls) -> paint. Two figures: first-contentful-
//           paint, and the shell ready (status bar painted showing Connected with the core's status).
// baseline: spawn a plain node:http static server over the same out/renderer bundle -> open it
//           -> first-contentful-paint. What any Node server plus this bundle costs; the ratio is
//           what the console host and the core add on top.
// Each figure is the median of RUNS runs after one unmeasured warm-up, each in a fresh browser
// context (empty cache and cookies). Time is measured in this process: from just before spawn()
// to the goto() call, plus the page's own paint time since its navigation started, so no clocks
// of two processes are compared.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstContentfulPaint, launchChromium } from './lib/chromium.mjs';
import { ensureBuilt, repoRoot, spawnAndWait, stop } from './lib/processes.mjs';

const RUNS = Number(process.env.FLEETDECK_BENCH_RUNS ?? 5);
const SHELL_READY_MARK = 'fleetdeck:shell-ready';

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function consoleRun(browser) {
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-'));
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  let child;
  try {
    const started = await spawnAndWait(
      ['out/main/console.js', '--port', '0', '--no-open', '--data-dir', dataDir],
      /^Fleetdeck console: (\S+)$/m,
    );
    child = started.child;
    const page = await context.newPage();
    const navigatedAt = performance.now();
    await page.goto(started.url, { waitUntil: 'commit' });
    const fcp = await firstContentfulPaint(page);
    await page.waitForSelector('[data-testid=status-bar][data-ready=true]', { timeout: 30_000 });
    const ready = await (
      await page.waitForFunction(
        (name) => performance.getEntriesByName(name)[0]?.startTime ?? null,
        SHELL_READY_MARK,
      )
    ).jsonValue();
    const untilNavigation = navigatedAt - started.spawnedAt;
    return {
      fcp: untilNavigation + fcp,
      ready: untilNavigation + ready,
      up: started.printedAt - started.spawnedAt,
    };
  } finally {
    await context.close();
    if (child) await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function baselineRun(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  let child;
  try {
    const started = await spawnAndWait(
      [join(import.meta.dirname, 'lib/static-server.mjs'), join(repoRoot, 'out/renderer')],
      /^Static server: (\S+)$/m,
    );
    child = started.child;
    const page = await context.newPage();
    const navigatedAt = performance.now();
    await page.goto(started.url, { waitUntil: 'commit' });
    const fcp = await firstContentfulPaint(page);
    return { fcp: navigatedAt - started.spawnedAt + fcp, up: started.printedAt - started.spawnedAt };
  } finally {
    await context.close();
    if (child) await stop(child);
  }
}

async function main() {
  ensureBuilt();
  const browser = await launchChromium();
  try {
    await consoleRun(browser);
    await baselineRun(browser);
    const consoleRuns = [];
    const baselineRuns = [];
    // Interleaved, so a slow patch of the machine hits both sides alike.
    for (let i = 0; i < RUNS; i++) {
      consoleRuns.push(await consoleRun(browser));
      baselineRuns.push(await baselineRun(browser));
    }
    const baseline = median(baselineRuns.map((r) => r.fcp));
    const emit = (bench, value) =>
      process.stdout.write(
        `${JSON.stringify({
          bench,
          value: Number(value.toFixed(1)),
          unit: 'ms',
          baseline: Number(baseline.toFixed(1)),
          ratio: Number((value / baseline).toFixed(3)),
        })}\n`,
      );
    emit('console-first-paint', median(consoleRuns.map((r) => r.fcp)));
    emit('console-shell-ready', median(consoleRuns.map((r) => r.ready)));
    // The detail behind the medians, for whoever chases a regression: per run, spawn -> URL
    // printed, and spawn -> first-contentful-paint (and -> shell ready for the console).
    const runs = (list, fields) => list.map((r) => fields.map((f) => r[f].toFixed(0)).join('/')).join(' ');
    process.stderr.write(
      `console-first-paint: console up/fcp/ready ${runs(consoleRuns, ['up', 'fcp', 'ready'])} ms; ` +
        `static server up/fcp ${runs(baselineRuns, ['up', 'fcp'])} ms\n`,
    );
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  process.stderr.write(`console-first-paint bench failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
