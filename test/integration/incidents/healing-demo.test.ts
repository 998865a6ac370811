import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../../src/shared/contract/fleet.schema';
import type {
  HealingActionRecord,
  Incident,
  IncidentSummary,
} from '../../../src/shared/contract/incident.schema';
import type { Run } from '../../../src/shared/contract/runbook.schema';
import { demoKubectl, ensureBuilt, startConsole, type RunningConsole } from '../../e2e/support/console-host';
import { until } from '../../support/until';

const ENDPOINT = 'prod-us-east:llm:llama-8b-chat';
const MODEL = 'llama-3.1-8b-instruct';
const POLICY = 'scale-out-on-latency';

const policy = `apiVersion: fleetdeck.io/v1
kind: HealingPolicy
id: ${POLICY}
title: Scale out chat models when p95 stays high
mode: run
when: latency_p95 > 12s for 20s
match:
  clusters: [prod-us-east]
  models: [${MODEL}]
action:
  runbook: scale-out
  vars: { replicas: "8" }
limits:
  per_endpoint_per_hour: 1
  fleet_per_hour: 3
`;

/**
 * Issue 7's first test, end to end through the built console on the demo fleet: a traffic
 * surge on one endpoint opens one incident, the policy runs the real scale-out runbook (real
 * kubectl in a real PTY against the simulated cluster) within its limits, the incident's
 * timeline carries the policy's entries with their trigger values and the run, and the
 * incident moves to mitigated once the endpoint recovers; a second surge within the hour is
 * only proposed, the per-endpoint limit named.
 */
describe('self-healing on the demo fleet', () => {
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
  const actions = () => c.call<HealingActionRecord[]>('healing.actions', { policyId: POLICY });
  const incidentsOf = () => c.call<IncidentSummary[]>('incidents.list', { endpointId: ENDPOINT });

  it('runs scale-out within its limits, the incident is mitigated, and a second fault is only proposed', async () => {
    await until(
      'the demo endpoint with latency figures',
      async () => (await endpoint()).metrics.latency_p95,
      60_000,
    );
    // Critical at 12 s held 10 s: the incident opens soon after the surge, not after the default minute.
    await c.call('slos.set', {
      model: MODEL,
      slo: { latencyP95WarnS: 8, latencyP95CritS: 12, forSeconds: 10 },
    });
    const saved = await c.call<{ id: string; mode: string }>('healing.save', { text: policy });
    expect(saved).toMatchObject({ id: POLICY, mode: 'run' });
    expect(await incidentsOf()).toEqual([]);

    // The fault: one replica and three times the traffic push p95 far past the SLO.
    kubectl('-n', 'llm', 'scale', 'deployment/llama-8b-chat', '--replicas=1');
    await c.call('demo.fault', { kind: 'traffic_surge', target: ENDPOINT, durationS: 3600 });

    const ran = await until(
      'the policy to start scale-out',
      async () => (await actions()).find((a) => a.outcome === 'ran' && a.runId),
      240_000,
      1000,
    );
    expect(ran.trigger).toMatch(/^latency_p95 \d+(\.\d+)? s > 12 s for \d+ s$/);
    expect(ran.why).toMatch(
      /^every guard rail passed: cluster prod-us-east, no change freeze, 0\/1 this hour/,
    );

    // Done once the automatic steps pass and the run stops at its manual step for a person.
    const done = await until(
      'the scale-out action to finish',
      async () => {
        const a = (await actions()).find((x) => x.id === ran.id)!;
        if (a.result === 'failed') throw new Error(`the action failed: ${a.message}`);
        return a.result === 'succeeded' ? a : null;
      },
      420_000,
      2000,
    );
    expect(done.message).toMatch(
      /stopped at the manual step "Decide whether the extra capacity stays", handed to a person$/,
    );
    const run = await c.call<Run>('runs.get', { id: ran.runId });
    expect(run).toMatchObject({
      runbookId: 'scale-out',
      endpointId: ENDPOINT,
      actor: `policy:${POLICY}`,
      state: 'waiting',
    });
    expect(run.params.replicas).toBe('8');
    expect(run.steps.slice(0, 4).map((s) => s.state)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    expect(
      kubectl('-n', 'llm', 'get', 'deployment', 'llama-8b-chat', '-o', 'jsonpath={.spec.replicas}'),
    ).toBe('8');

    // Exactly one incident for the endpoint, and the policy's entries are in its timeline.
    const [only, ...others] = await incidentsOf();
    expect(others).toEqual([]);
    expect(only!.endpointCount).toBeGreaterThanOrEqual(1);
    expect(done.incidentId).toBe(only!.id);
    const mitigated = await until(
      'the incident to be mitigated',
      async () => {
        const inc = await c.call<Incident>('incidents.get', { id: only!.id, limit: 5000 });
        return inc.state === 'mitigated' ? inc : null;
      },
      180_000,
      2000,
    );
    expect(mitigated.origin).toBe('auto');
    expect(mitigated.endpoints.map((e) => e.id)).toContain(ENDPOINT);
    const healing = mitigated.timeline.filter((e) => e.kind === 'healing');
    expect(healing.map((e) => [e.actor, e.ref?.policyId, e.ref?.runId])).toEqual([
      [`policy:${POLICY}`, POLICY, ran.runId],
      [`policy:${POLICY}`, POLICY, ran.runId],
    ]);
    expect(healing[0]!.detail).toMatchObject({ outcome: 'ran', trigger: ran.trigger, run: ran.runId });
    expect(healing[0]!.summary).toContain(
      `run scale-out (replicas=8) (run ${ran.runId}), because ${ran.trigger}`,
    );
    expect(healing[1]!.detail).toMatchObject({ result: 'succeeded', trigger: ran.trigger });

    // A second fault within the hour, the surge still on: a latency spike, and the capacity
    // taken away again (as a deploy of the old manifest would).
    await c.call('demo.fault', { kind: 'latency_spike', target: ENDPOINT, durationS: 3600 });
    kubectl('-n', 'llm', 'scale', 'deployment/llama-8b-chat', '--replicas=1');
    const proposed = await until(
      'the second trigger to be proposed, not run',
      async () => (await actions()).find((a) => a.outcome === 'proposed'),
      240_000,
      1000,
    );
    expect(proposed.why).toMatch(
      /^limit: 1 action per hour on llama-8b-chat already taken \(last at \d\d:\d\d UTC\)/,
    );
    expect(proposed.runId).toBeNull();
    // Proposed in the same incident's timeline (it was only mitigated, not resolved), with why.
    expect(proposed.incidentId).toBe(only!.id);
    const after = await c.call<Incident>('incidents.get', { id: only!.id, limit: 5000 });
    const proposal = after.timeline.find((e) => e.kind === 'healing' && e.detail.outcome === 'proposed');
    expect(proposal).toMatchObject({
      actor: `policy:${POLICY}`,
      detail: { why: proposed.why, trigger: proposed.trigger },
      ref: { policyId: POLICY },
    });
    expect(proposal!.summary).toMatch(
      /proposes to run scale-out \(replicas=8\) on llama-8b-chat, because latency_p95 .*; not run: limit: /,
    );
    const all = await actions();
    expect(all.filter((a) => a.outcome === 'ran')).toHaveLength(1);
    const runs = await c.call<Array<{ id: string }>>('runs.list', { endpointId: ENDPOINT });
    expect(runs.map((r) => r.id)).toEqual([ran.runId]);
  }, 900_000);
});
