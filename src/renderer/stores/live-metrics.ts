import type { Endpoint } from '../../shared/contract/index';
import { canonicalMetricNames, type MetricName } from '../../shared/fleet/metrics';

type MetricValue = NonNullable<Endpoint['metrics'][MetricName]>;

/**
 * An endpoint's latest figures as the live deltas left them, read like the contract's
 * `metrics` record (`e.metrics.latency_p95?.value`) but stored as two arrays in canonical order.
 *
 * Why not plain `{ value, at }` objects: at 10,000 endpoints a delta carries ~650 metric rows,
 * and a row made 14 small objects (each with its own boxed doubles) that lived until the
 * endpoint's next row. Surviving young objects are what a scavenge copies, and the scavenges
 * were most of a live tick's garbage-collection time (live-tick benchmark, issue 4). A row
 * is now one object and two arrays, which keep the very numbers the parsed frame held.
 *
 * The figures are getters on the prototype, so `Object.keys` does not list them; `toJSON`
 * gives the plain record for anything that serialises an endpoint.
 */
export class LiveMetrics {
  private constructor(
    /** Values in canonicalMetricNames order; null: the endpoint has no such figure. */
    private readonly values: ReadonlyArray<number | null>,
    /** When each value was sampled (ms), same order. */
    private readonly ats: readonly number[],
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
    const values = new Array<number | null>(n);
    const ats = new Array<number>(n);
    const prior = before instanceof LiveMetrics ? before : null;
    for (let i = 0; i < n; i++) {
      const v = row[i];
      if (v !== null && v !== undefined) {
        values[i] = v;
        ats[i] = at;
      } else if (prior) {
        values[i] = prior.values[i]!;
        ats[i] = prior.ats[i]!;
      } else {
        const m = before[canonicalMetricNames[i]!];
        values[i] = m ? m.value : null;
        ats[i] = m ? m.at : 0;
      }
    }
    return new LiveMetrics(values, ats) as Endpoint['metrics'];
  }

  /** The plain `{ name: { value, at } }` record, as the contract spells it. */
  toJSON(): Endpoint['metrics'] {
    const out: Endpoint['metrics'] = {};
    for (let i = 0; i < canonicalMetricNames.length; i++) {
      const v = this.values[i];
      if (v !== null && v !== undefined) out[canonicalMetricNames[i]!] = { value: v, at: this.ats[i]! };
    }
    return out;
  }
}

// One getter per figure: reading `m.latency_p95` answers `{ value, at }` or undefined, like the
// plain record. The answer is a fresh small object that dies young (cheap for the scavenger,
// unlike one that lives on in the store).
canonicalMetricNames.forEach((name, i) => {
  Object.defineProperty(LiveMetrics.prototype, name, {
    get(this: { values: ReadonlyArray<number | null>; ats: readonly number[] }): MetricValue | undefined {
      const v = this.values[i];
      return v === null || v === undefined ? undefined : { value: v, at: this.ats[i]! };
    },
  });
});
