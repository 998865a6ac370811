import type { DemoModel } from '../fleet-definition';
import { CumulativeHistogram, ExpositionWriter } from './exposition-text';
import type {
  FailureKind,
  ReplicaGauges,
  ReplicaMetrics,
  ReplicaTick,
  ServedRequest,
} from './replica-metrics';
import { whole } from './replica-metrics';
import { tgiDurationBuckets, tgiGeneratedTokensBuckets, tgiInputLengthBuckets } from './runtime-buckets';

/**
 * Text Generation Inference naming (`docs/source/reference/metrics.md`; reference §4.2): no
 * prefix beyond `tgi_`, no model label (one model per router), counters without `_total`
 * (metrics-exporter-prometheus writes the name as registered), durations in seconds.
 */
export class TgiReplicaMetrics implements ReplicaMetrics {
  readonly runtime = 'tgi' as const;
  private readonly generates: boolean;
  private readonly duration = new CumulativeHistogram(tgiDurationBuckets);
  private readonly timePerToken = new CumulativeHistogram(tgiDurationBuckets);
  private readonly queue = new CumulativeHistogram(tgiDurationBuckets);
  private readonly generatedTokens = new CumulativeHistogram(tgiGeneratedTokensBuckets);
  private readonly inputLength = new CumulativeHistogram(tgiInputLengthBuckets);
  private requestCount = 0;
  private requestSuccess = 0;
  private readonly failures = { overloaded: 0, generation: 0 };

  constructor(
    model: DemoModel,
    readonly startedAtS: number,
  ) {
    this.generates = model.completionTokens > 1;
  }

  advance(tick: ReplicaTick): void {
    const { figures: f, served: n } = tick;
    if (n > 0) {
      this.duration.addDistribution(n, f.e2e);
      this.queue.addDistribution(n, f.queueWait);
      // TGI observes the mean time per token once per request.
      if (this.generates) this.timePerToken.addDistribution(n, f.itl);
      if (tick.tokens) {
        this.generatedTokens.addDistribution(n, tick.tokens.generated);
        this.inputLength.addDistribution(n, tick.tokens.prompt);
      }
    }
    this.requestCount += n + tick.shed + tick.failed;
    this.requestSuccess += n;
    this.failures.overloaded += tick.shed;
    this.failures.generation += tick.failed;
  }

  recordServed(r: ServedRequest): void {
    this.duration.observe(r.e2eS);
    this.queue.observe(r.queueS);
    if (r.completionTokens > 1 && r.itlS > 0) this.timePerToken.observe(r.itlS);
    this.generatedTokens.observe(r.completionTokens);
    this.inputLength.observe(r.promptTokens);
    this.requestCount += 1;
    this.requestSuccess += 1;
  }

  recordFailed(kind: FailureKind): void {
    this.requestCount += 1;
    this.failures[kind === 'server' ? 'generation' : 'overloaded'] += 1;
  }

  render({ serving, figures: f, replicas }: ReplicaGauges): string {
    const share = serving && replicas > 0 ? 1 / replicas : 0;
    const batch = Math.round(f.running * share);
    const w = new ExpositionWriter();
    w.family('tgi_request_count', 'counter', 'Total number of requests received.');
    w.sample('tgi_request_count', '', whole(this.requestCount));
    w.family('tgi_request_success', 'counter', 'Number of requests that completed successfully.');
    w.sample('tgi_request_success', '', whole(this.requestSuccess));
    w.family('tgi_request_failure', 'counter', 'Number of failed requests by error type.');
    w.sample('tgi_request_failure', 'err="overloaded"', whole(this.failures.overloaded));
    w.sample('tgi_request_failure', 'err="generation"', whole(this.failures.generation));
    w.family('tgi_queue_size', 'gauge', 'Number of requests waiting in the queue.');
    w.sample('tgi_queue_size', '', Math.round(f.queueDepth * share));
    w.family('tgi_batch_current_size', 'gauge', 'Number of requests in the current batch.');
    w.sample('tgi_batch_current_size', '', batch);
    w.family('tgi_batch_current_max_tokens', 'gauge', 'Maximum tokens the current batch can hold.');
    w.sample(
      'tgi_batch_current_max_tokens',
      '',
      Math.round(batch * (f.promptTokensPerRequest + f.completionTokensPerRequest)),
    );
    w.family('tgi_request_duration', 'histogram', 'End-to-end request duration in seconds.');
    w.histogram('tgi_request_duration', '', this.duration);
    w.family(
      'tgi_request_mean_time_per_token_duration',
      'histogram',
      'Mean time per generated token of a request, in seconds.',
    );
    w.histogram('tgi_request_mean_time_per_token_duration', '', this.timePerToken);
    w.family('tgi_request_queue_duration', 'histogram', 'Time a request spent in the queue, in seconds.');
    w.histogram('tgi_request_queue_duration', '', this.queue);
    w.family('tgi_request_generated_tokens', 'histogram', 'Number of generated tokens per request.');
    w.histogram('tgi_request_generated_tokens', '', this.generatedTokens);
    w.family('tgi_request_input_length', 'histogram', 'Number of input tokens per request.');
    w.histogram('tgi_request_input_length', '', this.inputLength);
    w.family('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.');
    w.sample('process_start_time_seconds', '', this.startedAtS);
    return w.toString();
  }
}
