import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Endpoint, Rollout, RolloutSummary } from '../../../src/shared/contract/index';
import { startConsole, type RunningConsole } from '../../e2e/support/console-host';
import {
  cleanEnv,
  ensureCliBuilt,
  expectOneLineError,
  fleetdeckBin,
  onPty,
  removeEmptyHome,
  runCli,
  until,
} from './support/fleetdeck-cli';

/**
 * `fleetdeck rollout ...` against a real console with the demo fleet: plans validated and
 * started from files, a short canary followed to success, a held rollout paused, resumed and
 * aborted (with the y/N question answered on a real PTY), history, and the errors.
 */

// Each case spawns real node processes and waits on the rollout engine's own clock.
vi.setConfig({ testTimeout: 180_000 });

/** Two Deployments behind one Service (replica ratio); 2024-11 is as good as 2024-10. */
const supportStable = 'prod-us-east:support:support-bot-2024-10';
/** A KServe InferenceService with v2 as its canary. */
const llamaStable = 'prod-us-east:llm:llama-70b-chat-v1';

/** A canary short enough for a test: two weights around one quick analysis, then promotion. */
const goodPlan = `apiVersion: fleetdeck.io/v1
kind: Rollout
metadata:
  name: cli-good-canary
  description: A short canary for the command line tests.
spec:
  endpoint: ${supportStable}
  stable:
    version: "2024-10"
  candidate:
    version: "2024-11"
  analysis:
    quick:
      conditions:
        - "error_rate < 20%"
      interval: 10s
      count: 2
      failureLimit: 2
      inconclusiveLimit: 10
      minRequestRate: 0
  strategy:
    canary:
      steps:
        - setWeight: 30
        - analysis: quick
        - setWeight: 60
`;

/** Holds at 20 % for ten minutes: long enough to pause, resume and abort it. */
const heldPlan = `apiVersion: fleetdeck.io/v1
kind: Rollout
metadata:
  name: cli-held-canary
  description: Stays at 20 % while the tests act on it.
spec:
  endpoint: ${llamaStable}
  stable:
    version: v1
  candidate:
    version: v2
  strategy:
    canary:
      steps:
        - setWeight: 20
        - pause: { duration: 10m }
        - setWeight: 50
`;

/** An unknown metric on line 14 and a weight over 100 on line 18. */
const badPlan = `apiVersion: fleetdeck.io/v1
kind: Rollout
metadata:
  name: cli-bad
spec:
  endpoint: ${supportStable}
  stable:
    version: "2024-10"
  candidate:
    version: "2024-11"
  analysis:
    quick:
      conditions:
        - "gpu_happiness < 2"
  strategy:
    canary:
      steps:
        - setWeight: 150
        - analysis: quick
`;

