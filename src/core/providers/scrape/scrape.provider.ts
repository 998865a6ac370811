import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent } from 'undici';
import {
  canonicalValues,
  checkRuntimeMetrics,
  detectRuntime,
  type RuntimeName,
} from '../../../shared/fleet/runtime-metrics';
import type { Sample } from '../../metrics/metrics.store';
import type {
  ProviderContext,
  ProviderDeps,
  ProviderFactory,
  SourceProvider,
  SourceTestResult,
} from '../provider';
import { HttpFailure, displayUrl } from '../http/http-failure';
import { createAgent, httpOk } from '../http/http.client';
import { ExpositionParseError, parseExposition, type Exposition } from './exposition.parser';
import { gpuExporterTargets, gpuFiguresByEndpoint, type GpuFigures } from './gpu-exporters';
import {
  aggregateEndpoint,
  diffReadings,
  readTarget,
  type TargetDelta,
  type TargetReading,
} from './scrape.derive';
import {
  planScrape,
  roundStatus,
  scrapeConfigSchema,
  type RoundSummary,
  type ScrapeConfig,
  type ScrapePlan,
} from './scrape.plan';
import { withListenerRoom } from '../../abort-signals';

/**
 * Direct scrape: reads every pod's /metrics (URLs from the inventory, filled in by the
 * Kubernetes source from prometheus.io annotations), keeps the previous reading per target to
 * derive rates and quantiles (scrape.derive.ts), and writes canonical samples per endpoint. For
 * small fleets and the demo; large fleets read a Prometheus-compatible backend (ARCHITECTURE.md).
 *
 * GPU metrics: DCGM exporters run per node, and NodeRecord carries no metrics URL, so this source
 * reads DCGM series only when a pod's own /metrics has them; otherwise gpu_util and gpu_mem_used
 * are reported missing with that reason.
 */

const ACCEPT = 'text/plain;version=0.0.4;q=0.9,*/*;q=0.1';
const FLUSH_AT = 5000;
const MAX_BODY = 16 * 1024 * 1024;

const dcgmHint = "direct scrape reads pods' /metrics only; node DCGM exporters are not in the inventory";

type TargetOutcome =
  | { reading: TargetReading; delta: TargetDelta | null; failure: null }
  | { reading: null; delta: null; failure: string };

export interface ScrapeStats {
  plan: Pick<ScrapePlan, 'effectiveIntervalMs' | 'stretched' | 'endpointsWithoutTargets'> | null;
  round: RoundSummary | null;
}

export class ScrapeProvider implements SourceProvider {
  private ctx: ProviderContext | null = null;
  // Every in-flight request listens on this one signal (up to the concurrency at once, each
  // removed when its request ends), so Node's default of 10 listeners is not a leak signal here.
  private readonly stopper = withListenerRoom(new AbortController());
  private loopDone: Promise<void> | null = null;
  private agent: Agent | null = null;
  private readonly previous = new Map<string, TargetReading>();
  private readonly reportedMissing = new Map<string, string>();
  private lastPlan: ScrapePlan | null = null;
  private lastRound: RoundSummary | null = null;
  private lastOkAt: number | null = null;

  constructor(
    readonly config: ScrapeConfig,
    private readonly deps: Pick<ProviderDeps, 'log'>,
  ) {}

  start(ctx: ProviderContext): void {
    this.ctx = ctx;
    ctx.signal.addEventListener('abort', () => this.stopper.abort(), { once: true });
    ctx.reportStatus({ state: 'connecting', reason: 'Waiting for the first scrape pass', retryAt: null });
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    await this.loopDone;
    await this.agent?.close().catch(() => undefined);
    this.agent = null;
  }

