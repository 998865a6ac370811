import { describe, expect, it } from 'vitest';
import {
  checkPlanAgainstFleet,
  parseRolloutPlan,
  validateRolloutPlan,
} from '../../../../src/core/rollouts/rollout.parse';
import type { Endpoint } from '../../../../src/shared/contract/fleet.schema';
import type { RolloutPlan } from '../../../../src/shared/contract/rollout.schema';

function endpoint(name: string, over: Partial<Endpoint> = {}): Endpoint {
  const cluster = over.cluster ?? 'prod-us-east';
  const namespace = over.namespace === undefined ? 'support' : over.namespace;
  return {
    id: `${cluster}:${namespace}:${name}`,
    name,
    model: 'support-bot',
    version: '2024-11',
    source: 'kubernetes',
    sourceKind: 'kubernetes',
    cluster,
    region: 'us-east-1',
    namespace,
    runtime: 'vllm',
    target: { kind: 'Deployment', name },
    group: 'support-bot',
    trafficPercent: 100,
    replicas: { desired: 2, ready: 2 },
    gpus: 2,
    gpuType: 'NVIDIA-A10G',
    nodes: [],
    hourlyPriceUsd: 11.34,
    spendTodayUsd: 0,
    url: null,
    health: { status: 'ok', reason: 'within SLO', since: 0 },
    metrics: {},
    missingMetrics: [],
    freshness: { state: 'live', at: 0 },
    ...over,
  };
}

const fleetOf = (endpoints: Endpoint[]) => ({
  endpoint: (id: string) => endpoints.find((e) => e.id === id),
  all: () => endpoints,
});

const stable = endpoint('support-bot-2024-11');
const candidate = endpoint('support-bot-2024-12', { version: '2024-12', replicas: { desired: 0, ready: 0 } });

function plan(
  over: {
    endpoint?: string;
    stable?: string;
    candidate?: string;
    replicas?: number;
    conditions?: string;
  } = {},
): RolloutPlan {
  const text = `apiVersion: fleetdeck.io/v1
kind: Rollout
metadata: {name: support-bot-2024-12}
spec:
  endpoint: ${over.endpoint ?? stable.id}
  stable: {version: "${over.stable ?? '2024-11'}"}
  candidate:
    version: "${over.candidate ?? '2024-12'}"
${over.replicas ? `    replicas: ${over.replicas}\n` : ''}  strategy:
    canary:
      steps:
        - setWeight: 10
        - analysis: {conditions: ["${over.conditions ?? 'error_rate <= stable * 1.1'}"]}
`;
  const r = parseRolloutPlan(text);
  if (!r.plan) throw new Error(JSON.stringify(r.problems));
  return r.plan;
}

