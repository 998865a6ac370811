import { redactSecrets } from '../log/redact';

/** A step's recorded output is capped: the start (what ran) and the end (how it ended) are kept. */
export const STEP_OUTPUT_HEAD_CHARS = 8 * 1024;
export const STEP_OUTPUT_TAIL_CHARS = 56 * 1024;

/**
 * Collects a step's raw terminal output with bounded memory: the first HEAD characters and the
 * last TAIL characters, however much the command prints (`yes` must not grow the core).
 */
export class CappedText {
  private head = '';
  private tail = '';
  private dropped = 0;

  append(text: string): void {
    if (this.head.length < STEP_OUTPUT_HEAD_CHARS) {
      const room = STEP_OUTPUT_HEAD_CHARS - this.head.length;
      this.head += text.slice(0, room);
      text = text.slice(room);
    }
    if (!text) return;
    this.tail += text;
    // Compacting only past twice the cap keeps appends amortised O(1).
    if (this.tail.length > 2 * STEP_OUTPUT_TAIL_CHARS) {
      const cut = this.tail.length - STEP_OUTPUT_TAIL_CHARS;
      this.dropped += cut;
      this.tail = this.tail.slice(cut);
    }
  }

  /** ANSI stripped, secrets redacted, capped. */
  text(): string {
    let tail = this.tail;
    let dropped = this.dropped;
    if (tail.length > STEP_OUTPUT_TAIL_CHARS) {
      dropped += tail.length - STEP_OUTPUT_TAIL_CHARS;
      tail = tail.slice(tail.length - STEP_OUTPUT_TAIL_CHARS);
    }
    const gap = dropped > 0 ? `\n[... ${dropped} characters of output not kept ...]\n` : '';
    return redactSecrets(plainText(this.head) + gap + plainText(tail));
  }
}

// CSI (colours, cursor moves, bracketed paste), OSC (titles, marks), then any other two-byte escape.
// Matching control characters is the point of these patterns.
/* eslint-disable no-control-regex */
const CSI = /\x1b\[[0-?]*[ -/]*[@-~]/g;
const OSC = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;
const ESC2 = /\x1b[@-Z\\-_]/g;
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;
/* eslint-enable no-control-regex */

/**
 * What a person would read on the screen, as text: escapes removed, CRLF as LF, and a line
 * rewritten with bare CRs (progress bars) reduced to its last state.
 */
export function plainText(raw: string): string {
  const stripped = raw.replace(OSC, '').replace(CSI, '').replace(ESC2, '');
  return stripped
    .replace(/\r+\n/g, '\n')
    .split('\n')
    .map((line) => {
      const cr = line.lastIndexOf('\r');
      return cr >= 0 ? line.slice(cr + 1) : line;
    })
    .join('\n')
    .replace(CONTROL, '');
}
