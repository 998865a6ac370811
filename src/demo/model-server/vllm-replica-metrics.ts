import type { DemoModel } from '../fleet-definition';
import { CumulativeHistogram, escapeLabelValue, ExpositionWriter } from './exposition-text';
import type {
  FailureKind,
  ReplicaGauges,
  ReplicaMetrics,
  ReplicaTick,
  ServedRequest,
} from './replica-metrics';
import { handlerFor, whole } from './replica-metrics';
import { vllmItlBuckets, vllmRequestLatencyBuckets, vllmTtftBuckets } from './runtime-buckets';

/**
 * vLLM V1 naming (`vllm/v1/metrics/loggers.py`; reference/ai-serving-apis.md §4.1): the `vllm:`
 * prefix, label `model_name` = the served model name, counters with `_total`, and the
 * API server's `http_requests_total` (prometheus-fastapi-instrumentator, grouped status codes),
 * which is where a dashboard gets vLLM's error rate from.
 */
const FINISH_LENGTH_SHARE = 0.12;

export class VllmReplicaMetrics implements ReplicaMetrics {
  readonly runtime = 'vllm' as const;
  private readonly labels: string;
  private readonly handler: string;
  private readonly generates: boolean;
  private readonly e2e = new CumulativeHistogram(vllmRequestLatencyBuckets);
  private readonly ttft = new CumulativeHistogram(vllmTtftBuckets);
  private readonly itl = new CumulativeHistogram(vllmItlBuckets);
  private promptTokens = 0;
  private generationTokens = 0;
  private readonly success = { stop: 0, length: 0, abort: 0 };
  private readonly http = new Map<string, { '2xx': number; '4xx': number; '5xx': number }>();

  constructor(
    model: DemoModel,
    readonly startedAtS: number,
  ) {
    this.labels = `model_name="${escapeLabelValue(model.name)}"`;
    this.handler = handlerFor(model);
    this.generates = model.completionTokens > 1;
  }

  advance(tick: ReplicaTick): void {
    const { figures: f, served: n } = tick;
    if (n > 0) {
      this.e2e.addDistribution(n, f.e2e);
      this.ttft.addDistribution(n, f.ttft);
      // vLLM observes inter-token latency once per generated token after the first.
      if (this.generates) this.itl.addDistribution(n * Math.max(0, f.completionTokensPerRequest - 1), f.itl);
      this.promptTokens += n * f.promptTokensPerRequest;
      this.generationTokens += n * f.completionTokensPerRequest;
      this.success.stop += n * (1 - FINISH_LENGTH_SHARE);
      this.success.length += n * FINISH_LENGTH_SHARE;
    }
    const http = this.httpCounts(this.handler);
    http['2xx'] += n;
    // Shed requests: half get 429 (queue full), half 503 (the server gave up waiting).
    http['4xx'] += tick.shed / 2;
    http['5xx'] += tick.shed / 2 + tick.failed;
  }

  recordServed(r: ServedRequest): void {
    this.e2e.observe(r.e2eS);
    this.ttft.observe(r.ttftS);
    if (r.completionTokens > 1 && r.itlS > 0) this.itl.observe(r.itlS, r.completionTokens - 1);
    this.promptTokens += r.promptTokens;
    this.generationTokens += r.completionTokens;
    this.success[r.finishReason] += 1;
    this.httpCounts(r.handler)['2xx'] += 1;
  }

  recordFailed(kind: FailureKind, handler: string): void {
    this.httpCounts(handler)[kind === 'rate_limited' ? '4xx' : '5xx'] += 1;
  }

  render({ serving, figures: f, replicas }: ReplicaGauges): string {
    const share = serving && replicas > 0 ? 1 / replicas : 0;
    const l = this.labels;
    const w = new ExpositionWriter();
    w.family('vllm:num_requests_running', 'gauge', 'Number of requests in model execution batches.');
    w.sample('vllm:num_requests_running', l, Math.round(f.running * share));
    w.family('vllm:num_requests_waiting', 'gauge', 'Number of requests waiting to be processed.');
    w.sample('vllm:num_requests_waiting', l, Math.round(f.queueDepth * share));
    w.family('vllm:kv_cache_usage_perc', 'gauge', 'KV-cache usage. 1 means 100 percent usage.');
    w.sample('vllm:kv_cache_usage_perc', l, serving ? round4(f.kvCacheUsage) : 0);
    w.family('vllm:prompt_tokens_total', 'counter', 'Number of prefill tokens processed.');
    w.sample('vllm:prompt_tokens_total', l, whole(this.promptTokens));
    w.family('vllm:generation_tokens_total', 'counter', 'Number of generation tokens processed.');
    w.sample('vllm:generation_tokens_total', l, whole(this.generationTokens));
    w.family('vllm:request_success_total', 'counter', 'Count of successfully processed requests.');
    for (const reason of ['stop', 'length', 'abort'] as const) {
      w.sample('vllm:request_success_total', `${l},finished_reason="${reason}"`, whole(this.success[reason]));
    }
    w.family('vllm:e2e_request_latency_seconds', 'histogram', 'Histogram of e2e request latency in seconds.');
    w.histogram('vllm:e2e_request_latency_seconds', l, this.e2e);
    w.family('vllm:time_to_first_token_seconds', 'histogram', 'Histogram of time to first token in seconds.');
    w.histogram('vllm:time_to_first_token_seconds', l, this.ttft);
    w.family('vllm:inter_token_latency_seconds', 'histogram', 'Histogram of inter-token latency in seconds.');
    w.histogram('vllm:inter_token_latency_seconds', l, this.itl);
    w.family('http_requests_total', 'counter', 'Total number of requests by method, status and handler.');
    for (const [handler, counts] of this.http) {
      for (const status of ['2xx', '4xx', '5xx'] as const) {
        w.sample(
          'http_requests_total',
          `handler="${handler}",method="POST",status="${status}"`,
          whole(counts[status]),
        );
      }
    }
    w.family('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.');
    w.sample('process_start_time_seconds', '', this.startedAtS);
    return w.toString();
  }

  private httpCounts(handler: string) {
    let counts = this.http.get(handler);
    if (!counts) this.http.set(handler, (counts = { '2xx': 0, '4xx': 0, '5xx': 0 }));
    return counts;
  }
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
