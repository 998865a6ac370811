import type { MetricName } from '../../shared/fleet/metrics';
import type { MetricsStore } from '../metrics/metrics.store';

/** What analysis and the A/B comparison read: raw samples from the metrics cache. */
export interface RolloutMetricReader {
  /** Samples of one endpoint's metric in [from, to], oldest first, as [epoch ms, value]. */
  samples(endpointId: string, metric: MetricName, from: number, to: number): Array<[number, number]>;
}

/**
 * Reads the cache's raw table (the last two hours; rollouts measure minutes). One point per
 * stored sample: the step is a millisecond or so, far below the scrape interval.
 */
export function metricsReader(store: MetricsStore, now: () => number): RolloutMetricReader {
  return {
    samples(endpointId, metric, from, to) {
      const span = Math.max(1, to - from);
      const [series] = store.series(
        { endpointIds: [endpointId], metric, from, to, maxPoints: Math.min(span, 1_000_000) },
        now(),
      );
      return series?.points ?? [];
    },
  };
}

/** The newest sample in [from, to], or null. */
export function latestIn(
  reader: RolloutMetricReader,
  endpointId: string,
  metric: MetricName,
  from: number,
  to: number,
): { value: number; at: number } | null {
  const points = reader.samples(endpointId, metric, from, to);
  const last = points[points.length - 1];
  return last ? { at: last[0], value: last[1] } : null;
}
