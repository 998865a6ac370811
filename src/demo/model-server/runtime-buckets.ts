/**
 * Histogram bucket boundaries exactly as the real servers export them, so dashboards and the
 * Prometheus provider see the same `le` labels they would on a real fleet.
 */

/**
 * vLLM V1 (`vllm/v1/metrics/loggers.py`): `request_latency_buckets` is shared by
 * e2e_request_latency_seconds and the queue/prefill/decode/inference histograms.
 */
export const vllmRequestLatencyBuckets: readonly number[] = [
  0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0,
  960.0, 1920.0, 7680.0,
];

/** vLLM V1: time_to_first_token_seconds. */
export const vllmTtftBuckets: readonly number[] = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0,
  80.0, 160.0, 640.0, 2560.0,
];

/** vLLM V1: inter_token_latency_seconds (and the older time_per_output_token_seconds). */
export const vllmItlBuckets: readonly number[] = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0,
];

/**
 * TGI router (`router/src/server.rs`): every metric whose name ends in `duration` gets 35
 * geometric buckets, `value = 0.0001; repeat { value *= 1.5; push(value) }`. Computed the same
 * way in IEEE doubles so the `le` strings match a real TGI byte for byte.
 */
export const tgiDurationBuckets: readonly number[] = (() => {
  const out: number[] = [];
  let value = 0.0001;
  for (let i = 0; i < 35; i++) {
    value *= 1.5;
    out.push(value);
  }
  return out;
})();

/** TGI: `(0..100).map(x => (max / 100) * (x + 1))` for input length and generated tokens. */
export function tgiLinearBuckets(max: number): readonly number[] {
  const out: number[] = [];
  for (let x = 0; x < 100; x++) out.push((max / 100) * (x + 1));
  return out;
}

/** TGI launcher defaults for the demo's Mixtral deployments (`--max-input-tokens`, `--max-total-tokens`). */
export const tgiMaxInputTokens = 4096;
export const tgiMaxTotalTokens = 8192;
export const tgiInputLengthBuckets = tgiLinearBuckets(tgiMaxInputTokens);
export const tgiGeneratedTokensBuckets = tgiLinearBuckets(tgiMaxTotalTokens);

export interface RuntimeLatencyGrids {
  e2e: readonly number[];
  ttft: readonly number[];
  itl: readonly number[];
}

/**
 * The grid each latency distribution of a runtime is defined on (see latency-distribution.ts).
 * TGI has no TTFT histogram; its duration grid is fine (x1.5) so it serves for TTFT too.
 */
export const runtimeLatencyGrids: Record<'vllm' | 'tgi', RuntimeLatencyGrids> = {
  vllm: { e2e: vllmRequestLatencyBuckets, ttft: vllmTtftBuckets, itl: vllmItlBuckets },
  tgi: { e2e: tgiDurationBuckets, ttft: tgiDurationBuckets, itl: tgiDurationBuckets },
};
