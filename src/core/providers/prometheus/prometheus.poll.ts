import type { MetricName } from '../../../shared/fleet/metrics';
import { presentNamesQuery, rateWindow, selector, type LabelMatcher } from '../../../shared/fleet/promql';
import {
  canonicalValues,
  checkRuntimeMetrics,
  detectRuntime,
  emptyAggregate,
  nativeKey,
  runtimeMetricMap,
  runtimeNames,
  type EndpointAggregate,
  type NativeMetric,
  type RuntimeMetricCheck,
  type RuntimeName,
} from '../../../shared/fleet/runtime-metrics';
import type { Sample } from '../../metrics/metrics.store';
import { PrometheusFailure, type PrometheusClient, type PromSample } from './prometheus.client';
import type { PrometheusConfig } from './prometheus.config';
import {
  groupLabels,
  labelNames,
  type EndpointIndex,
  type IndexedEndpoint,
  type LabelNames,
} from './prometheus.endpoints';

/**
 * The fleet-wide poll: a handful of instant queries per runtime, each grouped by the labels that
 * identify a pod, then summed into endpoints here (the inventory knows which pods make up an
 * endpoint; Prometheus does not). Quantiles are taken after merging the pods' bucket rates, and
 * every canonical value comes from canonicalValues(), the same code the direct-scrape provider
 * runs, so the two sources agree by construction and differ only in their windows.
 */

type Use = 'counter' | 'sum' | 'buckets' | 'gauge';

interface Consumer {
  runtime: RuntimeName;
  native: NativeMetric;
  use: Use;
  /** The name queried: current, or a legacy one some endpoints still export. */
  name: string;
}

export interface NameCheckResult {
  /** Per endpoint: runtime and what is renamed or missing. */
  checks: Map<string, { runtime: RuntimeName; check: RuntimeMetricCheck }>;
  /** Per endpoint, lines for reportMissingMetrics. */
  notices: Map<string, string[]>;
}

export interface PollOutcome {
  samples: Sample[];
  endpointsKnown: number;
  endpointsWithData: number;
  byRuntime: Partial<Record<RuntimeName, number>>;
  queries: number;
  failures: PrometheusFailure[];
  ms: number;
}

const CONCURRENCY = 4;

const isGpu = (n: NativeMetric) => n.name.startsWith('DCGM_');

/** Inputs of a runtime's derivations and how each is read. */
function usesOf(runtime: RuntimeName): Array<{ native: NativeMetric; use: Use }> {
  const out = new Map<string, { native: NativeMetric; use: Use }>();
  const add = (native: NativeMetric, use: Use) => out.set(`${use}:${nativeKey(native)}`, { native, use });
  for (const d of Object.values(runtimeMetricMap(runtime).metrics)) {
    switch (d.kind) {
      case 'rate':
        add(d.of, 'counter');
        for (const p of d.plus ?? []) add(p, 'counter');
        break;
      case 'failure_ratio':
        add(d.failures, 'counter');
        add(d.successes, 'counter');
        break;
      case 'unsuccessful_ratio':
        add(d.total, 'counter');
        add(d.successes, 'counter');
        break;
      case 'histogram_sum_rate':
        add(d.of, 'sum');
        break;
      case 'quantile':
        add(d.of, 'buckets');
        break;
      case 'gauge':
        add(d.of, 'gauge');
        break;
    }
  }
  return [...out.values()];
}

export class PrometheusPoller {
  private readonly names: { serving: LabelNames; gpu: LabelNames };
  private checks: NameCheckResult['checks'] = new Map();

  constructor(
    private readonly client: PrometheusClient,
    private readonly config: PrometheusConfig,
  ) {
    this.names = labelNames(config);
  }

  private namesFor(native: NativeMetric): LabelNames {
    return isGpu(native) ? this.names.gpu : this.names.serving;
  }

  private runtimeOf(e: IndexedEndpoint): RuntimeName | null {
    return e.runtime ?? this.checks.get(e.id)?.runtime ?? null;
  }

