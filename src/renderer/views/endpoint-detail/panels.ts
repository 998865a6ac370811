import type { Endpoint } from '../../../shared/contract/index';
import type { MetricName } from '../../../shared/fleet/metrics';
import type { Slo } from '../../../shared/fleet/slo';
import type { SeriesDef, Thresholds } from './LiveChart';

export interface PanelSpec {
  key: string;
  title: string;
  testId: string;
  defs: SeriesDef[];
  axes: [MetricName] | [MetricName, MetricName];
  thresholds?: Thresholds;
}

const def = (id: string, name: string, metric: MetricName, yAxis: 0 | 1 = 0, dashed = false): SeriesDef => ({
  id: `${id}:${metric}`,
  name,
  metric,
  endpointId: id,
  yAxis,
  dashed,
});

/** The six panels of an endpoint (issue 4, Endpoint detail), with SLO lines where they apply. */
export function panelSpecs(
  id: string,
  slo: Slo,
  siblings: readonly Endpoint[],
  compare: boolean,
): PanelSpec[] {
  const latency = [
    def(id, 'p50', 'latency_p50'),
    def(id, 'p95', 'latency_p95'),
    def(id, 'p99', 'latency_p99'),
    def(id, 'TTFT p95', 'ttft_p95', 0, true),
  ];
  if (compare) {
    for (const s of siblings.slice(0, 8))
      latency.push({ ...def(s.id, `${s.version} p95`, 'latency_p95', 0, true) });
  }
  return [
    {
      key: 'latency',
      title: 'Latency',
      testId: 'chart-latency',
      defs: latency,
      axes: ['latency_p95'],
      thresholds: {
        warn: slo.latencyP95WarnS,
        crit: slo.latencyP95CritS,
        seriesId: `${id}:latency_p95`,
        // The warning line always shows; the critical one when the data gets near it.
        axisFloor: slo.latencyP95WarnS * 1.15,
      },
    },
    {
      key: 'throughput',
      title: 'Requests and tokens',
      testId: 'chart-throughput',
      defs: [
        def(id, 'requests/s', 'request_rate'),
        def(id, 'tokens in/s', 'tokens_in_rate', 1),
        def(id, 'tokens out/s', 'tokens_out_rate', 1),
      ],
      axes: ['request_rate', 'tokens_out_rate'],
    },
    {
      key: 'errors',
      title: 'Error rate',
      testId: 'chart-error-rate',
      defs: [def(id, 'error rate', 'error_rate')],
      axes: ['error_rate'],
      thresholds: {
        warn: slo.errorRateWarn,
        crit: slo.errorRateCrit,
        seriesId: `${id}:error_rate`,
        axisFloor: slo.errorRateCrit * 1.25,
      },
    },
    {
      key: 'queue',
      title: 'Queue depth and KV-cache',
      testId: 'chart-queue',
      defs: [def(id, 'queue depth', 'queue_depth'), def(id, 'KV-cache use', 'kv_cache_usage', 1)],
      axes: ['queue_depth', 'kv_cache_usage'],
    },
    {
      key: 'gpu',
      title: 'GPU utilisation',
      testId: 'chart-gpu',
      defs: [def(id, 'GPU util', 'gpu_util')],
      axes: ['gpu_util'],
    },
    {
      key: 'spend',
      title: 'Spend per hour',
      testId: 'chart-spend',
      defs: [def(id, 'spend', 'spend_per_hour')],
      axes: ['spend_per_hour'],
    },
  ];
}