describe('checkPlanAgainstFleet', () => {
  it('accepts a plan whose stable and candidate sit in one group', () => {
    expect(checkPlanAgainstFleet(plan(), fleetOf([stable, candidate]))).toEqual([]);
  });

  it('an endpoint that is not in the fleet, with a suggestion', () => {
    const p = checkPlanAgainstFleet(
      plan({ endpoint: 'prod-us-east:support:support-bot-2024-1' }),
      fleetOf([stable, candidate]),
    );
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ field: 'spec.endpoint', line: null, column: null });
    expect(p[0]!.message).toContain(`Did you mean '${stable.id}'?`);
  });

  it('a stable version that is not the one serving', () => {
    const p = checkPlanAgainstFleet(
      plan({ stable: '2024-10', candidate: '2024-12' }),
      fleetOf([stable, candidate]),
    );
    expect(p.map((x) => x.field)).toEqual(['spec.stable.version']);
    expect(p[0]!.message).toContain("serves version '2024-11', not '2024-10'");
  });

  it('a candidate version not deployed in the group says what is required', () => {
    const p = checkPlanAgainstFleet(plan({ candidate: '2025-01' }), fleetOf([stable, candidate]));
    expect(p.map((x) => x.field)).toEqual(['spec.candidate.version']);
    expect(p[0]!.message).toContain('The group has: 2024-12');
    expect(p[0]!.message).toContain('behind the same Service');
  });

  it('a candidate in another cluster or group does not count', () => {
    const elsewhere = endpoint('support-bot-2024-12', { version: '2024-12', cluster: 'staging' });
    const otherGroup = endpoint('support-bot-canary', { version: '2024-12', group: 'other' });
    const p = checkPlanAgainstFleet(plan(), fleetOf([stable, elsewhere, otherGroup]));
    expect(p.map((x) => x.field)).toEqual(['spec.candidate.version']);
  });

  it('KServe: the candidate must be a revision of the same InferenceService; no replicas', () => {
    const isvc = { kind: 'InferenceService', name: 'llama-70b-chat' };
    const v1 = endpoint('llama-70b-chat-v1', {
      namespace: 'llm',
      model: 'llama',
      version: 'v1',
      target: isvc,
      group: 'llama-70b-chat',
    });
    const v2 = endpoint('llama-70b-chat-v2', {
      namespace: 'llm',
      model: 'llama',
      version: 'v2',
      target: isvc,
      group: 'llama-70b-chat',
    });
    const base = { endpoint: v1.id, stable: 'v1', candidate: 'v2' };
    expect(checkPlanAgainstFleet(plan(base), fleetOf([v1, v2]))).toEqual([]);
    const missing = checkPlanAgainstFleet(plan(base), fleetOf([v1]));
    expect(missing[0]!.message).toContain("Update the InferenceService 'llama-70b-chat'");
    expect(missing[0]!.message).toContain('canaryTrafficPercent');
    const replicas = checkPlanAgainstFleet(plan({ ...base, replicas: 2 }), fleetOf([v1, v2]));
    expect(replicas.map((x) => x.field)).toEqual(['spec.candidate.replicas']);
  });

  it('a lone Deployment or a hosted model cannot be rolled out', () => {
    const alone = endpoint('support-bot-2024-11', { group: null });
    expect(checkPlanAgainstFleet(plan(), fleetOf([alone]))[0]!.message).toContain(
      'not in a deployment group',
    );
    const hosted = endpoint('support-bot-2024-11', {
      target: { kind: 'hosted', name: 'x' },
      sourceKind: 'openai',
    });
    expect(checkPlanAgainstFleet(plan(), fleetOf([hosted]))[0]!.message).toContain(
      'KServe InferenceServices and Kubernetes Deployments',
    );
  });

  it('two candidates of the same version, or a different target kind or model', () => {
    const twin = endpoint('support-bot-2024-12b', { version: '2024-12' });
    expect(checkPlanAgainstFleet(plan(), fleetOf([stable, candidate, twin]))[0]!.message).toContain(
      'needs exactly one',
    );
    const sts = endpoint('support-bot-2024-12', {
      version: '2024-12',
      target: { kind: 'StatefulSet', name: 'x' },
    });
    expect(checkPlanAgainstFleet(plan(), fleetOf([stable, sts]))[0]!.message).toContain(
      'served the same way',
    );
    const other = endpoint('support-bot-2024-12', { version: '2024-12', model: 'other-bot' });
    expect(checkPlanAgainstFleet(plan(), fleetOf([stable, other]))[0]!.message).toContain(
      'replaces a version of one model',
    );
  });

  it('a condition on a metric the endpoint does not report', () => {
    const noSpend = endpoint('support-bot-2024-11', { missingMetrics: ['spend_per_hour'] });
    const p = checkPlanAgainstFleet(
      plan({ conditions: 'cost_per_1k_requests <= stable * 1.2' }),
      fleetOf([noSpend, candidate]),
    );
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ field: 'spec.strategy.canary.steps[1].analysis.conditions[0]' });
    expect(p[0]!.message).toContain('spend_per_hour');
  });
});

describe('validateRolloutPlan', () => {
  const text = `apiVersion: fleetdeck.io/v1
kind: Rollout
metadata: {name: support-bot-2024-12}
spec:
  endpoint: ${stable.id}
  stable:
    version: "2024-10"
  candidate:
    version: "2024-12"
  analysis:
    gates:
      conditions: ["cost_per_1k_requests <= stable * 1.2"]
  strategy:
    canary:
      steps:
        - setWeight: 10
        - analysis: gates
`;

  it('places fleet problems on the line of their field', () => {
    const noSpend = { ...stable, missingMetrics: ['spend_per_hour'] };
    const r = validateRolloutPlan(text, fleetOf([noSpend, candidate]));
    expect(r.plan).toBeNull();
    expect(r.problems).toEqual([
      expect.objectContaining({ field: 'spec.stable.version', line: 7, column: 14 }),
      // The condition is in a named analysis: the step that names it is where it applies.
      expect.objectContaining({
        field: 'spec.strategy.canary.steps[1].analysis.conditions[0]',
        line: 17,
        column: 21,
      }),
    ]);
  });

  it('returns the plan when both passes are clean, and text problems before the fleet', () => {
    const ok = validateRolloutPlan(text.replace('2024-10', '2024-11'), fleetOf([stable, candidate]));
    expect(ok.problems).toEqual([]);
    expect(ok.plan!.stableVersion).toBe('2024-11');
    const broken = validateRolloutPlan(text.replace('setWeight: 10', 'setWeight: 101'), fleetOf([]));
    expect(broken.problems.map((p) => p.field)).toEqual(['spec.strategy.canary.steps[0].setWeight']);
  });
});
