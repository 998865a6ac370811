import { describe, expect, it } from 'vitest';
import { parseRolloutPlan } from '../../../../src/core/rollouts/rollout.parse';
import type { RolloutProblem } from '../../../../src/shared/contract/rollout.schema';

const canary = `apiVersion: fleetdeck.io/v1
kind: Rollout
metadata:
  name: support-bot-2024-12
  description: Next month's fine-tune.
spec:
  endpoint: prod-us-east:support:support-bot-2024-11
  stable:
    version: "2024-11"
  candidate:
    version: "2024-12"
    replicas: 2
  analysis:
    default:
      conditions:
        - error_rate <= stable * 1.1
        - latency_p95 < 1.2s
        - ttft_p95 <= stable + 100ms
        - cost_per_1k_requests <= stable * 1.2
      interval: 1m
      count: 3
  backgroundAnalysis:
    conditions: [error_rate < 5%]
  strategy:
    canary:
      steps:
        - setWeight: 10
        - analysis: default
        - pause: {duration: 5m}
        - setWeight: 50
        - analysis:
            conditions: ["latency_p95 <= stable * 1.2"]
            failureLimit: 2
        - pause: {}
`;

const blueGreen = `apiVersion: fleetdeck.io/v1
kind: Rollout
metadata:
  name: llama-70b-v2
spec:
  endpoint: prod-us-east:llm:llama-70b-chat-v1
  stable: {version: v1}
  candidate: {version: v2}
  strategy:
    blueGreen:
      previewWeight: 5
      prePromotionAnalysis:
        conditions: [error_rate <= stable * 1.1]
      postPromotionAnalysis:
        conditions: [error_rate < 1%]
      scaleDownDelay: 15m
      autoPromote: false
`;

const ab = `apiVersion: fleetdeck.io/v1
kind: Rollout
metadata:
  name: support-bot-ab
spec:
  endpoint: prod-us-east:support:support-bot-2024-11
  stable: {version: "2024-11"}
  candidate: {version: "2024-12"}
  strategy:
    ab:
      weight: 20
      duration: 2h
      metrics: [latency_p95, tokens_per_request]
      abortWhen:
        conditions: [error_rate < 5%]
`;

/** 1-based line and column of the first occurrence of `needle` (or of `within` inside it). */
function at(text: string, needle: string, within = ''): { line: number; column: number } {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`'${needle}' not in the plan`);
  const offset = i + (within ? needle.indexOf(within) : 0);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/** The plan with one piece of text replaced; fails loudly if the piece is not there. */
function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`'${from}' not in the plan`);
  return text.replace(from, to);
}

function only(text: string): RolloutProblem {
  const r = parseRolloutPlan(text);
  expect(r.plan).toBeNull();
  expect(r.problems, JSON.stringify(r.problems, null, 1)).toHaveLength(1);
  return r.problems[0]!;
}

