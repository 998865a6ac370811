import { describe, expect, it } from 'vitest';
import {
  checkRuntimeMetrics,
  detectRuntime,
  labelMatches,
  resolveNative,
  runtimeMetricMap,
  runtimeNativeNames,
} from '../../../../src/shared/fleet/runtime-metrics';
import { canonicalMetricNames, type MetricName } from '../../../../src/shared/fleet/metrics';

const vllmCurrent = [
  'vllm:e2e_request_latency_seconds',
  'vllm:time_to_first_token_seconds',
  'vllm:inter_token_latency_seconds',
  'vllm:request_success_total',
  'http_requests_total',
  'vllm:prompt_tokens_total',
  'vllm:generation_tokens_total',
  'vllm:num_requests_waiting',
  'vllm:kv_cache_usage_perc',
  'DCGM_FI_DEV_GPU_UTIL',
  'DCGM_FI_DEV_FB_USED',
];

describe('runtime metric maps', () => {
  it('cover every canonical metric for each runtime, either derived or with a reason (spend aside)', () => {
    for (const runtime of ['vllm', 'tgi', 'triton'] as const) {
      const map = runtimeMetricMap(runtime);
      for (const metric of canonicalMetricNames) {
        if (metric === 'spend_per_hour') continue;
        const covered = metric in map.metrics || metric in map.unavailable;
        expect(covered, `${runtime} ${metric}`).toBe(true);
      }
    }
  });

  it('list legacy names next to the current ones', () => {
    expect(runtimeNativeNames('vllm')).toEqual(
      expect.arrayContaining([
        'vllm:kv_cache_usage_perc',
        'vllm:gpu_cache_usage_perc',
        'vllm:inter_token_latency_seconds',
        'vllm:time_per_output_token_seconds',
      ]),
    );
  });

  it('find nothing to say when every current name is present', () => {
    const check = checkRuntimeMetrics('vllm', new Set(vllmCurrent));
    expect(check.notices).toEqual([]);
    expect(check.available.sort()).toEqual(
      canonicalMetricNames.filter((m) => m !== 'spend_per_hour').sort() as MetricName[],
    );
  });

  it('name a renamed metric with the rename, and still read it under the old name', () => {
    const present = new Set(
      vllmCurrent
        .filter((n) => n !== 'vllm:kv_cache_usage_perc' && n !== 'vllm:inter_token_latency_seconds')
        .concat(['vllm:gpu_cache_usage_perc', 'vllm:time_per_output_token_seconds_bucket']),
    );
    const check = checkRuntimeMetrics('vllm', present);
    expect(check.notices).toEqual([
      'itl_p95: found vllm:time_per_output_token_seconds (renamed to vllm:inter_token_latency_seconds in vLLM 0.11; hidden in 0.12, removed in 0.13); reading the old name',
      'kv_cache_usage: found vllm:gpu_cache_usage_perc (renamed to vllm:kv_cache_usage_perc by vLLM PR #18354; no longer emitted by default); reading the old name',
    ]);
    expect(check.names.get('vllm:kv_cache_usage_perc')).toBe('vllm:gpu_cache_usage_perc');
    expect(check.available).toContain('kv_cache_usage');
    expect(check.available).toContain('itl_p95');
  });

  it('say "expected X, not found" once per missing source metric, listing what it feeds', () => {
    const present = new Set(
      vllmCurrent.filter(
        (n) =>
          !['vllm:e2e_request_latency_seconds', 'http_requests_total', 'DCGM_FI_DEV_GPU_UTIL'].includes(n),
      ),
    );
    const check = checkRuntimeMetrics('vllm', present, {
      hints: { DCGM_FI_DEV_GPU_UTIL: 'node exporters are not scraped' },
    });
    expect(check.notices).toEqual([
      'error_rate: expected http_requests_total{status=~"5.."} (counter from vLLM\'s API server, prometheus-fastapi-instrumentator), not found',
      'latency_p50, latency_p95, latency_p99: expected vllm:e2e_request_latency_seconds (histogram), not found',
      'gpu_util: expected DCGM_FI_DEV_GPU_UTIL (gauge from NVIDIA DCGM exporter), not found (node exporters are not scraped)',
    ]);
    // request_rate only adds the 5xx counter when present: still available.
    expect(check.available).toContain('request_rate');
    expect(check.available).not.toContain('error_rate');
  });

  it('say why TGI has no TTFT or KV-cache figure instead of leaving them blank', () => {
    const check = checkRuntimeMetrics(
      'tgi',
      new Set([
        'tgi_request_count',
        'tgi_request_success',
        'tgi_request_duration',
        'tgi_request_mean_time_per_token_duration',
        'tgi_request_input_length',
        'tgi_request_generated_tokens',
        'tgi_queue_size',
        'DCGM_FI_DEV_GPU_UTIL',
        'DCGM_FI_DEV_FB_USED',
      ]),
    );
    expect(check.notices).toEqual([
      'ttft_p95: TGI exports no time-to-first-token histogram (queue + prefill time would not be a p95); not reported',
      'kv_cache_usage: TGI exports no KV-cache usage gauge; not reported',
    ]);
  });

  it('prefer the current name when a server exports both during a transition', () => {
    const native = runtimeMetricMap('vllm').metrics.kv_cache_usage!;
    if (native.kind !== 'gauge') throw new Error('expected a gauge');
    expect(
      resolveNative(native.of, new Set(['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'])),
    ).toEqual({
      state: 'current',
      name: 'vllm:kv_cache_usage_perc',
    });
  });

  it('detect a runtime from the names a pod exposes', () => {
    expect(detectRuntime(['vllm:num_requests_waiting', 'python_gc_objects_collected_total'])).toBe('vllm');
    expect(detectRuntime(['tgi_queue_size', 'tgi_request_count'])).toBe('tgi');
    expect(detectRuntime(['process_cpu_seconds_total'])).toBeNull();
  });

  it('match labels like PromQL =~ (anchored)', () => {
    const m = { label: 'status', regex: '5..' };
    expect(labelMatches(m, '5xx')).toBe(true);
    expect(labelMatches(m, '503')).toBe(true);
    expect(labelMatches(m, '2xx')).toBe(false);
    expect(labelMatches(m, '5000')).toBe(false);
    expect(labelMatches(m, undefined)).toBe(false);
  });
});
