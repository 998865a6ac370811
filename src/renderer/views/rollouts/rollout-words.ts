import type { RolloutDecision, RolloutState, RolloutSummary } from '../../../shared/contract/index';
import { formatMetric } from '../../../shared/fleet/format';
import { isMetricName, metricInfo } from '../../../shared/fleet/metrics';

export type Tone = 'ok' | 'warning' | 'error' | 'active' | 'muted';

/**
 * How each rollout state reads: a glyph and words as well as a tone (runbooks.css `.tone-*`), so
 * the state never rests on colour alone.
 */
export const rolloutStateWords: Record<RolloutState, { label: string; glyph: string; tone: Tone }> = {
  progressing: { label: 'Progressing', glyph: '▶', tone: 'active' },
  paused: { label: 'Paused', glyph: '‖', tone: 'warning' },
  promoting: { label: 'Promoting', glyph: '↑', tone: 'active' },
  succeeded: { label: 'Succeeded', glyph: '✓', tone: 'ok' },
  aborting: { label: 'Aborting', glyph: '↓', tone: 'error' },
  aborted: { label: 'Aborted', glyph: '✕', tone: 'error' },
  failed: { label: 'Failed', glyph: '⚠', tone: 'error' },
  completed: { label: 'Completed', glyph: '✓', tone: 'ok' },
};

export const verdictWords: Record<RolloutDecision['verdict'], { label: string; glyph: string; tone: Tone }> =
  {
    success: { label: 'Passed', glyph: '✓', tone: 'ok' },
    failure: { label: 'Failed', glyph: '✕', tone: 'error' },
    inconclusive: { label: 'Inconclusive', glyph: '?', tone: 'warning' },
    info: { label: 'Info', glyph: '•', tone: 'muted' },
  };

export const strategyWords: Record<RolloutSummary['strategy'], string> = {
  canary: 'Canary',
  blueGreen: 'Blue-green',
  ab: 'A/B test',
};

export const comparisonVerdictWords = {
  candidate_better: { label: 'Candidate better', tone: 'ok' },
  candidate_worse: { label: 'Candidate worse', tone: 'error' },
  no_significant_difference: { label: 'No significant difference', tone: 'muted' },
  not_enough_data: { label: 'Not enough data', tone: 'warning' },
} as const satisfies Record<string, { label: string; tone: Tone }>;

/** A rollout that can still change: the controls apply; the rest are history. */
export const isActive = (state: RolloutState): boolean =>
  state === 'progressing' || state === 'paused' || state === 'promoting' || state === 'aborting';

/** A plan metric's label: canonical metrics by their label, the derived ones spelled out. */
export function metricLabel(metric: string): string {
  if (isMetricName(metric)) return metricInfo[metric].label;
  if (metric === 'cost_per_1k_requests') return 'Cost per 1k requests';
  if (metric === 'tokens_per_request') return 'Tokens per request';
  return metric;
}

/** A plan metric's value with its unit: canonical ones as everywhere else, the derived ones here. */
export function formatPlanMetric(metric: string, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (isMetricName(metric)) return formatMetric(metric, value);
  if (metric === 'cost_per_1k_requests') return `$${value.toFixed(value < 1 ? 4 : 2)}`;
  if (metric === 'tokens_per_request') return `${value.toFixed(0)} tok`;
  return String(Number(value.toPrecision(4)));
}

/** A difference keeps its sign: "+12 ms", "−0.4 %". */
export function formatSigned(metric: string, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const text = formatPlanMetric(metric, Math.abs(value));
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
}

/** "0.012" and "< 0.001": p-values as people read them. */
export function formatPValue(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return '—';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}
