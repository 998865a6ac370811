import { canonicalMetricNames, isMetricName, metricInfo } from '../../shared/fleet/metrics';
import type { MetricName } from '../../shared/fleet/metrics';

/**
 * The runbook file format, version fleetdeck.io/v1 (issue 5, docs/runbooks.md): the fields each
 * level allows, and the small languages inside values (durations, metric conditions,
 * `{{ params.x }}` placeholders). Pure functions: the parser turns their errors into problems
 * with a line and column, the renderer reuses them to check values.
 */

export const RUNBOOK_API_VERSION = 'fleetdeck.io/v1';
export const RUNBOOK_KIND = 'Runbook';

/** Every field each level allows; anything else is an error (a typo must never do nothing). */
export const topLevelFields = [
  'apiVersion',
  'kind',
  'id',
  'title',
  'description',
  'tags',
  'severity',
  'signals',
  'params',
  'steps',
] as const;
export const paramFields = [
  'name',
  'type',
  'description',
  'default',
  'bind',
  'required',
  'enum',
  'pattern',
] as const;
export const stepFields = [
  'id',
  'title',
  'guidance',
  'command',
  'manual',
  'check',
  'confirm',
  'rollback',
  'on_failure',
  'timeout',
] as const;
export const checkFields = ['exit_code', 'output', 'metric', 'timeout'] as const;

/** Ids of runbooks and steps: lower-case words joined by single dashes. */
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Parameter names: usable in `{{ params.name }}` and as `--var name=value`. */
export const PARAM_NAME = /^[a-z][a-z0-9_]*$/;

/** A step that says no timeout gets five minutes; a person can always abort sooner. */
export const DEFAULT_STEP_TIMEOUT_SECONDS = 300;
/** A metric check waits this long beyond its `for` window before it gives up. */
export const METRIC_CHECK_GRACE_SECONDS = 300;

const durationUnits: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** `90s`, `2m`, `1h30m`, `1.5s`, `250ms` -> seconds; null when it is not a duration. */
export function parseDuration(text: string): number | null {
  const t = text.trim();
  if (!/^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(t)) return null;
  let total = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * durationUnits[m[2]!]!;
  return total;
}