  async test(): Promise<SourceTestResult> {
    return {
      ok: true,
      message:
        'Direct scrape reads the /metrics URL of every running pod the Kubernetes sources find ' +
        `(prometheus.io annotations), every ${this.config.intervalSeconds} s with a ${this.config.timeoutSeconds} s timeout.`,
      details: [
        `At most ${this.config.maxScrapesPerSecond} scrapes/s and ${this.config.concurrency} at once; larger fleets are read less often.`,
        'GPU utilisation and memory need DCGM series in the pods\u2019 own /metrics; node exporters are not scraped.',
      ],
    };
  }

  /** Last pass's figures (targets, failures, parse+derive cost), for status views and tests. */
  stats(): ScrapeStats {
    const plan = this.lastPlan;
    return {
      plan: plan
        ? {
            effectiveIntervalMs: plan.effectiveIntervalMs,
            stretched: plan.stretched,
            endpointsWithoutTargets: plan.endpointsWithoutTargets,
          }
        : null,
      round: this.lastRound,
    };
  }

  private async loop(): Promise<void> {
    const signal = this.stopper.signal;
    while (!signal.aborted) {
      const started = Date.now();
      try {
        await this.scrapeOnce();
      } catch (error) {
        if (signal.aborted) break;
        // A bug in a pass must not end the loop; say it and try again next interval.
        const message = error instanceof Error ? error.message : String(error);
        this.deps.log.error('scrape pass failed', { source: this.ctx?.sourceId, error: message });
        this.ctx?.reportStatus({
          state: 'error',
          reason: `Scrape pass failed: ${message}`,
          lastOkAt: this.lastOkAt,
          retryAt: Date.now() + this.config.intervalSeconds * 1000,
        });
      }
      const interval = this.lastPlan?.effectiveIntervalMs ?? this.config.intervalSeconds * 1000;
      const wait = Math.max(0, interval - (Date.now() - started));
      try {
        await sleep(wait, undefined, { signal });
      } catch {
        break;
      }
    }
  }

