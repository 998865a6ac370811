import { canonicalMetricNames } from '../../shared/fleet/metrics';

/**
 * Significant digits a live figure keeps in a `fleet.delta`. Every view shows three or four
 * (formatMetric: "1.85 s", "0.70 %", "143.6 GiB"), so six is never visible, yet a scraped rate
 * otherwise travels with all seventeen ("1.8533398999455661"): at 10,000 endpoints the
 * hundreds of metric rows per tick were most of a 150 KiB delta, and parsing those long numbers
 * was a good part of the renderer's per-tick work (live-tick benchmark, issue 4). The full
 * values stay in the metrics store, behind fleet.endpoint and metrics.series.
 */
const SIGNIFICANT = 6;

/** Spend per hour stays exact: spend accrues from it (rounded to a millionth of a dollar at the source). */
const EXACT = new Set<number>([canonicalMetricNames.indexOf('spend_per_hour')]);

/** `value` rounded to SIGNIFICANT significant digits; prints short in JSON (`1.85334`). */
export function toSignificant(value: number): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  const digits = SIGNIFICANT - 1 - Math.floor(Math.log10(Math.abs(value)));
  if (digits <= 0) {
    const step = 10 ** -digits;
    return Math.round(value / step) * step;
  }
  // Dividing an integer by an exact power of ten gives the double nearest the decimal, which
  // JSON prints without a tail of noise digits.
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** A delta's metric rows with their figures at display-safe precision, in place. */
export function roundMetricRows(rows: Record<string, Array<number | null>>): void {
  for (const id in rows) {
    const row = rows[id]!;
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      if (v !== null && v !== undefined && !EXACT.has(i)) row[i] = toSignificant(v);
    }
  }
}
