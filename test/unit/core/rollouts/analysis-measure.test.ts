import { describe, expect, it } from 'vitest';
import { count, judge, measure, metricValue, noCounts } from '../../../../src/core/rollouts/rollout.analysis';
import type { RolloutMetricReader } from '../../../../src/core/rollouts/rollout.metrics';
import type { RolloutAnalysis, RolloutCondition } from '../../../../src/shared/contract/rollout.schema';

const NOW = 1_000_000;

/** Samples per `endpoint:metric`, as the metrics cache would return them. */
function reader(data: Record<string, Array<[number, number]>>): RolloutMetricReader {
  return {
    samples: (id, metric, from, to) => (data[`${id}:${metric}`] ?? []).filter(([t]) => t >= from && t <= to),
  };
}

const cond = (c: Partial<RolloutCondition> & Pick<RolloutCondition, 'metric' | 'op'>): RolloutCondition => ({
  expression: '',
  value: null,
  relative: null,
  ...c,
});

const analysis = (conditions: RolloutCondition[], extra: Partial<RolloutAnalysis> = {}): RolloutAnalysis => ({
  conditions,
  intervalSeconds: 10,
  count: 3,
  failureLimit: 1,
  inconclusiveLimit: 1,
  minRequestRate: 1,
  ...extra,
});

const ids = { candidate: 'c', stable: 's' };

describe('one analysis measurement', () => {
  it('compares the candidate with stable x factor + offset, and words a failure with units', () => {
    const r = reader({
      'c:request_rate': [[NOW - 5000, 4]],
      'c:error_rate': [[NOW - 5000, 0.042]],
      's:error_rate': [[NOW - 3000, 0.008]],
      'c:ttft_p95': [[NOW - 1000, 0.25]],
      's:ttft_p95': [[NOW - 1000, 0.2]],
    });
    const result = measure(
      analysis([
        cond({ metric: 'error_rate', op: '<=', relative: { factor: 1.1, offset: 0 } }),
        cond({ metric: 'ttft_p95', op: '<=', relative: { factor: 1, offset: 0.1 } }),
      ]),
      ids,
      r,
      NOW,
    );
    expect(result.verdict).toBe('failure');
    expect(result.reasons).toEqual(['candidate error_rate 4.2 % > stable 0.8 % x 1.1']);
    expect(result.measurements[1]).toMatchObject({
      metric: 'error_rate',
      candidate: 0.042,
      stable: 0.008,
      ok: false,
    });
    expect(result.measurements[1]!.threshold).toBeCloseTo(0.0088, 12);
    expect(result.measurements[2]).toMatchObject({ metric: 'ttft_p95', ok: true });
    expect(result.measurements[2]!.threshold).toBeCloseTo(0.3, 12);
  });

  it('is inconclusive, never a success, on stale data (older than two intervals)', () => {
    const r = reader({
      'c:request_rate': [[NOW - 5000, 4]],
      'c:latency_p95': [[NOW - 20_001, 0.5]],
    });
    const result = measure(analysis([cond({ metric: 'latency_p95', op: '<', value: 1.2 })]), ids, r, NOW);
    expect(result.verdict).toBe('inconclusive');
    expect(result.reasons).toEqual(['no fresh latency_p95 for the candidate']);
    expect(result.measurements[1]).toMatchObject({ candidate: null, ok: null });
  });

  it('is inconclusive below minRequestRate, and when the stable side is missing', () => {
    const low = reader({ 'c:request_rate': [[NOW, 0.5]], 'c:latency_p95': [[NOW, 0.5]] });
    expect(
      measure(analysis([cond({ metric: 'latency_p95', op: '<', value: 1.2 })]), ids, low, NOW).reasons,
    ).toEqual(['candidate traffic 0.5 req/s is below minRequestRate 1 req/s']);
    const noStable = reader({ 'c:request_rate': [[NOW, 5]], 'c:error_rate': [[NOW, 0.01]] });
    const result = measure(
      analysis([cond({ metric: 'error_rate', op: '<=', relative: { factor: 1.1, offset: 0 } })]),
      ids,
      noStable,
      NOW,
    );
    expect(result.verdict).toBe('inconclusive');
    expect(result.reasons).toEqual(['no fresh error_rate for the stable version']);
  });

  it('derives cost per 1k requests and tokens per request from the canonical rates', () => {
    const r = reader({
      'c:request_rate': [[NOW, 10]],
      'c:spend_per_hour': [[NOW - 50_000, 36]], // stored every 30 s when unchanged: still fresh
      'c:tokens_in_rate': [[NOW, 800]],
      'c:tokens_out_rate': [[NOW, 1200]],
    });
    expect(metricValue(r, 'c', 'cost_per_1k_requests', NOW, 20_000)).toEqual({ value: 1, why: null });
    expect(metricValue(r, 'c', 'tokens_per_request', NOW, 20_000)).toEqual({ value: 200, why: null });
    const idle = reader({ 'c:request_rate': [[NOW, 0]] });
    expect(metricValue(idle, 'c', 'cost_per_1k_requests', NOW, 20_000).why).toBe(
      'no requests (needed for cost_per_1k_requests)',
    );
  });

  it('counts only conclusive measurements towards count, and ends on the limits', () => {
    const a = analysis([], { count: 2, failureLimit: 2, inconclusiveLimit: 1 });
    let c = noCounts();
    c = count(c, 'inconclusive');
    expect(judge(a, c)).toBe('continue');
    c = count(c, 'success');
    expect(judge(a, c)).toBe('continue');
    c = count(c, 'failure');
    expect(judge(a, c)).toBe('success');
    expect(judge(a, count(c, 'failure'))).toBe('failure');
    expect(judge(a, count(count(noCounts(), 'inconclusive'), 'inconclusive'))).toBe('inconclusive');
    expect(judge(a, count(count(noCounts(), 'success'), 'success'), { endless: true })).toBe('continue');
  });
});
