import { describe, expect, it } from 'vitest';
import { formatCondition } from '../../../../src/core/rollouts/rollout-condition';
import { generateRolloutPlan } from '../../../../src/core/rollouts/rollout.generate';
import { checkPlanAgainstFleet, parseRolloutPlan } from '../../../../src/core/rollouts/rollout.parse';
import type { Endpoint } from '../../../../src/shared/contract/fleet.schema';
import { sloForModel } from '../../../../src/shared/fleet/slo';
import { FleetError } from '../../../../src/shared/errors/fleet-error';

function endpoint(name: string, version: string, over: Partial<Endpoint> = {}): Endpoint {
  return {
    id: `prod-us-east:support:${name}`,
    name,
    model: 'support-bot',
    version,
    source: 'kubernetes',
    sourceKind: 'kubernetes',
    cluster: 'prod-us-east',
    region: 'us-east-1',
    namespace: 'support',
    runtime: 'vllm',
    target: { kind: 'Deployment', name },
    group: 'support-bot',
    trafficPercent: 100,
    replicas: { desired: 2, ready: 2 },
    gpus: 2,
    gpuType: null,
    nodes: [],
    hourlyPriceUsd: 11.34,
    spendTodayUsd: 0,
    url: null,
    health: { status: 'ok', reason: 'within SLO', since: 0 },
    metrics: { ttft_p95: { value: 0.07, at: 1 } },
    missingMetrics: [],
    freshness: { state: 'live', at: 0 },
    ...over,
  };
}

const stable = endpoint('support-bot-2024-11', '2024-11');
const candidate = endpoint('support-bot-2024-12', '2024-12');
const slo = sloForModel(stable.model, {});
const fleet = {
  endpoint: (id: string) => [stable, candidate].find((e) => e.id === id),
  all: () => [stable, candidate],
};