describe('parseRolloutPlan: valid plans', () => {
  it('reads a canary plan with named and inline analyses, defaults filled in', () => {
    const { plan, problems } = parseRolloutPlan(canary);
    expect(problems).toEqual([]);
    expect(plan).toMatchObject({
      apiVersion: 'fleetdeck.io/v1',
      name: 'support-bot-2024-12',
      description: "Next month's fine-tune.",
      endpointId: 'prod-us-east:support:support-bot-2024-11',
      stableVersion: '2024-11',
      candidateVersion: '2024-12',
      candidateReplicas: 2,
    });
    const s = plan!.strategy;
    if (s.kind !== 'canary') throw new Error('expected canary');
    expect(s.steps.map((x) => x.kind)).toEqual([
      'setWeight',
      'analysis',
      'pause',
      'setWeight',
      'analysis',
      'pause',
    ]);
    expect(s.steps[0]).toEqual({ kind: 'setWeight', weight: 10 });
    expect(s.steps[2]).toEqual({ kind: 'pause', seconds: 300 });
    expect(s.steps[5]).toEqual({ kind: 'pause', seconds: null });
    const s1 = s.steps[1]!;
    const named = s1.kind === 'analysis' ? s1.analysis : null;
    expect(named).toMatchObject({
      intervalSeconds: 60,
      count: 3,
      failureLimit: 2,
      inconclusiveLimit: 2,
      minRequestRate: 0.1,
    });
    expect(named!.conditions.map((c) => c.metric)).toEqual([
      'error_rate',
      'latency_p95',
      'ttft_p95',
      'cost_per_1k_requests',
    ]);
    expect(named!.conditions[2]!.relative!.offset).toBeCloseTo(0.1, 12);
    const s4 = s.steps[4]!;
    const inline = s4.kind === 'analysis' ? s4.analysis : null;
    expect(inline).toMatchObject({ intervalSeconds: 30, count: 5, failureLimit: 2 });
    expect(plan!.backgroundAnalysis!.conditions[0]).toMatchObject({
      metric: 'error_rate',
      op: '<',
      relative: null,
    });
    expect(plan!.backgroundAnalysis!.conditions[0]!.value).toBeCloseTo(0.05, 12);
  });

  it('reads a blue-green plan', () => {
    const { plan, problems } = parseRolloutPlan(blueGreen);
    expect(problems).toEqual([]);
    expect(plan!.candidateReplicas).toBeNull();
    expect(plan!.strategy).toMatchObject({
      kind: 'blueGreen',
      previewWeight: 5,
      scaleDownDelaySeconds: 900,
      autoPromote: false,
      prePromotionAnalysis: { conditions: [{ metric: 'error_rate', relative: { factor: 1.1, offset: 0 } }] },
      postPromotionAnalysis: { conditions: [{ metric: 'error_rate', value: 0.01 }] },
    });
  });

  it('reads an A/B plan, and fills A/B defaults', () => {
    const { plan, problems } = parseRolloutPlan(ab);
    expect(problems).toEqual([]);
    expect(plan!.strategy).toMatchObject({
      kind: 'ab',
      weight: 20,
      durationSeconds: 7200,
      metrics: ['latency_p95', 'tokens_per_request'],
      abortWhen: { conditions: [{ metric: 'error_rate' }] },
    });
    const bare = edit(
      ab,
      `      weight: 20
      duration: 2h
      metrics: [latency_p95, tokens_per_request]
      abortWhen:
        conditions: [error_rate < 5%]
`,
      '',
    );
    const defaults = parseRolloutPlan(edit(bare, '    ab:\n', '    ab: {}\n'));
    expect(defaults.problems).toEqual([]);
    expect(defaults.plan!.strategy).toEqual({
      kind: 'ab',
      weight: 50,
      durationSeconds: 3600,
      metrics: ['latency_p95', 'error_rate', 'tokens_per_request', 'cost_per_1k_requests'],
      abortWhen: null,
    });
  });

  it('accepts pause as a bare duration and as an empty value', () => {
    const text = edit(edit(canary, 'pause: {duration: 5m}', 'pause: 90s'), 'pause: {}', 'pause:');
    const { plan, problems } = parseRolloutPlan(text);
    expect(problems).toEqual([]);
    const steps = plan!.strategy.kind === 'canary' ? plan!.strategy.steps : [];
    expect(steps[2]).toEqual({ kind: 'pause', seconds: 90 });
    expect(steps[5]).toEqual({ kind: 'pause', seconds: null });
  });
});

