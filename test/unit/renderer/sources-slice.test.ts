import { describe, expect, it } from 'vitest';
import { FleetError, type FleetErrorBody } from '../../../src/shared/errors/fleet-error';
import { upsertSource, withoutSource } from '../../../src/renderer/stores/sources.slice';
import { emptySourceForm, type SourceFormValues } from '../../../src/renderer/views/sources/source-form';
import { fail, fakeApi, settle, source, storeWith } from './sources-fake-api';

describe('sources slice: the list', () => {
  it('upserts status events in place and appends unknown sources; removal drops by id', () => {
    const a = source('a');
    const b = source('b');
    const aOk = source('a', { status: { state: 'ok', reason: 'watching', lastOkAt: 5, retryAt: null } });
    expect(upsertSource([a, b], aOk)).toEqual([aOk, b]);
    expect(upsertSource([a], b)).toEqual([a, b]);
    expect(withoutSource([a, b], 'a')).toEqual([b]);
  });

  it('loads the list, follows sources.status, re-reads after a reconnect, and stops listening', async () => {
    let list = [source('demo', { builtIn: true }), source('metrics', { kind: 'scrape' })];
    const fake = fakeApi({ 'sources.list': () => list });
    const store = storeWith(fake);
    const stop = store.getState().watchSources();
    await settle();
    expect(store.getState()).toMatchObject({ sourcesLoaded: true, sourcesError: null });
    expect(store.getState().sources.map((s) => s.id)).toEqual(['demo', 'metrics']);

    const ok = source('demo', {
      builtIn: true,
      status: { state: 'ok', reason: 'watching 3 contexts', lastOkAt: 9, retryAt: null },
    });
    fake.emit('sources.status', ok);
    expect(store.getState().sources[0]).toEqual(ok);

    list = [...list, source('prom', { kind: 'prometheus' })];
    fake.connect('connected'); // first connect: the load above is enough
    expect(fake.named('sources.list')).toHaveLength(1);
    fake.connect('disconnected');
    fake.connect('connected');
    await settle();
    expect(fake.named('sources.list')).toHaveLength(2);
    expect(store.getState().sources.map((s) => s.id)).toEqual(['demo', 'metrics', 'prom']);

    stop();
    expect(fake.listeners('sources.status')).toBe(0);
  });

  it('keeps what it has and says why when the list cannot be read', async () => {
    const fake = fakeApi({
      'sources.list': fail({
        code: 'unavailable',
        message: 'Cannot reach the console',
        where: 'sources.list',
      }),
    });
    const store = storeWith(fake);
    await store.getState().loadSources();
    expect(store.getState()).toMatchObject({ sourcesLoaded: false, sourcesError: { code: 'unavailable' } });
  });

  it('records a test result per source, and a test that could not run as an error', async () => {
    const fake = fakeApi({
      'sources.test': ({ id }: { id: string }) => {
        if (id === 'gone') throw new FleetError({ code: 'not_found', message: 'No source "gone"' });
        return { ok: false, message: 'Prometheus at http://p/ is unreachable', details: ['ECONNREFUSED'] };
      },
    });
    const store = storeWith(fake);
    const running = store.getState().testSource('prom');
    expect(store.getState().sourceChecks.prom?.running).toBe(true);
    await running;
    expect(store.getState().sourceChecks.prom).toEqual({
      running: false,
      result: { ok: false, message: 'Prometheus at http://p/ is unreachable', details: ['ECONNREFUSED'] },
      error: null,
      at: 42,
    });
    await store.getState().testSource('gone');
    expect(store.getState().sourceChecks.gone).toMatchObject({ result: null, error: { code: 'not_found' } });
  });
});