describe('generateRolloutPlan', () => {
  for (const strategy of ['canary', 'blueGreen', 'ab'] as const) {
    it(`${strategy}: the text parses back to the same plan and passes the fleet check`, () => {
      const { text, plan } = generateRolloutPlan(stable, '2024-12', strategy, slo);
      const again = parseRolloutPlan(text);
      expect(again.problems).toEqual([]);
      expect(again.plan).toEqual(plan);
      expect(plan).toMatchObject({
        endpointId: stable.id,
        stableVersion: '2024-11',
        candidateVersion: '2024-12',
        strategy: { kind: strategy },
      });
      expect(checkPlanAgainstFleet(plan, fleet)).toEqual([]);
      expect(text).toMatch(/^# /);
      expect(text.split('\n').filter((l) => l.trim().startsWith('#')).length).toBeGreaterThan(5);
    });
  }

  it('canary: 10 -> analysis -> 25 -> analysis -> 50 -> analysis, gates relative to stable, SLO ceilings and cost', () => {
    const { plan } = generateRolloutPlan(stable, '2024-12', 'canary', {
      latencyP95WarnS: 4,
      errorRateWarn: 0.01,
    });
    if (plan.strategy.kind !== 'canary') throw new Error('expected canary');
    const steps = plan.strategy.steps;
    expect(steps.map((s) => (s.kind === 'setWeight' ? s.weight : s.kind))).toEqual([
      10,
      'analysis',
      25,
      'analysis',
      50,
      'analysis',
    ]);
    const step = steps[1]!;
    const a = step.kind === 'analysis' ? step.analysis : null;
    const shown = a!.conditions.map(formatCondition);
    expect(shown).toEqual([
      'error_rate <= stable * 1.5 + 0.5%',
      'error_rate < 1%',
      'latency_p95 <= stable * 1.2 + 250ms',
      'latency_p95 < 4s',
      'ttft_p95 <= stable + 100ms',
      'cost_per_1k_requests <= stable * 1.2',
    ]);
    expect(a!.conditions[3]!.value).toBe(4);
    expect(a!.conditions[1]!.value).toBeCloseTo(0.01, 12);
    expect(a).toMatchObject({
      intervalSeconds: 30,
      count: 5,
      failureLimit: 2,
      inconclusiveLimit: 2,
      minRequestRate: 0.1,
    });
  });

  it('uses the SLO of the model it is given', () => {
    const embed = endpoint('bge-embed', 'v1', { model: 'bge-large-en-v1.5' });
    const { plan } = generateRolloutPlan(embed, 'v2', 'canary', sloForModel(embed.model, {}));
    const step = plan.strategy.kind === 'canary' ? plan.strategy.steps[1]! : null;
    const a = step?.kind === 'analysis' ? step.analysis : null;
    expect(a!.conditions.find((c) => c.metric === 'latency_p95' && c.value !== null)!.value).toBe(0.5);
  });

  it('leaves out ttft when the endpoint does not report it', () => {
    const noTtft = endpoint('support-bot-2024-11', '2024-11', { metrics: {} });
    const { text } = generateRolloutPlan(noTtft, '2024-12', 'canary', slo);
    expect(text).not.toContain('ttft_p95');
  });

  it('blue-green: absolute gates only after the switch', () => {
    const { plan } = generateRolloutPlan(stable, '2024-12', 'blueGreen', slo);
    if (plan.strategy.kind !== 'blueGreen') throw new Error('expected blueGreen');
    expect(plan.strategy.previewWeight).toBeGreaterThan(0);
    expect(plan.strategy.prePromotionAnalysis!.conditions.some((c) => c.relative !== null)).toBe(true);
    expect(plan.strategy.postPromotionAnalysis!.conditions.every((c) => c.relative === null)).toBe(true);
    expect(plan.strategy.scaleDownDelaySeconds).toBe(600);
  });

  it('A/B: a fixed split for an hour compared on the four issue metrics', () => {
    const { plan } = generateRolloutPlan(stable, '2024-12', 'ab', slo);
    expect(plan.strategy).toMatchObject({
      kind: 'ab',
      weight: 50,
      durationSeconds: 3600,
      metrics: ['latency_p95', 'error_rate', 'tokens_per_request', 'cost_per_1k_requests'],
    });
  });

  it('quotes versions that YAML would read as numbers and slugs the name', () => {
    const v = endpoint('Qwen Coder', '1.9', { model: 'Qwen2.5 Coder' });
    const { text, plan } = generateRolloutPlan(v, '1.10', 'canary', slo);
    expect(plan.candidateVersion).toBe('1.10');
    expect(plan.stableVersion).toBe('1.9');
    expect(plan.name).toBe('qwen2-5-coder-1-10');
    expect(text).toContain('version: "1.10"');
  });

  it('sets the pace of every analysis when asked (a staging try-out)', () => {
    const { plan } = generateRolloutPlan(stable, '2024-12', 'blueGreen', slo, {
      intervalSeconds: 5,
      count: 3,
    });
    if (plan.strategy.kind !== 'blueGreen') throw new Error('expected blueGreen');
    expect(plan.strategy.prePromotionAnalysis).toMatchObject({
      intervalSeconds: 5,
      count: 3,
      failureLimit: 2,
    });
    expect(plan.strategy.postPromotionAnalysis).toMatchObject({ intervalSeconds: 5, count: 3 });
    const ab = generateRolloutPlan(stable, '2024-12', 'ab', slo, { intervalSeconds: 30 }).plan;
    expect(ab.strategy.kind === 'ab' && ab.strategy.abortWhen).toMatchObject({
      intervalSeconds: 30,
      count: 120,
    });
    expect(() => generateRolloutPlan(stable, '2024-12', 'canary', slo, { count: 0 })).toThrow(
      /count must be/,
    );
  });

  it('refuses the version already serving', () => {
    expect(() => generateRolloutPlan(stable, '2024-11', 'canary', slo)).toThrow(FleetError);
    expect(() => generateRolloutPlan(stable, ' ', 'canary', slo)).toThrow(/No candidate version/);
  });
});
