import type { Bucket } from '../../../shared/fleet/promql';

/**
 * A small, fast parser for the Prometheus text exposition format 0.0.4 (what vLLM, TGI, DCGM
 * exporter and every client library serve on /metrics): comments, HELP and TYPE, labels with
 * `\\`, `\"` and `\n` escapes, +Inf/-Inf/NaN, optional millisecond timestamps, histograms grouped
 * from their `_bucket`/`_sum`/`_count` series. OpenMetrics' `# EOF` ends the input.
 *
 * Why not a package: the one maintained-looking candidate on npm (parse-prometheus-text-format)
 * keeps values as strings, merges buckets of differently-labelled histogram series into one, and
 * throws away timestamps; this parser is one pass with no per-line regexes, and a parse error
 * names its line, as Prometheus does when it fails a scrape.
 */

export type ExpositionType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
export type Labels = Record<string, string>;

export interface ExpositionSample {
  labels: Labels;
  value: number;
  timestampMs: number | null;
}

export interface HistogramSeries {
  /** Labels without `le`. */
  labels: Labels;
  /** Sorted by `le`, +Inf last. */
  buckets: Bucket[];
  sum: number;
  count: number;
}

export interface Exposition {
  /** TYPE per family name. */
  types: Map<string, ExpositionType>;
  help: Map<string, string>;
  /** Counters, gauges, untyped and summary series, by sample name. */
  samples: Map<string, ExpositionSample[]>;
  /** Histograms by family name (`x` for `x_bucket`), one entry per label set. */
  histograms: Map<string, HistogramSeries[]>;
  /** Every sample name seen plus histogram family names: what rename detection looks at. */
  names: Set<string>;
}

export class ExpositionParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'ExpositionParseError';
  }
}

const validTypes = new Set<ExpositionType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** Series identity: labels sorted by name, NUL-separated (values may hold any other character). */
export function labelsKey(labels: Labels, omit?: string): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  keys.sort();
  let out = '';
  for (const k of keys) {
    if (k === omit) continue;
    out += `${k}\u0000${labels[k]}\u0000`;
  }
  return out;
}

export function parseExposition(text: string): Exposition {
  const types = new Map<string, ExpositionType>();
  const help = new Map<string, string>();
  const samples = new Map<string, ExpositionSample[]>();
  const histogramSeries = new Map<string, Map<string, HistogramSeries>>();
  const names = new Set<string>();

  const histogramFor = (family: string, labels: Labels): HistogramSeries => {
    let byKey = histogramSeries.get(family);
    if (!byKey) histogramSeries.set(family, (byKey = new Map()));
    const key = labelsKey(labels, 'le');
    let series = byKey.get(key);
    if (!series) {
      const own: Labels = {};
      for (const k in labels) if (k !== 'le') own[k] = labels[k]!;
      byKey.set(key, (series = { labels: own, buckets: [], sum: NaN, count: NaN }));
    }
    return series;
  };

  let lineNo = 0;
  let pos = 0;
  const length = text.length;
  while (pos < length) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = length;
    lineNo++;
    let line = text.slice(pos, end);
    pos = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const first = firstNonSpace(line);
    if (first === -1) continue;
    if (line.charCodeAt(first) === 35 /* # */) {
      if (parseComment(line, first, lineNo, types, help)) break;
      continue;
    }
    const sample = parseSampleLine(line, first, lineNo);
    const { name, labels } = sample;
    const suffix = histogramSuffix(name);
    if (suffix) {
      const family = name.slice(0, name.length - suffix.length);
      const familyType = types.get(family);
      if (
        suffix === '_created' &&
        (familyType === 'histogram' || familyType === 'counter' || familyType === 'summary')
      ) {
        continue;
      }
      if (
        familyType === 'histogram' ||
        (suffix === '_bucket' && familyType === undefined && 'le' in labels)
      ) {
        const series = histogramFor(family, labels);
        names.add(family);
        if (suffix === '_bucket') {
          const le = labels.le;
          if (le === undefined) throw new ExpositionParseError(lineNo, `${name} has no "le" label`);
          const bound = parseNumber(le);
          if (bound === null) throw new ExpositionParseError(lineNo, `${name} has an invalid le="${le}"`);
          series.buckets.push({ le: bound, count: sample.value });
        } else if (suffix === '_sum') series.sum = sample.value;
        else if (suffix === '_count') series.count = sample.value;
        continue;
      }
    }
    names.add(name);
    let list = samples.get(name);
    if (!list) samples.set(name, (list = []));
    list.push({ labels, value: sample.value, timestampMs: sample.timestampMs });
  }

  // Histograms found through `le` without a TYPE line: claim their `_sum`/`_count` samples.
  const histograms = new Map<string, HistogramSeries[]>();
  for (const [family, byKey] of histogramSeries) {
    if (types.get(family) !== 'histogram') {
      for (const suffix of ['_sum', '_count'] as const) {
        const list = samples.get(family + suffix);
        if (!list) continue;
        for (const s of list) {
          const series = byKey.get(labelsKey(s.labels));
          if (series) series[suffix === '_sum' ? 'sum' : 'count'] = s.value;
        }
        samples.delete(family + suffix);
        names.delete(family + suffix);
      }
    }
    const list = [...byKey.values()];
    for (const series of list) {
      series.buckets.sort((a, b) => a.le - b.le);
      // A histogram without `_count` still has its total in the +Inf bucket.
      if (Number.isNaN(series.count)) {
        const inf = series.buckets[series.buckets.length - 1];
        if (inf && inf.le === Infinity) series.count = inf.count;
      }
    }
    histograms.set(family, list);
  }
  return { types, help, samples, histograms, names };
}

