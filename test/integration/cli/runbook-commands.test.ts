import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Endpoint } from '../../../src/shared/contract/index';
import { startConsole, type RunningConsole } from '../../e2e/support/console-host';
import {
  ensureCliBuilt,
  expectOneLineError,
  onPty,
  removeEmptyHome,
  runCli,
  until,
} from './support/fleetdeck-cli';

/**
 * `fleetdeck runbook list|show|run` and `fleetdeck annotate` against a real console with the
 * demo fleet and a user runbook folder. Runs execute for real in the run's bash terminal; a
 * confirmation is answered on a real PTY, as a person would.
 */

// Each case spawns real node processes; on a machine shared by many test runs that takes time.
vi.setConfig({ testTimeout: 120_000 });

interface RunRecord {
  id: string;
  runbookId: string;
  state: string;
  steps: {
    idx: number;
    title: string;
    command: string | null;
    state: string;
    exitCode: number | null;
    confirmedBy: string | null;
  }[];
  notes: { text: string }[];
}

const builtIns = [
  'cordon-drain-gpu-node',
  'latency-diagnostics',
  'restart-crashloop-pods',
  'rollback-model-version',
  'scale-out',
  'shift-traffic-away-from-region',
];

/** Two quick steps; the second needs confirmation. */
const cliTestRunbook = `apiVersion: fleetdeck.io/v1
kind: Runbook
id: cli-test
title: Command line test
description: Exercised by the fleetdeck command line tests.
tags: [test]
severity: low
params:
  - name: word
    description: A word to echo.
    default: hello
steps:
  - id: say
    title: Say the word
    command: echo said-{{ params.word }}
    check: { output: 'said-' }
    timeout: 30s
  - id: change
    title: Pretend to change something
    command: echo changed
    confirm: true
    check: { exit_code: 0 }
    timeout: 30s
`;

/** The fleetdeck command inside the run's own terminal, reaching back to the console. */
const cliNoteRunbook = `apiVersion: fleetdeck.io/v1
kind: Runbook
id: cli-note
title: Note from the run's terminal
description: A step that calls fleetdeck annotate, as runbook authors do.
tags: [test]
severity: info
steps:
  - id: note
    title: Leave a note
    command: fleetdeck annotate from-the-step
    check: { exit_code: 0 }
    timeout: 30s
`;

let fleet: RunningConsole;
let folder: string;
let endpoint: Endpoint;
const inDir = (...args: string[]) => runCli(['--data-dir', fleet.dataDir, ...args]);
const runsOf = (runbookId: string) => fleet.call<{ id: string }[]>('runs.list', { runbookId });

beforeAll(async () => {
  ensureCliBuilt();
  fleet = await startConsole({ demo: true });
  folder = join(fleet.dataDir, 'my-runbooks');
  mkdirSync(folder);
  writeFileSync(join(folder, 'cli-test.yaml'), cliTestRunbook);
  writeFileSync(join(folder, 'cli-note.yaml'), cliNoteRunbook);
  writeFileSync(join(folder, 'broken.yaml'), 'apiVersion: fleetdeck.io/v1\nkind: Runbook\nid: [broken\n');
  await fleet.call('settings.set', { runbooksFolder: folder });
  endpoint = await until('the demo fleet', async () => {
    const page = await fleet.call<{ items: Endpoint[] }>('fleet.endpoints', { limit: 20_000 });
    return page.items.find((e) => e.namespace !== null && e.sourceKind === 'kubernetes') ?? null;
  });
});

afterAll(async () => {
  await fleet?.dispose();
  removeEmptyHome();
});

describe('fleetdeck runbook list', () => {
  it('prints the built-in and user runbooks, then the files that could not be read', async () => {
    const result = await inDir('runbook', 'list');
    expect(result.code).toBe(0);
    const [header, ...rest] = result.stdout.split('\n');
    expect(header).toMatch(/^ID +SEVERITY +STEPS +CONFIRMS +TAGS +TITLE$/);
    const ids = rest.filter((l) => /^\S/.test(l)).map((l) => l.split(/\s+/)[0]);
    for (const id of [...builtIns, 'cli-test', 'cli-note']) expect(ids).toContain(id);
    expect(result.stdout).toMatch(/^cli-test +low +2 +yes +test +Command line test$/m);
    expect(result.stdout).toContain('1 runbook file could not be read:');
    expect(result.stdout).toMatch(new RegExp(`^  ${join(folder, 'broken.yaml')}:\\d+:\\d+: .+$`, 'm'));
  });

  it('--json is an array of runbook summaries with ids; unreadable files are warned about on stderr', async () => {
    const result = await inDir('runbook', 'list', '--json');
    expect(result.code, result.stderr).toBe(0);
    const listed = JSON.parse(result.stdout) as { id: string }[];
    const api = await fleet.call<{ runbooks: { id: string }[] }>('runbooks.list', {});
    expect(listed).toEqual(api.runbooks);
    expect(result.stderr).toMatch(
      new RegExp(`^fleetdeck: warning: runbook file not loaded: ${join(folder, 'broken.yaml')}:\\d+:\\d+: `),
    );

    const filtered = JSON.parse((await inDir('runbook', 'list', '--tag', 'test', '--json')).stdout) as {
      id: string;
    }[];
    expect(filtered.map((r) => r.id).sort()).toEqual(['cli-note', 'cli-test']);
  });
});