  /**
   * Which of the runtimes' metric names (current and legacy) exist per endpoint:
   *   count by (__name__, namespace, pod, fleetdeck_endpoint) ({__name__=~"vllm:...|..."})
   * then, per endpoint, what is renamed or missing in words.
   */
  async checkNames(index: EndpointIndex, nowMs: number): Promise<NameCheckResult> {
    const servingNatives: Array<{ name: string; type: string }> = [];
    const gpuNatives: Array<{ name: string; type: string }> = [];
    for (const runtime of runtimeNames) {
      for (const { native } of usesOf(runtime)) {
        const list = isGpu(native) && this.config.gpuLabels ? gpuNatives : servingNatives;
        list.push(native, ...(native.legacy ?? []).map((l) => ({ name: l.name, type: native.type })));
      }
    }
    const present = new Map<string, Set<string>>();
    const collect = (samples: PromSample[], names: LabelNames) => {
      for (const s of samples) {
        const e = index.find(s.metric, names);
        const name = s.metric.__name__;
        if (!e || !name) continue;
        let set = present.get(e.id);
        if (!set) present.set(e.id, (set = new Set()));
        set.add(name);
      }
    };
    collect(
      await this.client.query(presentNamesQuery(servingNatives, groupLabels(this.names.serving)), nowMs),
      this.names.serving,
    );
    if (gpuNatives.length > 0) {
      collect(
        await this.client.query(presentNamesQuery(gpuNatives, groupLabels(this.names.gpu)), nowMs),
        this.names.gpu,
      );
    }

    const checks: NameCheckResult['checks'] = new Map();
    const notices = new Map<string, string[]>();
    const where = `Prometheus at ${new URL(this.config.url).host}`;
    for (const e of index.endpoints()) {
      const names = present.get(e.id);
      if (!names || names.size === 0) {
        const pods = e.record?.pods.map((p) => `${e.record!.namespace}/${p.name}`).slice(0, 3) ?? [];
        notices.set(e.id, [
          `all metrics: ${where} has no serving series for this endpoint` +
            (pods.length > 0
              ? ` (looked for ${this.names.serving.namespace}/${this.names.serving.pod} = ${pods.join(', ')}): is it scraping these pods?`
              : ` (looked for ${this.names.serving.endpoint}="${e.id}")`),
        ]);
        continue;
      }
      const runtime = e.runtime ?? detectRuntime(names);
      if (!runtime) {
        notices.set(e.id, [
          `all metrics: ${where} has series for this endpoint, but none of vLLM, TGI or Triton`,
        ]);
        continue;
      }
      const check = checkRuntimeMetrics(runtime, names);
      checks.set(e.id, { runtime, check });
      notices.set(e.id, check.notices);
    }
    this.checks = checks;
    return { checks, notices };
  }

