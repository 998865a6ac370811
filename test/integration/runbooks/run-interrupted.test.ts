import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Run, RunSummary } from '../../../src/shared/contract/runbook.schema';
import { ensureBuilt, startConsole, type RunningConsole } from '../../e2e/support/console-host';
import { until } from '../../support/until';
import { writeFixtureRunbooks } from './run-fixtures';

/**
 * Issue 5: "a run interrupted by a crash or restart shows as interrupted and can be resumed from
 * its last completed step". The console is killed with SIGKILL while a step runs (no shutdown
 * code runs), restarted on the same data directory, and the run is resumed in a new terminal.
 */
describe('a run whose console is killed mid-step', () => {
  const work = mkdtempSync(join(tmpdir(), 'fleetdeck-run-kill-'));
  const consoles: RunningConsole[] = [];
  afterAll(async () => {
    for (const c of consoles) await c.stop();
    await consoles.at(-1)?.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it('is interrupted after the restart and resumes from its last completed step', async () => {
    ensureBuilt();
    const first = await startConsole();
    consoles.push(first);
    await first.call('settings.set', { runbooksFolder: writeFixtureRunbooks(work, ['wait-for-file.yaml']) });
    const started = await first.call<Run>('runs.start', { runbookId: 'wait-for-file', vars: { dir: work } });
    const running = await until('the second step to run', async () => {
      const run = await first.call<Run>('runs.get', { id: started.id });
      return run.steps[1]!.state === 'running' ? run : null;
    });
    expect(existsSync(join(work, 'first'))).toBe(true);

    const killed = new Promise((done) => first.child.once('exit', done));
    first.child.kill('SIGKILL');
    await killed;

    const second = await startConsole({ dataDir: first.dataDir });
    consoles.push(second);
    const after = await second.call<Run>('runs.get', { id: started.id });
    expect(after.state).toBe('interrupted');
    expect(after.message).toContain("step 2 'Wait for the go file'");
    expect(after.message).toContain('resume');
    expect(after.currentStep).toBe(1);
    expect(after.steps.map((s) => s.state)).toEqual(['succeeded', 'interrupted', 'pending']);
    // What was recorded before the kill is all there.
    expect(after.steps[0]).toMatchObject({ exitCode: 0, startedAt: running.steps[0]!.startedAt });
    expect(after.steps[1]!.command).toBe(running.steps[1]!.command);
    const listed = await second.call<RunSummary[]>('runs.list', { state: 'interrupted' });
    expect(listed.map((r) => r.id)).toEqual([started.id]);

    writeFileSync(join(work, 'go'), '');
    const resumed = await second.call<Run>('runs.control', { id: started.id, action: 'resume' });
    expect(resumed.terminalId).not.toBeNull();
    expect(resumed.terminalId).not.toBe(started.terminalId);
    const done = await until('the resumed run to end', async () => {
      const run = await second.call<Run>('runs.get', { id: started.id });
      return ['running', 'waiting', 'paused'].includes(run.state) ? null : run;
    });
    expect(done.state).toBe('succeeded');
    expect(done.steps.map((s) => s.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    // The completed step was not run again; the interrupted one ran in the new terminal.
    expect(done.steps[0]!.startedAt).toBe(running.steps[0]!.startedAt);
    expect(done.steps[0]!.transcript!.sessionId).toBe(started.terminalId);
    expect(done.steps[1]!.transcript!.sessionId).toBe(resumed.terminalId);
    expect(done.steps[1]!.output).toContain('went');
    expect(readFileSync(join(work, 'last'), 'utf8')).toBe('three\n');
  }, 120_000);
});
