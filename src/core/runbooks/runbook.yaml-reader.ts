import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node, YAMLMap, YAMLSeq } from 'yaml';
import type { RunbookProblem } from '../../shared/contract/runbook.schema';
import { didYouMean } from './runbook.format';

/**
 * Reads typed values out of a YAML tree and records every problem with the file, line, column
 * and field path (`steps[2].check`), so an author can go straight to the mistake. One reader
 * per file; the runbook parser asks it for fields and never touches positions itself.
 */
export class YamlReader {
  readonly problems: RunbookProblem[] = [];

  constructor(
    readonly file: string,
    readonly text: string,
    readonly lines: LineCounter,
  ) {}

  /** 1-based line and column of a source offset. */
  position(offset: number): { line: number; column: number } {
    const p = this.lines.linePos(offset);
    return { line: p.line, column: p.col };
  }

  problem(node: Node | null | undefined, field: string | null, message: string, offset?: number): void {
    const at = offset ?? node?.range?.[0];
    const pos = at === undefined ? null : this.position(at);
    this.problems.push({
      file: this.file,
      line: pos?.line ?? null,
      column: pos?.column ?? null,
      field,
      message,
    });
  }

  /**
   * The fields of a mapping, each with its value node. Unknown keys are problems with a
   * "did you mean" when one is close; a non-mapping is a problem and yields null.
   */
  fields(
    node: Node | null | undefined,
    path: string,
    allowed: readonly string[],
  ): Map<string, Node | null> | null {
    if (!isMap(node)) {
      this.problem(node, path || null, `${path || 'The document'} must be a mapping (key: value lines).`);
      return null;
    }
    const out = new Map<string, Node | null>();
    for (const pair of (node as YAMLMap<Node, Node | null>).items) {
      const key = pair.key;
      const name = isScalar(key) ? String(key.value) : null;
      const field = name === null ? path : join(path, name);
      if (name === null) {
        this.problem(key, path || null, 'Keys must be plain names.');
      } else if (!allowed.includes(name)) {
        this.problem(
          key,
          field,
          `Unknown field '${name}'${path ? ` in ${path}` : ''}.${didYouMean(name, allowed)} Allowed: ${allowed.join(', ')}.`,
        );
      } else {
        out.set(name, pair.value ?? null);
      }
    }
    return out;
  }

  /** A scalar's value, or undefined (with a problem) when the node is a list or mapping. */
  scalar(node: Node | null, field: string): unknown {
    if (node === null) return null;
    if (!isScalar(node)) {
      this.problem(
        node,
        field,
        `${field} must be a single value, not a ${isSeq(node) ? 'list' : 'mapping'}.`,
      );
      return undefined;
    }
    return node.value;
  }

  string(node: Node | null | undefined, field: string, opts: { required?: boolean } = {}): string | null {
    if (node === undefined || node === null || (isScalar(node) && node.value === null)) {
      if (opts.required) this.problem(node ?? null, field, `${field} is required.`);
      return null;
    }
    const v = this.scalar(node, field);
    if (v === undefined) return null;
    if (typeof v !== 'string') {
      this.problem(
        node,
        field,
        `${field} must be text (got ${JSON.stringify(v)}); quote it if it looks like a number.`,
      );
      return null;
    }
    return v;
  }

  boolean(node: Node | null | undefined, field: string): boolean | null {
    if (node === undefined || node === null) return null;
    const v = this.scalar(node, field);
    if (v === undefined) return null;
    if (typeof v !== 'boolean') {
      this.problem(node, field, `${field} must be true or false (got ${JSON.stringify(v)}).`);
      return null;
    }
    return v;
  }

  /** A list of strings; each item is checked by `valid` when given. */
  strings(node: Node | null | undefined, field: string, valid?: (item: string) => string | null): string[] {
    if (node === undefined || node === null) return [];
    if (!isSeq(node)) {
      this.problem(node, field, `${field} must be a list, e.g. [a, b].`);
      return [];
    }
    const out: string[] = [];
    (node as YAMLSeq<Node>).items.forEach((item, i) => {
      const s = this.string(item, `${field}[${i}]`, { required: true });
      if (s === null) return;
      const error = valid?.(s) ?? null;
      if (error) this.problem(item, `${field}[${i}]`, error);
      else out.push(s);
    });
    return out;
  }

  /** The items of a list node, or a problem and an empty list. */
  items(node: Node | null | undefined, field: string): Node[] {
    if (node === undefined || node === null) return [];
    if (!isSeq(node)) {
      this.problem(node, field, `${field} must be a list (each item starts with '- ').`);
      return [];
    }
    return (node as YAMLSeq<Node>).items;
  }

  /**
   * Where a piece of a scalar's text sits in the source, for problems inside long values (an
   * unknown variable on line 4 of a block command). Falls back to the scalar's start when the
   * text is not written verbatim (escapes in a double-quoted string).
   */
  offsetOf(node: Node | null | undefined, needle: string, occurrence = 0): number | undefined {
    const range = node?.range;
    if (!range) return undefined;
    const slice = this.text.slice(range[0], range[1]);
    let from = 0;
    for (let n = 0; n <= occurrence; n++) {
      const i = slice.indexOf(needle, from);
      if (i < 0) return range[0];
      if (n === occurrence) return range[0] + i;
      from = i + needle.length;
    }
    return range[0];
  }
}

export const join = (path: string, name: string): string => (path ? `${path}.${name}` : name);

/**
 * Opens a YAML document (a runbook, a rollout plan, a healing policy) for reading: a reader over
 * it, and its root node, or null when there is nothing to read, the reason already among the
 * reader's problems (each syntax error at its line and column, or `empty` for a blank document).
 */
export function openYamlDocument(
  text: string,
  file: string,
  empty: string,
): { r: YamlReader; root: Node | null } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const r = new YamlReader(file, text, lines);
  if (doc.errors.length > 0) {
    // prettyErrors would fold the position into the message; the offset keeps it a field.
    for (const e of doc.errors) r.problem(null, null, `YAML syntax: ${e.message.split('\n')[0]}`, e.pos[0]);
    return { r, root: null };
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    r.problem(null, null, empty, 0);
    return { r, root: null };
  }
  return { r, root: doc.contents as Node };
}
