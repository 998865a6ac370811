import { randomBytes } from 'node:crypto';
import type { TerminalHost } from '../terminal/terminal.types';
import { CappedText } from './step-output';

/**
 * Runs a runbook step's command in the run's terminal, where the engineer watches it, and learns
 * where its output starts and ends and how it exited.
 *
 * Each command is wrapped between two private OSC sequences carrying a fresh nonce, written by
 * the shell itself (printf) just before and just after the command:
 *
 *   printf '\033]7770;fd;S;<nonce>\007'; {
 *   <command>
 *   }; printf '\033]7770;fd;E;<nonce>;%s\007' "$?"
 *
 * The terminal echoes the typed line with `\033` as four printable characters, so the echo can
 * never be mistaken for a mark; only printf's output holds the real ESC byte. The nonce is new
 * for every step, so output of an earlier step (or a command printing old marks) cannot end the
 * current one. xterm ignores unknown OSC sequences, so the marks are invisible on screen.
 */

// eslint-disable-next-line no-control-regex -- the marks are made of control characters
const MARK = /\x1b\]7770;fd;([SER]);([a-f0-9]{16})(?:;(-?\d+))?\x07/g;
/** The longest a mark can be; a chunk ending in a partial mark is held back this far. */
const MARK_MAX = 48;

const nonce = () => randomBytes(8).toString('hex');
const markCmd = (kind: 'S' | 'R', n: string) => `printf '\\033]7770;fd;${kind};%s\\007' ${n}`;

export type ExecOutcome = 'exited' | 'timed_out' | 'aborted' | 'terminal_exited';

export interface ExecResult {
  outcome: ExecOutcome;
  /** The command's exit status; null unless it exited. */
  exitCode: number | null;
  /** ANSI stripped, secrets redacted, capped. */
  output: string;
}

interface Pending {
  nonce: string;
  capturing: boolean;
  output: CappedText;
  done: (result: { exitCode: number | null }) => void;
}

/** One driver per run terminal; owns the output subscription for the session's life. */
export class TerminalDriver {
  private carry = '';
  private lastOutputAt = 0;
  private pending: Pending | null = null;
  private readonly syncs = new Map<string, () => void>();
  private exitWaiters = new Set<() => void>();
  private exited = false;
  private disposed = false;
  private readonly offOutput: () => void;
  private readonly offExit: () => void;

  constructor(
    private readonly host: TerminalHost,
    readonly sessionId: string,
  ) {
    this.offOutput = host.onOutput(sessionId, (data) => this.onData(data));
    this.offExit = host.onExit(sessionId, () => {
      this.exited = true;
      for (const w of this.exitWaiters) w();
      this.exitWaiters.clear();
    });
  }

  get alive(): boolean {
    return !this.exited && !this.disposed && this.host.get(this.sessionId)?.state === 'running';
  }

  /**
   * Prepares the shell for runbook commands and waits until it answers: no history expansion
   * (a `!` in a quoted parameter must stay a `!`), no history file, a plain prompt.
   */
  async ready(timeoutMs: number): Promise<boolean> {
    return this.sync(timeoutMs, "set +H; unset HISTFILE; PS1='\\$ '; PS2='> '");
  }

