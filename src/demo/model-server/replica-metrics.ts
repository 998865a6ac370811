import type { DemoModel } from '../fleet-definition';
import type { EndpointFigures } from '../world/load-model';
import type { GridDistribution } from '../world/latency-distribution';

/**
 * One replica's cumulative metrics, as its server process would keep them: they start at zero
 * when the pod starts (a replaced pod is a new process) and only ever grow.
 */
export interface ReplicaMetrics {
  readonly runtime: 'vllm' | 'tgi';
  /** Unix seconds the "process" started (process_start_time_seconds). */
  readonly startedAtS: number;
  /** Adds one tick's simulated traffic for this replica. */
  advance(tick: ReplicaTick): void;
  /** Adds a request the host really served over HTTP. */
  recordServed(request: ServedRequest): void;
  recordFailed(kind: FailureKind, handler: string): void;
  /** The /metrics document; gauges come from the endpoint's current figures. */
  render(gauges: ReplicaGauges): string;
}

export type FailureKind = 'overloaded' | 'rate_limited' | 'server';

/** One replica's share of a tick: counts are expected values (fractional), not samples. */
export interface ReplicaTick {
  figures: EndpointFigures;
  /** Requests served successfully by this replica during the tick. */
  served: number;
  /** Requests refused because the endpoint is past capacity (answered 429 or 503). */
  shed: number;
  /** Other failures (500). */
  failed: number;
  /** Per-request token count distributions, for runtimes that export them as histograms (TGI). */
  tokens: TokenDistributions | undefined;
}

export interface TokenDistributions {
  prompt: GridDistribution;
  generated: GridDistribution;
}

export interface ServedRequest {
  handler: string;
  e2eS: number;
  ttftS: number;
  queueS: number;
  /** Mean inter-token latency of the request, seconds (0 when nothing was generated). */
  itlS: number;
  promptTokens: number;
  completionTokens: number;
  finishReason: 'stop' | 'length' | 'abort';
}

export interface ReplicaGauges {
  /** Whether the replica takes traffic now; an idle or unready one reports empty queues. */
  serving: boolean;
  figures: EndpointFigures;
  /** Ready replicas of the endpoint, to split its totals. */
  replicas: number;
}

/** The handler path a model's requests go to. */
export const handlerFor = (model: DemoModel) =>
  model.kind === 'embedding' ? '/v1/embeddings' : '/v1/chat/completions';

/** A counter's exposed value: whole requests/tokens, as a real process counts them. */
export const whole = (value: number) => Math.floor(value + 1e-9);