  /** The latest canonical values of every endpoint, evaluated at `nowMs`. */
  async poll(index: EndpointIndex, nowMs: number): Promise<PollOutcome> {
    const started = performance.now();
    const window = rateWindow(0, this.config.scrapeIntervalSeconds);
    // Runtimes in play and, per native input, the names their endpoints resolve it under.
    const byRuntime = new Map<RuntimeName, IndexedEndpoint[]>();
    for (const e of index.endpoints()) {
      const runtime = this.runtimeOf(e);
      if (!runtime) continue;
      let list = byRuntime.get(runtime);
      if (!list) byRuntime.set(runtime, (list = []));
      list.push(e);
    }
    const queries = new Map<string, Consumer[]>();
    for (const [runtime, endpoints] of byRuntime) {
      for (const { native, use } of usesOf(runtime)) {
        const variants = new Set(endpoints.map((e) => this.resolvedName(e.id, native)));
        for (const name of variants) {
          const expr = this.componentQuery(native, use, name, window);
          let list = queries.get(expr);
          if (!list) queries.set(expr, (list = []));
          list.push({ runtime, native, use, name });
        }
      }
    }

    const aggregates = new Map<string, EndpointAggregate>();
    const failures: PrometheusFailure[] = [];
    const exprs = [...queries.keys()];
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < exprs.length; i = next++) {
        const expr = exprs[i]!;
        try {
          const result = await this.client.query(expr, nowMs);
          for (const consumer of queries.get(expr)!) this.absorb(index, consumer, result, aggregates);
        } catch (error) {
          if (!(error instanceof PrometheusFailure)) throw error;
          failures.push(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, exprs.length) }, worker));

    const samples: Sample[] = [];
    const counts: Partial<Record<RuntimeName, number>> = {};
    for (const [id, agg] of aggregates) {
      const e = index.get(id)!;
      const runtime = this.runtimeOf(e)!;
      const available =
        this.checks.get(id)?.check.available ??
        (Object.keys(runtimeMetricMap(runtime).metrics) as MetricName[]);
      const values = canonicalValues(runtime, agg, available);
      if (values.length === 0) continue;
      counts[runtime] = (counts[runtime] ?? 0) + 1;
      for (const [metric, value] of values) samples.push({ endpointId: id, metric, ts: nowMs, value });
    }
    return {
      samples,
      endpointsKnown: index.size,
      endpointsWithData: Object.values(counts).reduce((s, n) => s + n, 0),
      byRuntime: counts,
      queries: exprs.length,
      failures,
      ms: performance.now() - started,
    };
  }

  /** The name an endpoint's series carry for a native input (legacy when rename detection said so). */
  resolvedName(endpointId: string, native: NativeMetric): string {
    return this.checks.get(endpointId)?.check.names.get(native.name) ?? native.name;
  }

  /** Legacy names in use by one endpoint, for canonicalQuery's `names`. */
  namesMap(endpointId: string): ReadonlyMap<string, string> | undefined {
    return this.checks.get(endpointId)?.check.names;
  }

  private componentQuery(native: NativeMetric, use: Use, name: string, window: string): string {
    const group = groupLabels(this.namesFor(native));
    const matchers: LabelMatcher[] = native.match
      ? [{ label: native.match.label, op: '=~', value: native.match.regex }]
      : [];
    switch (use) {
      case 'counter':
        return `sum by (${group.join(', ')}) (rate(${selector(name, matchers)}[${window}]))`;
      case 'sum':
        return `sum by (${group.join(', ')}) (rate(${selector(`${name}_sum`, matchers)}[${window}]))`;
      case 'buckets':
        return `sum by (le, ${group.join(', ')}) (rate(${selector(`${name}_bucket`, matchers)}[${window}]))`;
      case 'gauge':
        // Raw series: sum, max and count per endpoint are all needed, and are cheap client-side.
        return selector(name, matchers);
    }
  }

  private absorb(
    index: EndpointIndex,
    consumer: Consumer,
    result: PromSample[],
    aggregates: Map<string, EndpointAggregate>,
  ): void {
    const names = this.namesFor(consumer.native);
    const key = nativeKey(consumer.native);
    for (const s of result) {
      if (!Number.isFinite(s.value)) continue;
      const e = index.find(s.metric, names);
      if (!e || this.runtimeOf(e) !== consumer.runtime) continue;
      if (this.resolvedName(e.id, consumer.native) !== consumer.name) continue;
      let agg = aggregates.get(e.id);
      if (!agg) aggregates.set(e.id, (agg = emptyAggregate(true)));
      agg.seen.add(key);
      switch (consumer.use) {
        case 'counter':
          agg.rates.set(key, (agg.rates.get(key) ?? 0) + s.value);
          break;
        case 'sum':
          agg.sumRates.set(key, (agg.sumRates.get(key) ?? 0) + s.value);
          break;
        case 'buckets': {
          const le = s.metric.le === '+Inf' ? Infinity : Number(s.metric.le);
          if (Number.isNaN(le)) break;
          let byLe = agg.buckets.get(key);
          if (!byLe) agg.buckets.set(key, (byLe = new Map()));
          byLe.set(le, (byLe.get(le) ?? 0) + s.value);
          break;
        }
        case 'gauge': {
          const g = agg.gauges.get(key);
          if (g) {
            g.sum += s.value;
            g.max = Math.max(g.max, s.value);
            g.n++;
          } else agg.gauges.set(key, { sum: s.value, max: s.value, n: 1 });
          break;
        }
      }
    }
  }
}
