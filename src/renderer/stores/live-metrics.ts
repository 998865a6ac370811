import type { Endpoint } from '../../shared/contract/index';
import { canonicalMetricNames, type MetricName } from '../../shared/fleet/metrics';

type MetricValue = NonNullable<Endpoint['metrics'][MetricName]>;

/**
 * An endpoint's latest figures as the live deltas left them, read like the contract's
 * `metrics` record (`e.metrics.latency_p95?.value`) but stored compactly in canonical order.
 *
 * Why not plain `{ value, at }` objects: at 10,000 endpoints a delta carries ~650 metric rows,
 * and a row made 14 small objects (each with its own boxed doubles) that lived until the
 * endpoint's next row. Surviving young objects are what a scavenge copies, and the scavenges
 * were most of a live tick's garbage-collection time (live-tick benchmark, issue 4). A row is
 * now one object and one array of unboxed doubles (NaN: no such figure); the sample times are
 * one number, plus a second array only when some figures are older than the row.
 *
 * The figures are getters on the prototype, so `Object.keys` does not list them; `toJSON`
 * gives the plain record for anything that serialises an endpoint.
 */
export class LiveMetrics {
  private constructor(
    /** Values in canonicalMetricNames order; NaN: the endpoint has no such figure. */
    private readonly values: readonly number[],
    /** When the row's values were sampled (ms). */
    private readonly at: number,
    /** Per value, when a figure the row did not carry was sampled; null: all at `at`. */
    private readonly ats: readonly number[] | null,
  ) {}

  /**
   * The figures after a delta row: the row's values (sampled at `at`) where it has one, the
   * previous figure where it has null (not sampled this time, so the last one still holds).
   */
  static after(
    before: Endpoint['metrics'],
    row: ReadonlyArray<number | null>,
    at: number,
  ): Endpoint['metrics'] {
    const n = canonicalMetricNames.length;
    // Filled by push with numbers only, so V8 keeps it an array of unboxed doubles.
    const values: number[] = [];
    let ats: number[] | null = null;
    const prior = before instanceof LiveMetrics ? before : null;
    for (let i = 0; i < n; i++) {
      const v = row[i];
      if (v !== null && v !== undefined) {
        values.push(v);
        continue;
      }
      let value = NaN;
      let sampled = at;
      if (prior) {
        value = prior.values[i]!;
        sampled = prior.ats ? prior.ats[i]! : prior.at;
      } else {
        const m = before[canonicalMetricNames[i]!];
        if (m) [value, sampled] = [m.value, m.at];
      }
      values.push(value);
      if (value === value && sampled !== at) {
        ats ??= new Array<number>(n).fill(at);
        ats[i] = sampled;
      }
    }
    return new LiveMetrics(values, at, ats) as Endpoint['metrics'];
  }

  /** The plain `{ name: { value, at } }` record, as the contract spells it. */
  toJSON(): Endpoint['metrics'] {
    const out: Endpoint['metrics'] = {};
    for (let i = 0; i < canonicalMetricNames.length; i++) {
      const m = this.figure(i);
      if (m) out[canonicalMetricNames[i]!] = m;
    }
    return out;
  }

  private figure(i: number): MetricValue | undefined {
    const value = this.values[i]!;
    // NaN is the one value not equal to itself: no such figure.
    if (value !== value) return undefined;
    return { value, at: this.ats ? this.ats[i]! : this.at };
  }
}

// One getter per figure: reading `m.latency_p95` answers `{ value, at }` or undefined, like the
// plain record. The answer is a fresh small object that dies young (cheap for the scavenger,
// unlike one that lives on in the store).
canonicalMetricNames.forEach((name, i) => {
  Object.defineProperty(LiveMetrics.prototype, name, {
    get(this: { figure(i: number): MetricValue | undefined }) {
      return this.figure(i);
    },
  });
});