describe('parseRolloutPlan: problems name line, column and field', () => {
  it('unknown metric, with did you mean, pointing at the metric', () => {
    const text = edit(canary, '- latency_p95 < 1.2s', '- latency_p59x < 1.2s');
    const p = only(text);
    expect(p).toMatchObject({ field: 'spec.analysis.default.conditions[1]', ...at(text, 'latency_p59x') });
    expect(p.message).toContain("Unknown metric 'latency_p59x'");
    expect(p.message).toContain('Did you mean');
  });

  it('unknown metric inside a quoted condition points past the quote', () => {
    const text = edit(canary, '"latency_p95 <= stable * 1.2"', '"latency_p95 <= stable * 1.2 + 5kb"');
    const p = only(text);
    expect(p).toMatchObject({
      field: 'spec.strategy.canary.steps[4].analysis.conditions[0]',
      ...at(text, '5kb'),
    });
  });

  it('weight over 100', () => {
    const text = edit(canary, 'setWeight: 50', 'setWeight: 120');
    const p = only(text);
    expect(p).toMatchObject({
      field: 'spec.strategy.canary.steps[3].setWeight',
      ...at(text, 'setWeight: 120', '120'),
    });
    expect(p.message).toContain('0 to 100');
  });

  it('negative and fractional weights', () => {
    expect(only(edit(canary, 'setWeight: 10', 'setWeight: -5')).field).toBe(
      'spec.strategy.canary.steps[0].setWeight',
    );
    expect(only(edit(canary, 'setWeight: 50', 'setWeight: 12.5')).message).toContain('whole percent');
  });

  it('decreasing weights are allowed', () => {
    const text = edit(
      canary,
      '        - pause: {}\n',
      '        - setWeight: 20\n        - analysis: default\n',
    );
    expect(parseRolloutPlan(text).problems).toEqual([]);
  });

  it('a canary that never sends the candidate traffic', () => {
    const text = edit(edit(canary, 'setWeight: 10', 'setWeight: 0'), 'setWeight: 50', 'setWeight: 0');
    const r = parseRolloutPlan(text);
    expect(r.plan).toBeNull();
    // The analyses at weight 0 are reported where they are; the whole list is not reported again.
    expect(r.problems.map((p) => p.field)).toEqual([
      'spec.strategy.canary.steps[1].analysis',
      'spec.strategy.canary.steps[4].analysis',
    ]);
    expect(r.problems[0]).toMatchObject(at(text, 'analysis: default', 'default'));
    const noWeights = edit(canary, /steps:\n[\s\S]*$/.exec(canary)![0], 'steps:\n        - pause: {}\n');
    const p = only(noWeights);
    expect(p).toMatchObject({ field: 'spec.strategy.canary.steps', ...at(noWeights, '- pause: {}') });
    expect(p.message).toContain('setWeight above 0');
  });

  it('relative conditions where stable has no traffic', () => {
    const text = edit(canary, 'setWeight: 50', 'setWeight: 100');
    const p = only(text);
    expect(p.field).toBe('spec.strategy.canary.steps[4].analysis');
    expect(p.message).toContain('nothing to compare with');
    const bg = edit(blueGreen, 'conditions: [error_rate < 1%]', 'conditions: [error_rate <= stable]');
    expect(only(bg)).toMatchObject({
      field: 'spec.strategy.blueGreen.postPromotionAnalysis',
      ...at(bg, 'conditions: [error_rate <= stable]'),
    });
  });

  it('missing candidate version', () => {
    const text = edit(canary, '    version: "2024-12"\n', '');
    const p = only(text);
    expect(p).toMatchObject({ field: 'spec.candidate.version', ...at(text, 'replicas: 2') });
    expect(p.message).toContain('required');
  });

  it('missing stable and candidate blocks', () => {
    const text = edit(blueGreen, '  stable: {version: v1}\n  candidate: {version: v2}\n', '');
    const r = parseRolloutPlan(text);
    expect(r.problems.map((p) => p.field)).toEqual(['spec.stable', 'spec.candidate']);
    expect(r.problems[0]).toMatchObject(at(text, 'endpoint:'));
  });

  it('a version written as a number', () => {
    const text = edit(blueGreen, '{version: v2}', '{version: 1.10}');
    const p = only(text);
    expect(p).toMatchObject({ field: 'spec.candidate.version', ...at(text, '1.10') });
    expect(p.message).toContain('quote it');
  });

  it('stable equal to candidate', () => {
    const text = edit(blueGreen, '{version: v2}', '{version: v1}');
    const p = only(text);
    expect(p).toMatchObject({
      field: 'spec.candidate.version',
      ...at(text, 'candidate: {version: v1}', 'v1'),
    });
    expect(p.message).toContain('is the stable version');
  });

  it('unknown fields, with did you mean', () => {
    const text = edit(canary, '      count: 3', '      cuont: 3');
    const p = only(text);
    expect(p).toMatchObject({ field: 'spec.analysis.default.cuont', ...at(text, 'cuont') });
    expect(p.message).toContain("Did you mean 'count'?");
    const step = edit(canary, '- setWeight: 50', '- setWieght: 50');
    expect(only(step)).toMatchObject({
      field: 'spec.strategy.canary.steps[3].setWieght',
      ...at(step, 'setWieght'),
    });
    const top = edit(canary, 'kind: Rollout\n', 'kind: Rollout\nspecs: {}\n');
    expect(only(top)).toMatchObject({ field: 'specs', line: 3, column: 1 });
  });

  it('bad durations', () => {
    const text = edit(canary, 'interval: 1m', 'interval: 1 minute');
    expect(only(text)).toMatchObject({ field: 'spec.analysis.default.interval', ...at(text, '1 minute') });
    const pause = edit(canary, '{duration: 5m}', '{duration: soon}');
    expect(only(pause)).toMatchObject({
      field: 'spec.strategy.canary.steps[2].pause.duration',
      ...at(pause, 'soon'),
    });
    const bg = edit(blueGreen, 'scaleDownDelay: 15m', 'scaleDownDelay: 15 mins');
    expect(only(bg)).toMatchObject({ field: 'spec.strategy.blueGreen.scaleDownDelay', ...at(bg, '15 mins') });
    const abText = edit(ab, 'duration: 2h', 'duration: 0s');
    expect(only(abText)).toMatchObject({ field: 'spec.strategy.ab.duration', ...at(abText, '0s') });
  });

  it('apiVersion, kind and name', () => {
    const v = edit(canary, 'fleetdeck.io/v1', 'fleetdeck.io/v2');
    expect(only(v)).toMatchObject({ field: 'apiVersion', line: 1, column: 13 });
    const k = edit(canary, 'kind: Rollout', 'kind: Runbook');
    expect(only(k)).toMatchObject({ field: 'kind', line: 2, column: 7 });
    const n = edit(canary, 'name: support-bot-2024-12', 'name: Support Bot');
    expect(only(n)).toMatchObject({ field: 'metadata.name', ...at(n, 'Support Bot') });
    const noKind = edit(canary, 'kind: Rollout\n', '');
    expect(only(noKind)).toMatchObject({ field: 'kind', line: 1, column: 1 });
  });

  it('strategy with none or two kinds', () => {
    const none = edit(ab, / {2}strategy:\n[\s\S]*$/.exec(ab)![0], '  strategy: {}\n');
    expect(only(none)).toMatchObject({ field: 'spec.strategy', ...at(none, '{}') });
    const two = edit(ab, '    ab:\n', '    canary: {steps: [{setWeight: 5}]}\n    ab:\n');
    const p = only(two);
    expect(p.field).toBe('spec.strategy');
    expect(p.message).toContain('exactly one strategy');
    expect(p).toMatchObject(at(two, '    ab:', 'ab'));
  });

  it('a reference to an analysis that is not defined', () => {
    const text = edit(canary, '- analysis: default', '- analysis: defualt');
    const p = only(text);
    expect(p).toMatchObject({ field: 'spec.strategy.canary.steps[1].analysis', ...at(text, 'defualt') });
    expect(p.message).toContain("Did you mean 'default'?");
  });

  it('a step that does two things', () => {
    const text = edit(canary, '- setWeight: 10', '- {setWeight: 10, pause: {}}');
    expect(only(text)).toMatchObject({
      field: 'spec.strategy.canary.steps[0]',
      ...at(text, '{setWeight: 10'),
    });
  });

  it('analysis limits', () => {
    const text = edit(canary, 'failureLimit: 2', 'failureLimit: 6');
    const p = only(text);
    expect(p).toMatchObject({
      field: 'spec.strategy.canary.steps[4].analysis.failureLimit',
      ...at(text, 'failureLimit: 6', '6'),
    });
    expect(p.message).toContain('could never fail');
    const count = edit(canary, 'count: 3', 'count: 0');
    expect(only(count).field).toBe('spec.analysis.default.count');
    const rate = edit(canary, 'count: 3', 'count: 3\n      minRequestRate: -1');
    expect(only(rate).field).toBe('spec.analysis.default.minRequestRate');
    const empty = edit(canary, 'conditions: [error_rate < 5%]', 'conditions: []');
    expect(only(empty)).toMatchObject({ field: 'spec.backgroundAnalysis.conditions', ...at(empty, '[]') });
  });

  it('blue-green and A/B ranges', () => {
    const bg = edit(blueGreen, 'previewWeight: 5', 'previewWeight: 100');
    expect(only(bg).field).toBe('spec.strategy.blueGreen.previewWeight');
    const zero = edit(blueGreen, 'previewWeight: 5', 'previewWeight: 0');
    expect(only(zero).field).toBe('spec.strategy.blueGreen.prePromotionAnalysis');
    const w = edit(ab, 'weight: 20', 'weight: 100');
    expect(only(w)).toMatchObject({ field: 'spec.strategy.ab.weight', ...at(w, '100') });
    const m = edit(ab, '[latency_p95, tokens_per_request]', '[latency_p95, token_per_request]');
    expect(only(m)).toMatchObject({ field: 'spec.strategy.ab.metrics[1]', ...at(m, 'token_per_request') });
    const bgBackground = edit(
      blueGreen,
      '  strategy:',
      '  backgroundAnalysis: {conditions: [error_rate < 1%]}\n  strategy:',
    );
    expect(only(bgBackground).field).toBe('spec.backgroundAnalysis');
  });

  it('replicas must be a whole number of at least 1', () => {
    const text = edit(canary, 'replicas: 2', 'replicas: 0');
    expect(only(text)).toMatchObject({ field: 'spec.candidate.replicas', ...at(text, 'replicas: 0', '0') });
  });

  it('YAML syntax errors and empty text', () => {
    const text = edit(canary, '  stable:\n', '  stable: [\n');
    const r = parseRolloutPlan(text);
    expect(r.plan).toBeNull();
    expect(r.problems[0]!.message).toMatch(/^YAML syntax/);
    expect(r.problems[0]!.line).toBeGreaterThanOrEqual(8);
    expect(parseRolloutPlan('').problems[0]).toMatchObject({ line: 1, column: 1, field: null });
    expect(parseRolloutPlan('- a\n').problems[0]!.message).toContain('must be a mapping');
  });

  it('reports every problem at once', () => {
    let text = edit(canary, 'setWeight: 50', 'setWeight: 120');
    text = edit(text, '- latency_p95 < 1.2s', '- latency_p59x < 1.2s');
    text = edit(text, '    version: "2024-12"\n', '');
    const fields = parseRolloutPlan(text).problems.map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'spec.candidate.version',
        'spec.analysis.default.conditions[1]',
        'spec.strategy.canary.steps[3].setWeight',
      ]),
    );
  });
});