  /** Writes a line ending in a sync mark and waits for the shell to print it. */
  async sync(timeoutMs: number, prefix = ''): Promise<boolean> {
    if (!this.alive) return false;
    const n = nonce();
    const reached = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.syncs.delete(n);
        this.exitWaiters.delete(onExit);
        resolve(ok);
      };
      const onExit = () => finish(false);
      this.syncs.set(n, () => finish(true));
      this.exitWaiters.add(onExit);
    });
    this.host.write(this.sessionId, `${prefix ? `${prefix}; ` : ''}${markCmd('R', n)}\r`);
    return reached;
  }

  /**
   * Sends Ctrl-C and waits for the prompt to come back (a sync mark), up to three times. The sync
   * line is typed only once the shell has gone quiet after the Ctrl-C: the terminal discards
   * pending input when it delivers SIGINT, and would discard a line typed at the same moment.
   */
  async interrupt(): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (!this.alive) return false;
      this.host.write(this.sessionId, '\x03');
      await this.quiet(100, 1000 * (attempt + 1));
      if (await this.sync(3000)) return true;
    }
    return false;
  }

  /** Resolves once no output has arrived for `ms`, or after `maxMs` whatever happens. */
  private quiet(ms: number, maxMs: number): Promise<void> {
    const start = Date.now();
    this.lastOutputAt = start;
    return new Promise((resolve) => {
      const poll = () => {
        const now = Date.now();
        if (now - this.lastOutputAt >= ms || now - start >= maxMs || !this.alive) return resolve();
        setTimeout(poll, Math.min(ms, 25));
      };
      setTimeout(poll, ms);
    });
  }

  /**
   * Runs one command and resolves when it exits, times out (Ctrl-C is sent, the prompt awaited),
   * is aborted through `signal` (likewise) or the terminal goes away.
   */
  async exec(command: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<ExecResult> {
    if (this.pending) throw new Error('a step is already running in this terminal');
    if (!this.alive) return { outcome: 'terminal_exited', exitCode: null, output: '' };
    const n = nonce();
    const output = new CappedText();
    const ended = new Promise<{ outcome: ExecOutcome; exitCode: number | null }>((resolve) => {
      const timer = setTimeout(() => finish('timed_out', null), options.timeoutMs);
      const onAbort = () => finish('aborted', null);
      const onExit = () => finish('terminal_exited', null);
      const finish = (outcome: ExecOutcome, exitCode: number | null) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.exitWaiters.delete(onExit);
        this.pending = null;
        resolve({ outcome, exitCode });
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.exitWaiters.add(onExit);
      this.pending = {
        nonce: n,
        capturing: false,
        output,
        done: ({ exitCode }) => finish('exited', exitCode),
      };
      if (options.signal?.aborted) finish('aborted', null);
    });
    if (this.pending) {
      const body = command.replace(/\s+$/, '');
      this.host.write(
        this.sessionId,
        `${markCmd('S', n)}; {\r${body.split('\n').join('\r')}\r}; printf '\\033]7770;fd;E;%s;%s\\007' ${n} "$?"\r`,
      );
    }
    const result = await ended;
    if (result.outcome === 'timed_out' || result.outcome === 'aborted') await this.interrupt();
    return { ...result, output: output.text() };
  }

  private onData(data: string): void {
    this.lastOutputAt = Date.now();
    let text = this.carry + data;
    this.carry = '';
    MARK.lastIndex = 0;
    let from = 0;
    for (let m = MARK.exec(text); m; m = MARK.exec(text)) {
      this.capture(text.slice(from, m.index));
      from = m.index + m[0].length;
      this.onMark(m[1] as 'S' | 'E' | 'R', m[2]!, m[3]);
    }
    text = text.slice(from);
    // Hold back a possible partial mark at the end of the chunk until the next one arrives.
    const esc = text.lastIndexOf('\x1b');
    if (esc >= 0 && text.length - esc < MARK_MAX && !text.includes('\x07', esc)) {
      this.carry = text.slice(esc);
      text = text.slice(0, esc);
    }
    this.capture(text);
  }

  private capture(text: string): void {
    if (text && this.pending?.capturing) this.pending.output.append(text);
  }

  private onMark(kind: 'S' | 'E' | 'R', n: string, code: string | undefined): void {
    if (kind === 'R') return this.syncs.get(n)?.();
    const p = this.pending;
    if (!p || p.nonce !== n) return;
    if (kind === 'S') p.capturing = true;
    else p.done({ exitCode: code === undefined ? null : Number(code) });
  }

  dispose(): void {
    this.disposed = true;
    this.offOutput();
    this.offExit();
    for (const w of this.exitWaiters) w();
    this.exitWaiters.clear();
  }
}