let fleet: RunningConsole;
let files: { good: string; held: string; bad: string };
const inDir = (...args: string[]) => runCli(['--data-dir', fleet.dataDir, ...args]);
const get = (id: string) => fleet.call<Rollout>('rollouts.get', { id });
const list = () => fleet.call<RolloutSummary[]>('rollouts.list', {});
// eslint-disable-next-line no-control-regex -- looking for escape sequences is the point
const ESC = /\x1b/;
/** Cursor up over the previous frame (4 lines, 5 with a pause hint), clear, then the new frame. */
// eslint-disable-next-line no-control-regex -- the redraw's escape sequences are the point
const REDRAWN = /\x1b\[[45]F\x1b\[0JRollout /;
// eslint-disable-next-line no-control-regex -- the same, from the paused frame to a progressing one
const REDRAWN_PROGRESSING = /\x1b\[5F\x1b\[0JRollout [^\x1b]+PROGRESSING/;

beforeAll(async () => {
  ensureCliBuilt();
  fleet = await startConsole({ demo: true });
  files = {
    good: join(fleet.dataDir, 'good.yaml'),
    held: join(fleet.dataDir, 'held.yaml'),
    bad: join(fleet.dataDir, 'bad.yaml'),
  };
  writeFileSync(files.good, goodPlan);
  writeFileSync(files.held, heldPlan);
  writeFileSync(files.bad, badPlan);
  // Both groups discovered, with live metrics on each side, before any plan is checked.
  await until('the demo fleet with both rollout groups', async () => {
    const page = await fleet.call<{ items: Endpoint[] }>('fleet.endpoints', { limit: 20_000 });
    const ids = new Set(page.items.filter((e) => e.metrics.request_rate !== undefined).map((e) => e.id));
    return (
      ids.has(supportStable) &&
      ids.has('prod-us-east:support:support-bot-2024-11') &&
      ids.has(llamaStable) &&
      ids.has('prod-us-east:llm:llama-70b-chat-v2')
    );
  });
});

afterAll(async () => {
  await fleet?.dispose();
  removeEmptyHome();
});

describe('fleetdeck rollout validate', () => {
  it('a good plan is valid (exit 0) and says what it would do', async () => {
    const result = await inDir('rollout', 'validate', files.good);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `${files.good}: valid — canary of ${supportStable} 2024-10 → 2024-11, 3 steps\n`,
    );
  });

  it('a bad plan: one line per problem, file:line:col field: message, and exit 1', async () => {
    const result = await inDir('rollout', 'validate', files.bad);
    expect(result.code, result.stderr).toBe(1);
    const lines = result.stdout.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(new RegExp(`^${files.bad}:\\d+:\\d+ \\S+: .+`));
    expect(result.stdout).toMatch(
      new RegExp(`^${files.bad}:14:\\d+ spec\\.analysis\\.quick\\S*: .*gpu_happiness`, 'm'),
    );
    expect(result.stdout).toMatch(
      new RegExp(`^${files.bad}:18:\\d+ spec\\.strategy\\.canary\\.steps\\[0\\]\\.setWeight: `, 'm'),
    );
    expect(result.stderr).toMatch(
      /^fleetdeck: \S+bad\.yaml is not a valid rollout plan \(\d+ problems\) — fix the lines above/,
    );

    const json = await inDir('rollout', 'validate', files.bad, '--json');
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as { ok: boolean; problems: { line: number }[] };
    expect(parsed.ok).toBe(false);
    expect(parsed.problems.map((p) => p.line)).toEqual(expect.arrayContaining([14, 18]));
  });

  it('generate | validate - round trip, and --output writes the same plan', async () => {
    const piped = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const d = ['--data-dir', fleet.dataDir];
      // The two commands joined by a real pipe, as in a shell: generate's stdout is validate's stdin.
      const gen = spawn(
        fleetdeckBin,
        [...d, 'rollout', 'generate', '--endpoint', supportStable, '--version', '2024-11'],
        {
          env: cleanEnv(),
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const val = spawn(fleetdeckBin, [...d, 'rollout', 'validate', '-'], {
        env: cleanEnv(),
        stdio: [gen.stdout, 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      val.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      val.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      val.once('close', (code) => done({ code, stdout, stderr }));
    });
    expect(piped.stderr).toBe('');
    expect(piped.code).toBe(0);
    expect(piped.stdout).toMatch(
      new RegExp(`^<stdin>: valid — canary of ${supportStable} 2024-10 → 2024-11, \\d+ steps$`, 'm'),
    );

    const out = join(fleet.dataDir, 'plans', 'nested', 'generated.yaml');
    const written = await inDir(
      'rollout',
      'generate',
      '--endpoint',
      supportStable,
      '--version',
      '2024-11',
      '--output',
      out,
    );
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toMatch(new RegExp(`^Wrote ${out}: canary of ${supportStable} 2024-10 → 2024-11`));
    const generated = await fleet.call<{ text: string }>('rollouts.generate', {
      endpointId: supportStable,
      candidateVersion: '2024-11',
    });
    expect(readFileSync(out, 'utf8').trim()).toBe(generated.text.trim());
  });

  it('generate --interval --count sets every analysis and keeps the plan valid', async () => {
    const result = await inDir(
      'rollout',
      'generate',
      '--endpoint',
      supportStable,
      '--version',
      '2024-11',
      '--interval',
      '3s',
      '--count',
      '2',
      '--json',
    );
    expect(result.code, result.stderr).toBe(0);
    const { text, plan } = JSON.parse(result.stdout) as { text: string; plan: Rollout['plan'] };
    expect(text).toMatch(/interval: 3s/);
    const analyses =
      plan.strategy.kind === 'canary' ? plan.strategy.steps.filter((s) => s.kind === 'analysis') : [];
    expect(analyses.length).toBeGreaterThan(0);
    for (const step of analyses)
      if (step.kind === 'analysis') expect(step.analysis).toMatchObject({ intervalSeconds: 3, count: 2 });
    // Comments of the generated plan survive the edit.
    expect(text).toContain('# Generated by Fleetdeck');
  });
});

describe('fleetdeck rollout start', () => {
  it('--wait follows a good canary to success: the id first, a line per change, exit 0', async () => {
    const result = await inDir('rollout', 'start', files.good, '--wait');
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const [id, ...rest] = result.stdout.split('\n');
    expect(id).toMatch(/^\S+$/);
    const shown = rest.join('\n');
    // Not a terminal: appended lines with an ASCII bar, never an escape sequence.
    expect(shown).not.toMatch(ESC);
    expect(shown).toMatch(
      new RegExp(`^Rollout ${id}: canary of ${supportStable} 2024-10 → 2024-11, 3 steps$`, 'm'),
    );
    expect(shown).toMatch(
      /^\d\d:\d\d:\d\d \[#{6}\.{14}\] {2}30 % 30 % on 2024-11 · progressing · step \d\/3/m,
    );
    expect(shown).toMatch(new RegExp(`^Rollout ${id} succeeded after .+$`, 'm'));

    const rollout = await get(id!);
    expect(rollout).toMatchObject({ state: 'succeeded', weight: 100 });
    // Every decision the engine made was printed, in words.
    for (const d of rollout.decisions) expect(shown).toContain(d.message);
  });

  it('an invalid plan is reported by line and nothing starts (exit 1)', async () => {
    const before = (await list()).length;
    const result = await inDir('rollout', 'start', files.bad);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      new RegExp(`^${files.bad}:18:\\d+ spec\\.strategy\\.canary\\.steps\\[0\\]\\.setWeight: `, 'm'),
    );
    expect(result.stderr).toMatch(/fleetdeck: \S+ is not a valid rollout plan/);
    expect((await list()).length).toBe(before);
  });
});

describe('a held rollout: status, pause, resume, abort', () => {
  let id: string;

  beforeAll(async () => {
    const started = await inDir('rollout', 'start', files.held);
    expect(started.code, started.stderr).toBe(0);
    id = started.stdout.trim();
    expect(started.stderr).toContain(`fleetdeck rollout status ${id} --watch`);
    await until('the held rollout at 20 %', async () => {
      const r = await get(id);
      return r.weight === 20 && r.state === 'progressing';
    });
  });

  it('status --json lists it among the active rollouts; status <id> --json is the record', async () => {
    const active = await inDir('rollout', 'status', '--json');
    expect(active.code, active.stderr).toBe(0);
    const summaries = JSON.parse(active.stdout) as RolloutSummary[];
    expect(summaries.map((s) => s.id)).toContain(id);
    expect(summaries.every((s) => typeof s.id === 'string')).toBe(true);

    const one = await inDir('rollout', 'status', id, '--json');
    expect(JSON.parse(one.stdout)).toMatchObject({ id, endpointId: llamaStable, weight: 20 });

    const text = await inDir('rollout', 'status');
    expect(text.stdout).toMatch(/^ID +ENDPOINT +STRATEGY +VERSIONS +STATE +WEIGHT +STEP +VERDICT +UPDATED$/m);
    expect(text.stdout).toMatch(
      new RegExp(`^${id} +${llamaStable} +canary +v1 → v2 +progressing +20 % +2/3 `, 'm'),
    );
    const detail = await inDir('rollout', 'status', id);
    expect(detail.stdout).toMatch(/20 % on v2 · PROGRESSING/);
    expect(detail.stdout).toMatch(/step 2\/3: pause 10 min/);
  });

  it('pause and resume, with the reason kept in the decision log', async () => {
    const paused = await inDir('rollout', 'pause', id, '--reason', 'checking a dashboard');
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stdout).toMatch(new RegExp(`^Rollout ${id} paused: now paused, 20 % on v2`));
    expect((await get(id)).state).toBe('paused');
    const resumed = await inDir('rollout', 'resume', id, '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ id, state: 'progressing' });
    const decisions = (await get(id)).decisions;
    expect(decisions.some((d) => d.kind === 'pause' && d.message.includes('checking a dashboard'))).toBe(
      true,
    );
    expect(decisions.some((d) => d.kind === 'resume')).toBe(true);
  });

  it('status --watch on a terminal redraws in place as it changes; Ctrl-C stops following, the rollout goes on', async () => {
    const session = await onPty(['--data-dir', fleet.dataDir, 'rollout', 'status', id, '--watch']);
    await session.waitFor(/█+░+\] +20 % +20 % on v2 · PROGRESSING/);
    expect(session.output).toContain(`Rollout ${id}: canary of ${llamaStable} v1 → v2, 3 steps`);
    expect(session.output).toMatch(/step 2\/3: pause 10 min/);
    expect(session.output).toMatch(/latest: \d\d:\d\d:\d\d /);
    // A change redraws the block in place: cursor up over the old frame, clear, new frame.
    await fleet.call('rollouts.control', { id, action: 'pause', reason: 'watched' });
    await session.waitFor(/20 % on v2 · PAUSED/);
    expect(session.output).toMatch(REDRAWN);
    expect(session.output).toMatch(/paused: .+ — `fleetdeck rollout resume /);
    await fleet.call('rollouts.control', { id, action: 'resume' });
    await session.waitFor(REDRAWN_PROGRESSING);
    session.pty.write('\x03');
    expect(await session.exited).toBe(130);
    expect(session.output).toContain(`stopped following rollout ${id} — it goes on in Fleetdeck`);
    expect((await get(id)).state).toBe('progressing');
  });

  it('abort without a terminal needs --yes; on a terminal N keeps it, y aborts it', async () => {
    expectOneLineError(
      await inDir('rollout', 'abort', id),
      1,
      new RegExp(`abort of rollout ${id} needs confirmation and there is no terminal to ask on — pass --yes`),
    );
    const no = await onPty(['--data-dir', fleet.dataDir, 'rollout', 'abort', id]);
    await no.waitFor(/\[y\/N\] /);
    expect(no.output).toContain(`Abort rollout ${id} (canary of ${llamaStable} v1 → v2, now 20 % on v2)?`);
    expect(no.output).toContain('all traffic goes back to v1 and v2 is scaled down');
    no.pty.write('n\r');
    expect(await no.exited).toBe(4);
    expect(no.output).toContain(`fleetdeck: rollout ${id} not aborted: not confirmed`);
    expect((await get(id)).state).toBe('progressing');

    const yes = await onPty(['--data-dir', fleet.dataDir, 'rollout', 'abort', id, '--reason', 'test over']);
    await yes.waitFor(/\[y\/N\] /);
    yes.pty.write('y\r');
    expect(await yes.exited, yes.output).toBe(0);
    expect(yes.output).toMatch(new RegExp(`Rollout ${id} aborted: now (aborting|aborted)`));
    const aborted = await until('the abort to finish', async () => {
      const r = await get(id);
      return r.state === 'aborted' ? r : null;
    });
    expect(aborted.weight).toBe(0);
    expect(aborted.decisions.some((d) => d.kind === 'abort' && d.message.includes('test over'))).toBe(true);
  });

  it('an abort is safe to repeat (--yes), and watching the aborted rollout exits 4 with the reason', async () => {
    const again = await inDir('rollout', 'abort', id, '--yes');
    expect(again.code, again.stderr).toBe(0);
    expect((await get(id)).state).toBe('aborted');
    const watched = await inDir('rollout', 'status', id, '--watch');
    expectOneLineError(
      watched,
      4,
      new RegExp(`rollout ${id} aborted after .+ — its decision log .+#/rollouts/${id}`),
      {
        stdout: true,
      },
    );
  });
});

describe('fleetdeck rollout history', () => {
  it('lists past rollouts newest first; --endpoint narrows it; --json is an array of summaries with ids', async () => {
    const json = await inDir('rollout', 'history', '--json');
    expect(json.code, json.stderr).toBe(0);
    const all = JSON.parse(json.stdout) as RolloutSummary[];
    expect(all).toEqual(await list());
    expect(all.map((r) => r.state)).toEqual(expect.arrayContaining(['succeeded', 'aborted']));

    const support = JSON.parse(
      (await inDir('rollout', 'history', '--endpoint', supportStable, '--json')).stdout,
    ) as RolloutSummary[];
    expect(support.length).toBeGreaterThan(0);
    expect(support.every((r) => r.endpointId === supportStable)).toBe(true);

    const text = await inDir('rollout', 'history');
    expect(text.stdout).toMatch(/^ID +STARTED +ENDPOINT +STRATEGY +VERSIONS +STATE +WEIGHT +TOOK +MESSAGE$/m);
    for (const r of all) expect(text.stdout).toMatch(new RegExp(`^${r.id} .+ ${r.state} `, 'm'));
  });
});

describe('errors', () => {
  it('an unknown rollout id is exit 4, for status and for the controls', async () => {
    expectOneLineError(
      await inDir('rollout', 'status', 'no-such-rollout'),
      4,
      /no rollout "no-such-rollout" — `fleetdeck rollout history` lists them/,
    );
    expectOneLineError(await inDir('rollout', 'pause', 'no-such-rollout'), 4, /no rollout "no-such-rollout"/);
    expectOneLineError(
      await inDir('rollout', 'abort', 'no-such-rollout', '--yes'),
      4,
      /no rollout "no-such-rollout"/,
    );
  });

  it('a plan file that cannot be read is exit 1 naming it', async () => {
    const missing = join(fleet.dataDir, 'missing.yaml');
    expectOneLineError(
      await inDir('rollout', 'validate', missing),
      1,
      new RegExp(`cannot read the plan file ${missing} \\(no such file\\) — check the path`),
    );
    expectOneLineError(await inDir('rollout', 'start', fleet.dataDir), 1, /\(it is a folder\)/);
  });

  it('usage mistakes are exit 1', async () => {
    expectOneLineError(await inDir('rollout'), 1, /rollout needs an action/);
    expectOneLineError(await inDir('rollout', 'launch'), 1, /unknown rollout action "launch"/);
    expectOneLineError(
      await inDir('rollout', 'start', files.good, '--watch'),
      1,
      /--watch does not apply to `fleetdeck rollout start`/,
    );
    expectOneLineError(
      await inDir('rollout', 'generate', '--endpoint', supportStable),
      1,
      /rollout generate needs --version V/,
    );
    expectOneLineError(
      await inDir(
        'rollout',
        'generate',
        '--endpoint',
        supportStable,
        '--version',
        '2024-11',
        '--strategy',
        'yolo',
      ),
      1,
      /--strategy "yolo" is not a strategy — use canary, blueGreen or ab/,
    );
  });
});
