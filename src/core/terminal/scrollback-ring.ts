/**
 * The recent output of one session, kept in memory so a reattaching view (a reloaded renderer,
 * a second browser tab) gets its screen back. Bounded: past `maxChars` the oldest output goes,
 * cut at a line boundary so the replay does not start in the middle of a line or an escape
 * sequence. It trims down to `trimToChars` (below the cap) so a flood does not re-copy the
 * whole ring on every batch.
 */
export class ScrollbackRing {
  private chunks: string[] = [];
  private size = 0;

  constructor(
    readonly maxChars = 2_000_000,
    private readonly trimToChars = Math.floor(maxChars * 0.75),
  ) {}

  get length(): number {
    return this.size;
  }

  push(text: string): void {
    if (text.length === 0) return;
    this.chunks.push(text);
    this.size += text.length;
    if (this.size > this.maxChars) this.trim();
  }

  /** Everything kept, oldest first. */
  snapshot(): string {
    if (this.chunks.length > 1) this.chunks = [this.chunks.join('')];
    return this.chunks[0] ?? '';
  }

  private trim(): void {
    let drop = this.size - this.trimToChars;
    while (this.chunks.length > 0 && this.chunks[0]!.length <= drop) {
      drop -= this.chunks[0]!.length;
      this.size -= this.chunks.shift()!.length;
    }
    let first = this.chunks[0];
    if (first === undefined) return;
    first = first.slice(drop);
    this.size -= drop;
    // Start at the next line when one begins soon enough; a single endless line is cut as is.
    const newline = first.indexOf('\n');
    if (newline >= 0 && newline < 64 * 1024) {
      first = first.slice(newline + 1);
      this.size -= newline + 1;
    }
    if (first.length === 0) this.chunks.shift();
    else this.chunks[0] = first;
  }
}
