/**
 * The demo's load model: from offered load, ready replicas and faults to every figure a
 * simulated model server reports. Pure and allocation-free per call (it fills a figures object
 * the caller owns), because the world evaluates it for every endpoint on every tick, 10,000
 * endpoints in scale mode.
 *
 * Formulas (times in ms unless noted; k = quality.latencyFactor x fault latency factor x
 * latency noise; the noise is smooth, ±4%):
 *
 *   capacity   C = readyReplicas x capacityRpsPerReplica
 *   utilisation u = L / C  (L = offered load, rps)       v = min(u, 1)
 *   queueing   q(v) = v^4 / (1 - min(v, 0.95))   0 idle · 0.13 at 0.5 · 1.6 at 0.8 · 6.6 at 0.9 · 20 at 1
 *
 *   TTFT median       t = baseTtft x k x (1 + 2 q)             (queue wait lands before the first token)
 *   decode median     d = (baseLatency - baseTtft) x k x (1 + 0.6 v^2 + 0.2 q)   (bigger batches decode slower)
 *   e2e median        e = t + d                                 (= baseLatency at idle)
 *   ITL median        d / (completionTokens - 1)                (no ITL for embeddings)
 *   spreads (log-sigma): e2e 0.25 + 0.2 v^2, TTFT 0.35 + 0.3 v^2, ITL 0.2 + 0.1 v^2 — queueing widens tails;
 *   p50/p95/p99 are the quantiles of those lognormals on the runtime's histogram grid
 *   (latency-distribution.ts explains why the grid), i.e. p95 ≈ median x e^(1.645 sigma).
 *   Past capacity (u > 1) the queue is full: latency stays at its u = 1 value (~11x at idle)
 *   and the excess is shed instead.
 *
 *   shed       s = (u - 1) / u when u > 1, else 0
 *   errors     err = 1 - (1 - s)(1 - min(1, baseErrorRate + quality.extraErrorRate));
 *              an error burst raises it to at least 0.35; 0 ready replicas -> err = 1
 *   served     S = L x (1 - err)
 *   tokens     in/s = S x promptTokens x f, out/s = S x completionTokens x f  (f = 5 in a cost spike)
 *   queue      waiting = S x (t - baseTtft x k) / 1000     (Little's law on the queue wait)
 *              running = S x (e - (t - baseTtft x k)) / 1000
 *   KV cache   min(1, 0.05 + 0.9 u f')  (f' = token factor: longer requests hold more KV)
 *   GPU util   min(100, 5 + 92 u) %
 */
import type { DemoEndpoint, DemoModel } from '../fleet-definition';
import { GridDistribution, Z95, Z99 } from './latency-distribution';
import type { RuntimeLatencyGrids } from '../model-server/runtime-buckets';

/** Multipliers a fault (or none) applies to one endpoint; see faults/fault-injector.ts. */
export interface LoadEffects {
  /** x4 in a latency spike. */
  latencyFactor: number;
  /** 0.35 in an error burst: the error rate is raised to at least this. */
  errorRateFloor: number;
  /** x3 in a traffic surge (applied by the world to offered load, kept here for the record). */
  loadFactor: number;
  /** x5 tokens per request in a cost spike. */
  tokenFactor: number;
}

export const noEffects: Readonly<LoadEffects> = Object.freeze({
  latencyFactor: 1,
  errorRateFloor: 0,
  loadFactor: 1,
  tokenFactor: 1,
});

export interface LoadModelInput {
  endpoint: DemoEndpoint;
  model: DemoModel;
  /** Offered load in rps, after the daily pattern, noise, group weights and any surge. */
  offeredRps: number;
  readyReplicas: number;
  /** Smooth latency noise as a multiplier around 1. */
  latencyNoise: number;
  effects: LoadEffects;
}

/** Everything a simulated endpoint reports at one instant. Rates are per second, whole endpoint. */
export interface EndpointFigures {
  offeredRps: number;
  readyReplicas: number;
  capacityRps: number;
  /** Offered load over capacity; Infinity with no ready replica. */
  utilisation: number;
  /** Fraction of offered requests that fail, 0..1. */
  errorRate: number;
  /** Fraction refused because the endpoint is past capacity. */
  shedFraction: number;
  successRps: number;
  errorRps: number;
  /** Latency quantiles in ms; null when nothing is served (no ready replica). */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
  /** Null also for embedding models (nothing is generated token by token). */
  itlP50Ms: number | null;
  itlP95Ms: number | null;
  promptTokensPerRequest: number;
  completionTokensPerRequest: number;
  tokensInPerS: number;
  tokensOutPerS: number;
  /** Requests waiting in the queue / running in a batch, whole endpoint. */
  queueDepth: number;
  running: number;
  /** 0..1 */
  kvCacheUsage: number;
  /** 0..100 */
  gpuUtilPercent: number;
  /** Distributions in seconds on the runtime's grids, for histograms and for sampling requests. */
  e2e: GridDistribution;
  ttft: GridDistribution;
  itl: GridDistribution;
  /** The queue-wait part of TTFT, seconds (TGI's tgi_request_queue_duration). */
  queueWait: GridDistribution;
}