function histogramSuffix(name: string): '_bucket' | '_sum' | '_count' | '_created' | null {
  const last = name.charCodeAt(name.length - 1);
  // Cheap first check on the last letter before comparing strings.
  if (last === 116 /* t */ && name.endsWith('_bucket')) return '_bucket';
  if (last === 109 /* m */ && name.endsWith('_sum')) return '_sum';
  if (last === 116 /* t */ && name.endsWith('_count')) return '_count';
  if (last === 100 /* d */ && name.endsWith('_created')) return '_created';
  return null;
}

const isSpace = (c: number) => c === 32 || c === 9;

function firstNonSpace(line: string): number {
  for (let i = 0; i < line.length; i++) if (!isSpace(line.charCodeAt(i))) return i;
  return -1;
}

/** HELP/TYPE lines set metadata; other comments are ignored. Returns true on `# EOF`. */
function parseComment(
  line: string,
  start: number,
  lineNo: number,
  types: Map<string, ExpositionType>,
  help: Map<string, string>,
): boolean {
  const tokens = line.slice(start + 1).trimStart();
  if (tokens === 'EOF') return true;
  const isHelp = tokens.startsWith('HELP ') || tokens.startsWith('HELP\t');
  const isType = tokens.startsWith('TYPE ') || tokens.startsWith('TYPE\t');
  if (!isHelp && !isType) return false;
  const rest = tokens.slice(5).trimStart();
  const space = rest.search(/[ \t]/);
  const name = space === -1 ? rest : rest.slice(0, space);
  const value = space === -1 ? '' : rest.slice(space + 1);
  if (!isValidMetricName(name))
    throw new ExpositionParseError(lineNo, `invalid metric name in ${isHelp ? 'HELP' : 'TYPE'}`);
  if (isHelp) {
    help.set(name, value.includes('\\') ? unescapeHelp(value) : value);
  } else {
    const type = value.trim() as ExpositionType;
    if (!validTypes.has(type))
      throw new ExpositionParseError(lineNo, `unknown metric type "${value.trim()}" for ${name}`);
    types.set(name, type);
  }
  return false;
}