  /**
   * One pass over every target: scrape (bounded concurrency, at most maxScrapesPerSecond
   * started per second), derive per endpoint as soon as all its pods are in, report samples in
   * batches, then the status. Public so tests can drive passes without timers.
   */
  async scrapeOnce(): Promise<RoundSummary> {
    const ctx = this.ctx;
    if (!ctx) throw new Error('scrape provider not started');
    const signal = this.stopper.signal;
    const plan = planScrape(ctx.inventory(), this.config);
    this.lastPlan = plan;
    // GPU figures first (one exporter per node, few targets), so each endpoint's samples and
    // its missing-metric report below already know whether its GPUs were seen.
    const gpu = await this.scrapeGpuExporters(plan.endpoints.map((e) => e.id));
    const roundStarted = performance.now();
    const outcomes = new Map<string, TargetOutcome>();
    const pending = new Map(plan.endpoints.map((e) => [e.id, e.targets.length]));
    const byId = new Map(plan.endpoints.map((e) => [e.id, e]));
    const costs: number[] = [];
    let samples: Sample[] = [];
    const flush = () => {
      if (samples.length > 0) ctx.reportSamples(samples);
      samples = [];
    };

    const finishEndpoint = (endpointId: string) => {
      const e = byId.get(endpointId)!;
      const readings: TargetReading[] = [];
      const deltas: Array<TargetDelta | null> = [];
      for (const url of e.targets) {
        const o = outcomes.get(url);
        if (o?.reading) {
          readings.push(o.reading);
          deltas.push(o.delta);
        }
      }
      if (readings.length === 0) return;
      const runtime = e.runtime ?? readings[0]!.runtime;
      const present = new Set<string>();
      let at = 0;
      for (const r of readings) {
        for (const name of r.names) present.add(name);
        at = Math.max(at, r.at);
      }
      const gpuFigures = gpu.get(endpointId);
      if (gpuFigures?.util !== null && gpuFigures?.util !== undefined) present.add('DCGM_FI_DEV_GPU_UTIL');
      if (gpuFigures?.memBytes !== null && gpuFigures?.memBytes !== undefined)
        present.add('DCGM_FI_DEV_FB_USED');
      const check = checkRuntimeMetrics(runtime, present, {
        hints: { DCGM_FI_DEV_GPU_UTIL: dcgmHint, DCGM_FI_DEV_FB_USED: dcgmHint },
      });
      const notices = check.notices.join('\n');
      if (this.reportedMissing.get(endpointId) !== notices) {
        this.reportedMissing.set(endpointId, notices);
        ctx.reportMissingMetrics(endpointId, check.notices);
      }
      const agg = aggregateEndpoint(readings, deltas);
      for (const [metric, value] of canonicalValues(runtime, agg, check.available)) {
        if ((metric === 'gpu_util' || metric === 'gpu_mem_used') && gpuFigures) continue;
        samples.push({ endpointId, metric, ts: at, value });
      }
      if (gpuFigures?.util !== null && gpuFigures?.util !== undefined) {
        samples.push({ endpointId, metric: 'gpu_util', ts: gpuFigures.at, value: gpuFigures.util });
      }
      if (gpuFigures?.memBytes !== null && gpuFigures?.memBytes !== undefined) {
        samples.push({ endpointId, metric: 'gpu_mem_used', ts: gpuFigures.at, value: gpuFigures.memBytes });
      }
      if (samples.length >= FLUSH_AT) flush();
    };

    const urls = [...plan.targets.keys()];
    let next = 0;
    const spacingMs = 1000 / this.config.maxScrapesPerSecond;
    let nextSlot = performance.now();
    const worker = async () => {
      while (!signal.aborted) {
        const i = next++;
        if (i >= urls.length) return;
        // Rate cap: scrape i starts no sooner than i / maxScrapesPerSecond after the pass began.
        const now = performance.now();
        const slot = Math.max(now, nextSlot);
        nextSlot = slot + spacingMs;
        if (slot - now >= 1) await sleep(slot - now, undefined, { signal }).catch(() => undefined);
        if (signal.aborted) return;
        const url = urls[i]!;
        const target = plan.targets.get(url)!;
        const outcome = await this.scrapeTarget(url, target.runtime, costs);
        outcomes.set(url, outcome);
        for (const endpointId of target.endpointIds) {
          const left = pending.get(endpointId)! - 1;
          pending.set(endpointId, left);
          if (left === 0) finishEndpoint(endpointId);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.config.concurrency, urls.length) }, worker));
    flush();

    // Forget targets that left the inventory, so memory follows the fleet.
    for (const url of this.previous.keys()) if (!plan.targets.has(url)) this.previous.delete(url);
    for (const id of this.reportedMissing.keys()) if (!byId.has(id)) this.reportedMissing.delete(id);

