import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../src/shared/contract/runbook.schema';
import { ensureBuilt, startConsole, type RunningConsole } from '../../e2e/support/console-host';
import { until } from '../../support/until';
import { writeFixtureRunbooks } from './run-fixtures';

/**
 * A run's terminal is in the fleet context: the `fleetdeck` command line there reaches the
 * console, and `fleetdeck annotate` lands on the run the terminal belongs to.
 */
describe('the fleetdeck command line inside a run terminal', () => {
  const work = mkdtempSync(join(tmpdir(), 'fleetdeck-run-cli-'));
  let c: RunningConsole | null = null;
  afterAll(async () => {
    await c?.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it('adds a note to its own run', async () => {
    ensureBuilt();
    c = await startConsole();
    await c.call('settings.set', { runbooksFolder: writeFixtureRunbooks(work, ['annotate-self.yaml']) });
    const started = await c.call<Run>('runs.start', { runbookId: 'annotate-self' });
    const done = await until('the run to end', async () => {
      const run = await c!.call<Run>('runs.get', { id: started.id });
      return ['running', 'waiting', 'paused'].includes(run.state) ? null : run;
    });
    expect(done.steps[0]).toMatchObject({ state: 'succeeded', exitCode: 0 });
    expect(done.state).toBe('succeeded');
    expect(done.notes.map((n) => n.text)).toEqual(['written by the step in its run terminal']);
  }, 90_000);
});