describe('sources slice: removing', () => {
  const prom = source('prom', {
    kind: 'prometheus',
    name: 'Prod Prometheus',
    config: { url: 'http://p', auth: { type: 'bearer', tokenRef: 'prometheus-prod-token' } },
  });

  it('names what will be forgotten, removes, deletes the referenced secret when asked, and announces it', async () => {
    const fake = fakeApi({
      'sources.list': () => [prom],
      'fleet.endpoints': () => ({ total: 7, offset: 0, items: [] }),
      'sources.remove': ({ id }: { id: string }) => ({ removed: id }),
      'secrets.delete': () => ({ deleted: true }),
    });
    const store = storeWith(fake);
    await store.getState().loadSources();
    await store.getState().openRemoval('prom');
    expect(fake.named('fleet.endpoints')[0]?.args).toEqual({ source: ['prom'], limit: 1 });
    expect(store.getState().removal).toMatchObject({
      id: 'prom',
      name: 'Prod Prometheus',
      endpointCount: 7,
      secrets: ['prometheus-prod-token'],
      running: false,
    });

    expect(await store.getState().confirmRemoval({ deleteSecrets: true })).toBe(true);
    expect(fake.named('secrets.delete').map((c) => c.args)).toEqual([{ name: 'prometheus-prod-token' }]);
    expect(store.getState()).toMatchObject({
      sources: [],
      removal: null,
      lastRemoved: { name: 'Prod Prometheus', secretsDeleted: ['prometheus-prod-token'], secretErrors: [] },
    });
  });

  it('keeps a secret when told to', async () => {
    const fake = fakeApi({
      'sources.list': () => [prom],
      'fleet.endpoints': () => ({ total: 0, offset: 0, items: [] }),
      'sources.remove': ({ id }: { id: string }) => ({ removed: id }),
    });
    const store = storeWith(fake);
    await store.getState().loadSources();
    await store.getState().openRemoval('prom');
    await store.getState().confirmRemoval({ deleteSecrets: false });
    expect(fake.named('secrets.delete')).toEqual([]);
    expect(store.getState().lastRemoved?.secretsDeleted).toEqual([]);
  });

  it("shows a built-in source's refusal and hint, and keeps the source", async () => {
    const refusal: FleetErrorBody = {
      code: 'conflict',
      message: '"Demo fleet" is built in and cannot be removed here',
      hint: 'Start Fleetdeck with --no-demo to run without the demo fleet.',
    };
    const demo = source('demo', { name: 'Demo fleet', builtIn: true });
    const fake = fakeApi({
      'sources.list': () => [demo],
      'fleet.endpoints': () => ({ total: 24, offset: 0, items: [] }),
      'sources.remove': fail(refusal),
    });
    const store = storeWith(fake);
    await store.getState().loadSources();
    await store.getState().openRemoval('demo');
    expect(await store.getState().confirmRemoval({ deleteSecrets: true })).toBe(false);
    expect(store.getState().removal).toMatchObject({ id: 'demo', running: false, error: refusal });
    expect(store.getState().removeRefusals.demo).toEqual(refusal);
    expect(store.getState().sources).toEqual([demo]);
    store.getState().closeRemoval();
    expect(store.getState().removal).toBeNull();
  });
});

