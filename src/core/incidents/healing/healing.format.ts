/**
 * The healing policy file format (docs/healing.md): field names, defaults and the `when`
 * grammar. The parser and the docs are written from these, so they cannot drift apart.
 */
import { didYouMean, parseDuration, parseMetricCondition } from '../../runbooks/runbook.format';

export const HEALING_API_VERSION = 'fleetdeck.io/v1';
export const HEALING_KIND = 'HealingPolicy';

export const policyFields = [
  'apiVersion',
  'kind',
  'id',
  'title',
  'enabled',
  'mode',
  'when',
  'match',
  'action',
  'limits',
] as const;
export const matchFields = ['clusters', 'models', 'namespaces'] as const;
export const actionFields = ['runbook', 'vars', 'abort_rollout', 'shift_traffic'] as const;
export const shiftTrafficFields = ['runbook', 'vars'] as const;
export const limitFields = ['per_endpoint_per_hour', 'fleet_per_hour'] as const;
export const modes = ['run', 'dry-run'] as const;

/** dry-run by default: a policy someone forgot to review only proposes. */
export const DEFAULT_MODE = 'dry-run';
/** One automatic action per endpoint per hour, three across the fleet, unless a policy says otherwise. */
export const DEFAULT_LIMITS = { perEndpointPerHour: 1, fleetPerHour: 3 };
/** The built-in runbook `shift_traffic` runs when it names none. */
export const DEFAULT_SHIFT_TRAFFIC_RUNBOOK = 'shift-traffic-away-from-region';

/** `health` compares as a number so `health >= warning` reads naturally. */
export const healthLevels = ['ok', 'warning', 'critical'] as const;
export type HealthLevel = (typeof healthLevels)[number];

export interface PolicyCondition {
  /** A canonical metric name, or `health`. */
  metric: string;
  op: '<' | '<=' | '>' | '>=' | '==';
  value: number;
  forSeconds: number;
}

const example = "'latency_p95 > 12s for 2m' or 'health == critical for 1m'";

/**
 * `latency_p95 > 12s for 2m` (the runbook metric-check grammar, runbook.format.ts) or
 * `health == critical for 1m`. A trigger without `for` is refused: a policy that acts on one
 * sample would act on noise.
 */
export function parsePolicyCondition(
  text: string,
): { ok: true; value: PolicyCondition } | { ok: false; error: string } {
  const health = /^\s*health\s*(==|>=|>)\s*([a-z]+)\s*(?:for\s+(\S+))?\s*$/.exec(text);
  if (health) {
    const [, op, level, forText] = health;
    const value = healthLevels.indexOf(level as HealthLevel);
    if (value < 0)
      return {
        ok: false,
        error: `'${level}' is not a health level.${didYouMean(level!, healthLevels)} Levels: ${healthLevels.join(', ')}.`,
      };
    if (forText === undefined) return { ok: false, error: missingFor(text) };
    const forSeconds = parseDuration(forText);
    if (forSeconds === null)
      return { ok: false, error: `'for ${forText}' is not a duration; write e.g. 'for 2m' or 'for 30s'.` };
    return { ok: true, value: { metric: 'health', op: op as PolicyCondition['op'], value, forSeconds } };
  }
  if (/^\s*[a-z0-9_]+\s*==/.test(text))
    return {
      ok: false,
      error: `'==' only compares health ('health == critical for 1m'); compare a metric with <, <=, > or >=.`,
    };
  const parsed = parseMetricCondition(text);
  if (!parsed.ok) return { ok: false, error: `${parsed.error} A trigger looks like ${example}.` };
  if (!/\bfor\s+\S+\s*$/.test(text)) return { ok: false, error: missingFor(text) };
  return { ok: true, value: parsed.value };
}

const missingFor = (text: string) =>
  `'${text.trim()}' needs a duration it must hold for, e.g. '${text.trim()} for 2m': a policy never acts on one sample.`;
