// How fast a failing canary is rolled back (issue 6): the demo console, a canary of the good
// candidate v2 of prod-us-east/llm/llama-70b-chat (KServe) at 20 %, then the candidate starts
// failing (the demo's error_burst fault: 35 % of its requests fail) and the clock runs until all
// traffic is back on stable.
//
// value:    median over RUNS (default 3, each on a fresh console and data directory) of the time
//           from the fault's start (demo.fault's startedAt, the instant the simulator fails
//           requests) to the first rollouts.get answer with the candidate's weight at 0 (polled
//           every 100 ms), in seconds. Each run then checks with the real kubectl that the
//           InferenceService's canaryTrafficPercent is 0, and that the rollout is aborted.
// baseline: the plan's configured detection window, interval x failureLimit: failureLimit is
//           the number of failed measurements that abort (docs/rollouts.md; Flagger's threshold)
//           (defaults 10 s x 3 = 30 s; FLEETDECK_BENCH_INTERVAL_S, FLEETDECK_BENCH_FAILURE_LIMIT).
//           Goal: ratio at most 1.2.
// Phase: the fault is injected at a random moment of the analysis cycle (a uniform delay in
// [0, interval) after a passing measurement), as a real failure would be: the wait until the
// first measurement that can see it is part of the reaction, and averages half an interval.
// Each run's times (and the kubectl check's) go to stderr.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startConsole } from './lib/console.mjs';
import { ensureBuilt, stop } from './lib/processes.mjs';

const RUNS = Number(process.env.FLEETDECK_BENCH_RUNS ?? 3);
const INTERVAL_S = Number(process.env.FLEETDECK_BENCH_INTERVAL_S ?? 10);
const FAILURE_LIMIT = Number(process.env.FLEETDECK_BENCH_FAILURE_LIMIT ?? 3);
const STABLE = 'prod-us-east:llm:llama-70b-chat-v1';
const CANDIDATE = 'prod-us-east:llm:llama-70b-chat-v2';
const KUBECTL = process.env.FLEETDECK_KUBECTL ?? '/usr/bin/kubectl';
const log = (...args) => console.error('[rollout-reaction]', ...args);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const run = promisify(execFile);

const plan = `apiVersion: fleetdeck.io/v1
kind: Rollout
metadata:
  name: bench-rollout-reaction
  description: A good canary that starts failing mid-analysis.
spec:
  endpoint: ${STABLE}
  stable:
    version: v1
  candidate:
    version: v2
  analysis:
    watch:
      conditions:
        - "error_rate < 5%"
      interval: ${INTERVAL_S}s
      count: 1000
      failureLimit: ${FAILURE_LIMIT}
      inconclusiveLimit: 1000
      minRequestRate: 0
  strategy:
    canary:
      steps:
        - setWeight: 20
        - analysis: watch
        - setWeight: 50
`;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Polls until probe() returns something truthy; the error names what was awaited. */
async function until(what, probe, timeoutMs, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** The candidate's share as the simulated cluster has it, read with the real kubectl. */
async function kubectlCanaryPercent(dataDir) {
  const { stdout } = await run(KUBECTL, [
    '--kubeconfig',
    join(dataDir, 'demo', 'kubeconfig'),
    '--context',
    'prod-us-east',
    '-n',
    'llm',
    'get',
    'inferenceservice',
    'llama-70b-chat',
    '-o',
    'jsonpath={.spec.predictor.canaryTrafficPercent}',
  ]);
  return Number(stdout.trim());
}

async function reactOnce(index) {
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-rollout-'));
  let child;
  try {
    const fleet = await startConsole(dataDir);
    child = fleet.child;
    await until(
      'live metrics on both versions',
      async () => {
        const page = await fleet.call('fleet.endpoints', { limit: 20_000 });
        const live = page.items.filter((e) => e.metrics.error_rate !== undefined).map((e) => e.id);
        return live.includes(STABLE) && live.includes(CANDIDATE);
      },
      120_000,
      500,
    );
    const started = await fleet.call('rollouts.start', { text: plan });
    // A passing measurement: the candidate looks good and the analysis is running.
    await until(
      'a passing measurement at 20 %',
      async () => {
        const r = await fleet.call('rollouts.get', { id: started.id });
        if (r.state !== 'progressing' && r.state !== 'paused')
          throw new Error(`rollout ${r.state} before the fault: ${r.message}`);
        return (
          r.weight === 20 && r.decisions.some((d) => d.kind === 'measurement' && d.verdict === 'success')
        );
      },
      INTERVAL_S * 1000 * 10,
    );
    await sleep(Math.random() * INTERVAL_S * 1000);

    const fault = await fleet.call('demo.fault', {
      kind: 'error_burst',
      target: CANDIDATE,
      durationS: Math.ceil(INTERVAL_S * (FAILURE_LIMIT + 4)),
    });
    const back = await until(
      'traffic back on stable',
      async () => {
        const r = await fleet.call('rollouts.get', { id: started.id });
        return r.weight === 0 ? { at: Date.now(), rollout: r } : null;
      },
      INTERVAL_S * 1000 * (FAILURE_LIMIT + 10),
    );
    const seconds = (back.at - fault.startedAt) / 1000;
    const percent = await kubectlCanaryPercent(dataDir);
    const kubectlAt = Date.now();
    if (percent !== 0) throw new Error(`kubectl shows canaryTrafficPercent ${percent}, not 0`);
    const final = await until(
      'the rollout to end aborted',
      async () => {
        const r = await fleet.call('rollouts.get', { id: started.id });
        return ['aborted', 'failed', 'succeeded'].includes(r.state) ? r : null;
      },
      60_000,
    );
    if (final.state !== 'aborted') throw new Error(`rollout ended ${final.state}: ${final.message}`);
    log(
      `run ${index + 1}: ${seconds.toFixed(1)} s from the fault to weight 0 (kubectl confirmed 0 % ${(
        (kubectlAt - fault.startedAt) /
        1000
      ).toFixed(1)} s after the fault); ${final.message}`,
    );
    return seconds;
  } finally {
    if (child) await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  ensureBuilt();
  const times = [];
  for (let i = 0; i < RUNS; i++) times.push(await reactOnce(i));
  const window = INTERVAL_S * FAILURE_LIMIT;
  const value = median(times);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'rollout-reaction',
      value: Number(value.toFixed(2)),
      unit: 's',
      baseline: window,
      ratio: Number((value / window).toFixed(3)),
    })}\n`,
  );
  log(`runs (s): ${times.map((t) => t.toFixed(1)).join(' ')}; window ${INTERVAL_S} s x ${FAILURE_LIMIT}`);
}

main().catch((error) => {
  process.stderr.write(`rollout-reaction bench failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
