/**
 * Model-server /metrics text written the way the real servers write it (prometheus_client for
 * vLLM, the Rust metrics exporter for TGI), from observations the test chooses, so the expected
 * quantiles can be computed by hand. Shared by the scrape, Prometheus and integration tests.
 */

/** vLLM's bucket bounds (vllm/v1/metrics/loggers.py). */
export const vllmBuckets = {
  e2e: [
    0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0,
    960.0, 1920.0, 7680.0,
  ],
  ttft: [
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0,
    80.0, 160.0, 640.0, 2560.0,
  ],
  itl: [
    0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0,
  ],
};

/** TGI's duration buckets: 0.0001 * 1.5^k, k = 1..35 (router/src/server.rs). */
export const tgiDurationBuckets = Array.from({ length: 35 }, (_, k) => 0.0001 * 1.5 ** (k + 1));

export class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly bounds: readonly number[]) {
    this.counts = bounds.map(() => 0);
  }
  observe(value: number, times = 1): void {
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]!) this.counts[i]! += times;
    this.sum += value * times;
    this.count += times;
  }
  lines(name: string, labels: string): string[] {
    const fmt = (v: number) => (Number.isInteger(v) ? `${v}.0` : String(v));
    const out = [`${name}_sum{${labels}} ${fmt(this.sum)}`];
    this.bounds.forEach((b, i) =>
      out.push(`${name}_bucket{le="${fmt(b)}",${labels}} ${fmt(this.counts[i]!)}`),
    );
    out.push(`${name}_bucket{le="+Inf",${labels}} ${fmt(this.count)}`);
    out.push(`${name}_count{${labels}} ${fmt(this.count)}`);
    return out;
  }
}

/** Stratified draws of a distribution given by its quantile function: its histogram is the distribution's. */
export function stratified(quantile: (p: number) => number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => quantile((i + 0.5) / n));
}

export const uniform = (lo: number, hi: number) => (p: number) => lo + p * (hi - lo);

/** Inverse standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** Log-normal with the given median and shape: p-quantile = median * exp(sigma * z_p). */
export const logNormal = (median: number, sigma: number) => (p: number) =>
  median * Math.exp(sigma * normalQuantile(p));

export interface RequestObservation {
  latency: number;
  ttft: number;
  itl: number;
  promptTokens: number;
  outputTokens: number;
  ok: boolean;
}

/** One vLLM replica's metrics: counters and histograms that only grow, as in the real server. */
export class VllmMetrics {
  readonly e2e = new Histogram(vllmBuckets.e2e);
  readonly ttft = new Histogram(vllmBuckets.ttft);
  readonly itl = new Histogram(vllmBuckets.itl);
  success = 0;
  failures = 0;
  http2xx = 0;
  promptTokens = 0;
  generationTokens = 0;
  waiting = 0;
  running = 0;
  kvCache = 0;
  gpuUtilPercent: number | null = null;
  fbUsedMiB: number | null = null;

  constructor(
    readonly model: string,
    readonly options: { legacyNames?: boolean; omitTtft?: boolean; omitHttp?: boolean } = {},
  ) {}

  observe(r: RequestObservation): void {
    if (!r.ok) {
      this.failures++;
      return;
    }
    this.e2e.observe(r.latency);
    this.ttft.observe(r.ttft);
    this.itl.observe(r.itl, Math.max(1, r.outputTokens - 1));
    this.success++;
    this.http2xx++;
    this.promptTokens += r.promptTokens;
    this.generationTokens += r.outputTokens;
  }

