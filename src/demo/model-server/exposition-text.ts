import type { GridDistribution } from '../world/latency-distribution';

/**
 * Prometheus text exposition format 0.0.4, written by hand: the simulated servers produce a
 * few fixed families, so a client library would add weight without removing any code.
 * https://prometheus.io/docs/instrumenting/exposition_formats/
 */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** A sample value as Prometheus writes it: integers plainly, `+Inf`, `-Inf`, `NaN`. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** `{a="1",b="2"}` from pairs, without braces when empty; values escaped. */
export function labelSet(labels: ReadonlyArray<readonly [string, string]>): string {
  if (labels.length === 0) return '';
  return `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

/** Builds one exposition document; every family's HELP and TYPE come right before its samples. */
export class ExpositionWriter {
  private readonly parts: string[] = [];

  family(name: string, type: MetricType, help: string): this {
    this.parts.push(`# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`);
    return this;
  }

  /** `labels` is a pre-rendered label body without braces (`model_name="x"`), or ''. */
  sample(name: string, labels: string, value: number): this {
    this.parts.push(
      labels ? `${name}{${labels}} ${formatValue(value)}\n` : `${name} ${formatValue(value)}\n`,
    );
    return this;
  }

  histogram(name: string, labels: string, histogram: CumulativeHistogram): this {
    const prefix = labels ? `${labels},` : '';
    const { bounds, leLabels } = histogram;
    const count = Math.floor(histogram.count + 1e-9);
    let out = '';
    for (let i = 0; i < bounds.length; i++) {
      const c = Math.min(count, Math.floor(histogram.counts[i]! + 1e-9));
      out += `${name}_bucket{${prefix}le="${leLabels[i]}"} ${c}\n`;
    }
    out += `${name}_bucket{${prefix}le="+Inf"} ${count}\n`;
    out += labels
      ? `${name}_sum{${labels}} ${formatValue(histogram.sum)}\n`
      : `${name}_sum ${formatValue(histogram.sum)}\n`;
    out += labels ? `${name}_count{${labels}} ${count}\n` : `${name}_count ${count}\n`;
    this.parts.push(out);
    return this;
  }

  toString(): string {
    return this.parts.join('');
  }
}

const leCache = new WeakMap<readonly number[], readonly string[]>();

/**
 * A cumulative Prometheus histogram whose counts may be fractional internally: a tick adds the
 * expected number of requests in each bucket (n x CDF), and the exposition floors them. Floor of
 * a non-decreasing cumulative series stays non-decreasing, in `le` and in time, so what
 * Prometheus scrapes is a valid integer histogram off by less than one request per bucket.
 */
export class CumulativeHistogram {
  readonly counts: Float64Array;
  readonly leLabels: readonly string[];
  count = 0;
  sum = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
    let labels = leCache.get(bounds);
    if (!labels) {
      labels = bounds.map(formatValue);
      leCache.set(bounds, labels);
    }
    this.leLabels = labels;
  }

  /** Adds `n` observations distributed as `dist` (which must be defined on the same bounds). */
  addDistribution(n: number, dist: GridDistribution): void {
    if (!(n > 0)) return;
    const cdf = dist.cdf;
    const counts = this.counts;
    for (let i = dist.first; i < counts.length; i++) counts[i]! += n * cdf[i]!;
    this.count += n;
    this.sum += n * dist.mean;
  }

  /** One real observation (a request the host actually served). */
  observe(value: number, times = 1): void {
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) if (value <= this.bounds[i]!) counts[i]! += times;
    this.count += times;
    this.sum += value * times;
  }
}
