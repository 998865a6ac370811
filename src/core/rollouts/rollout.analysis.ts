import type {
  RolloutAnalysis,
  RolloutCondition,
  RolloutDecision,
} from '../../shared/contract/rollout.schema';
import { formatMetric } from '../../shared/fleet/format';
import { isMetricName, type MetricName } from '../../shared/fleet/metrics';
import { latestIn, type RolloutMetricReader } from './rollout.metrics';

export type Measurement = RolloutDecision['measurements'][number];
export type Verdict = 'success' | 'failure' | 'inconclusive';

/** One measurement of every condition of an analysis, at one moment. */
export interface AnalysisResult {
  verdict: Verdict;
  measurements: Measurement[];
  /** Why it failed or was inconclusive, in words with the numbers (empty on success). */
  reasons: string[];
}

/** Spend is stored when it moves, or every 30 s when it does not (fleet.service.ts). */
const SPEND_FRESH_MS = 60_000;

/**
 * A value of a metric (canonical or derived) for one endpoint: the newest sample no older than
 * `freshMs`. Derived figures are computed from the newest of each input:
 * cost_per_1k_requests = spend_per_hour / (request_rate * 3.6), tokens_per_request =
 * (tokens_in_rate + tokens_out_rate) / request_rate. Null with the reason when it cannot be known.
 */
export function metricValue(
  reader: RolloutMetricReader,
  endpointId: string,
  metric: string,
  now: number,
  freshMs: number,
): { value: number; why: null } | { value: null; why: string } {
  const read = (m: MetricName, fresh = freshMs) =>
    latestIn(reader, endpointId, m, now - fresh, now)?.value ?? null;
  if (isMetricName(metric)) {
    const v = read(metric, metric === 'spend_per_hour' ? Math.max(freshMs, SPEND_FRESH_MS) : freshMs);
    return v === null ? { value: null, why: `no fresh ${metric}` } : { value: v, why: null };
  }
  const rate = read('request_rate');
  if (rate === null) return { value: null, why: `no fresh request_rate (needed for ${metric})` };
  if (rate <= 0) return { value: null, why: `no requests (needed for ${metric})` };
  if (metric === 'cost_per_1k_requests') {
    const spend = read('spend_per_hour', Math.max(freshMs, SPEND_FRESH_MS));
    return spend === null
      ? { value: null, why: 'no fresh spend_per_hour (needed for cost_per_1k_requests)' }
      : { value: spend / (rate * 3.6), why: null };
  }
  if (metric === 'tokens_per_request') {
    const tin = read('tokens_in_rate');
    const tout = read('tokens_out_rate');
    if (tin === null && tout === null)
      return {
        value: null,
        why: 'no fresh tokens_in_rate or tokens_out_rate (needed for tokens_per_request)',
      };
    return { value: ((tin ?? 0) + (tout ?? 0)) / rate, why: null };
  }
  return { value: null, why: `unknown metric ${metric}` };
}

const trim = (n: number, digits: number) => String(Number(n.toFixed(digits)));

/** A value the way the rest of Fleetdeck prints it: "4.2 %", "1.9 s", "$0.0123", "212 tokens". */
export function formatValue(metric: string, value: number): string {
  if (isMetricName(metric)) return formatMetric(metric, value);
  if (metric === 'cost_per_1k_requests') return `$${value < 1 ? value.toPrecision(3) : value.toFixed(2)}`;
  if (metric === 'tokens_per_request') return `${trim(value, value < 10 ? 1 : 0)} tokens`;
  return trim(value, 3);
}

const negated: Record<RolloutCondition['op'], string> = { '<': '>=', '<=': '>', '>': '<=', '>=': '<' };

const holds = (op: RolloutCondition['op'], a: number, b: number): boolean =>
  op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;

/** "stable 0.8 % x 1.1", "stable 300 ms + 100 ms", or the absolute threshold "1.2 s". */
function thresholdWords(c: RolloutCondition, stable: number | null, threshold: number): string {
  if (c.relative === null) return formatValue(c.metric, threshold);
  const { factor, offset } = c.relative;
  let words = `stable ${stable === null ? '—' : formatValue(c.metric, stable)}`;
  if (factor !== 1) words += ` x ${trim(factor, 3)}`;
  if (offset !== 0) words += ` ${offset < 0 ? '-' : '+'} ${formatValue(c.metric, Math.abs(offset))}`;
  return words;
}

