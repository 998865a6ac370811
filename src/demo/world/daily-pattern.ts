/**
 * Time-of-day traffic shape and smooth seeded noise for the demo world. Pure: the same seed,
 * key and time always give the same value, so a demo run (and a test) is reproducible.
 */

/** Night-time trough as a fraction of the daily peak. */
export const DIURNAL_TROUGH = 0.25;
/** Local hour of the daily peak (mid-afternoon). The trough is 12 hours later, at 03:00. */
export const DIURNAL_PEAK_HOUR = 15;

/**
 * Standard-time UTC offset of a cloud region, in hours. Daylight saving is ignored: an hour's
 * shift in the curve does not matter for a demo, and it keeps the function pure of tz data.
 * Matched on prefixes so AWS (`us-east-1`), GCP (`europe-west4`, `us-central1`) and Azure
 * (`westeurope`, `eastus`) spellings all land somewhere sensible; unknown regions use UTC.
 */
const regionOffsets: Array<[RegExp, number]> = [
  [/^(us-east|eastus|northamerica-northeast|ca-central|canadacentral)/, -5],
  [/^(us-central|centralus|us-south|southcentralus|northcentralus)/, -6],
  [/^(us-west|westus)/, -8],
  [/^(sa-east|southamerica|brazilsouth)/, -3],
  [/^(eu-west-1|europe-west2|uksouth|ukwest|eu-west-2|northeurope)/, 0],
  [/^(eu-|europe-|westeurope|germany|francecentral|swedencentral|norwayeast|switzerland)/, 1],
  [/^(me-|uaenorth|qatar)/, 4],
  [/^(ap-south|asia-south|centralindia|southindia)/, 5.5],
  [/^(ap-southeast-1|asia-southeast|southeastasia|ap-east|eastasia)/, 8],
  [/^(ap-northeast-2|asia-northeast3|koreacentral)/, 9],
  [/^(ap-northeast|asia-northeast|japaneast|japanwest)/, 9],
  [/^(ap-southeast-2|australia)/, 10],
];

export function regionUtcOffsetHours(region: string): number {
  const r = region.toLowerCase();
  for (const [pattern, offset] of regionOffsets) if (pattern.test(r)) return offset;
  return 0;
}

/** Hour of day 0..24 (fractional) in a zone `offsetHours` from UTC. */
export function localHour(timeMs: number, offsetHours: number): number {
  const h = (timeMs / 3_600_000 + offsetHours) % 24;
  return h < 0 ? h + 24 : h;
}

/**
 * Fraction of the daily peak offered at `timeMs` in a region: a raised cosine from
 * DIURNAL_TROUGH at 03:00 local to 1.0 at 15:00 local.
 *   d(h) = T + (1 - T) * (1 + cos(2π (h - 15) / 24)) / 2
 */
export function diurnalFactor(timeMs: number, offsetHours: number): number {
  const h = localHour(timeMs, offsetHours);
  const shape = (1 + Math.cos((2 * Math.PI * (h - DIURNAL_PEAK_HOUR)) / 24)) / 2;
  return DIURNAL_TROUGH + (1 - DIURNAL_TROUGH) * shape;
}

/** FNV-1a over the seed and a key: a stable 32-bit hash for per-endpoint phases. */
export function hash32(seed: number, key: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Final avalanche so nearby keys ("a:1", "a:2") get unrelated phases.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}

/** A deterministic pseudo-random stream (mulberry32), for generators and tests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Precomputed parameters for one noise stream: a few sines with incommensurate periods
 * (about 40 s, 5 min, 17 min and 53 min, each jittered per key) and random phases. The sum
 * wanders smoothly, so a chart looks alive but a 1 s tick never jumps.
 */
export interface NoiseStream {
  /** Periods in seconds. */
  periods: Float64Array;
  /** Phases as fractions of a turn, 0..1. */
  phases: Float64Array;
  weights: Float64Array;
}

const basePeriodsS = [41, 301, 1013, 3181];
const baseWeights = [0.15, 0.25, 0.3, 0.3];

export function noiseStream(seed: number, key: string): NoiseStream {
  const rand = seededRandom(hash32(seed, key));
  const n = basePeriodsS.length;
  const s: NoiseStream = {
    periods: new Float64Array(n),
    phases: new Float64Array(n),
    weights: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    s.periods[i] = basePeriodsS[i]! * (0.8 + 0.4 * rand());
    s.phases[i] = rand();
    s.weights[i] = baseWeights[i]!;
  }
  return s;
}

/**
 * Smooth noise in [-1, 1] (weights sum to 1) at `timeMs`. The turn count is reduced to its
 * fraction before Math.sin: sin of an epoch-sized argument (~1e9 rad) takes a slow range
 * reduction, and this runs for every endpoint on every tick.
 */
export function noiseAt(stream: NoiseStream, timeMs: number): number {
  const t = timeMs / 1000;
  let sum = 0;
  for (let i = 0; i < stream.periods.length; i++) {
    const turns = t / stream.periods[i]! + stream.phases[i]!;
    sum += stream.weights[i]! * Math.sin(2 * Math.PI * (turns - Math.floor(turns)));
  }
  return sum;
}
