/**
 * Fleetdeck's canonical metrics: the names used by the API, the CLI and the UI, whatever the
 * runtime (vLLM, TGI, a hosted API). Each provider maps its native names onto these and reports
 * a missing or renamed source metric rather than drawing a flat line (ARCHITECTURE.md).
 * Units are SI: latencies in seconds, ratios 0..1, money in USD.
 */
export const canonicalMetricNames = [
  'request_rate',
  'error_rate',
  'latency_p50',
  'latency_p95',
  'latency_p99',
  'ttft_p95',
  'itl_p95',
  'tokens_in_rate',
  'tokens_out_rate',
  'queue_depth',
  'kv_cache_usage',
  'gpu_util',
  'gpu_mem_used',
  'spend_per_hour',
] as const;

export type MetricName = (typeof canonicalMetricNames)[number];

export type MetricUnit = 'req/s' | 'ratio' | 's' | 'tok/s' | 'requests' | 'bytes' | 'usd/h';

export interface MetricInfo {
  label: string;
  unit: MetricUnit;
  /** How values of several endpoints combine into a fleet figure. */
  combine: 'sum' | 'weighted' | 'max';
}

export const metricInfo: Record<MetricName, MetricInfo> = {
  request_rate: { label: 'Requests/s', unit: 'req/s', combine: 'sum' },
  error_rate: { label: 'Error rate', unit: 'ratio', combine: 'weighted' },
  latency_p50: { label: 'Latency p50', unit: 's', combine: 'weighted' },
  latency_p95: { label: 'Latency p95', unit: 's', combine: 'weighted' },
  latency_p99: { label: 'Latency p99', unit: 's', combine: 'weighted' },
  ttft_p95: { label: 'Time to first token p95', unit: 's', combine: 'weighted' },
  itl_p95: { label: 'Inter-token latency p95', unit: 's', combine: 'weighted' },
  tokens_in_rate: { label: 'Prompt tokens/s', unit: 'tok/s', combine: 'sum' },
  tokens_out_rate: { label: 'Output tokens/s', unit: 'tok/s', combine: 'sum' },
  queue_depth: { label: 'Queue depth', unit: 'requests', combine: 'sum' },
  kv_cache_usage: { label: 'KV-cache use', unit: 'ratio', combine: 'max' },
  gpu_util: { label: 'GPU utilisation', unit: 'ratio', combine: 'weighted' },
  gpu_mem_used: { label: 'GPU memory used', unit: 'bytes', combine: 'sum' },
  spend_per_hour: { label: 'Spend', unit: 'usd/h', combine: 'sum' },
};

export const isMetricName = (name: unknown): name is MetricName =>
  typeof name === 'string' && (canonicalMetricNames as readonly string[]).includes(name);