  render(): string {
    const m = `model_name="${this.model}"`;
    const f = (v: number) => (Number.isInteger(v) ? `${v}.0` : String(v));
    const legacy = this.options.legacyNames === true;
    const kvName = legacy ? 'vllm:gpu_cache_usage_perc' : 'vllm:kv_cache_usage_perc';
    const itlName = legacy ? 'vllm:time_per_output_token_seconds' : 'vllm:inter_token_latency_seconds';
    const lines = [
      '# HELP vllm:num_requests_running Number of requests in model execution batches.',
      '# TYPE vllm:num_requests_running gauge',
      `vllm:num_requests_running{${m}} ${f(this.running)}`,
      '# HELP vllm:num_requests_waiting Number of requests waiting to be processed.',
      '# TYPE vllm:num_requests_waiting gauge',
      `vllm:num_requests_waiting{${m}} ${f(this.waiting)}`,
      `# HELP ${kvName} KV-cache usage. 1 means 100 percent usage.`,
      `# TYPE ${kvName} gauge`,
      `${kvName}{${m}} ${f(this.kvCache)}`,
      '# HELP vllm:prompt_tokens_total Number of prefill tokens processed.',
      '# TYPE vllm:prompt_tokens_total counter',
      `vllm:prompt_tokens_total{${m}} ${f(this.promptTokens)}`,
      '# HELP vllm:generation_tokens_total Number of generation tokens processed.',
      '# TYPE vllm:generation_tokens_total counter',
      `vllm:generation_tokens_total{${m}} ${f(this.generationTokens)}`,
      '# HELP vllm:request_success_total Count of successfully processed requests.',
      '# TYPE vllm:request_success_total counter',
      `vllm:request_success_total{finished_reason="stop",${m}} ${f(Math.round(this.success * 0.9))}`,
      `vllm:request_success_total{finished_reason="length",${m}} ${f(this.success - Math.round(this.success * 0.9))}`,
      `vllm:request_success_total{finished_reason="abort",${m}} 0.0`,
      '# HELP vllm:e2e_request_latency_seconds Histogram of e2e request latency in seconds.',
      '# TYPE vllm:e2e_request_latency_seconds histogram',
      ...this.e2e.lines('vllm:e2e_request_latency_seconds', m),
    ];
    if (!this.options.omitTtft) {
      lines.push(
        '# HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.',
        '# TYPE vllm:time_to_first_token_seconds histogram',
        ...this.ttft.lines('vllm:time_to_first_token_seconds', m),
      );
    }
    lines.push(
      `# HELP ${itlName} Histogram of inter-token latency in seconds.`,
      `# TYPE ${itlName} histogram`,
    );
    lines.push(...this.itl.lines(itlName, m));
    if (!this.options.omitHttp) {
      const h = 'handler="/v1/chat/completions",method="POST"';
      lines.push(
        '# HELP http_requests_total Total number of requests by method, status and handler.',
        '# TYPE http_requests_total counter',
        `http_requests_total{${h},status="2xx"} ${f(this.http2xx)}`,
      );
      if (this.failures > 0) lines.push(`http_requests_total{${h},status="5xx"} ${f(this.failures)}`);
    }
    if (this.gpuUtilPercent !== null) {
      lines.push(
        '# TYPE DCGM_FI_DEV_GPU_UTIL gauge',
        `DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-1"} ${f(this.gpuUtilPercent)}`,
      );
    }
    if (this.fbUsedMiB !== null) {
      lines.push(
        '# TYPE DCGM_FI_DEV_FB_USED gauge',
        `DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-1"} ${f(this.fbUsedMiB)}`,
      );
    }
    return lines.join('\n') + '\n';
  }
}

/** One TGI replica's metrics, named as TGI's router exports them. */
export class TgiMetrics {
  readonly duration = new Histogram(tgiDurationBuckets);
  readonly perToken = new Histogram(tgiDurationBuckets);
  readonly inputLength = new Histogram(Array.from({ length: 20 }, (_, i) => (i + 1) * 200));
  readonly generated = new Histogram(Array.from({ length: 20 }, (_, i) => (i + 1) * 100));
  count = 0;
  success = 0;
  queue = 0;

  observe(r: RequestObservation): void {
    this.count++;
    if (!r.ok) return;
    this.success++;
    this.duration.observe(r.latency);
    this.perToken.observe(r.itl);
    this.inputLength.observe(r.promptTokens);
    this.generated.observe(r.outputTokens);
  }

  render(): string {
    return (
      [
        '# TYPE tgi_request_count counter',
        `tgi_request_count ${this.count}`,
        '# TYPE tgi_request_success counter',
        `tgi_request_success ${this.success}`,
        '# TYPE tgi_queue_size gauge',
        `tgi_queue_size ${this.queue}`,
        '# TYPE tgi_request_duration histogram',
        ...this.duration.lines('tgi_request_duration', 'x=""').map((l) => l.replace(/\{x=""\}|,x=""/, '')),
        '# TYPE tgi_request_mean_time_per_token_duration histogram',
        ...this.perToken
          .lines('tgi_request_mean_time_per_token_duration', 'x=""')
          .map((l) => l.replace(/\{x=""\}|,x=""/, '')),
        '# TYPE tgi_request_input_length histogram',
        ...this.inputLength
          .lines('tgi_request_input_length', 'x=""')
          .map((l) => l.replace(/\{x=""\}|,x=""/, '')),
        '# TYPE tgi_request_generated_tokens histogram',
        ...this.generated
          .lines('tgi_request_generated_tokens', 'x=""')
          .map((l) => l.replace(/\{x=""\}|,x=""/, '')),
      ].join('\n') + '\n'
    );
  }
}
