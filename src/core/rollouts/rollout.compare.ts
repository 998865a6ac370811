import type { RolloutComparison } from '../../shared/contract/rollout.schema';
import { isMetricName, type MetricName } from '../../shared/fleet/metrics';
import type { RolloutMetricReader } from './rollout.metrics';

/**
 * The A/B comparison (issue 6): per metric, the mean of the stable and the candidate samples
 * over the experiment window, their difference with a 95 % confidence interval and the two-sided
 * p-value of Welch's t-test (unequal variances, Welch–Satterthwaite degrees of freedom). Samples
 * are the cache's per-scrape values, so they are autocorrelated; the p-value is a guide for a
 * person, and the verdict says "not enough data" below MIN_SAMPLES per side.
 */

export const MIN_SAMPLES = 5;
const ALPHA = 0.05;

/** Metrics where more is better; for everything else (latency, errors, cost) less is better. */
const higherIsBetter = new Set(['request_rate', 'tokens_out_rate', 'gpu_util']);

export interface WelchResult {
  meanA: number;
  meanB: number;
  /** meanB - meanA. */
  difference: number;
  ciLow: number;
  ciHigh: number;
  pValue: number;
  df: number;
  t: number;
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const variance = (xs: readonly number[], m: number) =>
  xs.reduce((s, x) => s + (x - m) * (x - m), 0) / (xs.length - 1);

/** Welch's two-sample t-test of B against A; both need at least two values. */
export function welch(a: readonly number[], b: readonly number[]): WelchResult {
  const ma = mean(a);
  const mb = mean(b);
  const qa = variance(a, ma) / a.length;
  const qb = variance(b, mb) / b.length;
  const difference = mb - ma;
  const se = Math.sqrt(qa + qb);
  if (se === 0) {
    // Both sides constant: the difference is exact.
    return {
      meanA: ma,
      meanB: mb,
      difference,
      ciLow: difference,
      ciHigh: difference,
      pValue: difference === 0 ? 1 : 0,
      df: a.length + b.length - 2,
      t: difference === 0 ? 0 : Math.sign(difference) * Infinity,
    };
  }
  const df = (qa + qb) ** 2 / (qa ** 2 / (a.length - 1) + qb ** 2 / (b.length - 1));
  const t = difference / se;
  const pValue = studentTwoSidedP(t, df);
  const tq = studentQuantile(1 - ALPHA / 2, df);
  return {
    meanA: ma,
    meanB: mb,
    difference,
    ciLow: difference - tq * se,
    ciHigh: difference + tq * se,
    pValue,
    df,
    t,
  };
}

/** P(|T| >= |t|) for Student's t with df degrees of freedom: I_{df/(df+t²)}(df/2, 1/2). */
export function studentTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return Math.min(1, Math.max(0, incompleteBeta(df / (df + t * t), df / 2, 0.5)));
}

/** The p-quantile (p > 0.5) of Student's t, by bisection on the two-sided tail. */
export function studentQuantile(p: number, df: number): number {
  const tail = 2 * (1 - p);
  let lo = 0;
  let hi = 1;
  while (studentTwoSidedP(hi, df) > tail) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (studentTwoSidedP(mid, df) > tail) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** ln Γ(x), Lanczos approximation (g = 7, n = 9), accurate to ~15 digits for x > 0. */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < 9; i++) sum += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The regularised incomplete beta function I_x(a, b) (continued fraction, Numerical Recipes 6.4). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 3e-16) break;
  }
  return h;
}

type MetricRow = RolloutComparison['metrics'][number];

/** One metric's row from the two sides' samples. */
export function compareSamples(
  metric: string,
  stable: readonly number[],
  candidate: readonly number[],
): MetricRow {
  const samples = { stable: stable.length, candidate: candidate.length };
  const avg = (xs: readonly number[]) => (xs.length ? mean(xs) : null);
  if (stable.length < MIN_SAMPLES || candidate.length < MIN_SAMPLES) {
    const s = avg(stable);
    const c = avg(candidate);
    const difference = s !== null && c !== null ? c - s : null;
    return {
      metric,
      stable: s,
      candidate: c,
      difference,
      relativeDifference: difference !== null && s ? difference / s : null,
      ciLow: null,
      ciHigh: null,
      pValue: null,
      samples,
      verdict: 'not_enough_data',
    };
  }
  const w = welch(stable, candidate);
  const better = higherIsBetter.has(metric) ? w.difference > 0 : w.difference < 0;
  return {
    metric,
    stable: w.meanA,
    candidate: w.meanB,
    difference: w.difference,
    relativeDifference: w.meanA !== 0 ? w.difference / w.meanA : null,
    ciLow: w.ciLow,
    ciHigh: w.ciHigh,
    pValue: w.pValue,
    samples,
    verdict:
      w.pValue < ALPHA ? (better ? 'candidate_better' : 'candidate_worse') : 'no_significant_difference',
  };
}

/** The newest value of `points` at or before `t` (both oldest first), or null. */
function valueAt(points: Array<[number, number]>, t: number, maxAgeMs: number): number | null {
  let lo = 0;
  let hi = points.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]![0] <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0 || t - points[found]![0] > maxAgeMs) return null;
  return points[found]![1];
}

/**
 * Per-sample values of a metric for one endpoint over [from, to]. Derived metrics are computed
 * at each request_rate sample from the newest inputs at that moment (spend is stored every 30 s
 * when it does not move, so it may be up to a minute old).
 */
export function sampleValues(
  reader: RolloutMetricReader,
  endpointId: string,
  metric: string,
  from: number,
  to: number,
): number[] {
  if (isMetricName(metric)) return reader.samples(endpointId, metric, from, to).map(([, v]) => v);
  const rates = reader.samples(endpointId, 'request_rate', from, to);
  const series = (m: MetricName) => reader.samples(endpointId, m, from - 60_000, to);
  const out: number[] = [];
  if (metric === 'cost_per_1k_requests') {
    const spend = series('spend_per_hour');
    for (const [t, rate] of rates) {
      const s = valueAt(spend, t, 60_000);
      if (rate > 0 && s !== null) out.push(s / (rate * 3.6));
    }
  } else if (metric === 'tokens_per_request') {
    const tin = series('tokens_in_rate');
    const tout = series('tokens_out_rate');
    for (const [t, rate] of rates) {
      const a = valueAt(tin, t, 30_000);
      const b = valueAt(tout, t, 30_000);
      if (rate > 0 && (a !== null || b !== null)) out.push(((a ?? 0) + (b ?? 0)) / rate);
    }
  }
  return out;
}

/** The comparison of the candidate against stable over the experiment window. */
export function compareVersions(
  reader: RolloutMetricReader,
  ids: { stable: string; candidate: string | null },
  metrics: readonly string[],
  window: { from: number; to: number },
): RolloutComparison {
  return {
    windowFrom: window.from,
    windowTo: window.to,
    metrics: metrics.map((metric) =>
      compareSamples(
        metric,
        sampleValues(reader, ids.stable, metric, window.from, window.to),
        ids.candidate === null ? [] : sampleValues(reader, ids.candidate, metric, window.from, window.to),
      ),
    ),
  };
}
