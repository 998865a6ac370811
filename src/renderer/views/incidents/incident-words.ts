import type {
  IncidentSeverity,
  IncidentState,
  IncidentSummary,
  TimelineKind,
} from '../../../shared/contract/index';
import type { Tone } from '../rollouts/rollout-words';

/**
 * How incidents read: each state, severity and timeline kind has a glyph and words as well as a
 * tone (runbooks.css `.tone-*`), so nothing rests on colour alone.
 */
export const severityWords: Record<IncidentSeverity, { label: string; tone: Tone; hint: string }> = {
  sev1: { label: 'SEV1', tone: 'error', hint: 'customers cannot use a production model' },
  sev2: { label: 'SEV2', tone: 'error', hint: 'major degradation' },
  sev3: { label: 'SEV3', tone: 'warning', hint: 'minor degradation' },
  sev4: { label: 'SEV4', tone: 'muted', hint: 'low impact' },
};

export const incidentStateWords: Record<IncidentState, { label: string; glyph: string; tone: Tone }> = {
  open: { label: 'Open', glyph: '●', tone: 'error' },
  acknowledged: { label: 'Acknowledged', glyph: '◐', tone: 'warning' },
  mitigated: { label: 'Mitigated', glyph: '◑', tone: 'active' },
  resolved: { label: 'Resolved', glyph: '✓', tone: 'ok' },
};

export const kindWords: Record<TimelineKind, { label: string; glyph: string }> = {
  state: { label: 'State', glyph: '◆' },
  health: { label: 'Health', glyph: '♥' },
  snapshot: { label: 'Chart', glyph: '∿' },
  k8s_event: { label: 'Kubernetes', glyph: '⎈' },
  pod_restart: { label: 'Pod restart', glyph: '↻' },
  gpu_fault: { label: 'GPU fault', glyph: '⚡' },
  rollout: { label: 'Rollout', glyph: '⇄' },
  run: { label: 'Runbook run', glyph: '▶' },
  note: { label: 'Note', glyph: '✎' },
  action: { label: 'Action', glyph: '☛' },
  healing: { label: 'Self-healing', glyph: '✚' },
};

/** "42 s", "7 min", "3 h 05 min", "2 d 4 h": durations as an incident channel says them. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** Time to detect, mitigate and resolve, measured from when impact began (null while not reached). */
export function incidentDurations(i: IncidentSummary): {
  ttd: number;
  ttm: number | null;
  ttr: number | null;
} {
  return {
    ttd: i.detectedAt - i.startedAt,
    ttm: i.mitigatedAt === null ? null : i.mitigatedAt - i.startedAt,
    ttr: i.resolvedAt === null ? null : i.resolvedAt - i.startedAt,
  };
}

/** Which controls a state offers (the core refuses the rest with a reason anyway). */
export function controlsFor(state: IncidentState): Array<'acknowledge' | 'mitigate' | 'resolve' | 'reopen'> {
  switch (state) {
    case 'open':
      return ['acknowledge', 'mitigate', 'resolve'];
    case 'acknowledged':
      return ['mitigate', 'resolve'];
    case 'mitigated':
      return ['resolve', 'reopen'];
    case 'resolved':
      return ['reopen'];
  }
}

export const controlWords = {
  acknowledge: 'Acknowledge',
  mitigate: 'Mitigated',
  resolve: 'Resolve…',
  reopen: 'Reopen',
} as const;
