import type { RunState, RunStepRecord, RunbookSummary } from '../../../shared/contract/index';

/** How each run state reads, and the tone it is painted in (runbooks.css `.tone-*`). */
export const runStateWords: Record<
  RunState,
  { label: string; tone: 'ok' | 'warning' | 'error' | 'active' | 'muted' }
> = {
  running: { label: 'Running', tone: 'active' },
  waiting: { label: 'Waiting for you', tone: 'warning' },
  paused: { label: 'Paused', tone: 'warning' },
  succeeded: { label: 'Succeeded', tone: 'ok' },
  failed: { label: 'Failed', tone: 'error' },
  aborted: { label: 'Aborted', tone: 'muted' },
  rolled_back: { label: 'Rolled back', tone: 'muted' },
  interrupted: { label: 'Interrupted', tone: 'error' },
};

export type StepState = RunStepRecord['state'];

export const stepStateWords: Record<
  StepState,
  { label: string; tone: 'ok' | 'warning' | 'error' | 'active' | 'muted' }
> = {
  pending: { label: 'Pending', tone: 'muted' },
  waiting_confirm: { label: 'Needs confirmation', tone: 'warning' },
  waiting_manual: { label: 'Your turn', tone: 'warning' },
  running: { label: 'Running', tone: 'active' },
  checking: { label: 'Checking', tone: 'active' },
  succeeded: { label: 'Succeeded', tone: 'ok' },
  failed: { label: 'Failed', tone: 'error' },
  skipped: { label: 'Skipped', tone: 'muted' },
  rolled_back: { label: 'Rolled back', tone: 'muted' },
  interrupted: { label: 'Interrupted', tone: 'error' },
};

/**
 * A run that can still change (the controls apply); the rest are history. A failed run is not
 * over: its failed step can be retried or skipped, or the run rolled back (run.engine.ts).
 */
export const isLive = (state: RunState): boolean =>
  state !== 'succeeded' && state !== 'aborted' && state !== 'rolled_back';

export const severityOrder: Record<RunbookSummary['severity'], number> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
  info: 4,
};

/** "850 ms", "12 s", "3 min 05 s", "1 h 02 min": a step's length at a glance. */
export function formatDuration(ms: number): string {
  if (ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** How long a step took, or has been running so far (`now` while it runs). */
export function stepDuration(step: RunStepRecord, now: number): string | null {
  if (step.startedAt === null) return null;
  return formatDuration((step.endedAt ?? now) - step.startedAt);
}
