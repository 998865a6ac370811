import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run, RunbookSummary, RunSummary } from '../../../src/shared/contract/runbook.schema';
import type { TerminalSession } from '../../../src/shared/contract/terminal.schema';
import { until } from '../../support/until';
import { startRunCore, type RunCore } from './run-harness';

// Real core: SQLite on a fresh data dir, real PTYs running bash, the command registry with
// result validation. Each run gets its own terminal, so the tests share one core.
describe('runbook runs in a real terminal', () => {
  let h: RunCore;
  beforeAll(async () => {
    h = await startRunCore();
  });
  afterAll(async () => {
    await h?.dispose();
  });

  const start = (runbookId: string, extra: Record<string, unknown> = {}) =>
    h.call<Run>('runs.start', { runbookId, ...extra });
  const ended = (id: string) =>
    h.waitRun(id, `run ${id} to end`, (r) => !['running', 'waiting', 'paused'].includes(r.state));

  it('lists, shows, validates and renders runbooks', async () => {
    const all = await h.call<{ runbooks: RunbookSummary[]; problems: unknown[] }>('runbooks.list', {});
    const ids = all.runbooks.map((r) => r.id);
    expect(ids).toContain('scale-out');
    expect(ids).toContain('confirm-flow');
    expect(all.runbooks.find((r) => r.id === 'confirm-flow')).toMatchObject({
      source: 'user',
      destructive: true,
    });
    const found = await h.call<{ runbooks: RunbookSummary[] }>('runbooks.list', { query: 'marker manual' });
    expect(found.runbooks.map((r) => r.id)).toEqual(['confirm-flow']);
    const tagged = await h.call<{ runbooks: RunbookSummary[] }>('runbooks.list', { tag: 'capacity' });
    expect(tagged.runbooks.map((r) => r.id)).toContain('scale-out');
    expect(tagged.runbooks.every((r) => r.tags.includes('capacity'))).toBe(true);
    expect((await h.refusal('runbooks.list', { endpointId: 'no:such:endpoint' })).code).toBe('not_found');

    expect((await h.call<{ steps: unknown[] }>('runbooks.get', { id: 'scale-out' })).steps).toHaveLength(5);
    expect((await h.refusal('runbooks.get', { id: 'no-such-runbook' })).code).toBe('not_found');

    const bad = await h.call<{
      ok: boolean;
      problems: Array<{ line: number | null; column: number | null }>;
    }>('runbooks.validate', {
      text: 'apiVersion: fleetdeck.io/v1\nkind: Runbook\nid: x\ntitle: [unclosed\n',
      file: 'x.yaml',
    });
    expect(bad.ok).toBe(false);
    expect(bad.problems[0]!.line).toBeGreaterThan(0);
    expect(bad.problems[0]!.column).toBeGreaterThan(0);

    const rendered = await h.call<{
      params: Array<{ name: string; value: string; from: string }>;
      steps: Array<{ command: string | null }>;
    }>('runbooks.render', {
      id: 'scale-out',
      vars: { context: 'c1', namespace: 'ns', deployment: 'd; reboot', endpoint: 'c1:ns:d' },
    });
    expect(rendered.params.find((p) => p.name === 'replicas')).toEqual({
      name: 'replicas',
      value: '4',
      from: 'default',
    });
    expect(rendered.steps[1]!.command).toBe(
      "kubectl --context c1 -n ns scale deployment/'d; reboot' --replicas=4",
    );
    // Rendering is a dry run: nothing was recorded.
    expect(await h.call<RunSummary[]>('runs.list', {})).toEqual([]);
  });

  it('keeps a parameter like `x; rm -rf ~` one literal argument, and records the step', async () => {
    const value = 'x; rm -rf ~';
    const run = await start('quoting', { vars: { value } });
    expect(run.terminalId).not.toBeNull();
    const done = await ended(run.id);
    expect(done.state).toBe('succeeded');
    const step = done.steps[0]!;
    expect(step.command).toContain(`'x; rm -rf ~'`);
    expect(step).toMatchObject({ state: 'succeeded', exitCode: 0, check: { ok: true } });
    expect(step.output).toContain('args=1');
    expect(step.output).toContain(`[${value}]`);
    // Only the command's output: neither the typed line nor the marks.
    expect(step.output).not.toContain('printf');
    expect(step.output).not.toContain('\x1b');
    expect(step.startedAt).not.toBeNull();
    expect(step.endedAt).toBeGreaterThanOrEqual(step.startedAt!);

    // The step's transcript range holds its output.
    const t = step.transcript!;
    expect(t.sessionId).toBe(run.terminalId);
    const transcript = await h.call<{ chunks: Array<{ seq: number; data: string }> }>('terminal.transcript', {
      id: t.sessionId,
      limit: 5000,
    });
    const inRange = transcript.chunks
      .filter((c) => c.seq >= t.fromSeq && c.seq <= t.toSeq)
      .map((c) => c.data)
      .join('');
    expect(inRange).toContain('args=1');
  });

  it('refuses an unknown variable before anything runs', async () => {
    const before = await h.call<RunSummary[]>('runs.list', {});
    const refusal = await h.refusal('runs.start', { runbookId: 'quoting', vars: { value: 'a', nope: 'b' } });
    expect(refusal.code).toBe('bad_request');
    expect(refusal.message).toContain("'nope'");
    expect(await h.call<RunSummary[]>('runs.list', {})).toHaveLength(before.length);
  });

  it('says a command is not installed when the shell cannot find it', async () => {
    const run = await start('not-installed');
    const done = await ended(run.id);
    expect(done.state).toBe('failed');
    expect(done.steps[0]).toMatchObject({ state: 'failed', exitCode: 127 });
    expect(done.steps[0]!.check!.detail).toContain("'fleetdeck-no-such-tool' is not installed");
    expect(done.message).toContain('step 1');
  });

  it('interrupts a step that outlives its timeout, and the terminal takes the next command', async () => {
    const run = await start('slow-step');
    const failed = await ended(run.id);
    expect(failed.state).toBe('failed');
    expect(failed.steps[0]!.state).toBe('failed');
    expect(failed.steps[0]!.check!.detail).toContain('Timed out after 1s');
    expect(failed.steps[0]!.output).not.toContain('woke');
    expect(failed.steps[1]!.state).toBe('pending');

    // Skipping the failed step goes on in the same terminal: Ctrl-C left it at a prompt.
    await h.call('runs.control', { id: run.id, action: 'skip' });
    const done = await ended(run.id);
    expect(done.state).toBe('succeeded');
    expect(done.terminalId).toBe(run.terminalId);
    expect(done.steps.map((s) => s.state)).toEqual(['skipped', 'succeeded']);
    expect(done.steps[1]!.output.trim()).toBe('after');
  });

  it('waits for confirmation before a destructive step and for a person to tick a manual one', async () => {
    const marker = join(h.dir, 'confirmed-marker');
    const run = await start('confirm-flow', { vars: { marker } });
    const waiting = await h.waitRun(
      run.id,
      'the confirmation',
      (r) => r.steps[1]!.state === 'waiting_confirm',
    );
    expect(waiting.state).toBe('waiting');
    expect(waiting.steps[0]).toMatchObject({ state: 'succeeded', check: { ok: true } });
    expect(waiting.message).toContain('confirm');
    expect(existsSync(marker)).toBe(false);
    expect((await h.refusal('runs.control', { id: run.id, action: 'done' })).code).toBe('conflict');

    await h.call('runs.control', { id: run.id, action: 'confirm' });
    const manual = await h.waitRun(run.id, 'the manual step', (r) => r.steps[2]!.state === 'waiting_manual');
    expect(existsSync(marker)).toBe(true);
    expect(manual.steps[1]).toMatchObject({ state: 'succeeded', exitCode: 0, confirmedBy: 'tester' });
    expect(manual.steps[1]!.rollback).toMatchObject({ command: `rm -f ${marker}`, state: 'pending' });

    await h.call('runs.control', { id: run.id, action: 'done' });
    const done = await ended(run.id);
    expect(done.state).toBe('succeeded');
    expect(done.steps[2]).toMatchObject({ state: 'succeeded', confirmedBy: 'tester' });
    expect(done.steps[2]!.endedAt).toBeGreaterThanOrEqual(done.steps[2]!.startedAt!);
  });

  it('closes the shell of a run that succeeded with nobody watching, and leaves it to a person who is', async () => {
    const terminalOf = async (id: string) =>
      (await h.call<TerminalSession[]>('terminal.list', {})).find((s) => s.id === id);

    // From the command line, say: nobody has the run's terminal open when it ends.
    const unwatched = await start('quoting', { vars: { value: 'unwatched' } });
    expect((await ended(unwatched.id)).state).toBe('succeeded');
    await until('the unwatched run terminal closed', async () =>
      (await terminalOf(unwatched.terminalId!))?.state !== 'running' ? true : null,
    );
    // Its transcript stays, to read later.
    const transcript = await h.call<{ chunks: Array<{ data: string }> }>('terminal.transcript', {
      id: unwatched.terminalId!,
      limit: 5000,
    });
    expect(transcript.chunks.map((c) => c.data).join('')).toContain('[unwatched]');

    // A person watches this one (a pane attached to its terminal) when it ends.
    const run = await start('confirm-flow', { vars: { marker: join(h.dir, 'watched-marker') } });
    await h.waitRun(run.id, 'the confirmation', (r) => r.steps[1]!.state === 'waiting_confirm');
    const { attachToken } = await h.call<{ attachToken: string }>('terminal.attach', { id: run.terminalId! });
    const view = h.core.terminalStreams.connect(run.terminalId!, attachToken, { send() {}, end() {} });
    expect(view.ok).toBe(true);
    await h.call('runs.control', { id: run.id, action: 'confirm' });
    await h.waitRun(run.id, 'the manual step', (r) => r.steps[2]!.state === 'waiting_manual');
    await h.call('runs.control', { id: run.id, action: 'done' });
    expect((await ended(run.id)).state).toBe('succeeded');
    expect((await terminalOf(run.terminalId!))?.state).toBe('running');
    if (view.ok) view.connection.detach();
  });

  it('refuses destructive steps in a read-only run', async () => {
    const marker = join(h.dir, 'read-only-marker');
    const run = await start('confirm-flow', { vars: { marker }, readOnly: true, autoConfirm: true });
    const done = await ended(run.id);
    expect(done.state).toBe('failed');
    expect(done.message).toContain('Read-only');
    expect(done.steps[0]!.state).toBe('succeeded');
    expect(done.steps[1]!.state).toBe('failed');
    expect(done.steps[1]!.check!.detail).toContain('read-only');
    expect(existsSync(marker)).toBe(false);
    // A retry is refused the same way; nothing ran.
    await h.call('runs.control', { id: run.id, action: 'retry' });
    const again = await h.waitRun(run.id, 'the retry to be refused', (r) => r.state === 'failed');
    expect(again.steps[1]!.state).toBe('failed');
    expect(again.steps[2]!.state).toBe('pending');
    expect(existsSync(marker)).toBe(false);
  });

  it('rolls back the completed steps when a step with on_failure: rollback fails', async () => {
    const marker = join(h.dir, 'rollback-marker');
    const run = await start('fail-rollback', { vars: { marker } });
    const done = await ended(run.id);
    expect(done.state).toBe('rolled_back');
    expect(done.steps[0]).toMatchObject({
      state: 'rolled_back',
      rollback: { exitCode: 0, state: 'succeeded' },
    });
    expect(done.steps[1]).toMatchObject({ state: 'failed', exitCode: 1 });
    expect(existsSync(marker)).toBe(false);
  });

  it('aborts a running step with Ctrl-C, and a second abort changes nothing', async () => {
    const dir = h.dir;
    const run = await start('wait-for-file', { vars: { dir } });
    await h.waitRun(run.id, 'the waiting step to run', (r) => r.steps[1]!.state === 'running');
    const aborted = await h.call<Run>('runs.control', { id: run.id, action: 'abort' });
    expect(aborted.state).toBe('aborted');
    expect(aborted.steps[1]!.state).toBe('failed');
    expect(aborted.message).toContain('Aborted by tester');
    const again = await h.call<Run>('runs.control', { id: run.id, action: 'abort' });
    expect(again.state).toBe('aborted');
    expect(again.endedAt).toBe(aborted.endedAt);
    // The go file now appears, but nothing is left to run the last step.
    writeFileSync(join(dir, 'go'), '');
    expect((await h.call<Run>('runs.get', { id: run.id })).steps[2]!.state).toBe('pending');
    expect(existsSync(join(dir, 'last'))).toBe(false);
  });

  it('pauses after the step in flight and resumes on request', async () => {
    const dir = mkdtempSync(join(h.dir, 'pause-'));
    const run = await start('wait-for-file', { vars: { dir } });
    await h.waitRun(run.id, 'the waiting step to run', (r) => r.steps[1]!.state === 'running');
    const pausing = await h.call<Run>('runs.control', { id: run.id, action: 'pause' });
    expect(pausing.message).toContain('Pausing after the current step');
    writeFileSync(join(dir, 'go'), '');
    const paused = await h.waitRun(run.id, 'the pause', (r) => r.state === 'paused');
    expect(paused.currentStep).toBe(2);
    expect(paused.steps.map((s) => s.state)).toEqual(['succeeded', 'succeeded', 'pending']);
    expect(existsSync(join(dir, 'last'))).toBe(false);

    await h.call('runs.control', { id: run.id, action: 'resume' });
    const done = await ended(run.id);
    expect(done.state).toBe('succeeded');
    expect(existsSync(join(dir, 'last'))).toBe(true);
  });

  it('retries a failed step in the same terminal', async () => {
    const dir = mkdtempSync(join(h.dir, 'retry-'));
    const run = await start('needs-file', { vars: { dir } });
    const failed = await ended(run.id);
    expect(failed.state).toBe('failed');
    expect(failed.steps[0]).toMatchObject({ state: 'failed', exitCode: 1 });
    expect(failed.message).toContain('Retry it');

    writeFileSync(join(dir, 'ok'), '');
    await h.call('runs.control', { id: run.id, action: 'retry' });
    const done = await ended(run.id);
    expect(done.state).toBe('succeeded');
    expect(done.terminalId).toBe(run.terminalId);
    expect(done.steps[0]).toMatchObject({ state: 'succeeded', exitCode: 0, output: 'found\n' });
  });

  it('records a dry run with every command rendered and nothing run', async () => {
    const marker = join(h.dir, 'dry-marker');
    const run = await start('confirm-flow', { vars: { marker }, dryRun: true });
    expect(run).toMatchObject({ state: 'succeeded', dryRun: true, terminalId: null });
    expect(run.steps.map((s) => s.command)).toEqual([
      'echo looking',
      `touch ${marker} && echo created`,
      null,
    ]);
    expect(run.steps.every((s) => s.state === 'skipped')).toBe(true);
    expect(existsSync(marker)).toBe(false);
  });

  it('adds notes to the newest live run, finds runs by text, and refuses a note with no run in progress', async () => {
    const refusal = await h.refusal('runs.annotate', { text: 'nothing is running' });
    expect(refusal.code).toBe('not_found');

    const marker = join(h.dir, 'note-marker');
    const run = await start('confirm-flow', { vars: { marker } });
    await h.waitRun(run.id, 'the confirmation', (r) => r.state === 'waiting');
    const note = await h.call<{ runId: string; text: string }>('runs.annotate', {
      text: 'surge from batch client zq7',
    });
    expect(note.runId).toBe(run.id);
    expect((await h.call<Run>('runs.get', { id: run.id })).notes.map((n) => n.text)).toEqual([
      'surge from batch client zq7',
    ]);
    expect((await h.call<RunSummary[]>('runs.list', { query: 'zq7' })).map((r) => r.id)).toEqual([run.id]);
    expect((await h.call<RunSummary[]>('runs.list', { query: 'note-marker' })).map((r) => r.id)).toEqual([
      run.id,
    ]);
    const all = await h.call<RunSummary[]>('runs.list', {});
    expect(all[0]!.id).toBe(run.id);
    await h.call('runs.control', { id: run.id, action: 'abort' });
  });
});

describe('a run when its core shuts down', () => {
  it('is recorded as interrupted and resumes on the next start', async () => {
    const first = await startRunCore();
    const dir = mkdtempSync(join(first.dir, 'shutdown-'));
    let second: RunCore | null = null;
    try {
      const run = await first.call<Run>('runs.start', { runbookId: 'wait-for-file', vars: { dir } });
      await first.waitRun(run.id, 'the waiting step to run', (r) => r.steps[1]!.state === 'running');
      await first.close();

      second = await startRunCore({ dir: first.dir });
      const after = await second.call<Run>('runs.get', { id: run.id });
      expect(after.state).toBe('interrupted');
      expect(after.steps.map((s) => s.state)).toEqual(['succeeded', 'interrupted', 'pending']);
      expect((await second.refusal('runs.control', { id: run.id, action: 'confirm' })).code).toBe('conflict');

      writeFileSync(join(dir, 'go'), '');
      await second.call('runs.control', { id: run.id, action: 'resume' });
      const done = await second.waitRun(run.id, 'the resumed run to end', (r) => r.state === 'succeeded');
      expect(done.steps.map((s) => s.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    } finally {
      await second?.close();
      await first.dispose();
    }
  });
});
