import type { RolloutCondition } from '../../shared/contract/rollout.schema';
import { canonicalMetricNames, metricInfo, type MetricUnit } from '../../shared/fleet/metrics';
import { didYouMean } from '../runbooks/runbook.format';

/**
 * The condition language of rollout analysis (docs/rollouts.md): one metric, one comparison,
 * and a threshold that is either absolute (`latency_p95 < 1.2s`) or relative to the stable
 * version measured at the same moment (`error_rate <= stable * 1.1`, `ttft_p95 <= stable + 100ms`).
 * Values are converted to the metric's base unit here, once, so the engine only compares numbers.
 */

/** Per-request figures the engine derives from the canonical rates; useful gates for LLMs. */
export const derivedMetricNames = ['cost_per_1k_requests', 'tokens_per_request'] as const;
export type DerivedMetricName = (typeof derivedMetricNames)[number];

export type RolloutMetricUnit = MetricUnit | 'usd' | 'tokens';

/** Every metric a condition may name, with its base unit. */
export const rolloutMetricUnits: Record<string, RolloutMetricUnit> = {
  ...Object.fromEntries(canonicalMetricNames.map((m) => [m, metricInfo[m].unit])),
  /** USD per 1000 requests: spend_per_hour / (request_rate * 3600) * 1000. */
  cost_per_1k_requests: 'usd',
  /** (tokens_in_rate + tokens_out_rate) / request_rate. */
  tokens_per_request: 'tokens',
};
export const rolloutMetricNames: readonly string[] = Object.keys(rolloutMetricUnits);

export const isRolloutMetric = (name: string): boolean => Object.hasOwn(rolloutMetricUnits, name);

const timeUnits: Record<string, number> = { ms: 0.001, s: 1, m: 60 };
const NUMBER = String.raw`(\d+(?:\.\d+)?|\.\d+)`;
const AMOUNT = new RegExp(String.raw`^${NUMBER}\s*(ms|s|m|%)?$`);

export type ConditionResult =
  | { ok: true; value: RolloutCondition }
  /** `at`: where in the text the mistake is (0-based), for the problem's column. */
  | { ok: false; error: string; at: number };

/** `1.2s`, `100ms`, `2%`, `0.5` -> the metric's base unit; an error names what is wrong. */
function amount(
  text: string,
  metric: string,
  unit: RolloutMetricUnit,
): { ok: true; value: number } | { ok: false; error: string } {
  const m = AMOUNT.exec(text.trim());
  if (!m)
    return { ok: false, error: `'${text.trim()}' is not a number (with an optional unit: ms, s, m or %).` };
  const value = Number(m[1]);
  const u = m[2];
  if (u === undefined) return { ok: true, value };
  if (u === '%') {
    if (unit !== 'ratio')
      return { ok: false, error: `'%' applies to ratios but ${metric} is measured in ${unit}.` };
    return { ok: true, value: value / 100 };
  }
  if (unit !== 's')
    return { ok: false, error: `'${u}' is a time unit but ${metric} is measured in ${unit}.` };
  return { ok: true, value: value * timeUnits[u]! };
}

const CONDITION = /^(\s*)([A-Za-z0-9_]+)(\s*)(<=|>=|<|>|==|=|!=)?(\s*)(.*?)\s*$/;

/**
 * Parses one condition. The right-hand side is `<amount>` or `stable [* <factor>] [+|- <amount>]`;
 * a relative threshold is `stable * factor + offset` with the offset in the metric's unit.
 */
