import { describe, expect, it } from 'vitest';
import type { Rollout, RolloutAnalysis, RolloutPlan } from '../../../../src/shared/contract/index';
import { parseRoute } from '../../../../src/renderer/routing/routes';
import { railEntryOf } from '../../../../src/renderer/shell/views';
import {
  newRolloutHash,
  parseNewRollout,
  parseRolloutFilter,
  rolloutIdOf,
  rolloutListHash,
} from '../../../../src/renderer/views/rollouts/rollouts-url';
import { timelineOf } from '../../../../src/renderer/views/rollouts/timeline-model';
import { rolloutPanels } from '../../../../src/renderer/views/rollouts/rollout-charts-model';
import { formatPlanMetric, formatSigned } from '../../../../src/renderer/views/rollouts/rollout-words';

const analysis: RolloutAnalysis = {
  conditions: [
    {
      expression: 'error_rate <= stable * 1.5 + 0.5%',
      metric: 'error_rate',
      op: '<=',
      value: null,
      relative: { factor: 1.5, offset: 0.005 },
    },
    { expression: 'latency_p95 < 2s', metric: 'latency_p95', op: '<', value: 2, relative: null },
    {
      expression: 'cost_per_1k_requests <= stable * 1.2',
      metric: 'cost_per_1k_requests',
      op: '<=',
      value: null,
      relative: { factor: 1.2, offset: 0 },
    },
  ],
  intervalSeconds: 2,
  count: 2,
  failureLimit: 1,
  inconclusiveLimit: 2,
  minRequestRate: 0.1,
};

const plan: RolloutPlan = {
  apiVersion: 'fleetdeck.io/v1',
  name: 'r',
  description: '',
  endpointId: 'c:ns:v1',
  stableVersion: 'v1',
  candidateVersion: 'v2',
  strategy: {
    kind: 'canary',
    steps: [
      { kind: 'setWeight', weight: 10 },
      { kind: 'analysis', analysis },
      { kind: 'setWeight', weight: 25 },
    ],
  },
  backgroundAnalysis: null,
  candidateReplicas: null,
};

describe('rollout addresses', () => {
  it('routes the list, a new plan and one rollout to the Rollouts rail entry', () => {
    expect(parseRoute('#/rollouts?show=past').view).toBe('rollouts');
    expect(parseRoute('#/rollouts/new?endpoint=a%3Ab').view).toBe('rollout-new');
    expect(parseRoute('#/rollouts/ro-1').view).toBe('rollout-detail');
    expect(railEntryOf('rollout-new')).toBe('rollouts');
    expect(railEntryOf('rollout-detail')).toBe('rollouts');
    expect(rolloutIdOf('#/rollouts/ro%3A1')).toBe('ro:1');
    expect(rolloutIdOf('#/rollouts/new')).toBeNull();
  });

  it('round-trips the list filter and the new-plan choices', () => {
    const f = { show: 'past' as const, state: 'aborted' as const, q: 'llama v2' };
    expect(parseRolloutFilter(rolloutListHash(f))).toEqual(f);
    expect(rolloutListHash({ show: 'all', state: '', q: '' })).toBe('#/rollouts');
    expect(parseRolloutFilter('#/rollouts?state=nonsense&show=x')).toEqual({ show: 'all', state: '', q: '' });
    const n = { endpoint: 'c:ns:v1', version: 'v2', strategy: 'ab' as const };
    expect(parseNewRollout(newRolloutHash(n))).toEqual(n);
    expect(parseNewRollout('#/rollouts/new?strategy=bogus').strategy).toBe('canary');
  });
});