export function createFigures(grids: RuntimeLatencyGrids): EndpointFigures {
  return {
    offeredRps: 0,
    readyReplicas: 0,
    capacityRps: 0,
    utilisation: 0,
    errorRate: 0,
    shedFraction: 0,
    successRps: 0,
    errorRps: 0,
    latencyP50Ms: null,
    latencyP95Ms: null,
    latencyP99Ms: null,
    ttftP50Ms: null,
    ttftP95Ms: null,
    itlP50Ms: null,
    itlP95Ms: null,
    promptTokensPerRequest: 0,
    completionTokensPerRequest: 0,
    tokensInPerS: 0,
    tokensOutPerS: 0,
    queueDepth: 0,
    running: 0,
    kvCacheUsage: 0,
    gpuUtilPercent: 0,
    e2e: new GridDistribution(grids.e2e),
    ttft: new GridDistribution(grids.ttft),
    itl: new GridDistribution(grids.itl),
    queueWait: new GridDistribution(grids.ttft),
  };
}

/** Queueing growth: 0 when idle, sharp as utilisation nears 1, held at its u = 1 value past it. */
export function queueingFactor(u: number): number {
  const v = Math.min(Math.max(u, 0), 1);
  return v ** 4 / (1 - Math.min(v, 0.95));
}

/** Computes `out` from `input` in place and returns it. */
export function computeFigures(input: LoadModelInput, out: EndpointFigures): EndpointFigures {
  const { endpoint: ep, model, effects } = input;
  const offered = Math.max(0, input.offeredRps);
  const ready = Math.max(0, input.readyReplicas);
  const capacity = ready * ep.capacityRpsPerReplica;
  const u = capacity > 0 ? offered / capacity : offered > 0 ? Infinity : 0;
  const v = Math.min(u, 1);
  const q = queueingFactor(v);
  const tokenFactor = effects.tokenFactor;

  out.offeredRps = offered;
  out.readyReplicas = ready;
  out.capacityRps = capacity;
  out.utilisation = u;
  out.promptTokensPerRequest = model.promptTokens * tokenFactor;
  out.completionTokensPerRequest = model.completionTokens * tokenFactor;

  if (ready === 0) {
    out.shedFraction = offered > 0 ? 1 : 0;
    out.errorRate = offered > 0 ? 1 : 0;
    out.successRps = 0;
    out.errorRps = offered;
    out.latencyP50Ms = out.latencyP95Ms = out.latencyP99Ms = null;
    out.ttftP50Ms = out.ttftP95Ms = out.itlP50Ms = out.itlP95Ms = null;
    out.tokensInPerS = out.tokensOutPerS = 0;
    out.queueDepth = out.running = 0;
    out.kvCacheUsage = 0;
    out.gpuUtilPercent = 0;
    out.e2e.set(0, 0);
    out.ttft.set(0, 0);
    out.itl.set(0, 0);
    out.queueWait.set(0, 0);
    return out;
  }

  const k = (ep.quality?.latencyFactor ?? 1) * effects.latencyFactor * input.latencyNoise;
  const baseTtft = ep.baseTtftMs * k;
  const ttftMedian = baseTtft * (1 + 2 * q);
  const decodeMedian = Math.max(0, ep.baseLatencyMs - ep.baseTtftMs) * k * (1 + 0.6 * v * v + 0.2 * q);
  const e2eMedian = ttftMedian + decodeMedian;
  const queueWaitMs = ttftMedian - baseTtft;
  const v2 = v * v;

  out.e2e.set(e2eMedian / 1000, 0.25 + 0.2 * v2);
  out.ttft.set(ttftMedian / 1000, 0.35 + 0.3 * v2);
  // The queue wait is spread like TTFT; a tiny floor keeps an idle server's histogram sane.
  out.queueWait.set(Math.max(queueWaitMs, 0.05) / 1000, 0.35 + 0.3 * v2);
  const generates = model.completionTokens > 1;
  if (generates) out.itl.set(decodeMedian / (model.completionTokens - 1) / 1000, 0.2 + 0.1 * v2);
  else out.itl.set(0, 0);

  const shed = u > 1 ? (u - 1) / u : 0;
  const base = Math.min(1, ep.baseErrorRate + (ep.quality?.extraErrorRate ?? 0));
  const errorRate = Math.max(1 - (1 - shed) * (1 - base), effects.errorRateFloor);
  out.shedFraction = shed;
  out.errorRate = errorRate;
  out.successRps = offered * (1 - errorRate);
  out.errorRps = offered * errorRate;

  out.latencyP50Ms = out.e2e.quantile(0.5) * 1000;
  out.latencyP95Ms = out.e2e.quantile(0.95) * 1000;
  out.latencyP99Ms = out.e2e.quantile(0.99) * 1000;
  out.ttftP50Ms = out.ttft.quantile(0.5) * 1000;
  out.ttftP95Ms = out.ttft.quantile(0.95) * 1000;
  out.itlP50Ms = generates ? out.itl.quantile(0.5) * 1000 : null;
  out.itlP95Ms = generates ? out.itl.quantile(0.95) * 1000 : null;

  out.tokensInPerS = out.successRps * out.promptTokensPerRequest;
  out.tokensOutPerS = out.successRps * out.completionTokensPerRequest;
  out.queueDepth = (out.successRps * queueWaitMs) / 1000;
  out.running = (out.successRps * (e2eMedian - queueWaitMs)) / 1000;
  out.kvCacheUsage = Math.min(1, 0.05 + 0.9 * u * tokenFactor);
  out.gpuUtilPercent = Math.min(100, 5 + 92 * u);
  return out;
}

/** p95 and p99 of a plain lognormal as multiples of its median, for docs and tests. */
export const lognormalSpread = (sigma: number) => ({
  p95: Math.exp(Z95 * sigma),
  p99: Math.exp(Z99 * sigma),
});