describe('fleetdeck runbook show', () => {
  it('prints parameters and steps, and --json is the runbook as runbooks.get returns it', async () => {
    const result = await inDir('runbook', 'show', 'scale-out');
    expect(result.code).toBe(0);
    const runbook = await fleet.call<{ steps: { title: string }[]; params: { name: string }[] }>(
      'runbooks.get',
      {
        id: 'scale-out',
      },
    );
    expect(result.stdout).toMatch(/^scale-out: Scale out a model server$/m);
    runbook.steps.forEach((step, i) => expect(result.stdout).toContain(`  ${i + 1}. ${step.title}`));
    for (const param of runbook.params) expect(result.stdout).toMatch(new RegExp(`^  ${param.name} +`, 'm'));

    const json = await inDir('runbook', 'show', 'scale-out', '--json');
    expect(JSON.parse(json.stdout)).toEqual(runbook);
  });

  it('an unknown runbook is exit 4', async () => {
    expectOneLineError(
      await inDir('runbook', 'show', 'no-such-runbook'),
      4,
      /no runbook "no-such-runbook" — `fleetdeck runbook list` shows the ids/,
    );
    expectOneLineError(
      await inDir('runbook', 'run', 'no-such-runbook', '--yes'),
      4,
      /no runbook "no-such-runbook"/,
    );
  });
});

describe('fleetdeck runbook run --dry-run', () => {
  it('renders every command bound to the endpoint, shell-quoted, and starts nothing', async () => {
    const result = await inDir(
      'runbook',
      'run',
      'scale-out',
      '--endpoint',
      endpoint.id,
      '--var',
      'replicas=5',
      '--dry-run',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Dry run of scale-out: .+ \(nothing is run\)$/m);
    expect(result.stdout).toMatch(/^ {2}replicas = 5 {2}\(var\)$/m);
    expect(result.stdout).toMatch(
      new RegExp(
        `^ {7}\\$ kubectl --context ${endpoint.cluster} -n ${endpoint.namespace} scale deployment/\\S+ --replicas=5$`,
        'm',
      ),
    );

    const json = await inDir(
      'runbook',
      'run',
      'scale-out',
      '--endpoint',
      endpoint.id,
      '--var',
      'replicas=5',
      '--dry-run',
      '--json',
    );
    const rendered = await fleet.call('runbooks.render', {
      id: 'scale-out',
      endpointId: endpoint.id,
      vars: { replicas: '5' },
    });
    expect(JSON.parse(json.stdout)).toEqual(rendered);
    expect(await runsOf('scale-out')).toEqual([]);
  });

  it('a hostile value stays one quoted argument', async () => {
    const result = await inDir('runbook', 'run', 'cli-test', '--var', 'word=x; rm -rf ~', '--dry-run');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`$ echo said-'x; rm -rf ~'`);
  });
});

