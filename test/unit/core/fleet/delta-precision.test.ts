import { describe, expect, it } from 'vitest';
import { roundMetricRows, toSignificant } from '../../../../src/core/fleet/delta-precision';
import { formatMetric } from '../../../../src/shared/fleet/format';
import { canonicalMetricNames } from '../../../../src/shared/fleet/metrics';

describe('fleet.delta metric precision', () => {
  it('keeps six significant digits, which print short', () => {
    expect(toSignificant(1.8533398999455661)).toBe(1.85334);
    expect(toSignificant(0.006993006993006968)).toBe(0.00699301);
    expect(toSignificant(1544.5777942019597)).toBe(1544.58);
    expect(toSignificant(154164789248)).toBe(154165000000);
    expect(toSignificant(-3.14159265)).toBe(-3.14159);
    expect([0, 0.24, 7, Number.NaN].map(toSignificant)).toEqual([0, 0.24, 7, Number.NaN]);
    expect(JSON.stringify([0.1 + 0.2, 2 / 3, 1e-9 / 3].map(toSignificant))).toBe(
      '[0.3,0.666667,3.33333e-10]',
    );
  });

  it('rounds every figure but the spend rate, which stays exact, and shows the same as the full value', () => {
    const spend = canonicalMetricNames.indexOf('spend_per_hour');
    // A row as a demo endpoint's scrape delivers it, in canonical order.
    const full = [
      1.8533398999455661,
      0.006993006993006968,
      0.9399045976115761,
      1.588017917158663,
      1.9275058464452377,
      null,
      0.008161204833984376,
      1544.5777942019597,
      312.6018840177788,
      0,
      null,
      0.24,
      154164789248,
      10.055123,
    ];
    expect(full).toHaveLength(canonicalMetricNames.length);
    const rows: Record<string, Array<number | null>> = { a: [...full] };
    roundMetricRows(rows);
    const row = rows.a!;
    expect(row[spend]).toBe(10.055123);
    expect(row[5]).toBeNull();
    canonicalMetricNames.forEach((name, i) => {
      if (full[i] === null) return;
      expect(Math.abs(row[i]! - full[i]!)).toBeLessThanOrEqual(Math.abs(full[i]!) * 5e-6);
      expect(formatMetric(name, row[i])).toBe(formatMetric(name, full[i]));
    });
    expect(JSON.stringify(row).length).toBeLessThan(JSON.stringify(full).length * 0.6);
  });
});