function unescapeHelp(text: string): string {
  return text.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

function isValidMetricName(name: string): boolean {
  if (name.length === 0 || !isNameStart(name.charCodeAt(0))) return false;
  for (let i = 1; i < name.length; i++) if (!isNameChar(name.charCodeAt(i))) return false;
  return true;
}

interface SampleLine {
  name: string;
  labels: Labels;
  value: number;
  timestampMs: number | null;
}

function parseSampleLine(line: string, start: number, lineNo: number): SampleLine {
  let i = start;
  const n = line.length;
  if (!isNameStart(line.charCodeAt(i)))
    throw new ExpositionParseError(lineNo, `expected a metric name, got "${clip(line)}"`);
  while (i < n && isNameChar(line.charCodeAt(i))) i++;
  const name = line.slice(start, i);
  while (i < n && isSpace(line.charCodeAt(i))) i++;
  const labels: Labels = {};
  if (line.charCodeAt(i) === 123 /* { */) {
    i = parseLabels(line, i + 1, lineNo, labels);
    while (i < n && isSpace(line.charCodeAt(i))) i++;
  }
  let j = i;
  while (j < n && !isSpace(line.charCodeAt(j))) j++;
  const valueText = line.slice(i, j);
  if (valueText === '') throw new ExpositionParseError(lineNo, `${name} has no value`);
  const value = parseNumber(valueText);
  if (value === null)
    throw new ExpositionParseError(lineNo, `${name} has an invalid value "${clip(valueText)}"`);
  while (j < n && isSpace(line.charCodeAt(j))) j++;
  let timestampMs: number | null = null;
  if (j < n) {
    let k = j;
    while (k < n && !isSpace(line.charCodeAt(k))) k++;
    const ts = line.slice(j, k);
    if (!/^-?\d+$/.test(ts))
      throw new ExpositionParseError(lineNo, `${name} has an invalid timestamp "${clip(ts)}"`);
    timestampMs = Number(ts);
    while (k < n && isSpace(line.charCodeAt(k))) k++;
    if (k < n) throw new ExpositionParseError(lineNo, `unexpected text after the timestamp of ${name}`);
  }
  return { name, labels, value, timestampMs };
}

/** Parses `a="x",b="y"}` from `i` (just past `{`); returns the index after `}`. */
function parseLabels(line: string, i: number, lineNo: number, labels: Labels): number {
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) throw new ExpositionParseError(lineNo, 'unterminated label set');
    if (line.charCodeAt(i) === 125 /* } */) return i + 1;
    const nameStart = i;
    if (!isNameStart(line.charCodeAt(i)) || line.charCodeAt(i) === 58) {
      throw new ExpositionParseError(lineNo, `invalid label name at column ${i + 1}`);
    }
    while (i < n && isNameChar(line.charCodeAt(i)) && line.charCodeAt(i) !== 58) i++;
    const labelName = line.slice(nameStart, i);
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (line.charCodeAt(i) !== 61 /* = */)
      throw new ExpositionParseError(lineNo, `expected "=" after label ${labelName}`);
    i++;
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (line.charCodeAt(i) !== 34 /* " */)
      throw new ExpositionParseError(lineNo, `label ${labelName}: value must be quoted`);
    i++;
    const valueStart = i;
    let escaped = false;
    while (i < n) {
      const c = line.charCodeAt(i);
      if (c === 92 /* \ */) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c === 34) break;
      i++;
    }
    if (i >= n) throw new ExpositionParseError(lineNo, `label ${labelName}: unterminated value`);
    const raw = line.slice(valueStart, i);
    if (labelName in labels) throw new ExpositionParseError(lineNo, `label ${labelName} appears twice`);
    labels[labelName] = escaped ? unescapeLabel(raw) : raw;
    i++;
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    const c = line.charCodeAt(i);
    if (c === 44 /* , */) {
      i++;
      continue;
    }
    if (c === 125) return i + 1;
    throw new ExpositionParseError(lineNo, `expected "," or "}" after label ${labelName}`);
  }
}

function unescapeLabel(raw: string): string {
  // \\ -> \, \" -> ", \n -> newline; any other escape is kept as written (Prometheus is lenient).
  return raw.replace(/\\(.)/g, (m, c: string) =>
    c === 'n' ? '\n' : c === '\\' ? '\\' : c === '"' ? '"' : m,
  );
}

/** Go's ParseFloat spellings the format allows: numbers, [+-]Inf, NaN (any case). */
export function parseNumber(text: string): number | null {
  const c = text.charCodeAt(0);
  if (
    (c >= 48 && c <= 57) ||
    c === 46 /* . */ ||
    ((c === 45 || c === 43) && text.length > 1 && isDigitOrDot(text.charCodeAt(1)))
  ) {
    const v = Number(text);
    return Number.isNaN(v) ? null : v;
  }
  switch (text.toLowerCase()) {
    case '+inf':
    case 'inf':
    case '+infinity':
    case 'infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    case 'nan':
      return NaN;
    default:
      return null;
  }
}

const isDigitOrDot = (c: number) => (c >= 48 && c <= 57) || c === 46;

const clip = (s: string) => (s.length > 60 ? `${s.slice(0, 60)}…` : s);
