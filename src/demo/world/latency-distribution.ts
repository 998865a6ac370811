/**
 * The distribution a simulated server draws its request latencies (and token counts) from.
 *
 * Shape: a lognormal with median `m` and log-spread `sigma`, evaluated at the boundaries of the
 * runtime's own histogram buckets and linear in between, i.e. requests are spread uniformly
 * inside each bucket. That is exactly what Prometheus' histogram_quantile() assumes, so every
 * observer agrees: the load model's p95, a client timing requests, the direct scraper and
 * Prometheus all see the same number, up to sampling.
 *
 * Why not a plain lognormal: vLLM's real e2e buckets are coarse (2.5 s -> 5 s -> 10 s), and
 * histogram_quantile() over a true lognormal in them reads up to ~40% high at p95/p99. Then no
 * test could tell a pipeline bug from bucket error. Real servers have that error; the simulated
 * ones choose not to. The price: below a grid's first boundary latencies are uniform from 0
 * (a 35 ms embedding median inside vLLM's first 0.3 s bucket reads as ~150 ms), which is also
 * what Prometheus would report for such a server.
 */

/** Precomputed natural logs of a grid's boundaries, shared by every distribution on it. */
export interface Grid {
  bounds: readonly number[];
  logBounds: Float64Array;
}

const grids = new WeakMap<readonly number[], Grid>();

export function gridOf(bounds: readonly number[]): Grid {
  let grid = grids.get(bounds);
  if (!grid) {
    grid = { bounds, logBounds: Float64Array.from(bounds, (b) => Math.log(b)) };
    grids.set(bounds, grid);
  }
  return grid;
}

/** Standard normal CDF via erfc (Numerical Recipes `erfcc`, fractional error < 1.2e-7). */
export function normalCdf(z: number): number {
  const x = -z / Math.SQRT2;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.5 * ax);
  let poly = 0.17087277;
  poly = -0.82215223 + t * poly;
  poly = 1.48851587 + t * poly;
  poly = -1.13520398 + t * poly;
  poly = 0.27886807 + t * poly;
  poly = -0.18628806 + t * poly;
  poly = 0.09678418 + t * poly;
  poly = 0.37409196 + t * poly;
  poly = 1.00002368 + t * poly;
  const erfc = t * Math.exp(-ax * ax - 1.26551223 + t * poly);
  return 0.5 * (x >= 0 ? erfc : 2 - erfc);
}

/** z-scores of p95 and p99, for spreads quoted as multiples of the median. */
export const Z95 = 1.6448536269514722;
export const Z99 = 2.3263478740408408;

/**
 * A mutable distribution on a grid: `set()` it each tick (no allocation), then read `cdf`
 * (cumulative fraction at or below each boundary, the shape of a Prometheus histogram),
 * `mean`, `quantile()` and `sample()`.
 */
export class GridDistribution {
  readonly grid: Grid;
  /** cdf[i] = P(X <= bounds[i]); non-decreasing; the remainder is in the +Inf bucket. */
  readonly cdf: Float64Array;
  median = 0;
  sigma = 0;
  mean = 0;
  /** Index of the first boundary with cdf > 0: everything before it is empty (loops start here). */
  first = 0;

  constructor(bounds: readonly number[]) {
    this.grid = gridOf(bounds);
    this.cdf = new Float64Array(bounds.length);
  }

  set(median: number, sigma: number): this {
    this.median = median;
    this.sigma = sigma;
    const { logBounds, bounds } = this.grid;
    const cdf = this.cdf;
    const n = cdf.length;
    if (!(median > 0) || !(sigma > 0)) {
      cdf.fill(1);
      this.mean = 0;
      this.first = 0;
      return this;
    }
    const logM = Math.log(median);
    const inv = 1 / sigma;
    let i = 0;
    // Beyond 7 sigma the CDF is within 1.3e-12 of 0 or 1: less than a request in a trillion,
    // so skip the erfc there (most of a grid).
    for (; i < n; i++) {
      const z = (logBounds[i]! - logM) * inv;
      if (z > -7) break;
      cdf[i] = 0;
    }
    this.first = i;
    for (; i < n; i++) {
      const z = (logBounds[i]! - logM) * inv;
      if (z > 7) break;
      cdf[i] = normalCdf(z);
    }
    for (; i < n; i++) cdf[i] = 1;

    let mean = 0;
    let prevB = this.first > 0 ? bounds[this.first - 1]! : 0;
    let prevC = 0;
    for (let j = this.first; j < n && prevC < 1; j++) {
      const c = cdf[j]!;
      mean += (c - prevC) * 0.5 * (prevB + bounds[j]!);
      prevB = bounds[j]!;
      prevC = c;
    }
    // The +Inf bucket: the lognormal's conditional mean is overkill; 1.5x the last bound is
    // far beyond any latency the demo produces and keeps _sum finite.
    mean += (1 - prevC) * prevB * 1.5;
    this.mean = mean;
    return this;
  }

  /**
   * The q-quantile by linear interpolation inside the bucket, as histogram_quantile() does;
   * past the last finite boundary it returns that boundary, as Prometheus does.
   */
  quantile(q: number): number {
    const { bounds } = this.grid;
    const cdf = this.cdf;
    const first = this.first;
    let prevB = first > 0 ? bounds[first - 1]! : 0;
    let prevC = 0;
    for (let i = first; i < cdf.length; i++) {
      const c = cdf[i]!;
      if (c >= q && c > prevC) return prevB + (bounds[i]! - prevB) * ((q - prevC) / (c - prevC));
      prevB = bounds[i]!;
      prevC = c;
    }
    return prevB;
  }

  /** Inverse-CDF sample for a uniform `u` in [0, 1). */
  sample(u: number): number {
    const q = this.quantile(u);
    const last = this.cdf.length - 1;
    if (last >= 0 && u > this.cdf[last]!) {
      // The rare draw beyond the last boundary: stretch into the tail instead of clamping.
      const tail = (u - this.cdf[last]!) / Math.max(1e-12, 1 - this.cdf[last]!);
      return q * (1 + tail);
    }
    return q;
  }
}
