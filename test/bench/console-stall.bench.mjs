// How long a command waits on a console that serves 10,000 cached endpoints (issue 4: "fast and
// calm at 10,000 endpoints"; the console is what every view asks).
//
// Setup:    the console with `--demo-scale 10000` on a fresh data directory until fleet.summary
//           holds all 10,000 endpoints with health; stopped, then started again on the same data
//           directory with `--no-demo`: the fleet served from the SQLite cache alone, ticking
//           every 5 s, as after a restart with the sources down (fleet-first-paint's setup).
// value:    the 99th percentile of `app.info` round trips (the cheapest command: what it waits
//           for is the console's event loop), one every PROBE_GAP_MS for PROBE_S seconds, in ms.
//           Anything the console does synchronously - a fleet tick, a rollup, a query it makes
//           for itself - shows here as a wait; before 2026-11-27 a tick held it for ~2 s of
//           every 5 s.
// baseline: the same probe against a console with an empty fleet (`--no-demo`, fresh data
//           directory): what a round trip costs with nothing to do. Goal: ratio <= 10 (an idle
//           console's p99 is ~6 ms here, so ~60 ms). With a tick every 5 s, the p99 of 40 s of
//           probes is about the tick's own wait: the figure is the longest thing a tick does.
// stderr:   median and longest round trips, and every wait over 100 ms with when it came.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedCache, startConsole } from './lib/console.mjs';
import { ensureBuilt, stop } from './lib/processes.mjs';

const SCALE = Number(process.env.FLEETDECK_BENCH_SCALE ?? 10_000);
const PROBE_S = Number(process.env.FLEETDECK_BENCH_PROBE_S ?? 40);
const PROBE_GAP_MS = 50;

const log = (line) => process.stderr.write(`console-stall: ${line}\n`);
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];

/** Round trips of app.info for PROBE_S seconds: sorted, and the long ones with their time. */
async function probe(running) {
  const started = Date.now();
  const trips = [];
  const long = [];
  while (Date.now() - started < PROBE_S * 1000) {
    const at = performance.now();
    await running.call('app.info');
    const took = performance.now() - at;
    trips.push(took);
    if (took > 100) long.push(`${took.toFixed(0)} ms at ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await new Promise((done) => setTimeout(done, PROBE_GAP_MS));
  }
  return { sorted: trips.sort((a, b) => a - b), long };
}

async function main() {
  ensureBuilt();
  const cached = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-stall-'));
  const empty = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-stall-empty-'));
  let running;
  try {
    await seedCache(cached, SCALE);
    running = await startConsole(cached, ['--no-demo']);
    const total = (await running.call('fleet.summary')).endpoints.total;
    if (total < SCALE) throw new Error(`the cache served ${total} endpoints, expected ${SCALE}`);
    const fleet = await probe(running);
    await stop(running.child);
    running = await startConsole(empty, ['--no-demo']);
    const idle = await probe(running);

    const value = quantile(fleet.sorted, 0.99);
    const baseline = Math.max(1, quantile(idle.sorted, 0.99));
    process.stdout.write(
      `${JSON.stringify({
        bench: 'console-stall',
        value: Number(value.toFixed(1)),
        unit: 'ms',
        baseline: Number(baseline.toFixed(1)),
        ratio: Number((value / baseline).toFixed(3)),
      })}\n`,
    );
    const describe = (p) =>
      `${p.sorted.length} round trips, median ${quantile(p.sorted, 0.5).toFixed(1)} ms, p99 ` +
      `${quantile(p.sorted, 0.99).toFixed(1)} ms, longest ${p.sorted.at(-1).toFixed(0)} ms`;
    log(
      `${total} cached endpoints: ${describe(fleet)}; waits over 100 ms: ${fleet.long.join(', ') || 'none'}`,
    );
    log(`empty fleet: ${describe(idle)} (goal: ratio <= 10)`);
  } finally {
    if (running) await stop(running.child);
    rmSync(cached, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`console-stall bench failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