describe('fleetdeck runbook run', () => {
  it('without a terminal to ask on, a runbook with confirmations needs --yes (and nothing starts)', async () => {
    const result = await inDir('runbook', 'run', 'cli-test');
    expectOneLineError(
      result,
      1,
      /runbook cli-test has steps that need confirmation and there is no terminal to ask on — pass --yes/,
    );
    expect(await runsOf('cli-test')).toEqual([]);
  });

  it('--yes runs every step, printing title, command, exit code and check', async () => {
    const result = await inDir('runbook', 'run', 'cli-test', '--yes', '--var', 'word=there');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const runId = /^Run (\S+): Command line test$/m.exec(result.stdout)?.[1];
    expect(runId).toBeDefined();
    expect(result.stdout).toMatch(
      /^\[1\/2\] Say the word\n {6}\$ echo said-there\n {6}succeeded · exit 0 · check ok: /m,
    );
    expect(result.stdout).toMatch(
      /^\[2\/2\] Pretend to change something\n {6}\$ echo changed\n {6}succeeded · exit 0 · check ok: /m,
    );
    expect(result.stdout).toMatch(new RegExp(`^Run ${runId} succeeded after `, 'm'));

    const run = await fleet.call<RunRecord>('runs.get', { id: runId });
    expect(run.state).toBe('succeeded');
    expect(run.steps.map((s) => s.exitCode)).toEqual([0, 0]);
    expect(run.steps[1]!.confirmedBy).toMatch(/confirmed in advance/);
  });

  it('--json prints the final run record on stdout, progress on stderr', async () => {
    const result = await inDir('runbook', 'run', 'cli-test', '--yes', '--json');
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout) as RunRecord;
    expect(run).toMatchObject({ runbookId: 'cli-test', state: 'succeeded' });
    expect(run.steps.map((s) => s.command)).toEqual(['echo said-hello', 'echo changed']);
    expect(result.stderr).toContain('[2/2] Pretend to change something');
  });

  it('--read-only refuses the destructive step: exit 4 naming it', async () => {
    const result = await inDir('runbook', 'run', 'cli-test', '--read-only');
    const line = expectOneLineError(result, 4, /run \S+ of cli-test failed: .*read-only/i, { stdout: true });
    expect(line).toContain('#/runs/');
    expect(result.stdout).toContain('[1/2] Say the word');
  });

  it('on a terminal, asks y/N before a destructive step: y runs it', async () => {
    const session = await onPty(['--data-dir', fleet.dataDir, 'runbook', 'run', 'cli-test'], {
      cols: 200,
      rows: 50,
    });
    await session.waitFor(/\[y\/N\] /);
    expect(session.output).toContain('Run step 2 (Pretend to change something)? It needs confirmation.');
    session.pty.write('y\r');
    const code = await session.exited;
    expect(code, session.output).toBe(0);
    expect(session.output).toMatch(/Run \S+ succeeded after/);
    const runId = /Run (\S+): Command line test/.exec(session.output)![1]!;
    const run = await fleet.call<RunRecord>('runs.get', { id: runId });
    expect(run.state).toBe('succeeded');
    expect(run.steps[1]!.confirmedBy).not.toMatch(/in advance/);
  });

  it('on a terminal, anything but y aborts the run (exit 4)', async () => {
    const session = await onPty(['--data-dir', fleet.dataDir, 'runbook', 'run', 'cli-test'], {
      cols: 200,
      rows: 50,
    });
    await session.waitFor(/\[y\/N\] /);
    session.pty.write('n\r');
    const code = await session.exited;
    expect(code, session.output).toBe(4);
    expect(session.output).toMatch(/fleetdeck: run \S+ of cli-test aborted/);
    const runId = /Run (\S+): Command line test/.exec(session.output)![1]!;
    expect((await fleet.call<RunRecord>('runs.get', { id: runId })).state).toBe('aborted');
  });
});

describe('fleetdeck annotate', () => {
  it('adds a note to the run named by --run or FLEETDECK_RUN_ID', async () => {
    // A run of its own, so this test does not lean on the ones above.
    const run = await fleet.call<RunRecord>('runs.start', { runbookId: 'cli-test', autoConfirm: true });
    const byFlag = await inDir('annotate', '--run', run.id, 'checked', 'the', 'dashboards');
    expect(byFlag).toMatchObject({ code: 0, stdout: `Noted on run ${run.id}.\n` });
    const byEnv = await runCli(['--data-dir', fleet.dataDir, 'annotate', 'from the env', '--json'], {
      env: { FLEETDECK_RUN_ID: run.id },
    });
    expect(byEnv.code).toBe(0);
    expect(JSON.parse(byEnv.stdout)).toMatchObject({ runId: run.id, text: 'from the env' });
    const notes = (await fleet.call<RunRecord>('runs.get', { id: run.id })).notes.map((n) => n.text);
    expect(notes).toEqual(expect.arrayContaining(['checked the dashboards', 'from the env']));
  });

  it('an unknown run is exit 4', async () => {
    expectOneLineError(
      await inDir('annotate', '--run', 'no-such-run', 'hello'),
      4,
      /runs\.annotate: .*no-such-run|no-such-run/i,
    );
  });

  it("works from a step in the run's own terminal (FLEETDECK_URL, FLEETDECK_TOKEN, FLEETDECK_RUN_ID)", async () => {
    const result = await inDir('runbook', 'run', 'cli-note', '--json');
    expect(result.code, result.stderr).toBe(0);
    const run = JSON.parse(result.stdout) as RunRecord;
    expect(run.state).toBe('succeeded');
    expect(run.notes.map((n) => n.text)).toContain('from-the-step');
  });
});
