import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent } from 'undici';
import type { MetricName } from '../../../shared/fleet/metrics';
import { canonicalQuery, chooseStep, rateWindow } from '../../../shared/fleet/promql';
import { runtimeNames, type RuntimeName } from '../../../shared/fleet/runtime-metrics';
import type { InventoryView } from '../../fleet/inventory.types';
import type { SeriesResult } from '../../metrics/metrics.store';
import type {
  ProviderContext,
  ProviderDeps,
  ProviderFactory,
  SourceProvider,
  SourceTestResult,
} from '../provider';
import { Backoff } from '../http/backoff';
import { displayUrl } from '../http/http-failure';
import { createAgent } from '../http/http.client';
import { formatDuration } from '../http/retry-after';
import { PrometheusClient, PrometheusFailure } from './prometheus.client';
import { prometheusConfigSchema, type PrometheusConfig } from './prometheus.config';
import { EndpointIndex, endpointMatchers, labelNames } from './prometheus.endpoints';
import { PrometheusPoller, type PollOutcome } from './prometheus.poll';
import { withListenerRoom } from '../../abort-signals';

/**
 * A Prometheus-compatible source: every pollIntervalSeconds the latest canonical values of every
 * endpoint (prometheus.poll.ts); every nameCheckIntervalSeconds which source metrics exist,
 * reporting renamed and missing ones per endpoint; and `series()` for charts straight from the
 * backend, bounded to the caller's point budget (the chart-query benchmark's baseline).
 */

const runtimeLabels: Record<RuntimeName, string> = { vllm: 'vLLM', tgi: 'TGI', triton: 'Triton' };

export class PrometheusProvider implements SourceProvider {
  private ctx: ProviderContext | null = null;
  // Every in-flight request listens on this one signal (up to the concurrency at once, each
  // removed when its request ends), so Node's default of 10 listeners is not a leak signal here.
  private readonly stopper = withListenerRoom(new AbortController());
  private readonly agent: Agent = createAgent({ connections: 8 });
  private readonly client: PrometheusClient;
  private readonly poller: PrometheusPoller;
  private readonly backoff = new Backoff({ initialMs: 2000, maxMs: 5 * 60_000 });
  private loopDone: Promise<void> | null = null;
  private namesCheckedAt = -Infinity;
  private readonly reportedMissing = new Map<string, string>();
  private lastOkAt: number | null = null;
  private readonly shown: string;

  constructor(
    readonly config: PrometheusConfig,
    private readonly deps: Pick<ProviderDeps, 'log' | 'secret'>,
  ) {
    this.shown = displayUrl(config.url);
    this.client = new PrometheusClient({
      config,
      secret: (ref) => deps.secret(ref),
      dispatcher: this.agent,
      signal: this.stopper.signal,
    });
    this.poller = new PrometheusPoller(this.client, config);
  }

  start(ctx: ProviderContext): void {
    this.ctx = ctx;
    ctx.signal.addEventListener('abort', () => this.stopper.abort(), { once: true });
    ctx.reportStatus({
      state: 'connecting',
      reason: `Connecting to Prometheus at ${this.shown}`,
      retryAt: null,
    });
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    await this.loopDone;
    await this.agent.close().catch(() => undefined);
  }

  async test(): Promise<SourceTestResult> {
    try {
      const version = await this.client.version();
      const [count] = await this.client.query('count({__name__=~"vllm:.+|tgi_.+|nv_inference_.+"})');
      const series = count?.value ?? 0;
      const details = [
        series > 0
          ? `${series.toLocaleString('en-US')} vLLM/TGI/Triton series found.`
          : 'No vLLM, TGI or Triton series yet: check that this Prometheus scrapes the model servers.',
      ];
      return {
        ok: true,
        message: `Connected to ${version ? `Prometheus ${version}` : 'a Prometheus-compatible API'} at ${this.shown}.`,
        details,
      };
    } catch (error) {
      const reason = error instanceof PrometheusFailure ? error.reason : String(error);
      return { ok: false, message: reason, details: [] };
    }
  }

