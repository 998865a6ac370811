/**
 * A strict, test-only reader of the Prometheus text format 0.0.4: it parses what the simulated
 * servers write and throws on anything a scraper would reject or misread (a sample before its
 * TYPE, a duplicate series, an unsorted or non-cumulative histogram, +Inf != _count).
 */
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedFamily {
  name: string;
  type: string;
  help: string;
  samples: ParsedSample[];
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/;
const labelPair = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;

function parseValue(text: string, line: number): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new Error(`line ${line}: bad value ${JSON.stringify(text)}`);
  return value;
}

function parseLabels(body: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {};
  labelPair.lastIndex = 0;
  while (labelPair.lastIndex < body.length) {
    const start = labelPair.lastIndex;
    const m = labelPair.exec(body);
    if (!m || m.index !== start) throw new Error(`line ${line}: bad labels {${body}}`);
    if (m[1]! in labels) throw new Error(`line ${line}: duplicate label ${m[1]}`);
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    if (m[3] === '') break;
  }
  return labels;
}

function familyOf(name: string, families: Map<string, ParsedFamily>): ParsedFamily | undefined {
  const direct = families.get(name);
  if (direct) return direct;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!name.endsWith(suffix)) continue;
    const family = families.get(name.slice(0, -suffix.length));
    if (family?.type === 'histogram') return family;
  }
  return undefined;
}

export function parseExposition(text: string): Map<string, ParsedFamily> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, ParsedFamily>();
  const seen = new Set<string>();
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.startsWith('# HELP ') || raw.startsWith('# TYPE ')) {
      const [, kind, name, ...rest] = raw.split(' ');
      const family = families.get(name!) ?? { name: name!, type: 'untyped', help: '', samples: [] };
      if (family.samples.length > 0) throw new Error(`line ${line}: ${kind} for ${name} after its samples`);
      if (kind === 'TYPE') {
        if (family.type !== 'untyped') throw new Error(`line ${line}: second TYPE for ${name}`);
        family.type = rest.join(' ');
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(family.type)) {
          throw new Error(`line ${line}: unknown type ${family.type}`);
        }
      } else family.help = rest.join(' ');
      families.set(name!, family);
      return;
    }
    if (raw.startsWith('#') || raw.trim() === '') return;
    const m = sampleLine.exec(raw);
    if (!m) throw new Error(`line ${line}: not a sample: ${raw}`);
    const name = m[1]!;
    const labels = m[3] ? parseLabels(m[3], line) : {};
    const family = familyOf(name, families);
    if (!family || family.type === 'untyped') throw new Error(`line ${line}: ${name} has no TYPE before it`);
    const series = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(series)) throw new Error(`line ${line}: duplicate series ${series}`);
    seen.add(series);
    family.samples.push({ name, labels, value: parseValue(m[4]!, line) });
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

/** One histogram series: its buckets (le ascending), sum and count. */
export interface ParsedHistogram {
  labels: Record<string, string>;
  buckets: Array<{ le: number; count: number }>;
  sum: number;
  count: number;
}

export function histograms(family: ParsedFamily): ParsedHistogram[] {
  const byKey = new Map<string, ParsedHistogram>();
  for (const s of family.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    let h = byKey.get(key);
    if (!h) byKey.set(key, (h = { labels: rest, buckets: [], sum: NaN, count: NaN }));
    if (s.name.endsWith('_bucket')) {
      if (le === undefined) throw new Error(`${s.name} without le`);
      h.buckets.push({ le: parseValue(le, 0), count: s.value });
    } else if (s.name.endsWith('_sum')) h.sum = s.value;
    else if (s.name.endsWith('_count')) h.count = s.value;
  }
  return [...byKey.values()];
}

function checkHistogram(family: ParsedFamily): void {
  for (const h of histograms(family)) {
    const where = `${family.name}${JSON.stringify(h.labels)}`;
    if (h.buckets.length === 0 || Number.isNaN(h.sum) || Number.isNaN(h.count)) {
      throw new Error(`${where}: needs buckets, _sum and _count`);
    }
    for (let i = 1; i < h.buckets.length; i++) {
      if (!(h.buckets[i]!.le > h.buckets[i - 1]!.le)) throw new Error(`${where}: le not ascending`);
      if (h.buckets[i]!.count < h.buckets[i - 1]!.count) throw new Error(`${where}: buckets not cumulative`);
    }
    const last = h.buckets[h.buckets.length - 1]!;
    if (last.le !== Infinity) throw new Error(`${where}: last bucket must be +Inf`);
    if (last.count !== h.count) throw new Error(`${where}: +Inf bucket ${last.count} != _count ${h.count}`);
  }
}

/**
 * Prometheus' histogram_quantile() over bucket increments (as `rate()` would give them): linear
 * interpolation inside the bucket, the highest finite bound past it.
 */
export function histogramQuantile(q: number, buckets: Array<{ le: number; count: number }>): number {
  const total = buckets[buckets.length - 1]!.count;
  if (!(total > 0)) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return prevLe;
      return prevLe + (b.le - prevLe) * ((rank - prevCount) / (b.count - prevCount));
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}

/** Bucket-wise difference of two scrapes of the same histogram series. */
export function bucketDelta(
  after: ParsedHistogram,
  before: ParsedHistogram,
): Array<{ le: number; count: number }> {
  return after.buckets.map((b, i) => ({ le: b.le, count: b.count - (before.buckets[i]?.count ?? 0) }));
}
