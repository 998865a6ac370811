/**
 * The bounded point window behind one chart series: a full fetch fills it, the live tail is
 * appended at the same step, and anything older than the range falls off. So a panel open for
 * hours holds about as many points as it has pixels (chart-memory bench; ARCHITECTURE.md
 * "one point per pixel"). Pure, tested in test/unit/renderer/endpoints-series-window.test.ts.
 */
export type Point = [number, number];

export interface SeriesWindow {
  points: Point[];
  stepMs: number;
}

/** Appends tail points newer than the last one and at least a step apart; trims to [from, ...]. */
export function appendTail(
  window: SeriesWindow,
  tail: readonly Point[],
  from: number,
  maxPoints: number,
): SeriesWindow {
  const points = window.points.slice();
  let last = points.length > 0 ? points[points.length - 1]![0] : -Infinity;
  const minGap = Math.max(1, window.stepMs);
  for (const p of tail) {
    if (p[0] <= last) continue;
    if (Number.isFinite(last) && p[0] - last < minGap) continue;
    points.push([p[0], p[1]]);
    last = p[0];
  }
  let drop = 0;
  while (drop < points.length && points[drop]![0] < from) drop++;
  // A safety net on top of the time window: never more than twice the pixel budget.
  drop = Math.max(drop, points.length - maxPoints * 2);
  return { points: drop > 0 ? points.slice(drop) : points, stepMs: window.stepMs };
}

/** Spans where the series is above the threshold, as [start, end] pairs for a markArea. */
export function breachSpans(
  points: readonly Point[],
  threshold: number,
  maxSpans = 40,
): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let start: number | null = null;
  let prev: number | null = null;
  for (const [t, v] of points) {
    if (v > threshold) {
      if (start === null) start = prev ?? t;
      prev = t;
    } else {
      if (start !== null) spans.push([start, t]);
      start = null;
      prev = t;
    }
  }
  if (start !== null && prev !== null) spans.push([start, prev]);
  // Merge the closest spans when there are too many to draw legibly.
  while (spans.length > maxSpans) {
    let best = 0;
    for (let i = 1; i < spans.length - 1; i++) {
      if (spans[i + 1]![0] - spans[i]![1] < spans[best + 1]![0] - spans[best]![1]) best = i;
    }
    spans.splice(best, 2, [spans[best]![0], spans[best + 1]![1]]);
  }
  return spans;
}
