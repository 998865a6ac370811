/**
 * Price overrides as people type them in Settings, one pair per item, separated by commas or
 * new lines:
 *   GPU instances: `p5.48xlarge=90, g5.12xlarge=5.10`   (USD per instance-hour)
 *   token prices:  `gpt-4o=2.5/10, my-model=0.4/1.6`   (USD per 1M input / output tokens)
 * Parsing returns the first problem in words, so Settings can refuse it with the reason.
 */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

const items = (text: string) =>
  text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

const positive = (s: string) => {
  const n = Number(s);
  return s.trim() !== '' && Number.isFinite(n) && n >= 0 ? n : null;
};

export function parseGpuPriceOverrides(text: string): ParseResult<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const item of items(text)) {
    const m = /^([A-Za-z0-9_.-]+)\s*=\s*(\S+)$/.exec(item);
    const price = m ? positive(m[2]!) : null;
    if (!m || price === null)
      return { ok: false, error: `"${item}" is not instance-type=USD per hour (e.g. p5.48xlarge=90)` };
    out[m[1]!] = price;
  }
  return { ok: true, value: out };
}

export function parseTokenPriceOverrides(
  text: string,
): ParseResult<Record<string, { input: number; output: number }>> {
  const out: Record<string, { input: number; output: number }> = {};
  for (const item of items(text)) {
    const m = /^([A-Za-z0-9_.:/-]+?)\s*=\s*([^/\s]+)\s*\/\s*(\S+)$/.exec(item);
    const input = m ? positive(m[2]!) : null;
    const output = m ? positive(m[3]!) : null;
    if (!m || input === null || output === null) {
      return {
        ok: false,
        error: `"${item}" is not model=input/output USD per 1M tokens (e.g. gpt-4o=2.5/10)`,
      };
    }
    out[m[1]!] = { input, output };
  }
  return { ok: true, value: out };
}
