import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent } from 'undici';
import type { EndpointRecord } from '../../fleet/inventory.types';
import type { Sample } from '../../metrics/metrics.store';
import type {
  ProviderContext,
  ProviderDeps,
  ProviderFactory,
  SourceProvider,
  SourceTestResult,
} from '../provider';
import { Backoff } from '../http/backoff';
import { createAgent } from '../http/http.client';
import { formatDuration } from '../http/retry-after';
import {
  OpenAIClient,
  OpenAIFailure,
  describeRateLimits,
  type ProbeResult,
  type RateLimits,
} from './openai.client';
import { openaiConfigSchema, type OpenAIConfig } from './openai.config';
import { withListenerRoom } from '../../abort-signals';

/**
 * An OpenAI-compatible endpoint (hosted API or self-hosted server): one EndpointRecord per model
 * (`<sourceId>:<model>`), a free health probe (GET /v1/models, with its latency and the
 * rate-limit headers), and an opt-in synthetic probe, a tiny streaming chat completion per
 * interval, for time to first token and total latency.
 *
 * Honest labels: a probe is one request. The values written as ttft_p95, latency_p95 and
 * latency_p50 are the nearest-rank percentiles of the last `probe.window` probes of that model
 * (with 3 probes the "p95" is the slowest of 3), and the status line says how many probes they
 * cover. They describe a synthetic request, not user traffic.
 */

/** Ids that are not chat models; never picked as the default probe target. */
const notChat = /embed|whisper|tts|dall-e|moderation|rerank|transcribe|image/i;

