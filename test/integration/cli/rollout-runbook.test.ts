import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Endpoint, Rollout, RolloutSummary } from '../../../src/shared/contract/index';
import { startConsole, type RunningConsole } from '../../e2e/support/console-host';
import { ensureCliBuilt, removeEmptyHome, runCli, until } from './support/fleetdeck-cli';

/**
 * The built-in runbook roll-out-model-version, run with `fleetdeck runbook run --yes` against
 * the demo fleet: its steps call `fleetdeck rollout generate|validate|start --wait` in the run's
 * own terminal, and the run succeeds only when the rollout did.
 */

// A real run: a bash terminal in the console, the command line in it, the engine's analyses.
vi.setConfig({ testTimeout: 300_000 });

const stable = 'prod-us-east:support:support-bot-2024-10';

let fleet: RunningConsole;

beforeAll(async () => {
  ensureCliBuilt();
  fleet = await startConsole({ demo: true });
  await until('the support-bot group with live metrics', async () => {
    const page = await fleet.call<{ items: Endpoint[] }>('fleet.endpoints', { limit: 20_000 });
    const live = page.items.filter((e) => e.metrics.request_rate !== undefined).map((e) => e.id);
    return live.includes(stable) && live.includes('prod-us-east:support:support-bot-2024-11');
  });
});

afterAll(async () => {
  await fleet?.dispose();
  removeEmptyHome();
});

interface RunRecord {
  id: string;
  state: string;
  steps: {
    idx: number;
    title: string;
    command: string | null;
    state: string;
    exitCode: number | null;
    output: string;
  }[];
}

describe('roll-out-model-version', () => {
  it('generates, validates, starts and waits on a rollout of the bound endpoint; the run succeeds with it', async () => {
    const result = await runCli([
      '--data-dir',
      fleet.dataDir,
      'runbook',
      'run',
      'roll-out-model-version',
      '--endpoint',
      stable,
      '--var',
      'candidate=2024-11',
      // A quick pace for a test: three analyses of two measurements (the demo samples every 5 s).
      '--var',
      'analysis_interval=10s',
      '--var',
      'analysis_count=2',
      '--yes',
      '--json',
    ]);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const run = JSON.parse(result.stdout) as RunRecord;
    expect(run.state).toBe('succeeded');
    expect(run.steps.map((s) => [s.title, s.state, s.exitCode])).toEqual([
      ['See what serves the endpoint now', 'succeeded', 0],
      ['Generate a canary plan for 2024-11', 'succeeded', 0],
      ['Validate the plan against the fleet', 'succeeded', 0],
      ['Start the rollout and wait for it', 'succeeded', 0],
      ["See the rollout's record", 'succeeded', 0],
    ]);
    const generate = run.steps[1]!.command!;
    expect(generate).toBe(
      `fleetdeck rollout generate --endpoint ${stable} --version 2024-11 --strategy canary --interval 10s --count 2 --output "$FLEETDECK_DATA_DIR/rollout-plans/$FLEETDECK_RUN_ID.yaml"`,
    );

    const [summary] = await fleet.call<RolloutSummary[]>('rollouts.list', { endpointId: stable });
    expect(summary).toBeDefined();
    const rollout = await fleet.call<Rollout>('rollouts.get', { id: summary!.id });
    expect(rollout).toMatchObject({
      state: 'succeeded',
      weight: 100,
      stableVersion: '2024-10',
      candidateVersion: '2024-11',
    });
    // The plan the runbook generated, at the pace it asked for.
    expect(rollout.planText).toMatch(/interval: 10s/);
    expect(result.stderr).toContain('[4/5] Start the rollout and wait for it');
    // The step's own output is the command line following the rollout to its end.
    expect(run.steps[3]!.output).toMatch(new RegExp(`Rollout ${rollout.id} succeeded after `));
    expect(run.steps[2]!.output).toMatch(
      /: valid — canary of prod-us-east:support:support-bot-2024-10 2024-10 → 2024-11/,
    );
  });

  it('shows up in the runbook list under the rollout tag', async () => {
    const listed = await runCli([
      '--data-dir',
      fleet.dataDir,
      'runbook',
      'list',
      '--tag',
      'rollout',
      '--json',
    ]);
    expect(listed.code, listed.stderr).toBe(0);
    const ids = (JSON.parse(listed.stdout) as { id: string }[]).map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(['roll-out-model-version', 'rollback-model-version']));
  });
});
