import { bucketWidths } from './spend.recorder';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;

export type SpendResolution = '1m' | '5m' | '1h';

/**
 * Which spend_rollup buckets serve [from, to] and the step of the bounded series: the
 * coarsest width still kept at `from` that is no wider than about span / maxPoints (fewest rows
 * read), else the finest kept; the step in whole buckets, so each bucket falls in one step.
 */
export function chooseStep(
  from: number,
  to: number,
  maxPoints: number,
  now: number,
): { width: number; stepMs: number; resolution: SpendResolution } {
  const span = Math.max(1, to - from);
  const desired = span / maxPoints;
  const kept = bucketWidths.filter((b) => from >= now - b.keepMs + b.width);
  const usable = kept.length > 0 ? kept : bucketWidths.slice(-1);
  const fitting = usable.filter((b) => b.width <= desired);
  const width = (fitting.at(-1) ?? usable[0]!).width;
  const stepMs = Math.max(1, Math.ceil(desired / width)) * width;
  const resolution: SpendResolution = width === HOUR ? '1h' : width === MINUTE ? '1m' : '5m';
  return { width, stepMs, resolution };
}
