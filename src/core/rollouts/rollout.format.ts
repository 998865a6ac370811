import type { RolloutAnalysis } from '../../shared/contract/rollout.schema';

/**
 * The rollout plan format, version fleetdeck.io/v1 (issue 6, docs/rollouts.md): the fields each
 * level allows and the defaults of everything optional. The parser checks against these; the
 * generator and the docs use the same numbers.
 */

export const ROLLOUT_API_VERSION = 'fleetdeck.io/v1';
export const ROLLOUT_KIND = 'Rollout';

/** Every field each level allows; anything else is an error (a typo must never do nothing). */
export const topLevelFields = ['apiVersion', 'kind', 'metadata', 'spec'] as const;
export const metadataFields = ['name', 'description'] as const;
export const specFields = [
  'endpoint',
  'stable',
  'candidate',
  'analysis',
  'backgroundAnalysis',
  'strategy',
] as const;
export const stableFields = ['version'] as const;
export const candidateFields = ['version', 'replicas'] as const;
export const strategyKinds = ['canary', 'blueGreen', 'ab'] as const;
export const canaryFields = ['steps'] as const;
export const stepKinds = ['setWeight', 'pause', 'analysis'] as const;
export const pauseFields = ['duration'] as const;
export const analysisFields = [
  'conditions',
  'interval',
  'count',
  'failureLimit',
  'inconclusiveLimit',
  'minRequestRate',
] as const;
export const blueGreenFields = [
  'previewWeight',
  'prePromotionAnalysis',
  'postPromotionAnalysis',
  'scaleDownDelay',
  'autoPromote',
] as const;
export const abFields = ['weight', 'duration', 'metrics', 'abortWhen'] as const;

/** Rollout names: lower-case words joined by single dashes (they appear in CLI commands). */
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Analysis defaults: five measurements 30 s apart (2.5 min per analysis step); a second
 * failed measurement aborts (failureLimit is the number of failures that abort), more than two inconclusive ones pause for a person; below
 * 0.1 req/s on the candidate a measurement is inconclusive (too few requests to judge).
 */
export const analysisDefaults: Omit<RolloutAnalysis, 'conditions'> = {
  intervalSeconds: 30,
  count: 5,
  failureLimit: 2,
  inconclusiveLimit: 2,
  minRequestRate: 0.1,
};

export const blueGreenDefaults = {
  previewWeight: 0,
  scaleDownDelaySeconds: 600,
  autoPromote: true,
} as const;

export const abDefaults = {
  weight: 50,
  durationSeconds: 3600,
  metrics: ['latency_p95', 'error_rate', 'tokens_per_request', 'cost_per_1k_requests'],
} as const;

/** `90s`, `5m`, `1h30m`, `250ms`, or a bare number of seconds -> seconds; null when not a duration. */
export function parseRolloutDuration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const t = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(t)) return Number(t);
  if (!/^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(t)) return null;
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * units[m[2]!]!;
  return total;
}

/** Seconds as an author writes them: 30s, 5m, 1h, 1h30m, 90s stays 90s when not whole minutes. */
export function formatDuration(seconds: number): string {
  if (seconds > 0 && seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds % 3600 === 0 && seconds > 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0 && seconds > 0) {
    const h = Math.floor(seconds / 3600);
    const m = (seconds % 3600) / 60;
    return h > 0 ? `${h}h${m}m` : `${m}m`;
  }
  return `${seconds}s`;
}

export { formatCondition, parseCondition } from './rollout-condition';