describe('sources slice: the Add-source draft', () => {
  const promForm = (name = 'Prod'): SourceFormValues => {
    const v = emptySourceForm('prometheus');
    v.name = name;
    v.prometheus.url = 'http://127.0.0.1:9';
    v.prometheus.auth = 'bearer';
    return v;
  };
  const SECRET = 'tok-3f9a-very-secret';

  it('stores a typed token under a free generated name, tests with a reference, and never keeps the value', async () => {
    const stored = new Map<string, string>();
    const fake = fakeApi({
      'secrets.list': () => ({ names: ['prometheus-prod-token'], protection: 'file' }),
      'secrets.set': ({ name, value }: { name: string; value: string }) => {
        stored.set(name, value);
        return { name, protection: 'file' };
      },
      'sources.test': () => ({
        ok: false,
        message: 'Prometheus at http://127.0.0.1:9/ is unreachable',
        details: [],
      }),
    });
    const store = storeWith(fake);
    const slots = await store.getState().testDraft(promForm(), { 'prometheus-token': SECRET });
    expect(slots).toEqual(['prometheus-token']);
    expect([...stored]).toEqual([['prometheus-prod-token-2', SECRET]]);
    expect(fake.named('sources.test')[0]?.args).toEqual({
      kind: 'prometheus',
      config: { url: 'http://127.0.0.1:9', auth: { type: 'bearer', tokenRef: 'prometheus-prod-token-2' } },
    });
    expect(store.getState().draft).toMatchObject({
      storedSecrets: { 'prometheus-token': 'prometheus-prod-token-2' },
      check: { running: false, result: { ok: false } },
    });
    expect(JSON.stringify(store.getState())).not.toContain(SECRET);

    // A retyped token replaces the same secret; nothing typed means the stored one is used.
    await store.getState().testDraft(promForm(), { 'prometheus-token': 'second' });
    await store.getState().testDraft(promForm(), {});
    expect(fake.named('secrets.set').map((c) => (c.args as { name: string }).name)).toEqual([
      'prometheus-prod-token-2',
      'prometheus-prod-token-2',
    ]);
    expect(fake.named('secrets.list')).toHaveLength(1);
  });

  it('adds the source: the secrets now belong to it, the draft is cleared and the list shows it', async () => {
    const added = source('prod', { kind: 'prometheus', name: 'Prod' });
    const fake = fakeApi({
      'secrets.list': () => ({ names: [], protection: 'file' }),
      'secrets.set': ({ name }: { name: string }) => ({ name, protection: 'file' }),
      'sources.add': () => added,
      'secrets.delete': () => ({ deleted: true }),
    });
    const store = storeWith(fake);
    const outcome = await store.getState().addDraft(promForm(), { 'prometheus-token': SECRET });
    expect(outcome).toEqual({ source: added, stored: ['prometheus-token'] });
    expect(fake.named('sources.add')[0]?.args).toEqual({
      kind: 'prometheus',
      name: 'Prod',
      config: { url: 'http://127.0.0.1:9', auth: { type: 'bearer', tokenRef: 'prometheus-prod-token' } },
    });
    expect(store.getState()).toMatchObject({ lastAddedId: 'prod', sources: [added] });
    expect(store.getState().draft.storedSecrets).toEqual({});
    // Leaving the view afterwards deletes nothing: the source refers to its token.
    await store.getState().discardDraft();
    expect(fake.named('secrets.delete')).toEqual([]);
  });

  it("shows the core's refusal and, if the draft is abandoned, deletes the secrets it stored", async () => {
    const refusal: FleetErrorBody = {
      code: 'bad_request',
      message: 'Invalid prometheus source settings: url: Invalid URL',
      where: 'sources.add',
    };
    const fake = fakeApi({
      'secrets.list': () => ({ names: [], protection: 'file' }),
      'secrets.set': ({ name }: { name: string }) => ({ name, protection: 'file' }),
      'sources.add': fail(refusal),
      'secrets.delete': () => ({ deleted: true }),
    });
    const store = storeWith(fake);
    const outcome = await store.getState().addDraft(promForm(), { 'prometheus-token': SECRET });
    expect(outcome).toEqual({ source: null, stored: ['prometheus-token'] });
    expect(store.getState().draft).toMatchObject({ adding: false, addError: refusal });
    store.getState().clearDraftResults();
    expect(store.getState().draft).toMatchObject({
      addError: null,
      storedSecrets: { 'prometheus-token': 'prometheus-prod-token' },
    });
    await store.getState().discardDraft();
    expect(fake.named('secrets.delete').map((c) => c.args)).toEqual([{ name: 'prometheus-prod-token' }]);
    expect(store.getState().draft.storedSecrets).toEqual({});
  });

  it('sends no secret the current choice does not use', async () => {
    const fake = fakeApi({ 'sources.test': () => ({ ok: true, message: 'ok', details: [] }) });
    const store = storeWith(fake);
    const values = promForm();
    values.prometheus.auth = 'none';
    await store.getState().testDraft(values, { 'prometheus-token': SECRET });
    expect(fake.named('secrets.set')).toEqual([]);
    expect(fake.named('sources.test')[0]?.args).toEqual({
      kind: 'prometheus',
      config: { url: 'http://127.0.0.1:9', auth: { type: 'none' } },
    });
  });

  it('finds kubeconfig contexts for the path asked, and drops an answer for a path no longer asked', async () => {
    const answers: Record<string, (v: unknown) => void> = {};
    const fake = fakeApi({
      'sources.contexts': (args: { kubeconfigPath?: string }) =>
        new Promise((resolve) => (answers[args.kubeconfigPath ?? ''] = resolve)),
    });
    const store = storeWith(fake);
    const first = store.getState().findContexts('/old/kubeconfig');
    const second = store.getState().findContexts(' /data/demo/kubeconfig ');
    expect(fake.named('sources.contexts').map((c) => c.args)).toEqual([
      { kubeconfigPath: '/old/kubeconfig' },
      { kubeconfigPath: '/data/demo/kubeconfig' },
    ]);
    const found = {
      files: ['/data/demo/kubeconfig'],
      contexts: [{ name: 'staging', cluster: 'staging', user: 'admin', namespace: null }],
      error: null,
    };
    answers['/data/demo/kubeconfig']!(found);
    await second;
    answers['/old/kubeconfig']!({ files: ['/old/kubeconfig'], contexts: [], error: null });
    await first;
    expect(store.getState().draft.contexts).toEqual({
      loading: false,
      path: '/data/demo/kubeconfig',
      found,
      error: null,
    });

    // Blank asks for the default (KUBECONFIG, else ~/.kube/config): no path is sent.
    const fallback = store.getState().findContexts('  ');
    expect(fake.named('sources.contexts').at(-1)?.args).toEqual({});
    answers['']!({ files: [], contexts: [], error: 'kubeconfig /root/.kube/config does not exist' });
    await fallback;
    expect(store.getState().draft.contexts).toMatchObject({
      path: '',
      found: { error: expect.stringMatching(/does not exist/) },
    });
  });
});
