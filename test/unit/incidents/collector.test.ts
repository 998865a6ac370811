import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/log/logger';
import type { Sample } from '../../../src/core/metrics/metrics.store';
import { createRolloutPlane, type RolloutPlane } from '../../../src/core/rollouts/rollout-plane';
import type { TimelineEntry } from '../../../src/shared/contract/incident.schema';
import type { MetricName } from '../../../src/shared/fleet/metrics';
import { until } from '../../support/until';
import { CANDIDATE, MemoryTarget, STABLE, canaryPlan } from '../core/rollouts/engine-harness';
import { harnessPerTest, type Extras, type Harness } from './detector-harness';

const P95_REASON = 'p95 31 s > 24 s for 2 min';
const EP = 'prod-us-east:llm:llama-70b-chat';

describe('the incident timeline collector', () => {
  /** start opens the harness for a test; replaceHarness makes a restart the one closed after it. */
  const { start, replace: replaceHarness } = harnessPerTest('fleetdeck-collector-');
  const entries = (h: Harness, kind: TimelineEntry['kind']) =>
    h.timeline(h.incidents()[0]!.id).filter((e) => e.kind === kind);

  it('gathers Warning events, pod restarts and GPU faults of affected endpoints, each once', async () => {
    const h = start([
      [EP, {}],
      ['prod-us-east:llm:other', {}],
    ]);
    const now = h.clock.t;
    h.details.set(EP, {
      pods: [
        { name: 'llama-70b-chat-0', node: 'gpu-1', phase: 'Running', ready: true, restarts: 0 },
        { name: 'llama-70b-chat-1', node: 'gpu-2', phase: 'Running', ready: false, restarts: 3 },
      ],
      nodes: [
        {
          id: 'prod-us-east:gpu-2',
          name: 'gpu-2',
          cluster: 'prod-us-east',
          zone: null,
          instanceType: null,
          gpuProduct: 'NVIDIA-H100',
          gpuCapacity: 8,
          gpuAllocated: 8,
          ready: true,
          problems: ['GpuXidError: Xid 79 (GPU has fallen off the bus)'],
          hourlyPriceUsd: null,
        },
      ],
      events: [
        {
          type: 'Warning',
          reason: 'BackOff',
          message: 'Back-off restarting failed container',
          at: now - 1000,
          count: 4,
        },
        { type: 'Normal', reason: 'Pulled', message: 'Container image pulled', at: now - 500, count: 1 },
        // Long before the incident: not part of its story.
        { type: 'Warning', reason: 'FailedMount', message: 'old', at: now - 3 * 3600_000, count: 1 },
      ],
    });
    h.details.set('prod-us-east:llm:other', {
      pods: [{ name: 'other-0', node: null, phase: 'Running', ready: true, restarts: 9 }],
      nodes: [],
      events: [{ type: 'Warning', reason: 'Unhealthy', message: 'not mine', at: now, count: 1 }],
    });
    h.tick([{ id: EP, status: 'critical', reason: P95_REASON }]);
    await until('the first poll to land', () => entries(h, 'pod_restart').length === 1);
    await until('the GPU fault', () => entries(h, 'gpu_fault').length === 1);
    expect(entries(h, 'k8s_event').map((e) => e.summary)).toEqual([
      'BackOff on llama-70b-chat: Back-off restarting failed container (×4)',
    ]);
    expect(entries(h, 'pod_restart')[0]).toMatchObject({
      endpointId: EP,
      summary: 'Pod llama-70b-chat-1 of llama-70b-chat has restarted 3 times and is not ready',
      detail: { pod: 'llama-70b-chat-1', restarts: 3, ready: false },
    });
    expect(entries(h, 'gpu_fault')[0]!.summary).toBe(
      'Node gpu-2 (serving llama-70b-chat): GpuXidError: Xid 79 (GPU has fallen off the bus)',
    );
    // What was found feeds the suggestions: a GPU fault and a crash loop.
    expect(h.incidents()[0]!.signals).toEqual(['crash_loop', 'gpu_fault', 'latency_p95']);

    // Another poll with the same facts and one new event adds just that event.
    const count = h.incidents()[0]!.entryCount;
    h.details
      .get(EP)!
      .events.push({ type: 'Warning', reason: 'Unhealthy', message: 'probe failed', at: now + 1, count: 1 });
    h.advance(5000);
    await until('the new event', () => entries(h, 'k8s_event').length === 2);
    expect(h.incidents()[0]!.entryCount).toBe(count + 1);
    h.details.get(EP)!.pods[1]!.restarts = 5;
    h.advance(60_000);
    await until('the next restart', () => entries(h, 'pod_restart').length === 2);
    expect(entries(h, 'pod_restart')[1]!.summary).toBe(
      'Pod llama-70b-chat-1 of llama-70b-chat restarted 2 more times (5 in all, not ready)',
    );
    // After a restart the same facts are known to be written already.
    const written = h.incidents()[0]!.entryCount;
    const again = h.restart();
    replaceHarness(again);
    again.details
      .get(EP)!
      .events.push({ type: 'Warning', reason: 'Killing', message: 'stopping', at: now + 2, count: 1 });
    again.advance(5000);
    await until('the event after the restart', () => entries(again, 'k8s_event').length === 3);
    expect(again.incidents()[0]!.entryCount).toBe(written + 1);
    // The unaffected endpoint was never read into the incident.
    const incidentId = again.incidents()[0]!.id;
    expect(again.timeline(incidentId).some((e) => e.endpointId === 'prod-us-east:llm:other')).toBe(false);
  });

  it('records what people do to affected endpoints, and skips reads and the console itself', async () => {
    const h = start([
      [EP, { model: 'llama-3.1-70b-instruct' }],
      ['prod-us-east:llm:calm', {}],
    ]);
    h.fleet.set(EP, { ...h.fleet.get(EP)!, nodes: ['gpu-7'] });
    h.tick([{ id: EP, status: 'critical', reason: P95_REASON }]);
    const incident = h.incidents()[0]!;
    const onCalled = (name: string, args: unknown, actor: string, result: unknown = {}) =>
      h.plane.onCalled(name as never, args, { actor, host: 'console' }, result);
    onCalled('demo.fault', { kind: 'error_burst', target: EP, durationS: 300 }, 'alice');
    onCalled('terminal.open', { endpointId: EP, cols: 80, rows: 24 }, 'bob', {
      id: 'term-1',
      endpointId: EP,
    });
    onCalled('slos.set', { model: 'llama-3.1-70b-instruct', slo: { forSeconds: 10 } }, 'carol');
    onCalled('runs.start', { runbookId: 'scale-out', endpointId: 'prod-us-east:llm:calm' }, 'dave');
    onCalled('fleet.endpoint', { id: EP }, 'erin');
    onCalled('rollouts.list', { endpointId: EP }, 'erin');
    onCalled('demo.fault', { kind: 'latency_spike', target: EP, durationS: 60 }, 'fleetdeck');
    onCalled('incidents.annotate', { endpointId: EP, text: 'x' }, 'erin');
    // A GPU fault names a node: the endpoints on it are the ones touched.
    onCalled('demo.fault', { kind: 'gpu_xid', target: 'gpu-7', durationS: 60 }, 'frank');
    onCalled('demo.fault', { kind: 'gpu_xid', target: 'gpu-8', durationS: 60 }, 'frank');
    const actions = entries(h, 'action');
    expect(actions.map((e) => [e.actor, e.summary])).toEqual([
      ['alice', 'alice injected a demo fault: error_burst for 300 s on llama-70b-chat'],
      ['bob', 'bob opened a terminal on llama-70b-chat'],
      ['carol', 'carol changed the SLO of llama-3.1-70b-instruct: forSeconds 10'],
      ['frank', 'frank injected a demo fault: gpu_xid for 60 s on llama-70b-chat'],
    ]);
    expect(actions[1]!.ref).toEqual({ sessionId: 'term-1' });
    expect(actions.every((e) => e.at === h.clock.t)).toBe(true);
    expect(h.incidents()[0]!.entryCount).toBe(incident.entryCount + 4);
  });

  it('follows a real rollout on an affected endpoint: its start, decisions and abort', async () => {
    let rollouts: RolloutPlane | null = null;
    const target = new MemoryTarget();
    const extras: Extras = ({ db, bus, metrics }) => {
      // The candidate fails once it gets traffic: the engine aborts it by itself.
      const feed = (t: number) => {
        const samples: Sample[] = [];
        const put = (id: string, v: Partial<Record<MetricName, number>>) => {
          for (const [metric, value] of Object.entries(v))
            samples.push({ endpointId: id, metric: metric as MetricName, ts: t, value: value! });
        };
        put(STABLE, { request_rate: 10, error_rate: 0.008, latency_p95: 0.9 });
        put(CANDIDATE, { request_rate: target.percent / 4, error_rate: 0.042, latency_p95: 0.95 });
        metrics.write(samples);
      };
      rollouts = createRolloutPlane({
        db,
        log: silentLogger,
        bus,
        fleet: { endpoint: (id) => h!.fleet.get(id), all: () => [...h!.fleet.values()] },
        metrics,
        traffic: { resolve: async () => target },
        now: () => h!.clock.t,
        sleep: async (ms, signal) => {
          if (signal.aborted) return;
          h!.clock.t += ms;
          feed(h!.clock.t);
          await new Promise((r) => setImmediate(r));
        },
      });
      rollouts.start();
      return { handlers: rollouts.handlers, close: () => rollouts!.close() };
    };
    const h = start(
      [
        [STABLE, { model: 'chat-llm', region: 'local', version: 'v1' }],
        [CANDIDATE, { model: 'chat-llm', region: 'local', version: 'v2' }],
      ],
      extras,
    );
    for (const id of [STABLE, CANDIDATE]) h.fleet.set(id, { ...h.fleet.get(id)!, group: 'chat' });
    h.tick([{ id: STABLE, status: 'critical', reason: 'error rate 9 % > 5 % for 1 min' }]);
    const steps = `        - setWeight: 20
        - analysis: gate
        - setWeight: 50
`;
    const started = (await h.call('rollouts.start', { text: canaryPlan(steps) }, 'alice')) as { id: string };
    await until('the abort in the timeline', () =>
      entries(h, 'rollout').some((e) => e.detail.state === 'aborted'),
    );
    const rollout = entries(h, 'rollout');
    expect(rollout.every((e) => e.ref?.rolloutId === started.id)).toBe(true);
    expect(rollout[0]).toMatchObject({ actor: 'alice', detail: { state: 'progressing' } });
    expect(rollout.map((e) => e.detail.decision).filter(Boolean)).toEqual(
      expect.arrayContaining(['weight', 'measurement', 'abort']),
    );
    expect(rollout.find((e) => e.detail.decision === 'measurement')!.summary).toMatch(
      /candidate error_rate 4\.2 % > stable 0\.8 % x 1\.1/,
    );
    // No entry twice, however many rollouts.changed came.
    const keys = h
      .timeline(h.incidents()[0]!.id)
      .map((e) => e.detail.key)
      .filter(Boolean);
    expect(new Set(keys).size).toBe(keys.length);
    expect(entries(h, 'action').map((e) => e.summary)).toEqual([
      'alice started rollout chat-v2 (canary, v1 → v2) on chat-v1',
    ]);
  });
});