export function parseCondition(text: string): ConditionResult {
  const m = CONDITION.exec(text);
  const usage = `write '<metric> <op> <value>' or '<metric> <op> stable [* factor] [+ value]', e.g. 'latency_p95 < 1.2s' or 'error_rate <= stable * 1.1'.`;
  if (!m || m[2] === '') return { ok: false, error: `'${text}' is not a condition; ${usage}`, at: 0 };
  const [, lead, metric, gap1, op, gap2, rhs] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const metricAt = lead.length;
  if (!isRolloutMetric(metric)) {
    return {
      ok: false,
      error: `Unknown metric '${metric}'.${didYouMean(metric, rolloutMetricNames)} Metrics: ${rolloutMetricNames.join(', ')}.`,
      at: metricAt,
    };
  }
  const opAt = metricAt + metric.length + gap1.length;
  if (op === undefined) return { ok: false, error: `'${text.trim()}' has no comparison; ${usage}`, at: opAt };
  if (op !== '<' && op !== '<=' && op !== '>' && op !== '>=')
    return { ok: false, error: `'${op}' is not a comparison here; use <, <=, > or >=.`, at: opAt };
  const rhsAt = opAt + op.length + gap2.length;
  if (rhs === '')
    return { ok: false, error: `'${text.trim()}' has no threshold after '${op}'; ${usage}`, at: rhsAt };
  if (/\bfor\b/.test(rhs)) {
    return {
      ok: false,
      error: `'for' windows belong to runbook checks; in an analysis, interval and count say how long a condition must hold.`,
      at: rhsAt + rhs.search(/\bfor\b/),
    };
  }
  const unit = rolloutMetricUnits[metric]!;
  const base = { expression: text.trim(), metric, op } as const;

  const rel = /^stable\b\s*(?:\*\s*([^+\-\s]+))?\s*(?:([+-])\s*(.+))?$/.exec(rhs);
  if (rel) {
    const [, factorText, sign, offsetText] = rel;
    let factor = 1;
    if (factorText !== undefined) {
      if (!/^(\d+(?:\.\d+)?|\.\d+)$/.test(factorText) || Number(factorText) <= 0)
        return {
          ok: false,
          error: `The factor '${factorText}' must be a plain number above 0 (1.1 means 10 % above stable).`,
          at: rhsAt + rhs.indexOf(factorText),
        };
      factor = Number(factorText);
    }
    let offset = 0;
    if (offsetText !== undefined) {
      const a = amount(offsetText, metric, unit);
      if (!a.ok) return { ok: false, error: a.error, at: rhsAt + rhs.lastIndexOf(offsetText) };
      offset = sign === '-' ? -a.value : a.value;
    }
    return { ok: true, value: { ...base, value: null, relative: { factor, offset } } };
  }
  if (/\bstable\b/.test(rhs) && !/^stable\b/.test(rhs))
    return {
      ok: false,
      error: `Write 'stable' first, then the factor and the offset: '${metric} ${op} stable * 1.1 + 0.5%'.`,
      at: rhsAt,
    };
  if (/^[a-z_]+/i.test(rhs) && !/^stable\b/.test(rhs)) {
    const word = /^[a-z_]+/i.exec(rhs)![0];
    return {
      ok: false,
      error: `'${word}' is not a value; a threshold is a number or relative to 'stable'.${didYouMean(word, ['stable'])}`,
      at: rhsAt,
    };
  }
  const a = amount(rhs, metric, unit);
  if (!a.ok) return { ok: false, error: a.error, at: rhsAt };
  return { ok: true, value: { ...base, value: a.value, relative: null } };
}

/** A number without float noise (0.1 * 3 -> 0.3), shortest form. */
const num = (n: number): string => String(Number(n.toPrecision(12)));

/** A value in the metric's base unit, written the way an author would: 100ms, 1.2s, 2%, 0.5. */
export function formatAmount(metric: string, value: number): string {
  const unit = rolloutMetricUnits[metric];
  if (unit === 's') return value !== 0 && Math.abs(value) < 1 ? `${num(value * 1000)}ms` : `${num(value)}s`;
  if (unit === 'ratio') return `${num(value * 100)}%`;
  return num(value);
}

/**
 * A condition in the language it was written in, normalised: `error_rate <= stable * 1.1`,
 * `ttft_p95 <= stable + 100ms`, `latency_p95 < 1.2s`. Parses back to the same condition, so
 * the generator writes plans with it and the UI shows it.
 */
export function formatCondition(c: RolloutCondition): string {
  if (c.relative === null) return `${c.metric} ${c.op} ${formatAmount(c.metric, c.value ?? 0)}`;
  const { factor, offset } = c.relative;
  let rhs = 'stable';
  if (factor !== 1) rhs += ` * ${num(factor)}`;
  if (offset !== 0) rhs += ` ${offset < 0 ? '-' : '+'} ${formatAmount(c.metric, Math.abs(offset))}`;
  return `${c.metric} ${c.op} ${rhs}`;
}

/** The threshold a relative condition sets for a measured stable value (absolute: its value). */
export function thresholdOf(c: RolloutCondition, stable: number | null): number | null {
  if (c.relative === null) return c.value;
  if (stable === null) return null;
  return stable * c.relative.factor + c.relative.offset;
}