/** Levenshtein distance, for "did you mean" on unknown fields and names. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest known name when it is close enough to be a typo, else null. */
export function closest(word: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = distance(word.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

export const didYouMean = (word: string, known: readonly string[]): string => {
  const c = closest(word, known);
  return c ? ` Did you mean '${c}'?` : '';
};

export interface MetricCondition {
  metric: MetricName;
  op: '<' | '<=' | '>' | '>=';
  /** In the metric's base unit (seconds, ratio 0..1, ...). */
  value: number;
  forSeconds: number;
}

/**
 * `latency_p95 < 1.2s for 2m`, `error_rate <= 1%`, `queue_depth < 5 for 30s`. Time units only
 * on time metrics, `%` only on ratios, so `error_rate < 2s` is refused instead of comparing
 * seconds with a ratio.
 */
export function parseMetricCondition(
  text: string,
): { ok: true; value: MetricCondition } | { ok: false; error: string } {
  const m = /^\s*([a-z0-9_]+)\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)\s*(ms|s|m|%)?\s*(?:for\s+(\S+))?\s*$/.exec(
    text,
  );
  if (!m) {
    return {
      ok: false,
      error: `'${text}' is not a metric condition; write '<metric> <op> <value>[unit] [for <duration>]', e.g. 'latency_p95 < 1.2s for 2m'.`,
    };
  }
  const [, name, op, raw, unit, forText] = m;
  if (!isMetricName(name)) {
    return {
      ok: false,
      error: `unknown metric '${name}'.${didYouMean(name!, canonicalMetricNames)} Metrics: ${canonicalMetricNames.join(', ')}.`,
    };
  }
  const base = metricInfo[name].unit;
  let value = Number(raw);
  if (unit === 'ms' || unit === 's' || unit === 'm') {
    if (base !== 's')
      return { ok: false, error: `'${unit}' is a time unit but ${name} is measured in ${base}.` };
    value *= durationUnits[unit]!;
  } else if (unit === '%') {
    if (base !== 'ratio')
      return { ok: false, error: `'%' applies to ratios but ${name} is measured in ${base}.` };
    value /= 100;
  }
  let forSeconds = 0;
  if (forText !== undefined) {
    const d = parseDuration(forText);
    if (d === null)
      return { ok: false, error: `'for ${forText}' is not a duration; write e.g. 'for 2m' or 'for 30s'.` };
    forSeconds = d;
  }
  return { ok: true, value: { metric: name, op: op as MetricCondition['op'], value, forSeconds } };
}

/** `{{ params.name }}`; anything else between double braces is an error, never left as text. */
export const PLACEHOLDER = /\{\{(.*?)\}\}/g;

export interface Placeholder {
  /** The parameter name, or null when the inside is not `params.<name>`. */
  name: string | null;
  inner: string;
  index: number;
  length: number;
  /** Inside '...' or "...", or after a backslash, in a shell command: the quoting would not hold. */
  inQuotes: boolean;
}

/**
 * Finds placeholders in a template. With `shell`, also tracks POSIX quoting so a placeholder
 * written inside quotes is reported: its value is quoted for the author, and `'{{ params.x }}'`
 * would hand the command the quote characters themselves.
 */
export function scanPlaceholders(template: string, shell: boolean): Placeholder[] {
  const found: Placeholder[] = [];
  const quotedAt = shell ? quoteStates(template) : null;
  for (const m of template.matchAll(PLACEHOLDER)) {
    const inner = m[1]!.trim();
    const named = /^params\.([A-Za-z0-9_]+)$/.exec(inner);
    found.push({
      name: named ? named[1]! : null,
      inner,
      index: m.index,
      length: m[0].length,
      inQuotes: quotedAt ? quotedAt[m.index] === true : false,
    });
  }
  return found;
}

/**
 * For each character of a shell command, whether the shell reads it literally rather than as
 * the start of a word: inside single or double quotes, or escaped by a backslash. A quoted
 * value placed there would not be one argument: `'{{ x }}'` closes the author's quote and
 * `\{{ x }}` turns the value's opening quote into a literal one, so what follows runs as code.
 */
function quoteStates(text: string): boolean[] {
  const literal: boolean[] = new Array<boolean>(text.length).fill(false);
  let state: 'none' | 'single' | 'double' = 'none';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    literal[i] = state !== 'none';
    if (state === 'single') {
      if (c === "'") state = 'none';
    } else if (c === '\\') {
      if (i + 1 < text.length) literal[i + 1] = true;
      i++;
    } else if (state === 'double') {
      if (c === '"') state = 'none';
    } else if (c === "'") {
      state = 'single';
    } else if (c === '"') {
      state = 'double';
    }
  }
  return literal;
}

/** Replaces each placeholder with `valueOf(name)`; names were checked by the parser. */
export function substitute(template: string, valueOf: (name: string) => string): string {
  return template.replace(PLACEHOLDER, (_whole, inner: string) => {
    const named = /^params\.([A-Za-z0-9_]+)$/.exec(inner.trim());
    return valueOf(named ? named[1]! : inner.trim());
  });
}

/** The parameter shape the value check needs (a subset of RunbookParam). */
export interface ParamRule {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'duration';
  enum: string[] | null;
  pattern: string | null;
}

/**
 * Checks one parameter value against its type, enum and pattern; returns the value as it will
 * be substituted (booleans normalised to `true`/`false`) or why it is refused.
 */
export function checkParamValue(
  rule: ParamRule,
  raw: string,
): { ok: true; value: string } | { ok: false; error: string } {
  const value = raw.trim();
  switch (rule.type) {
    case 'integer':
      if (!/^-?\d+$/.test(value)) return { ok: false, error: `'${raw}' is not a whole number.` };
      break;
    case 'number':
      if (!/^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/.test(value))
        return { ok: false, error: `'${raw}' is not a number.` };
      break;
    case 'boolean':
      if (!/^(true|false)$/i.test(value)) return { ok: false, error: `'${raw}' is not true or false.` };
      return { ok: true, value: value.toLowerCase() };
    case 'duration':
      if (parseDuration(value) === null)
        return { ok: false, error: `'${raw}' is not a duration; write e.g. 30s, 5m or 1h.` };
      break;
    case 'string':
      break;
  }
  const v = rule.type === 'string' ? raw : value;
  if (rule.enum && !rule.enum.includes(v)) {
    return { ok: false, error: `'${raw}' is not one of ${rule.enum.join(', ')}.${didYouMean(v, rule.enum)}` };
  }
  if (rule.pattern !== null && !new RegExp(`^(?:${rule.pattern})$`).test(v)) {
    return { ok: false, error: `'${raw}' does not match the pattern ${rule.pattern}.` };
  }
  return { ok: true, value: v };
}
