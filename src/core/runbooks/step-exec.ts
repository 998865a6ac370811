import { randomBytes } from 'node:crypto';
import type { TerminalHost } from '../terminal/terminal.types';
import { quoteShellArg } from './shell-quote';
import { CappedText } from './step-output';

/**
 * Runs a runbook step's command in the run's terminal, where the engineer watches it, and learns
 * where its output starts and ends and how it exited.
 *
 * Each command is wrapped between two private OSC sequences carrying a fresh nonce, written by
 * the shell itself (printf) just before and just after the command:
 *
 *   printf '%s\n' '<command>'; printf '\033]7770;fd;S;<nonce>\007'; { stty echo;
 *   <command>
 *   }; __fd_status=$?; stty -echo; printf '\033]7770;fd;E;<nonce>;%s\007' "$__fd_status"
 *
 * Only printf's output holds the real ESC byte, so the typed line (were it echoed, `\033` is
 * four printable characters) can never be mistaken for a mark. The nonce is new for every step,
 * so output of an earlier step (or a command printing old marks) cannot end the current one.
 * xterm ignores unknown OSC sequences, so the marks are invisible on screen.
 *
 * The engineer sees `$ <command>` and its output, as if typed, not the wrapper: the shell runs
 * without line editing (`bash --noediting`, so the terminal, not readline, echoes) and with echo
 * off between commands; the wrapper prints the command, and turns echo on while it runs, so a
 * command that asks for input shows what is typed. When the run waits for a person or ends,
 * `handOver()` turns echo on for them; the next command first turns it off again with a short
 * line that erases itself (`__fd_quiet`).
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
  /** Whether the terminal echoes what is typed (off between runbook commands, see above). */
  private echoing = true;
  private prepared = false;
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
   * (a `!` in a quoted parameter must stay a `!`), no history file, a plain prompt, no
   * continuation prompts (a multi-line command's lines would each print one), echo off between
   * commands (see above), and a clean screen without this set-up line.
   */
  async ready(timeoutMs: number): Promise<boolean> {
    // Cleared only the first time: a rollback or a resume keeps what the screen shows.
    const clear = this.prepared ? '' : "; printf '\\033[H\\033[2J\\033[3J'";
    const ok = await this.sync(
      timeoutMs,
      "set +H; unset HISTFILE; PS1='\\$ '; PS2=''; " +
        `__fd_quiet() { stty -echo 2>/dev/null; printf '\\033[1A\\r\\033[2K\\033]7770;fd;R;%s\\007' "$1"; }; ` +
        `stty -echo 2>/dev/null${clear}`,
    );
    if (ok) {
      this.prepared = true;
      this.echoing = false;
    }
    return ok;
  }

  /**
   * The terminal is the person's now (the run waits for them, or has ended): echo on, so what
   * they type shows. The line is typed while echo is still off, so it does not show itself.
   */
  handOver(): void {
    if (this.echoing || !this.alive) return;
    this.echoing = true;
    this.host.write(this.sessionId, "stty echo 2>/dev/null; printf '\\r'\r");
  }

  /** Echo off before a command is typed (its line then erases itself); true once the shell did it. */
  private async echoOff(timeoutMs: number): Promise<boolean> {
    if (!this.echoing) return true;
    const ok = await this.syncWith(timeoutMs, (n) => `__fd_quiet ${n}\r`);
    if (ok) this.echoing = false;
    return ok;
  }

  /** Writes a line ending in a sync mark and waits for the shell to print it. */
  sync(timeoutMs: number, prefix = ''): Promise<boolean> {
    return this.syncWith(timeoutMs, (n) => `${prefix ? `${prefix}; ` : ''}${markCmd('R', n)}\r`);
  }

  /** Writes `line(nonce)`, which must print the R mark with that nonce, and waits for it. */
  private async syncWith(timeoutMs: number, line: (n: string) => string): Promise<boolean> {
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
    this.host.write(this.sessionId, line(n));
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
      // The interrupted wrapper never turned echo back off: this line does (it shows, once).
      if (await this.sync(3000, 'stty -echo 2>/dev/null')) {
        this.echoing = false;
        return true;
      }
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
    // Echo was handed to a person meanwhile: off again first, or the wrapper would show.
    await this.echoOff(3000);
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
        `printf '%s\\n' ${quoteShellArg(body)}; ${markCmd('S', n)}; { stty echo 2>/dev/null; ` +
          `\r${body.split('\n').join('\r')}\r}; __fd_status=$?; stty -echo 2>/dev/null; ` +
          `printf '\\033]7770;fd;E;%s;%s\\007' ${n} "$__fd_status"\r`,
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