export function nearestRank(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

export class OpenAIProvider implements SourceProvider {
  private ctx: ProviderContext | null = null;
  // Every in-flight request listens on this one signal (up to the concurrency at once, each
  // removed when its request ends), so Node's default of 10 listeners is not a leak signal here.
  private readonly stopper = withListenerRoom(new AbortController());
  private readonly agent: Agent = createAgent({ connections: 4 });
  private readonly client: OpenAIClient;
  private readonly backoff = new Backoff({ initialMs: 2000, maxMs: 5 * 60_000 });
  private loops: Array<Promise<void>> = [];
  private models: string[] = [];
  private health: { ok: boolean; text: string; latencyMs: number | null; retryAt: number | null } | null =
    null;
  private probeNote: { ok: boolean; text: string } | null = null;
  private rateLimits: RateLimits | null = null;
  private readonly probes = new Map<string, ProbeResult[]>();
  private lastOkAt: number | null = null;

  constructor(
    readonly config: OpenAIConfig,
    private readonly deps: Pick<ProviderDeps, 'log' | 'secret'>,
  ) {
    this.client = new OpenAIClient({
      config,
      secret: (ref) => deps.secret(ref),
      dispatcher: this.agent,
      signal: this.stopper.signal,
    });
  }

  start(ctx: ProviderContext): void {
    this.ctx = ctx;
    ctx.signal.addEventListener('abort', () => this.stopper.abort(), { once: true });
    ctx.reportStatus({ state: 'connecting', reason: `Listing models at ${this.client.base}`, retryAt: null });
    this.loops.push(this.healthLoop());
    if (this.config.probe.enabled) this.loops.push(this.probeLoop());
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    await Promise.all(this.loops);
    await this.agent.close().catch(() => undefined);
  }

  async test(): Promise<SourceTestResult> {
    try {
      const list = await this.client.listModels();
      return {
        ok: true,
        message: `Connected: ${list.models.length} models at ${this.client.base} (/v1/models in ${Math.round(list.latencyMs)} ms).`,
        details: [
          ...(list.rateLimits ? [`Rate limit: ${describeRateLimits(list.rateLimits)}.`] : []),
          this.config.probe.enabled
            ? `Synthetic probe on: one streaming request every ${this.config.probe.intervalSeconds} s per probed model (billed).`
            : 'Synthetic probe off (each probe is a billed request); health uses /v1/models, which is free.',
        ],
      };
    } catch (error) {
      return {
        ok: false,
        message: error instanceof OpenAIFailure ? error.reason : String(error),
        details: [],
      };
    }
  }

  /** Rate-limit headers from the latest response, for views that show them. */
  latestRateLimits(): RateLimits | null {
    return this.rateLimits;
  }

  /** Lists models, updates the inventory and the status. Public so tests can drive it. */
  async checkHealth(): Promise<boolean> {
    const ctx = this.ctx!;
    try {
      const list = await this.client.listModels();
      if (list.rateLimits) this.rateLimits = list.rateLimits;
      const listed = list.models.map((m) => m.id);
      const wanted = this.config.models ?? listed;
      const absent = wanted.filter((m) => !listed.includes(m));
      this.models = wanted;
      ctx.reportInventory({
        clusters: [
          {
            id: ctx.sourceId,
            name: ctx.sourceName,
            kind: 'hosted',
            region: this.config.region ?? 'global',
            cloud: null,
          },
        ],
        endpoints: wanted.map((model) => this.endpoint(model, listed.includes(model))),
      });
      const text =
        `${wanted.length} models at ${this.client.base}; /v1/models answered in ${Math.round(list.latencyMs)} ms` +
        (absent.length > 0 ? `; not listed by the server: ${absent.join(', ')}` : '');
      this.health = { ok: absent.length === 0, text, latencyMs: list.latencyMs, retryAt: null };
      this.backoff.reset();
      this.lastOkAt = ctx.now();
      this.report();
      return true;
    } catch (error) {
      if (!(error instanceof OpenAIFailure)) throw error;
      const delay = this.backoff.next(error.retryAfterMs);
      this.health = { ok: false, text: error.reason, latencyMs: null, retryAt: ctx.now() + delay };
      this.report();
      return false;
    }
  }

  /** One synthetic probe per probed model; writes samples. Public so tests can drive it. */
  async probeOnce(): Promise<ProbeResult[]> {
    const ctx = this.ctx!;
    const targets = this.probeModels();
    const results: ProbeResult[] = [];
    const failures: string[] = [];
    const samples: Sample[] = [];
    for (const model of targets) {
      try {
        const r = await this.client.probe(model, this.config.probe.prompt, this.config.probe.maxTokens);
        if (r.rateLimits) this.rateLimits = r.rateLimits;
        results.push(r);
        const window = this.probes.get(model) ?? [];
        window.push(r);
        if (window.length > this.config.probe.window)
          window.splice(0, window.length - this.config.probe.window);
        this.probes.set(model, window);
        const ts = ctx.now();
        const endpointId = `${ctx.sourceId}:${model}`;
        const ttfts = window.map((p) => p.ttftSeconds);
        const totals = window.map((p) => p.totalSeconds);
        samples.push(
          { endpointId, metric: 'ttft_p95', ts, value: nearestRank(ttfts, 0.95) },
          { endpointId, metric: 'latency_p95', ts, value: nearestRank(totals, 0.95) },
          { endpointId, metric: 'latency_p50', ts, value: nearestRank(totals, 0.5) },
        );
      } catch (error) {
        if (!(error instanceof OpenAIFailure)) throw error;
        failures.push(`probe of ${model} failed: ${error.reason}`);
      }
    }
    if (samples.length > 0) ctx.reportSamples(samples);
    if (targets.length === 0) {
      this.probeNote = { ok: false, text: 'probe on, but no chat model to probe: set probe.models' };
    } else if (failures.length > 0) {
      this.probeNote = { ok: false, text: failures.join('; ') };
    } else {
      const parts = results.map((r) => {
        const n = this.probes.get(r.model)!.length;
        const w = this.probes.get(r.model)!;
        return (
          `${r.model} TTFT ${formatDuration(r.ttftSeconds * 1000)}, total ${formatDuration(r.totalSeconds * 1000)} ` +
          `(p95 ${formatDuration(
            nearestRank(
              w.map((p) => p.totalSeconds),
              0.95,
            ) * 1000,
          )} over the last ${n} probe${n === 1 ? '' : 's'})`
        );
      });
      this.probeNote = {
        ok: true,
        text: `probe every ${formatDuration(this.config.probe.intervalSeconds * 1000)}: ${parts.join('; ')}; synthetic requests, not user traffic`,
      };
    }
    this.report();
    return results;
  }

  private probeModels(): string[] {
    if (this.config.probe.models) return this.config.probe.models;
    const first = this.models.find((m) => !notChat.test(m));
    return first ? [first] : [];
  }

  private endpoint(model: string, listed: boolean): EndpointRecord {
    const ctx = this.ctx!;
    const price = this.config.tokenPrices?.[model];
    return {
      id: `${ctx.sourceId}:${model}`,
      name: model,
      model,
      version: 'hosted',
      cluster: ctx.sourceName,
      region: this.config.region ?? 'global',
      namespace: null,
      runtime: 'openai',
      target: { kind: 'hosted', name: model },
      group: null,
      trafficPercent: null,
      replicas: { desired: 1, ready: listed ? 1 : 0 },
      gpusPerReplica: 0,
      gpuType: null,
      nodes: [],
      pods: [],
      url: this.client.base,
      tokenPrice: price ? { input: price.inputPerMTok / 1e6, output: price.outputPerMTok / 1e6 } : null,
    };
  }

  private report(): void {
    const ctx = this.ctx;
    if (!ctx || this.stopper.signal.aborted || !this.health) return;
    const parts = [this.health.text];
    if (this.health.ok || this.health.latencyMs !== null) {
      if (this.rateLimits) parts.push(`rate limit: ${describeRateLimits(this.rateLimits)}`);
      if (this.probeNote) parts.push(this.probeNote.text);
    }
    const failing = this.health.latencyMs === null;
    const state = failing ? 'error' : this.health.ok && (this.probeNote?.ok ?? true) ? 'ok' : 'degraded';
    ctx.reportStatus({
      state,
      reason: parts.join('; '),
      lastOkAt: this.lastOkAt,
      retryAt: this.health.retryAt,
    });
  }

  private async healthLoop(): Promise<void> {
    const signal = this.stopper.signal;
    while (!signal.aborted) {
      let wait = this.config.healthIntervalSeconds * 1000;
      try {
        const ok = await this.checkHealth();
        if (!ok && this.health?.retryAt) wait = Math.max(1000, this.health.retryAt - this.ctx!.now());
      } catch (error) {
        this.deps.log.error('openai health check failed', {
          source: this.ctx?.sourceId,
          error: String(error),
        });
      }
      if (!(await this.pause(wait))) break;
    }
  }

  private async probeLoop(): Promise<void> {
    const signal = this.stopper.signal;
    // Let the first model list land before choosing what to probe.
    while (!signal.aborted && this.models.length === 0) if (!(await this.pause(500))) return;
    while (!signal.aborted) {
      try {
        await this.probeOnce();
      } catch (error) {
        this.deps.log.error('openai probe failed', { source: this.ctx?.sourceId, error: String(error) });
      }
      if (!(await this.pause(this.config.probe.intervalSeconds * 1000))) break;
    }
  }

  private async pause(ms: number): Promise<boolean> {
    try {
      await sleep(ms, undefined, { signal: this.stopper.signal });
      return true;
    } catch {
      return false;
    }
  }
}

export const openaiProviderFactory: ProviderFactory<OpenAIConfig> = {
  kind: 'openai',
  configSchema: openaiConfigSchema,
  describe:
    'An OpenAI-compatible API (hosted, or a self-hosted vLLM/TGI/LiteLLM server): one endpoint per model, a free health check on /v1/models with rate-limit headers, and an opt-in (billed) synthetic probe for time to first token and latency.',
  create: (config, deps) => new OpenAIProvider(openaiConfigSchema.parse(config), deps),
};
