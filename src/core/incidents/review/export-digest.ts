import { createHash } from 'node:crypto';

/**
 * JSON with object keys in code-point order at every level and no whitespace, so the same
 * content always gives the same bytes whatever order it was built or parsed in. Keys whose value
 * is undefined are left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    // A bare undefined (or a function) has no JSON form; inside arrays JSON writes null.
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}

/** `sha256:<hex>` over the canonical JSON of an export's body (the file's `digest`). */
export function exportDigest(body: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(body), 'utf8').digest('hex')}`;
}
