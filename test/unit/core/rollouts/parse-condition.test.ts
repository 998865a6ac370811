import { describe, expect, it } from 'vitest';
import { formatCondition, parseCondition } from '../../../../src/core/rollouts/rollout-condition';

const ok = (text: string) => {
  const r = parseCondition(text);
  if (!r.ok) throw new Error(`expected '${text}' to parse: ${r.error}`);
  return r.value;
};
const bad = (text: string) => {
  const r = parseCondition(text);
  if (r.ok) throw new Error(`expected '${text}' to be refused`);
  return r;
};

describe('rollout conditions', () => {
  it('converts absolute thresholds to the base unit', () => {
    expect(ok('latency_p95 < 1.2s')).toMatchObject({
      metric: 'latency_p95',
      op: '<',
      value: 1.2,
      relative: null,
    });
    expect(ok('ttft_p95 <= 100ms').value).toBeCloseTo(0.1, 12);
    expect(ok('latency_p99 < 2m').value).toBe(120);
    expect(ok('error_rate < 2%').value).toBeCloseTo(0.02, 12);
    expect(ok('error_rate < 0.02').value).toBe(0.02);
    expect(ok('queue_depth >= 5').value).toBe(5);
    expect(ok('cost_per_1k_requests <= 0.35').value).toBe(0.35);
    expect(ok('tokens_per_request < 1200')).toMatchObject({ metric: 'tokens_per_request', value: 1200 });
  });

  it('reads thresholds relative to stable as factor and offset', () => {
    expect(ok('error_rate <= stable * 1.1')).toMatchObject({
      value: null,
      relative: { factor: 1.1, offset: 0 },
    });
    const t = ok('ttft_p95 <= stable + 100ms');
    expect(t.relative!.factor).toBe(1);
    expect(t.relative!.offset).toBeCloseTo(0.1, 12);
    const both = ok('error_rate <= stable * 1.5 + 0.5%');
    expect(both.relative!.factor).toBe(1.5);
    expect(both.relative!.offset).toBeCloseTo(0.005, 12);
    expect(ok('latency_p95 <= stable - 50ms').relative!.offset).toBeCloseTo(-0.05, 12);
    expect(ok('cost_per_1k_requests <= stable * 1.2')).toMatchObject({
      metric: 'cost_per_1k_requests',
      relative: { factor: 1.2, offset: 0 },
    });
    expect(ok('latency_p95 <= stable').relative).toEqual({ factor: 1, offset: 0 });
  });

  it('keeps the expression as written', () => {
    expect(ok('  error_rate <= stable * 1.1 ').expression).toBe('error_rate <= stable * 1.1');
  });

  it('names an unknown metric with a suggestion and where it starts', () => {
    const r = bad('  latency_p955 < 1s');
    expect(r.error).toContain("Unknown metric 'latency_p955'");
    expect(r.error).toContain("Did you mean 'latency_p95'?");
    expect(r.at).toBe(2);
  });

  it('refuses units that do not fit the metric', () => {
    expect(bad('error_rate < 2s').error).toContain("'s' is a time unit but error_rate is measured in ratio");
    expect(bad('latency_p95 < 5%').error).toContain("'%' applies to ratios");
    expect(bad('tokens_per_request < 2s').error).toContain('measured in tokens');
  });

  it('points at the broken part of the threshold', () => {
    const text = 'latency_p95 < fast';
    const r = bad(text);
    expect(r.at).toBe(text.indexOf('fast'));
    const factor = bad('error_rate <= stable * x1');
    expect(factor.error).toContain("factor 'x1'");
    const offset = bad('error_rate <= stable + 2s');
    expect(offset.error).toContain('time unit');
    expect(bad('error_rate <= stabel * 1.1').error).toContain("Did you mean 'stable'?");
    expect(bad('error_rate <= 1.1 * stable').error).toContain("Write 'stable' first");
    expect(bad('error_rate <= stable * 1.1 +').ok).toBe(false);
  });

  it('refuses missing or foreign operators and runbook-style for windows', () => {
    expect(bad('latency_p95 1.2s').error).toContain('no comparison');
    expect(bad('latency_p95 == 1.2s').error).toContain("'==' is not a comparison");
    expect(bad('latency_p95 <').error).toContain('no threshold');
    expect(bad('latency_p95 < 1.2s for 2m').error).toContain('interval and count');
    expect(bad('').ok).toBe(false);
  });

  it('formats conditions so they parse back to the same numbers', () => {
    for (const text of [
      'latency_p95 < 1.2s',
      'ttft_p95 <= stable + 100ms',
      'error_rate <= stable * 1.1',
      'error_rate <= stable * 1.5 + 0.5%',
      'error_rate < 2%',
      'latency_p95 <= stable - 50ms',
      'cost_per_1k_requests <= stable * 1.2',
      'tokens_per_request < 1200',
    ]) {
      const c = ok(text);
      const shown = formatCondition(c);
      expect(shown).toBe(text);
      const again = ok(shown);
      expect({ ...again, expression: '' }).toEqual({ ...c, expression: '' });
    }
    expect(
      formatCondition({ expression: '', metric: 'ttft_p95', op: '<', value: 0.25, relative: null }),
    ).toBe('ttft_p95 < 250ms');
  });
});