  /** One poll (and a names check when due); public so tests can drive it without timers. */
  async pollOnce(): Promise<PollOutcome> {
    const ctx = this.ctx;
    if (!ctx) throw new Error('prometheus provider not started');
    const now = ctx.now();
    const index = new EndpointIndex(ctx.inventory(), this.config);
    const failures: PrometheusFailure[] = [];
    if (now - this.namesCheckedAt >= this.config.nameCheckIntervalSeconds * 1000) {
      try {
        const { notices } = await this.poller.checkNames(index, now);
        this.namesCheckedAt = now;
        for (const [id, lines] of notices) {
          const joined = lines.join('\n');
          if (this.reportedMissing.get(id) === joined) continue;
          this.reportedMissing.set(id, joined);
          ctx.reportMissingMetrics(id, lines);
        }
      } catch (error) {
        if (!(error instanceof PrometheusFailure)) throw error;
        failures.push(error);
      }
    }
    const outcome = await this.poller.poll(index, now);
    outcome.failures.unshift(...failures);
    if (outcome.samples.length > 0) ctx.reportSamples(outcome.samples);
    if (!this.stopper.signal.aborted) this.report(outcome);
    return outcome;
  }

  /**
   * A chart's series straight from the backend: one query_range per endpoint, selecting its
   * namespace and pods (or its fleetdeck_endpoint label), at most `maxPoints` points (and never
   * Prometheus' 11,000). Quantiles are taken by histogram_quantile across the endpoint's pods.
   */
  async series(
    endpointIds: readonly string[],
    metric: MetricName,
    from: number,
    to: number,
    maxPoints: number,
    inventory: InventoryView | undefined = this.ctx?.inventory(),
  ): Promise<SeriesResult[]> {
    if (!inventory) throw new Error('series() needs an inventory: start the provider or pass one');
    const index = new EndpointIndex(inventory, this.config);
    const step = chooseStep(
      from,
      to,
      maxPoints,
      this.config.stepSeconds ?? this.config.scrapeIntervalSeconds,
    );
    const window = rateWindow(step.stepSeconds, this.config.scrapeIntervalSeconds);
    const names = labelNames(this.config);
    return Promise.all(
      endpointIds.map(async (endpointId): Promise<SeriesResult> => {
        const entry = index.get(endpointId) ?? { id: endpointId, runtime: null, record: null };
        const runtimes: RuntimeName[] = entry.runtime ? [entry.runtime] : [...runtimeNames];
        let points: Array<[number, number]> = [];
        for (const runtime of runtimes) {
          const query = canonicalQuery(runtime, metric, {
            window,
            groupBy: [],
            matchers: endpointMatchers(entry, names.serving),
            gpuLabels: { groupBy: [], matchers: endpointMatchers(entry, names.gpu) },
            names: this.poller.namesMap(endpointId),
            quantiles: 'server',
          });
          if (!query || query.kind !== 'value') continue;
          const result = await this.client.queryRange(query.expr, step.startMs, step.endMs, step.stepSeconds);
          const idle = query.idleValue;
          points = (result[0]?.points ?? [])
            .map(([t, v]): [number, number] => [t, Number.isNaN(v) && idle !== undefined ? idle : v])
            .filter(([, v]) => Number.isFinite(v));
          if (points.length > 0) break;
        }
        return {
          endpointId,
          metric,
          resolution: 'raw',
          stepMs: step.stepSeconds * 1000,
          points: points.slice(-maxPoints),
        };
      }),
    );
  }

