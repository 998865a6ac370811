import { describe, expect, it } from 'vitest';
import {
  compareSamples,
  compareVersions,
  studentQuantile,
  welch,
} from '../../../../src/core/rollouts/rollout.compare';
import type { RolloutMetricReader } from '../../../../src/core/rollouts/rollout.metrics';

// Reference values from scipy 1.17 (stats.ttest_ind(b, a, equal_var=False) and its
// confidence_interval(0.95)); the data sets are the two worked examples of Welch's t-test on
// Wikipedia.
const a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
const b1 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
const a2 = [17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8];
const b2 = [
  21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5, 23.5,
  21.5, 21.8,
];

describe("Welch's t-test", () => {
  it('matches scipy on equal sample sizes', () => {
    const w = welch(a1, b1);
    expect(w.t).toBeCloseTo(2.455356398286006, 9);
    expect(w.df).toBeCloseTo(24.988529290231416, 9);
    expect(w.pValue).toBeCloseTo(0.021378001462866992, 6);
    expect(w.ciLow).toBeCloseTo(0.3492370661924069, 6);
    expect(w.ciHigh).toBeCloseTo(3.984096267140929, 6);
    expect(w.difference).toBeCloseTo(2.1666666666666, 9);
  });

  it('matches scipy on unequal sizes and variances', () => {
    const w = welch(a2, b2);
    expect(w.t).toBeCloseTo(1.5654335235985037, 9);
    expect(w.df).toBeCloseTo(9.904741248650831, 9);
    expect(w.pValue).toBeCloseTo(0.14884169660532817, 6);
    expect(w.ciLow).toBeCloseTo(-0.6484213253751658, 6);
    expect(w.ciHigh).toBeCloseTo(3.698421325375163, 6);
  });

  it('finds the t quantile for fractional degrees of freedom', () => {
    expect(studentQuantile(0.975, 7.3)).toBeCloseTo(2.345066736547703, 6);
  });

  it('treats two constant samples as an exact difference', () => {
    const w = welch([1, 1, 1], [2, 2, 2]);
    expect(w.pValue).toBe(0);
    expect([w.ciLow, w.ciHigh]).toEqual([1, 1]);
    expect(welch([3, 3], [3, 3]).pValue).toBe(1);
  });
});

describe('comparison verdicts', () => {
  it('calls a significantly higher latency worse and a higher request rate better', () => {
    expect(compareSamples('latency_p95', a1, b1).verdict).toBe('candidate_worse');
    expect(compareSamples('request_rate', a1, b1).verdict).toBe('candidate_better');
    const row = compareSamples('latency_p95', a1, b1);
    expect(row.relativeDifference).toBeCloseTo(2.1666666666666 / row.stable!, 9);
    expect(row.samples).toEqual({ stable: 15, candidate: 15 });
  });

  it('says no significant difference when the p-value is above 0.05', () => {
    expect(compareSamples('error_rate', a2, b2).verdict).toBe('no_significant_difference');
  });

  it('says not enough data below five samples a side, keeping the means', () => {
    const row = compareSamples('latency_p95', [1, 2, 3, 4], b1);
    expect(row.verdict).toBe('not_enough_data');
    expect(row.pValue).toBeNull();
    expect(row.stable).toBe(2.5);
  });

  it('computes derived metrics per sample from the newest inputs', () => {
    const data: Record<string, Array<[number, number]>> = {
      's:request_rate': [1000, 2000, 3000, 4000, 5000].map((t) => [t, 10] as [number, number]),
      's:spend_per_hour': [[0, 36]],
      'c:request_rate': [1000, 2000, 3000, 4000, 5000].map((t) => [t, 20] as [number, number]),
      'c:spend_per_hour': [[500, 36]],
      's:tokens_in_rate': [1000, 2000, 3000, 4000, 5000].map((t) => [t, 1000] as [number, number]),
      's:tokens_out_rate': [1000, 2000, 3000, 4000, 5000].map((t) => [t, 500] as [number, number]),
    };
    const reader: RolloutMetricReader = {
      samples: (id, metric, from, to) =>
        (data[`${id}:${metric}`] ?? []).filter(([t]) => t >= from && t <= to),
    };
    const c = compareVersions(
      reader,
      { stable: 's', candidate: 'c' },
      ['cost_per_1k_requests', 'tokens_per_request'],
      {
        from: 0,
        to: 6000,
      },
    );
    const cost = c.metrics[0]!;
    // 36 $/h over 10 req/s = 36 / (10 * 3.6) = $1 per 1000 requests; twice the traffic halves it.
    expect(cost.stable).toBeCloseTo(1, 12);
    expect(cost.candidate).toBeCloseTo(0.5, 12);
    expect(cost.verdict).toBe('candidate_better');
    expect(c.metrics[1]!.stable).toBeCloseTo(150, 12);
    expect(c.metrics[1]!.verdict).toBe('not_enough_data');
  });
});
