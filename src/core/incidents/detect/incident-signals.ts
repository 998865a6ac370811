import type { Endpoint } from '../../../shared/contract/fleet.schema';
import type { MetricName } from '../../../shared/fleet/metrics';

/**
 * The signals an incident carries (incident.schema.ts `signals`), read from an endpoint's
 * health reason (words, see shared/fleet/slo.ts) and its latest metrics. Suggested runbooks and
 * the charts kept with the incident are chosen from them.
 */
export type IncidentSignal =
  | 'latency_p95'
  | 'ttft_p95'
  | 'error_rate'
  | 'queue_depth'
  | 'kv_cache_usage'
  | 'no_data'
  | 'crash_loop'
  | 'gpu_fault';

const reasonSignals: Array<{ signal: IncidentSignal; pattern: RegExp }> = [
  { signal: 'latency_p95', pattern: /\bp95\b/i },
  { signal: 'error_rate', pattern: /\berror rate\b/i },
  // "0 of 2 replicas ready": pods that do not come up are crash-looping or unschedulable.
  { signal: 'crash_loop', pattern: /\breplicas ready\b|crash/i },
  { signal: 'no_data', pattern: /\bno metrics\b|\bno data\b/i },
  { signal: 'gpu_fault', pattern: /\bxid\b|\bgpu\b/i },
];

/**
 * Saturation read from metrics (these have no SLO of their own): a queue this deep or a
 * KV cache this full is what makes latency breach, so they point at scale-out rather than
 * rollback. Two seconds to the first token is slow for any interactive model.
 */
const QUEUE_DEPTH_HIGH = 8;
const KV_CACHE_HIGH = 0.9;
const TTFT_HIGH_S = 2;

export function signalsOf(endpoint: Pick<Endpoint, 'health' | 'metrics'>): IncidentSignal[] {
  const found = new Set<IncidentSignal>();
  for (const { signal, pattern } of reasonSignals)
    if (pattern.test(endpoint.health.reason)) found.add(signal);
  const value = (m: MetricName) => endpoint.metrics[m]?.value;
  if ((value('queue_depth') ?? 0) >= QUEUE_DEPTH_HIGH) found.add('queue_depth');
  if ((value('kv_cache_usage') ?? 0) >= KV_CACHE_HIGH) found.add('kv_cache_usage');
  if ((value('ttft_p95') ?? 0) >= TTFT_HIGH_S) found.add('ttft_p95');
  return [...found];
}

/** How a signal reads in a title ("llama-70b-chat p95 latency critical in us-east-1"). */
export const signalWords: Record<string, string> = {
  latency_p95: 'p95 latency',
  ttft_p95: 'time to first token',
  error_rate: 'error rate',
  queue_depth: 'queue depth',
  kv_cache_usage: 'KV-cache use',
  no_data: 'no data',
  crash_loop: 'pods not ready',
  gpu_fault: 'GPU fault',
};

/** The metric each signal is charted with; snapshots start from these. */
export const signalMetric: Partial<Record<string, MetricName>> = {
  latency_p95: 'latency_p95',
  ttft_p95: 'ttft_p95',
  error_rate: 'error_rate',
  queue_depth: 'queue_depth',
  kv_cache_usage: 'kv_cache_usage',
  crash_loop: 'error_rate',
  gpu_fault: 'gpu_util',
};
