import { describe, expect, it } from 'vitest';
import type { Rollout, RolloutSummary } from '../../../../src/shared/contract/index';
import { createFleetStore } from '../../../../src/renderer/stores/fleet.store';
import { fail, fakeApi, settle } from '../sources-fake-api';

const summary = (id: string, over: Partial<RolloutSummary> = {}): RolloutSummary => ({
  id,
  name: id,
  strategy: 'canary',
  endpointId: 'c:ns:v1',
  candidateEndpointId: 'c:ns:v2',
  model: 'm',
  cluster: 'c',
  stableVersion: 'v1',
  candidateVersion: 'v2',
  state: 'progressing',
  weight: 10,
  stepIndex: 0,
  stepCount: 3,
  lastVerdict: null,
  message: null,
  actor: 'me',
  startedAt: 1,
  updatedAt: 2,
  endedAt: null,
  ...over,
});

const rollout = (id: string, over: Partial<Rollout> = {}): Rollout => ({
  ...summary(id),
  plan: {
    apiVersion: 'fleetdeck.io/v1',
    name: id,
    description: '',
    endpointId: 'c:ns:v1',
    stableVersion: 'v1',
    candidateVersion: 'v2',
    strategy: { kind: 'canary', steps: [{ kind: 'setWeight', weight: 10 }] },
    backgroundAnalysis: null,
    candidateReplicas: null,
  },
  planText: 'kind: Rollout',
  decisions: [],
  comparison: null,
  ...over,
});

describe('rollouts slice', () => {
  it('patches a listed rollout in place from rollouts.changed and reloads for a new one', async () => {
    let rows = [summary('a')];
    const fake = fakeApi({ 'rollouts.list': () => rows });
    const store = createFleetStore({ api: fake.api, now: () => 0, setHash: () => {} });
    const stop = store.getState().watchRollouts({});
    await settle();
    expect(store.getState().rolloutList?.map((r) => r.id)).toEqual(['a']);
    fake.emit('rollouts.changed', summary('a', { weight: 25 }));
    expect(store.getState().rolloutList?.[0]?.weight).toBe(25);
    expect(fake.named('rollouts.list')).toHaveLength(1);
    rows = [summary('b'), summary('a', { weight: 25 })];
    fake.emit('rollouts.changed', summary('b'));
    await settle();
    expect(fake.named('rollouts.list')).toHaveLength(2);
    expect(store.getState().rolloutList?.map((r) => r.id)).toEqual(['b', 'a']);
    stop();
    expect(fake.listeners('rollouts.changed')).toBe(0);
  });

  it('reloads the list when a rollout leaves an "active" filter', async () => {
    const fake = fakeApi({ 'rollouts.list': () => [summary('a')] });
    const store = createFleetStore({ api: fake.api, now: () => 0, setHash: () => {} });
    store.getState().watchRollouts({ active: true });
    await settle();
    fake.emit('rollouts.changed', summary('a', { state: 'aborted', endedAt: 5 }));
    await settle();
    expect(fake.named('rollouts.list')).toHaveLength(2);
  });

  it('follows the open rollout with one rollouts.get in flight, and one more for changes meanwhile', async () => {
    let release: () => void = () => {};
    let version = 0;
    const fake = fakeApi({
      'rollouts.get': () =>
        new Promise<Rollout>((done) => {
          version += 1;
          const v = version;
          release = () => done(rollout('a', { weight: v * 10 }));
        }),
    });
    const store = createFleetStore({ api: fake.api, now: () => 0, setHash: () => {} });
    const stop = store.getState().openRollout('a');
    fake.emit('rollouts.changed', summary('a'));
    fake.emit('rollouts.changed', summary('a'));
    fake.emit('rollouts.changed', summary('other'));
    expect(fake.named('rollouts.get')).toHaveLength(1);
    release();
    await settle();
    expect(fake.named('rollouts.get')).toHaveLength(2);
    release();
    await settle();
    expect(store.getState().rollout?.weight).toBe(20);
    expect(store.getState().rolloutState).toBe('ready');
    stop();
  });

  it('sends a control with its reason, and keeps a refusal to show', async () => {
    const fake = fakeApi({
      'rollouts.get': () => rollout('a'),
      'rollouts.control': (args: { action: string }) =>
        args.action === 'abort'
          ? rollout('a', { state: 'aborted', weight: 0 })
          : fail({ code: 'conflict', message: 'already paused' })(),
    });
    const store = createFleetStore({ api: fake.api, now: () => 0, setHash: () => {} });
    store.getState().openRollout('a');
    await settle();
    expect(await store.getState().controlRollout('pause')).toBe(false);
    expect(store.getState().rolloutActionError?.message).toBe('already paused');
    expect(await store.getState().controlRollout('abort', '  bad latency  ')).toBe(true);
    expect(fake.named('rollouts.control').at(-1)?.args).toEqual({
      id: 'a',
      action: 'abort',
      reason: 'bad latency',
    });
    expect(store.getState().rollout?.state).toBe('aborted');
    expect(store.getState().rolloutPending).toBeNull();
  });

  it('drops a validation answered after a newer one, and opens a started rollout', async () => {
    const answers: Array<(ok: boolean) => void> = [];
    const hashes: string[] = [];
    const fake = fakeApi({
      'rollouts.validate': () =>
        new Promise((done) => answers.push((ok) => done({ ok, problems: [], plan: null }))),
      'rollouts.start': () => rollout('r:1'),
    });
    const store = createFleetStore({ api: fake.api, now: () => 0, setHash: (h) => hashes.push(h) });
    void store.getState().validatePlan('old');
    void store.getState().validatePlan('new');
    answers[1]!(true);
    await settle();
    answers[0]!(false);
    await settle();
    expect(store.getState().planCheck).toMatchObject({ text: 'new', ok: true });
    await store.getState().startRollout('kind: Rollout');
    expect(hashes).toEqual(['#/rollouts/r%3A1']);
    expect(store.getState().rolloutId).toBe('r:1');
  });
});
