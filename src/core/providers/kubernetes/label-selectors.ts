/**
 * Label selectors as Kubernetes evaluates them: a workload's `spec.selector` (matchLabels and
 * matchExpressions) against pod labels, and a Service's equality selector against a pod
 * template's labels.
 */
export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: Array<{ key: string; operator: string; values: string[] }>;
}

export function toSelector(value: unknown): LabelSelector | null {
  const selector = record(value);
  const matchLabels = strings(selector.matchLabels);
  const matchExpressions = array(selector.matchExpressions)
    .map(record)
    .map((e) => ({
      key: str(e.key) ?? '',
      operator: str(e.operator) ?? '',
      values: array(e.values).map(String),
    }));
  if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0) return null;
  return { matchLabels, matchExpressions };
}

export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels)) if (labels[key] !== value) return false;
  for (const { key, operator, values } of selector.matchExpressions) {
    const has = Object.hasOwn(labels, key);
    if (operator === 'In' && (!has || !values.includes(labels[key]!))) return false;
    if (operator === 'NotIn' && has && values.includes(labels[key]!)) return false;
    if (operator === 'Exists' && !has) return false;
    if (operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** A Service's selector (equality only) against a pod template's labels. */
export function mapSelects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  let any = false;
  for (const [key, value] of Object.entries(selector)) {
    any = true;
    if (labels[key] !== value) return false;
  }
  return any;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
function strings(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(record(value))) if (typeof v === 'string') out[key] = v;
  return out;
}
