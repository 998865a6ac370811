import { describe, expect, it } from 'vitest';
import {
  DIURNAL_TROUGH,
  diurnalFactor,
  localHour,
  noiseAt,
  noiseStream,
  regionUtcOffsetHours,
} from '../../../../src/demo/world/daily-pattern';
import { GridDistribution, Z95 } from '../../../../src/demo/world/latency-distribution';
import { seededRandom } from '../../../../src/demo/world/daily-pattern';
import {
  tgiDurationBuckets,
  vllmRequestLatencyBuckets,
} from '../../../../src/demo/model-server/runtime-buckets';

const utc = (hour: number) => Date.UTC(2026, 10, 26, 0, 0, 0) + hour * 3_600_000;

describe('daily pattern', () => {
  it('knows the regions of the demo clusters', () => {
    expect(regionUtcOffsetHours('us-east-1')).toBe(-5);
    expect(regionUtcOffsetHours('us-west-2')).toBe(-8);
    expect(regionUtcOffsetHours('europe-west4')).toBe(1);
    expect(regionUtcOffsetHours('asia-northeast1')).toBe(9);
    expect(regionUtcOffsetHours('germanywestcentral')).toBe(1);
    expect(regionUtcOffsetHours('mars-north-1')).toBe(0);
  });

  it('peaks mid-afternoon and bottoms out at night, in local time', () => {
    const offset = regionUtcOffsetHours('us-east-1');
    // 15:00 in New York (standard time) is 20:00 UTC; 03:00 there is 08:00 UTC.
    expect(localHour(utc(20), offset)).toBeCloseTo(15, 9);
    expect(diurnalFactor(utc(20), offset)).toBeCloseTo(1, 9);
    expect(diurnalFactor(utc(8), offset)).toBeCloseTo(DIURNAL_TROUGH, 9);
    expect(DIURNAL_TROUGH).toBe(0.25);
    // Europe peaks six hours earlier than New York.
    expect(diurnalFactor(utc(14), regionUtcOffsetHours('europe-west4'))).toBeCloseTo(1, 9);
    for (let h = 0; h < 24; h += 0.5) {
      const d = diurnalFactor(utc(h), offset);
      expect(d).toBeGreaterThanOrEqual(DIURNAL_TROUGH - 1e-12);
      expect(d).toBeLessThanOrEqual(1 + 1e-12);
    }
  });

  it('adds smooth, bounded, seeded noise', () => {
    const a = noiseStream(1, 'load:x');
    const again = noiseStream(1, 'load:x');
    const other = noiseStream(1, 'load:y');
    const t0 = utc(12);
    expect(noiseAt(a, t0)).toBe(noiseAt(again, t0));
    expect(noiseAt(a, t0)).not.toBe(noiseAt(other, t0));
    let maxStep = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let s = 0; s < 6 * 3600; s++) {
      const v = noiseAt(a, t0 + s * 1000);
      min = Math.min(min, v);
      max = Math.max(max, v);
      if (s > 0) maxStep = Math.max(maxStep, Math.abs(v - noiseAt(a, t0 + (s - 1) * 1000)));
    }
    expect(min).toBeGreaterThanOrEqual(-1);
    expect(max).toBeLessThanOrEqual(1);
    expect(max - min).toBeGreaterThan(0.5); // it does wander
    expect(maxStep).toBeLessThan(0.05); // but never jumps between 1 s ticks
  });
});

describe('grid distribution', () => {
  it('is a lognormal at the bucket bounds and linear inside them', () => {
    const d = new GridDistribution(vllmRequestLatencyBuckets).set(1.2, 0.3);
    // Exactly histogram_quantile's reading: interpolate between the bounds around the rank.
    const i = d.cdf.findIndex((c) => c >= 0.95);
    const lo = vllmRequestLatencyBuckets[i - 1]!;
    const hi = vllmRequestLatencyBuckets[i]!;
    const expected = lo + ((hi - lo) * (0.95 - d.cdf[i - 1]!)) / (d.cdf[i]! - d.cdf[i - 1]!);
    expect(d.quantile(0.95)).toBeCloseTo(expected, 12);
    // On TGI's x1.5 grid it stays near the true lognormal (linear interpolation in a tail
    // bucket reads high by up to ~15%), and the median is within a few percent.
    const fine = new GridDistribution(tgiDurationBuckets).set(1.2, 0.3);
    const p95 = fine.quantile(0.95) / (1.2 * Math.exp(Z95 * 0.3));
    expect(p95).toBeGreaterThan(0.97);
    expect(p95).toBeLessThan(1.15);
    expect(fine.quantile(0.5) / 1.2).toBeCloseTo(1, 1);
  });

  it('samples what it reports', () => {
    const d = new GridDistribution(vllmRequestLatencyBuckets).set(1.4, 0.35);
    const random = seededRandom(3);
    const draws = Array.from({ length: 20_000 }, () => d.sample(random())).sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) {
      expect(draws[Math.floor(q * draws.length)]! / d.quantile(q)).toBeCloseTo(1, 1);
    }
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean / d.mean).toBeCloseTo(1, 1);
  });
});