/** "candidate error_rate 4.2 % > stable 0.8 % x 1.1": why a measurement of a condition failed. */
export function failureWords(c: RolloutCondition, m: Measurement): string {
  return `candidate ${c.metric} ${formatValue(c.metric, m.candidate ?? 0)} ${negated[c.op]} ${thresholdWords(
    c,
    m.stable,
    m.threshold ?? 0,
  )}`;
}

/**
 * Takes one measurement: the candidate's value of each condition against its absolute threshold
 * or the stable version's value now (stable * factor + offset). Missing data, data older than two
 * intervals, or candidate traffic below minRequestRate make the measurement inconclusive, never a
 * success; a condition that clearly fails makes it a failure whatever else is missing.
 */
export function measure(
  analysis: RolloutAnalysis,
  ids: { candidate: string | null; stable: string },
  reader: RolloutMetricReader,
  now: number,
): AnalysisResult {
  const freshMs = 2 * analysis.intervalSeconds * 1000;
  const measurements: Measurement[] = [];
  const failures: string[] = [];
  const inconclusive: string[] = [];
  if (ids.candidate === null) {
    return {
      verdict: 'inconclusive',
      measurements,
      reasons: ['the candidate endpoint is not in the fleet yet (no metrics to measure)'],
    };
  }
  const rate = metricValue(reader, ids.candidate, 'request_rate', now, freshMs);
  const rateOk = rate.value !== null && rate.value >= analysis.minRequestRate;
  measurements.push({
    metric: 'request_rate',
    candidate: rate.value,
    stable: null,
    threshold: analysis.minRequestRate,
    ok: rate.value === null ? null : rateOk,
  });
  if (rate.value === null) inconclusive.push(`${rate.why} for the candidate`);
  else if (!rateOk)
    inconclusive.push(
      `candidate traffic ${formatMetric('request_rate', rate.value)} is below minRequestRate ${formatMetric(
        'request_rate',
        analysis.minRequestRate,
      )}`,
    );

  for (const c of analysis.conditions) {
    const cand = metricValue(reader, ids.candidate, c.metric, now, freshMs);
    const stable = c.relative ? metricValue(reader, ids.stable, c.metric, now, freshMs) : null;
    let threshold: number | null = c.value;
    if (c.relative)
      threshold = stable?.value == null ? null : stable.value * c.relative.factor + c.relative.offset;
    const m: Measurement = {
      metric: c.metric,
      candidate: cand.value,
      stable: stable?.value ?? null,
      threshold,
      ok: cand.value === null || threshold === null ? null : holds(c.op, cand.value, threshold),
    };
    measurements.push(m);
    if (cand.value === null) inconclusive.push(`${cand.why} for the candidate`);
    else if (stable && stable.value === null) inconclusive.push(`${stable.why} for the stable version`);
    else if (m.ok === false) failures.push(failureWords(c, m));
  }
  if (failures.length > 0) return { verdict: 'failure', measurements, reasons: failures };
  if (inconclusive.length > 0) return { verdict: 'inconclusive', measurements, reasons: inconclusive };
  return { verdict: 'success', measurements, reasons: [] };
}

export interface AnalysisCounts {
  taken: number;
  successes: number;
  failures: number;
  inconclusive: number;
}

export const noCounts = (): AnalysisCounts => ({ taken: 0, successes: 0, failures: 0, inconclusive: 0 });

/**
 * What the counts mean once a measurement is added: carry on, or the analysis has ended.
 * `count` is the number of conclusive measurements (success or failure) an analysis needs; an
 * inconclusive one (a pod just started, no traffic yet) is taken again, up to inconclusiveLimit,
 * so a pass always rests on `count` real readings, never on missing data.
 */
export function judge(
  analysis: RolloutAnalysis,
  counts: AnalysisCounts,
  options: { endless?: boolean } = {},
): 'continue' | 'success' | 'failure' | 'inconclusive' {
  // failureLimit failed measurements abort (Flagger's threshold; Argo Rollouts aborts one later).
  if (counts.failures >= analysis.failureLimit) return 'failure';
  if (counts.inconclusive > analysis.inconclusiveLimit) return 'inconclusive';
  if (options.endless || counts.successes + counts.failures < Math.max(1, analysis.count)) return 'continue';
  return 'success';
}

export function count(counts: AnalysisCounts, verdict: Verdict): AnalysisCounts {
  return {
    taken: counts.taken + 1,
    successes: counts.successes + (verdict === 'success' ? 1 : 0),
    failures: counts.failures + (verdict === 'failure' ? 1 : 0),
    inconclusive: counts.inconclusive + (verdict === 'inconclusive' ? 1 : 0),
  };
}
