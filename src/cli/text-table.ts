/** Column alignment: numbers read best right-aligned. */
export type Align = 'left' | 'right';

/**
 * An aligned plain-text table (two spaces between columns, no trailing blanks), the shape
 * `kubectl get` prints, so it reads well in a terminal and survives `grep` and `column`.
 */
export function textTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
): string {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat(widths[i]! - width(cell));
        return align[i] === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** Display width: code points, which is right for the Latin text and symbols we print. */
function width(text: string): number {
  return [...text].length;
}
