import { describe, expect, it } from 'vitest';
import type { Run, RunSummary } from '../../../../src/shared/contract/index';
import { createFleetStore } from '../../../../src/renderer/stores/fleet.store';
import { fail, fakeApi, settle } from '../sources-fake-api';

const summary = (id: string, over: Partial<RunSummary> = {}): RunSummary => ({
  id,
  runbookId: 'scale-out',
  runbookTitle: 'Scale out',
  endpointId: null,
  actor: 'me',
  state: 'running',
  dryRun: false,
  readOnly: false,
  currentStep: 0,
  stepCount: 2,
  terminalId: null,
  startedAt: 1,
  updatedAt: 1,
  endedAt: null,
  message: null,
  ...over,
});
const run = (id: string, over: Partial<Run> = {}): Run => ({
  ...summary(id),
  params: {},
  steps: [],
  notes: [],
  ...over,
});

/** A runs.get that answers only when the test releases it, to see what arrives meanwhile. */
function gatedGets() {
  const waiting: Array<() => void> = [];
  let served = 0;
  return {
    handler: (args: { id: string }) =>
      new Promise<Run>((done) => waiting.push(() => done(run(args.id, { currentStep: ++served })))),
    release: () => waiting.shift()?.(),
    pending: () => waiting.length,
  };
}

describe('runbooks slice', () => {
  it('follows the open run: its runs.changed leads to one runs.get, however many arrive while one is in flight', async () => {
    const gets = gatedGets();
    const fake = fakeApi({ 'runs.get': gets.handler });
    const store = createFleetStore({ api: fake.api, now: () => 0, setHash: () => {} });
    const stop = store.getState().openRun('r1');
    expect(store.getState().runState).toBe('loading');
    gets.release();
    await settle();
    expect(store.getState().run?.currentStep).toBe(1);

    fake.emit('runs.changed', summary('other'));
    expect(fake.named('runs.get')).toHaveLength(1);
    fake.emit('runs.changed', summary('r1'));
    fake.emit('runs.changed', summary('r1'));
    fake.emit('runs.changed', summary('r1'));
    expect(fake.named('runs.get')).toHaveLength(2);
    gets.release();
    await settle();
    // The changes that came while the second read was out cost exactly one more.
    expect(fake.named('runs.get')).toHaveLength(3);
    gets.release();
    await settle();
    expect(store.getState().run?.currentStep).toBe(3);

    stop();
    fake.emit('runs.changed', summary('r1'));
    expect(fake.named('runs.get')).toHaveLength(3);
    expect(fake.listeners('runs.changed')).toBe(0);
  });

  it('opens a started run at its address, and keeps a refused control as an error to show', async () => {
    const hashes: string[] = [];
    const fake = fakeApi({
      'runs.start': () => run('run/1'),
      'runs.control': fail({ code: 'conflict', message: 'Cannot retry run run/1: it is running' }),
    });
    const store = createFleetStore({ api: fake.api, now: () => 0, setHash: (h) => hashes.push(h) });
    await store.getState().startRun({ runbookId: 'scale-out', endpointId: 'a:b:c', vars: { replicas: '3' } });
    expect(hashes).toEqual(['#/runs/run%2F1']);
    expect(store.getState().run?.id).toBe('run/1');
    await store.getState().controlRun('retry');
    expect(store.getState().runPending).toBeNull();
    expect(store.getState().runActionError?.message).toContain('it is running');
  });

  it('patches a known run in the history in place and reloads for a new one', async () => {
    let listed = [summary('r2', { startedAt: 2 }), summary('r1')];
    const fake = fakeApi({ 'runs.list': () => listed });
    const store = createFleetStore({ api: fake.api, now: () => 0, setHash: () => {} });
    const stop = store.getState().watchRunHistory({ query: 'scale' });
    await settle();
    expect(fake.named('runs.list')[0]?.args).toEqual({ query: 'scale', limit: 200 });
    expect(store.getState().runHistory?.map((r) => r.id)).toEqual(['r2', 'r1']);

    fake.emit('runs.changed', summary('r1', { state: 'succeeded' }));
    expect(fake.named('runs.list')).toHaveLength(1);
    expect(store.getState().runHistory?.[1]?.state).toBe('succeeded');

    listed = [summary('r3', { startedAt: 3 }), ...listed];
    fake.emit('runs.changed', summary('r3'));
    await settle();
    expect(fake.named('runs.list')).toHaveLength(2);
    expect(store.getState().runHistory?.map((r) => r.id)).toEqual(['r3', 'r2', 'r1']);
    stop();
    expect(fake.listeners('runs.changed')).toBe(0);
  });
});