    const failures: RoundSummary['failures'] = [];
    for (const [url, o] of outcomes)
      if (o.failure) failures.push({ url: displayUrl(url), summary: o.failure });
    const summary: RoundSummary = {
      targets: urls.length,
      endpoints: plan.endpoints.length,
      failures,
      costMs: summarise(costs),
      roundMs: performance.now() - roundStarted,
    };
    this.lastRound = summary;
    if (!signal.aborted) {
      const status = roundStatus(plan, summary, this.config);
      if (this.gpuExportersFailing > 0) {
        status.reason += `; ${this.gpuExportersFailing} GPU exporter(s) not answering (their nodes' GPU figures are missing)`;
        if (status.state === 'ok') status.state = 'degraded';
      }
      if (status.state !== 'error') this.lastOkAt = ctx.now();
      ctx.reportStatus({
        ...status,
        lastOkAt: this.lastOkAt,
        retryAt: status.state === 'error' ? ctx.now() + plan.effectiveIntervalMs : null,
      });
    }
    return summary;
  }

  private async scrapeTarget(
    url: string,
    runtime: RuntimeName | null,
    costs: number[],
  ): Promise<TargetOutcome> {
    const empty = { reading: null, delta: null } as const;
    let body: string;
    try {
      const res = await httpOk(url, {
        timeoutMs: this.config.timeoutSeconds * 1000,
        signal: this.stopper.signal,
        dispatcher: this.dispatcher(),
        headers: { accept: ACCEPT },
        maxBytes: MAX_BODY,
      });
      body = res.body;
    } catch (error) {
      const summary = error instanceof HttpFailure ? error.summary : String(error);
      return { ...empty, failure: summary };
    }
    const at = this.ctx!.now();
    const started = performance.now();
    try {
      const exposition = parseExposition(body);
      const rt = runtime ?? detectRuntime(exposition.names);
      if (!rt) return { ...empty, failure: 'no vLLM, TGI or Triton metrics in the response' };
      const reading = readTarget(exposition, rt, at);
      const prev = this.previous.get(url);
      const delta = prev && prev.runtime === rt ? diffReadings(prev, reading) : null;
      this.previous.set(url, reading);
      costs.push(performance.now() - started);
      return { reading, delta, failure: null };
    } catch (error) {
      if (error instanceof ExpositionParseError)
        return { ...empty, failure: `malformed exposition text (${error.message})` };
      throw error;
    }
  }

  /**
   * Reads the GPU exporters of the nodes the planned endpoints run on (NodeRecord.metricsUrl:
   * the dcgm-exporter pod, or the node's annotation) and maps their GPUs to endpoints. A failing
   * exporter only costs that node's GPU figures; it is counted in the status.
   */
  private async scrapeGpuExporters(endpointIds: string[]): Promise<Map<string, GpuFigures>> {
    const inventory = this.ctx!.inventory();
    const endpoints = endpointIds.map((id) => inventory.endpoint(id)).filter((e) => e !== undefined);
    const urls = gpuExporterTargets(endpoints, (id) => inventory.node(id));
    const clusterOf = new Map<string, string>();
    for (const n of inventory.nodes()) if (n.metricsUrl) clusterOf.set(n.metricsUrl, n.cluster);
    const readings: Array<{ exposition: Exposition; at: number; cluster: string }> = [];
    let failing = 0;
    let next = 0;
    const worker = async () => {
      while (next < urls.length && !this.stopper.signal.aborted) {
        const url = urls[next++]!;
        try {
          const res = await httpOk(url, {
            timeoutMs: this.config.timeoutSeconds * 1000,
            signal: this.stopper.signal,
            dispatcher: this.dispatcher(),
            headers: { accept: ACCEPT },
            maxBytes: MAX_BODY,
          });
          readings.push({
            exposition: parseExposition(res.body),
            at: this.ctx!.now(),
            cluster: clusterOf.get(url) ?? '',
          });
        } catch {
          failing++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.config.concurrency, urls.length) }, worker));
    this.gpuExportersFailing = failing;
    return gpuFiguresByEndpoint(readings, endpoints);
  }

  private gpuExportersFailing = 0;

  private dispatcher(): Agent {
    this.agent ??= createAgent({ connections: this.config.concurrency });
    return this.agent;
  }
}

function summarise(costs: number[]): RoundSummary['costMs'] {
  if (costs.length === 0) return null;
  const sorted = [...costs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    p50: at(0.5),
    p95: at(0.95),
    max: sorted[sorted.length - 1]!,
    mean: sorted.reduce((s, x) => s + x, 0) / sorted.length,
  };
}

export const scrapeProviderFactory: ProviderFactory<ScrapeConfig> = {
  kind: 'scrape',
  configSchema: scrapeConfigSchema,
  describe:
    'Direct scrape: reads /metrics of every model-server pod found by the Kubernetes sources and derives rates and quantiles itself. For small fleets and the demo; use a Prometheus-compatible source for large fleets.',
  create: (config, deps) => new ScrapeProvider(scrapeConfigSchema.parse(config), deps),
};
