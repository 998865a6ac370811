import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../../src/shared/contract/fleet.schema';
import type { Run, RunbookSummary } from '../../../src/shared/contract/runbook.schema';
import { demoKubectl, ensureBuilt, startConsole, type RunningConsole } from '../../e2e/support/console-host';
import { until } from '../../support/until';
import { writeFixtureRunbooks } from './run-fixtures';

const ENDPOINT = 'prod-us-east:llm:llama-8b-chat';
const SLO_P95_S = 12;

/**
 * Issue 5: the built-in `scale-out` runbook against the demo fleet, end to end through the built
 * console: its kubectl steps run in the run's terminal with the real kubectl and the demo
 * kubeconfig (KUBECONFIG there), the simulated Deployment gets the new replicas, the metric
 * check passes once the simulated latency falls, and the run record holds every step.
 */
describe('the scale-out runbook on the demo fleet', () => {
  let c: RunningConsole;
  const kubectl = (...args: string[]) => demoKubectl(c, 'prod-us-east', ...args);
  beforeAll(async () => {
    ensureBuilt();
    c = await startConsole({ demo: true });
  }, 60_000);
  afterAll(async () => {
    await c?.dispose();
  });

  const endpoint = async () =>
    (await c.call<{ endpoint: Endpoint }>('fleet.endpoint', { id: ENDPOINT })).endpoint;

  it('scales the Deployment, waits for latency to fall under the SLO, and records every step', async () => {
    await until(
      'the demo endpoint with latency figures',
      async () => (await endpoint()).metrics.latency_p95,
      60_000,
    );

    // Overload it first: one replica and three times the traffic push p95 far past the SLO.
    kubectl('-n', 'llm', 'scale', 'deployment/llama-8b-chat', '--replicas=1');
    await c.call('demo.fault', { kind: 'traffic_surge', target: ENDPOINT, durationS: 1800 });
    await until(
      `p95 of ${ENDPOINT} above ${SLO_P95_S}s`,
      async () => ((await endpoint()).metrics.latency_p95?.value ?? 0) > SLO_P95_S,
      90_000,
    );

    // Once the fleet calls it unhealthy, runbooks answering its reason are listed first, with why.
    await until(
      `${ENDPOINT} unhealthy for its p95`,
      async () => /p95/.test((await endpoint()).health.reason),
      150_000,
      1000,
    );
    const suggested = await c.call<{ runbooks: RunbookSummary[] }>('runbooks.list', { endpointId: ENDPOINT });
    const relevant = suggested.runbooks.filter((r) => r.relevance !== null);
    expect(suggested.runbooks.slice(0, relevant.length)).toEqual(relevant);
    expect(relevant.find((r) => r.id === 'scale-out')?.relevance).toMatch(/p95/);
    const plain = await c.call<{ runbooks: RunbookSummary[] }>('runbooks.list', {});
    expect(plain.runbooks.every((r) => r.relevance === null)).toBe(true);

    const started = await c.call<Run>('runs.start', {
      runbookId: 'scale-out',
      endpointId: ENDPOINT,
      vars: { replicas: '8' },
    });
    expect(started.params).toMatchObject({
      context: 'prod-us-east',
      namespace: 'llm',
      deployment: 'llama-8b-chat',
      endpoint: ENDPOINT,
      replicas: '8',
    });

    // The last step is the engineer's decision: the run waits for it to be ticked.
    const waiting = await until(
      'the run to reach its manual follow-up step',
      async () => {
        const run = await c.call<Run>('runs.get', { id: started.id });
        if (!['running', 'waiting'].includes(run.state)) throw new Error(`run ended: ${JSON.stringify(run)}`);
        return run.steps[4]!.state === 'waiting_manual' ? run : null;
      },
      300_000,
      1000,
    );
    expect(
      kubectl('-n', 'llm', 'get', 'deployment', 'llama-8b-chat', '-o', 'jsonpath={.spec.replicas}'),
    ).toBe('8');

    const [inspect, scale, ready, latency] = waiting.steps;
    for (const step of [inspect!, scale!, ready!, latency!]) {
      expect(step.state).toBe('succeeded');
      expect(step.exitCode).toBe(0);
      expect(step.check?.ok).toBe(true);
      expect(step.startedAt).not.toBeNull();
      expect(step.endedAt).not.toBeNull();
      expect(step.transcript?.sessionId).toBe(started.terminalId);
    }
    expect(inspect!.command).toBe(
      'kubectl --context prod-us-east -n llm get deployment llama-8b-chat -o wide',
    );
    expect(inspect!.output).toMatch(/llama-8b-chat/);
    expect(scale!.command).toBe(
      'kubectl --context prod-us-east -n llm scale deployment/llama-8b-chat --replicas=8',
    );
    expect(scale!.output).toContain('deployment.apps/llama-8b-chat scaled');
    expect(ready!.output).toMatch(/successfully rolled out/);
    expect(latency!.command).toBe(`fleetdeck metrics ${ENDPOINT} latency_p95 --since 15m`);
    expect(latency!.check!.detail).toMatch(/^latency_p95 < 12s for 1m: latency_p95 was /);
    // The check held on figures taken after the scale-out, and they are under the SLO now.
    expect((await endpoint()).metrics.latency_p95!.value).toBeLessThan(SLO_P95_S);

    await c.call('runs.annotate', { id: started.id, text: 'traffic surge; keeping 8 replicas' });
    await c.call('runs.control', { id: started.id, action: 'done' });
    const done = await c.call<Run>('runs.get', { id: started.id });
    expect(done.state).toBe('succeeded');
    expect(done.steps[4]).toMatchObject({ state: 'succeeded', confirmedBy: expect.any(String) });
    expect(done.notes.map((n) => n.text)).toEqual(['traffic surge; keeping 8 replicas']);
    const history = await c.call<Array<{ id: string }>>('runs.list', { endpointId: ENDPOINT });
    expect(history.map((r) => r.id)).toEqual([started.id]);
  }, 480_000);

  it('fails a metric check that does not hold in time, with the last value seen', async () => {
    await c.call('settings.set', {
      runbooksFolder: writeFixtureRunbooks(c.dataDir, ['metric-timeout.yaml']),
    });
    const started = await c.call<Run>('runs.start', { runbookId: 'metric-timeout', endpointId: ENDPOINT });
    const done = await until(
      'the metric check to give up',
      async () => {
        const run = await c.call<Run>('runs.get', { id: started.id });
        return run.state === 'failed' ? run : null;
      },
      60_000,
    );
    expect(done.steps[0]).toMatchObject({ state: 'failed', exitCode: 0, check: { ok: false } });
    expect(done.steps[0]!.check!.detail).toMatch(
      /^latency_p95 < 1ms did not hold within 12s: the last value was \d/,
    );
    expect(done.message).toContain('step 1');
  }, 90_000);
});
