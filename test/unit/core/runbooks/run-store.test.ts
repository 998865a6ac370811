import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunStore, type StoredRun, type StoredStep } from '../../../../src/core/runbooks/run.store';
import { silentLogger } from '../../../../src/core/log/logger';
import { openStore, type Store } from '../../../../src/core/store/database';
import type { Runbook } from '../../../../src/shared/contract/runbook.schema';
import { freshDir } from '../../../support/tmp';

const runbook: Runbook = {
  apiVersion: 'fleetdeck.io/v1',
  id: 'scale-out',
  title: 'Scale out a model server',
  description: '',
  tags: [],
  severity: 'medium',
  source: 'builtin',
  file: 'scale-out.yaml',
  stepCount: 1,
  destructive: false,
  relevance: null,
  params: [],
  steps: [],
  signals: [],
};

const step = (idx: number, command: string): StoredStep => ({
  idx,
  title: `step ${idx}`,
  kind: 'command',
  confirm: false,
  command,
  state: 'pending',
  exitCode: null,
  check: null,
  startedAt: null,
  endedAt: null,
  output: '',
  transcript: null,
  confirmedBy: null,
  rollback: { command: 'echo undo', exitCode: null, state: 'pending' },
  checkDef: { kind: 'exit_code', equals: 0, timeoutSeconds: 30 },
  onFailure: 'stop',
  timeoutSeconds: 30,
});

const run = (id: string, startedAt: number, over: Partial<StoredRun> = {}): StoredRun => ({
  id,
  runbookId: 'scale-out',
  runbookTitle: 'Scale out a model server',
  runbook,
  endpointId: 'prod-us-east:llm:llama-8b-chat',
  actor: 'tester',
  state: 'running',
  dryRun: false,
  readOnly: false,
  autoConfirm: false,
  currentStep: 0,
  stepCount: 1,
  terminalId: null,
  startedAt,
  updatedAt: startedAt,
  endedAt: null,
  message: null,
  params: { replicas: '4' },
  notes: [],
  steps: [step(0, 'kubectl scale deployment/llama --replicas=4')],
  ...over,
});

describe('RunStore', () => {
  let dir: ReturnType<typeof freshDir>;
  let store: Store;
  let runs: RunStore;
  beforeEach(() => {
    dir = freshDir();
    store = openStore({ dataDir: dir.dir, log: silentLogger });
    runs = new RunStore(store.db);
  });
  afterEach(() => {
    store.close();
    dir.cleanup();
  });

  it('keeps a run, its steps (with the check definition) and notes, and reads them back after a reopen', () => {
    const r = run('r1', 1000);
    runs.insert(r);
    r.steps[0]!.state = 'succeeded';
    r.steps[0]!.exitCode = 0;
    r.steps[0]!.output = 'deployment.apps/llama scaled';
    r.steps[0]!.check = { ok: true, detail: 'Exited with 0, as expected.' };
    r.steps[0]!.transcript = { sessionId: 't1', fromSeq: 3, toSeq: 7 };
    runs.saveStep(r.id, r.steps[0]!);
    runs.addNote(r.id, { at: 1500, actor: 'tester', text: 'surge from a batch client' });
    r.state = 'succeeded';
    r.endedAt = 2000;
    runs.saveRun(r);

    store.close();
    store = openStore({ dataDir: dir.dir, log: silentLogger });
    const back = new RunStore(store.db).get('r1')!;
    expect(back.state).toBe('succeeded');
    expect(back.params).toEqual({ replicas: '4' });
    expect(back.runbook.title).toBe('Scale out a model server');
    expect(back.steps[0]).toMatchObject({
      state: 'succeeded',
      exitCode: 0,
      output: 'deployment.apps/llama scaled',
      check: { ok: true },
      transcript: { sessionId: 't1', fromSeq: 3, toSeq: 7 },
      rollback: { command: 'echo undo', exitCode: null, state: 'pending' },
      checkDef: { kind: 'exit_code', equals: 0 },
    });
    expect(back.notes).toEqual([{ at: 1500, actor: 'tester', text: 'surge from a batch client' }]);
  });

  it('lists newest first and finds runs by words in the title, endpoint, notes and commands', () => {
    runs.insert(run('old', 1000, { endpointId: 'staging:llm:mistral' }));
    runs.insert(
      run('new', 2000, {
        runbookId: 'drain',
        runbookTitle: 'Drain a GPU node',
        steps: [step(0, 'kubectl drain gpu-7')],
      }),
    );
    runs.addNote('old', { at: 1100, actor: 'tester', text: 'customer ACME reported 50% errors' });

    expect(runs.list({ limit: 100 }).map((r) => r.id)).toEqual(['new', 'old']);
    expect(runs.list({ query: 'drain', limit: 100 }).map((r) => r.id)).toEqual(['new']);
    expect(runs.list({ query: 'gpu-7', limit: 100 }).map((r) => r.id)).toEqual(['new']);
    expect(runs.list({ query: 'acme mistral', limit: 100 }).map((r) => r.id)).toEqual(['old']);
    // `%` is text, not a wildcard: only the note with "50%" matches.
    expect(runs.list({ query: '50%', limit: 100 }).map((r) => r.id)).toEqual(['old']);
    expect(runs.list({ query: '5%', limit: 100 })).toEqual([]);
    expect(runs.list({ runbookId: 'drain', limit: 100 }).map((r) => r.id)).toEqual(['new']);
    expect(runs.list({ state: 'succeeded', limit: 100 })).toEqual([]);
    expect(runs.list({ limit: 1 }).map((r) => r.id)).toEqual(['new']);
  });

  it('names the runs a dead process left live, and the newest of them for notes', () => {
    runs.insert(run('a', 1000));
    runs.insert(run('b', 2000, { state: 'paused' }));
    runs.insert(run('c', 3000, { state: 'failed' }));
    expect(runs.leftovers().sort()).toEqual(['a', 'b']);
    expect(runs.newestActive()).toBe('b');
  });
});
