import { describe, expect, it } from 'vitest';
import type { DemoFaultInfo, Endpoint, Source } from '../../../src/shared/contract/index';
import { FleetError, type FleetErrorBody } from '../../../src/shared/errors/fleet-error';
import {
  endpointTargets,
  faultsOutcome,
  isDemoAbsent,
  nodeTargets,
} from '../../../src/renderer/stores/demo.slice';
import { fail, fakeApi, settle, source, storeWith } from './sources-fake-api';

const fault: DemoFaultInfo = {
  kind: 'error_burst',
  target: 'prod-us-east:llm:llama-8b-chat',
  startedAt: 1,
  endsAt: 301_000,
};
const notRunning: FleetErrorBody = {
  code: 'unavailable',
  message: 'The demo fleet is not running',
  hint: 'It starts by default when no sources are configured; remove --no-demo to use it.',
};
const unreachable: FleetErrorBody = {
  code: 'unavailable',
  message: 'Cannot reach the Fleetdeck console at http://127.0.0.1:1',
  where: 'demo.faults',
};

describe('demo slice', () => {
  it("tells the core's 'demo not running' from a console it cannot reach", () => {
    expect(isDemoAbsent(notRunning)).toBe(true);
    expect(isDemoAbsent(unreachable)).toBe(false);
    expect(faultsOutcome({ faults: [fault] })).toEqual({
      demoRunning: true,
      demoAbsentReason: null,
      faults: [fault],
      faultsError: null,
    });
    expect(faultsOutcome({ error: notRunning })).toEqual({
      demoRunning: false,
      demoAbsentReason: notRunning,
      faults: [],
      faultsError: null,
    });
    // Unreachable says nothing about the demo: whatever was known stands.
    expect(faultsOutcome({ error: unreachable })).toEqual({ faultsError: unreachable });
  });

  it('asks demo.faults only once a built-in source exists, again as one changes state, one question at a time', async () => {
    let builtIns: Source[] = [];
    let answer: (() => void) | null = null;
    const fake = fakeApi({
      'sources.list': () => builtIns,
      'demo.faults': () =>
        new Promise((resolve) => {
          answer = () => resolve([fault]);
        }),
    });
    const store = storeWith(fake);
    const stop = store.getState().watchDemo();
    expect(store.getState().demoRunning).toBeNull();
    await settle();
    // No built-in source: no demo, and no refused call (a 503 the browser would log).
    expect(store.getState().demoRunning).toBe(false);
    expect(fake.named('demo.faults')).toHaveLength(0);

    // A user's source changing state says nothing about the demo.
    fake.emit('sources.status', source('mine'));
    expect(fake.named('demo.faults')).toHaveLength(0);

    // The demo starts and adds its sources: a burst of status events, asked about once more per round.
    builtIns = [source('demo', { builtIn: true })];
    fake.emit('sources.status', source('demo', { builtIn: true }));
    fake.emit('sources.status', source('demo-metrics', { builtIn: true }));
    fake.emit('sources.status', source('demo', { builtIn: true }));
    expect(fake.named('demo.faults')).toHaveLength(1);
    answer!();
    await settle();
    expect(fake.named('demo.faults')).toHaveLength(2);
    answer!();
    await settle();
    expect(store.getState()).toMatchObject({ demoRunning: true, faults: [fault], demoAbsentReason: null });

    // Events sent before the live connection was up are lost: its coming up is a reason to ask.
    expect(fake.named('sources.list')).toHaveLength(1);
    fake.connect('connected');
    await settle();
    expect(fake.named('sources.list')).toHaveLength(2);
    expect(fake.named('demo.faults')).toHaveLength(3);
    answer!();

    stop();
    expect(fake.listeners('sources.status')).toBe(0);
  });

  it("takes the core's word when demo.faults says the demo is not running", async () => {
    const fake = fakeApi({
      'sources.list': () => [source('demo', { builtIn: true })],
      'demo.faults': fail(notRunning),
    });
    const store = storeWith(fake);
    const stop = store.getState().watchDemo();
    await settle();
    expect(store.getState()).toMatchObject({ demoRunning: false, demoAbsentReason: notRunning, faults: [] });
    stop();
  });

  it("injects a fault and refreshes the list, or keeps the core's refusal verbatim", async () => {
    const refusal: FleetErrorBody = {
      code: 'not_found',
      message: 'No demo endpoint "nope" for error_burst.',
      where: 'demo.fault',
      hint: 'Endpoint ids look like <cluster>:<namespace>:<name>.',
    };
    const fake = fakeApi({
      'demo.fault': (args: { target: string }) => {
        if (args.target === 'nope') throw new FleetError(refusal);
        return fault;
      },
      'demo.faults': () => [fault],
    });
    const store = storeWith(fake);
    expect(
      await store
        .getState()
        .injectFault({ kind: 'error_burst', target: ' prod-us-east:llm:llama-8b-chat ', durationS: 300 }),
    ).toBe(true);
    expect(fake.named('demo.fault')[0]?.args).toEqual({
      kind: 'error_burst',
      target: 'prod-us-east:llm:llama-8b-chat',
      durationS: 300,
    });
    await settle();
    expect(store.getState()).toMatchObject({ lastInjected: fault, faults: [fault], injectError: null });

    expect(await store.getState().injectFault({ kind: 'error_burst', target: 'nope', durationS: 300 })).toBe(
      false,
    );
    expect(store.getState()).toMatchObject({ injectError: refusal, lastInjected: null, injecting: false });
    store.getState().dismissInjectResult();
    expect(store.getState().injectError).toBeNull();
  });

  const endpoint = (id: string, cluster: string, nodes: string[]): Endpoint =>
    ({
      id,
      name: id.split(':').at(-1)!,
      model: 'llama-3.1-8b-instruct',
      version: 'v1',
      cluster,
      nodes,
      health: { status: 'ok', reason: '', since: null },
    }) as Endpoint;

  it('offers endpoint ids, and GPU nodes by name (cluster/name when two clusters share one)', () => {
    const endpoints = [
      endpoint('prod-us-east:llm:a', 'prod-us-east', ['gpu-0', 'shared-0']),
      endpoint('prod-us-east:llm:b', 'prod-us-east', ['gpu-0']),
      endpoint('staging:llm:c', 'staging', ['shared-0']),
    ];
    expect(endpointTargets(endpoints.slice(0, 1))).toEqual([
      { value: 'prod-us-east:llm:a', detail: 'llama-3.1-8b-instruct v1 · prod-us-east · ok' },
    ]);
    expect(nodeTargets(endpoints, '')).toEqual([
      { value: 'gpu-0', detail: 'prod-us-east · runs a, b' },
      { value: 'prod-us-east/shared-0', detail: 'prod-us-east · runs a' },
      { value: 'staging/shared-0', detail: 'staging · runs c' },
    ]);
    expect(nodeTargets(endpoints, 'STAGING').map((t) => t.value)).toEqual(['staging/shared-0']);
  });

  it("searches the demo's own endpoints on the core, and keeps only the newest answer", async () => {
    const pending: Array<(v: unknown) => void> = [];
    const fake = fakeApi({
      'sources.list': () => [source('demo', { builtIn: true }), source('mine')],
      'fleet.endpoints': () => new Promise((resolve) => pending.push(resolve)),
    });
    const store = storeWith(fake);
    const older = store.getState().searchFaultTargets('latency_spike', 'lla');
    await settle();
    const newer = store.getState().searchFaultTargets('latency_spike', 'llama-8b');
    await settle();
    expect(fake.named('fleet.endpoints').map((c) => c.args)).toEqual([
      { source: ['demo'], text: 'lla', sort: 'name', limit: 50 },
      { source: ['demo'], text: 'llama-8b', sort: 'name', limit: 50 },
    ]);
    pending[1]!({
      total: 1,
      offset: 0,
      items: [endpoint('prod-us-east:llm:llama-8b-chat', 'prod-us-east', [])],
    });
    await newer;
    pending[0]!({ total: 2, offset: 0, items: [] });
    await older;
    expect(store.getState().faultTargets).toMatchObject({
      loading: false,
      query: { text: 'llama-8b', nodes: false },
      total: 1,
      items: [{ value: 'prod-us-east:llm:llama-8b-chat' }],
    });
  });
});