  private async loop(): Promise<void> {
    const signal = this.stopper.signal;
    while (!signal.aborted) {
      let wait = this.config.pollIntervalSeconds * 1000;
      try {
        const outcome = await this.pollOnce();
        if (outcome.failures.length > 0 && outcome.failures.length >= outcome.queries) {
          const retryAfter = outcome.failures.find((f) => f.retryAfterMs !== null)?.retryAfterMs ?? null;
          wait = Math.max(wait, this.backoff.next(retryAfter));
        } else this.backoff.reset();
      } catch (error) {
        if (signal.aborted) break;
        const message = error instanceof Error ? error.message : String(error);
        this.deps.log.error('prometheus poll failed', { source: this.ctx?.sourceId, error: message });
        wait = Math.max(wait, this.backoff.next());
        this.ctx?.reportStatus({
          state: 'error',
          reason: `Prometheus poll failed: ${message}`,
          lastOkAt: this.lastOkAt,
          retryAt: Date.now() + wait,
        });
      }
      try {
        await sleep(wait, undefined, { signal });
      } catch {
        break;
      }
    }
  }

  private report(o: PollOutcome): void {
    const ctx = this.ctx!;
    const now = ctx.now();
    const n = (x: number) => x.toLocaleString('en-US');
    const every = formatDuration(this.config.pollIntervalSeconds * 1000);
    if (o.failures.length > 0 && o.failures.length >= o.queries) {
      const retryAfter = o.failures.find((f) => f.retryAfterMs !== null)?.retryAfterMs ?? null;
      const retryIn = Math.max(this.config.pollIntervalSeconds * 1000, retryAfter ?? 0);
      ctx.reportStatus({
        state: 'error',
        reason: o.failures[0]!.reason,
        lastOkAt: this.lastOkAt,
        retryAt: now + retryIn,
      });
      return;
    }
    const runtimes = (Object.entries(o.byRuntime) as Array<[RuntimeName, number]>)
      .map(([r, c]) => `${runtimeLabels[r]} ${n(c)}`)
      .join(', ');
    const missing = [...this.reportedMissing.values()].filter((v) => v !== '').length;
    const tail = [
      `${n(o.queries)} queries in ${Math.round(o.ms)} ms, every ${every}`,
      ...(missing > 0 ? [`${n(missing)} endpoints with missing or renamed metrics`] : []),
    ];
    if (o.failures.length > 0) {
      ctx.reportStatus({
        state: 'degraded',
        reason: [
          `${n(o.failures.length)} of ${n(o.queries)} queries failed: ${o.failures[0]!.reason}`,
          `${n(o.endpointsWithData)} of ${n(o.endpointsKnown)} endpoints have data`,
          ...tail,
        ].join('; '),
        lastOkAt: this.lastOkAt,
        retryAt: null,
      });
      return;
    }
    this.lastOkAt = now;
    if (o.endpointsKnown > 0 && o.endpointsWithData === 0) {
      const l = labelNames(this.config).serving;
      ctx.reportStatus({
        state: 'degraded',
        reason:
          `Prometheus at ${this.shown} answered, but has no vLLM, TGI or Triton series for any of the ` +
          `${n(o.endpointsKnown)} endpoints' pods (labels ${l.namespace}, ${l.pod} or ${l.endpoint}): is it scraping the model servers?`,
        lastOkAt: now,
        retryAt: null,
      });
      return;
    }
    const head =
      o.endpointsKnown === 0
        ? `Connected to Prometheus at ${this.shown}; no endpoints in the inventory yet`
        : `${n(o.endpointsWithData)} of ${n(o.endpointsKnown)} endpoints from Prometheus at ${this.shown}${runtimes ? ` (${runtimes})` : ''}`;
    ctx.reportStatus({ state: 'ok', reason: [head, ...tail].join('; '), lastOkAt: now, retryAt: null });
  }
}

export const prometheusProviderFactory: ProviderFactory<PrometheusConfig> = {
  kind: 'prometheus',
  configSchema: prometheusConfigSchema,
  describe:
    'A Prometheus-compatible backend (Prometheus, Thanos, Mimir, VictoriaMetrics): canonical latency, errors, tokens, queue and GPU figures from rate() and histogram_quantile() over vLLM, TGI and DCGM series, for fleets of any size.',
  create: (config, deps) => new PrometheusProvider(prometheusConfigSchema.parse(config), deps),
};
