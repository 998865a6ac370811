import { safeExternalUrl } from '../../../../shared/links/safe-url';

/**
 * A deliberately tiny Markdown reader for runbook guidance: paragraphs, bullet and numbered
 * lists, fenced and indented code, inline code, bold, italic and links. Runbook files come from
 * a shared folder anyone may write to, so the output is a small tree the view turns into React
 * elements; nothing is ever handed to innerHTML, and HTML in the source stays literal text.
 */

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong'; children: Inline[] }
  | { kind: 'em'; children: Inline[] }
  /** `href` is null when the target is not an http(s) URL: shown as text, never followed. */
  | { kind: 'link'; href: string | null; children: Inline[] };

export type Block =
  | { kind: 'paragraph'; inline: Inline[] }
  | { kind: 'heading'; level: number; inline: Inline[] }
  | { kind: 'list'; ordered: boolean; items: Inline[][] }
  | { kind: 'code'; lang: string; text: string };

/** The http/https allowlist (no credentials): anything else (javascript:, file:, data:, relative) is not a link. */
export const safeHref = (raw: string): string | null => safeExternalUrl(raw);

const BULLET = /^\s{0,3}[-*+]\s+(.*)$/;
const NUMBERED = /^\s{0,3}\d{1,9}[.)]\s+(.*)$/;
const FENCE = /^\s{0,3}(```|~~~)\s*([\w+-]*)\s*$/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const close = fence[1] ?? '```';
      const body: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] ?? '').trim().startsWith(close)) body.push(lines[i++] ?? '');
      i++; // the closing fence (or the end of the text)
      blocks.push({ kind: 'code', lang: fence[2] ?? '', text: body.join('\n') });
      continue;
    }
    if (/^( {4}|\t)/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && (/^( {4}|\t)/.test(lines[i] ?? '') || (lines[i] ?? '').trim() === ''))
        body.push((lines[i++] ?? '').replace(/^( {4}|\t)/, ''));
      blocks.push({ kind: 'code', lang: '', text: body.join('\n').replace(/\n+$/, '') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ kind: 'heading', level: heading[1]?.length ?? 1, inline: parseInline(heading[2] ?? '') });
      i++;
      continue;
    }
    const ordered = NUMBERED.test(line);
    if (ordered || BULLET.test(line)) {
      const marker = ordered ? NUMBERED : BULLET;
      const items: string[] = [];
      while (i < lines.length) {
        const current = lines[i] ?? '';
        const item = marker.exec(current);
        if (item) items.push(item[1] ?? '');
        // A continuation line (indented, not blank) belongs to the item above it.
        else if (/^\s+\S/.test(current) && items.length > 0) items[items.length - 1] += ` ${current.trim()}`;
        else break;
        i++;
      }
      blocks.push({ kind: 'list', ordered, items: items.map(parseInline) });
      continue;
    }
    const para: string[] = [];
    while (i < lines.length) {
      const current = lines[i] ?? '';
      if (current.trim() === '' || FENCE.test(current) || HEADING.test(current)) break;
      if (para.length > 0 && (BULLET.test(current) || NUMBERED.test(current))) break;
      para.push(current.trim());
      i++;
    }
    blocks.push({ kind: 'paragraph', inline: parseInline(para.join(' ')) });
  }
  return blocks;
}

/** Inline spans, left to right: `code` first (nothing inside it is Markdown), then links and emphasis. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = () => {
    if (plain) out.push({ kind: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    const rest = text.slice(i);
    if (ch === '\\' && i + 1 < text.length && /[\\`*_[\]()#+\-.!]/.test(text[i + 1] ?? '')) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === '`') {
      const ticks = /^`+/.exec(rest)?.[0] ?? '`';
      const end = text.indexOf(ticks, i + ticks.length);
      if (end > 0) {
        flush();
        out.push({ kind: 'code', text: text.slice(i + ticks.length, end).trim() });
        i = end + ticks.length;
        continue;
      }
    }
    if (ch === '[') {
      const link = /^\[([^\]]*)\]\(\s*([^)\s]+)(?:\s+"[^"]*")?\s*\)/.exec(rest);
      if (link) {
        flush();
        out.push({ kind: 'link', href: safeHref(link[2] ?? ''), children: parseInline(link[1] ?? '') });
        i += link[0].length;
        continue;
      }
    }
    if (ch === '<') {
      const auto = /^<(https?:\/\/[^>\s]+)>/.exec(rest);
      if (auto) {
        flush();
        const href = safeHref(auto[1] ?? '');
        out.push({ kind: 'link', href, children: [{ kind: 'text', text: auto[1] ?? '' }] });
        i += auto[0].length;
        continue;
      }
    }
    if (ch === '*' || ch === '_') {
      const strong = rest.startsWith(ch + ch);
      const marker = strong ? ch + ch : ch;
      const end = findClose(text, i + marker.length, marker);
      // `snake_case_names` are not emphasis: an underscore must not sit inside a word.
      const wordInside = ch === '_' && /\w/.test(text[i - 1] ?? '');
      if (end > i + marker.length && !wordInside) {
        flush();
        const children = parseInline(text.slice(i + marker.length, end));
        out.push(strong ? { kind: 'strong', children } : { kind: 'em', children });
        i = end + marker.length;
        continue;
      }
    }
    plain += ch;
    i++;
  }
  flush();
  return out;
}

/** Where `marker` closes emphasis opened before `from`: not followed by whitespace at the start. */
function findClose(text: string, from: number, marker: string): number {
  if (/\s/.test(text[from] ?? ' ')) return -1;
  let at = text.indexOf(marker, from);
  while (at > 0) {
    const single = marker.length === 1;
    // A single `*` must not take half of a `**`.
    const doubled = single && text[at + 1] === marker;
    if (!/\s/.test(text[at - 1] ?? ' ') && !doubled) return at;
    at = text.indexOf(marker, at + (doubled ? 2 : 1));
  }
  return -1;
}