describe('rollout timeline', () => {
  const base: Rollout = {
    id: 'ro-1',
    name: 'r',
    strategy: 'canary',
    endpointId: 'c:ns:v1',
    candidateEndpointId: 'c:ns:v2',
    model: 'm',
    cluster: 'c',
    stableVersion: 'v1',
    candidateVersion: 'v2',
    state: 'aborted',
    weight: 0,
    stepIndex: 2,
    stepCount: 3,
    lastVerdict: 'failure',
    message: null,
    actor: 'fleetdeck',
    startedAt: 1000,
    updatedAt: 5000,
    endedAt: 6000,
    plan,
    planText: '',
    comparison: null,
    decisions: [
      {
        at: 1100,
        step: '0',
        kind: 'weight',
        verdict: 'info',
        message: 'w10',
        measurements: [],
        actor: 'fleetdeck',
        weight: 10,
      },
      {
        at: 2000,
        step: '1',
        kind: 'measurement',
        verdict: 'success',
        message: 'ok',
        measurements: [],
        actor: 'fleetdeck',
        weight: null,
      },
      {
        at: 3000,
        step: '2',
        kind: 'weight',
        verdict: 'info',
        message: 'w25',
        measurements: [],
        actor: 'fleetdeck',
        weight: 25,
      },
      {
        at: 4000,
        step: '2',
        kind: 'measurement',
        verdict: 'failure',
        message: 'bad',
        measurements: [],
        actor: 'fleetdeck',
        weight: 25,
      },
      {
        at: 4500,
        step: '2',
        kind: 'abort',
        verdict: 'failure',
        message: 'aborted',
        measurements: [],
        actor: 'fleetdeck',
        weight: 0,
      },
    ],
  };

  it('steps the weight from 0 through each change to the end, with analysis markers at the weight of the time', () => {
    const { weights, markers } = timelineOf(base, 99_999);
    expect(weights).toEqual([
      [1000, 0],
      [1100, 10],
      [3000, 25],
      [4500, 0],
      [6000, 0],
    ]);
    expect(markers.map((m) => [m.at, m.weight, m.verdict])).toEqual([
      [2000, 10, 'success'],
      [4000, 25, 'failure'],
      [4500, 0, 'failure'],
    ]);
  });

  it('runs an active rollout to now at the weight it reports, even before a decision says so', () => {
    const live = {
      ...base,
      state: 'progressing' as const,
      endedAt: null,
      weight: 50,
      decisions: base.decisions.slice(0, 3),
    };
    const { weights } = timelineOf(live, 9000);
    expect(weights.at(-2)).toEqual([5000, 50]);
    expect(weights.at(-1)).toEqual([9000, 50]);
  });
});

describe('rollout charts', () => {
  it('draws candidate and stable per charted metric, relative limits following stable, absolute ones as lines', () => {
    const panels = rolloutPanels(plan, 'c:ns:v2');
    const errors = panels.find((p) => p.metric === 'error_rate')!;
    expect(errors.defs!.map((d) => d.endpointId)).toEqual(['c:ns:v2', 'c:ns:v1']);
    expect(errors.guides).toEqual([
      expect.objectContaining({ kind: 'relative', of: 'c:ns:v1:error_rate', factor: 1.5, offset: 0.005 }),
    ]);
    const latency = panels.find((p) => p.metric === 'latency_p95')!;
    expect(latency.guides).toEqual([expect.objectContaining({ kind: 'absolute', value: 2 })]);
    // The derived cost is measured at each analysis, not a stored series: listed, not charted.
    expect(panels.find((p) => p.metric === 'cost_per_1k_requests')!.defs).toBeNull();
    // No candidate endpoint yet: stable alone.
    expect(rolloutPanels(plan, null).find((p) => p.metric === 'error_rate')!.defs!.length).toBe(1);
  });

  it('formats derived metrics and signed differences', () => {
    expect(formatPlanMetric('cost_per_1k_requests', 0.42)).toBe('$0.4200');
    expect(formatPlanMetric('error_rate', 0.042)).toBe('4.2 %');
    expect(formatSigned('latency_p95', -0.012)).toBe('−12 ms');
    expect(formatSigned('latency_p95', 0.25)).toBe('+250 ms');
  });
});
