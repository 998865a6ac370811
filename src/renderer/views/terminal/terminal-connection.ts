import type { TerminalStream, TerminalStreamHandlers } from '../../../shared/api/terminal-stream';
import { TERMINAL_FLOW, type TerminalServerFrame } from '../../../shared/contract/index';
import type { FleetErrorBody } from '../../../shared/errors/fleet-error';
import { createBackoff } from '../../api/backoff';
import { toErrorBody } from '../../stores/errors';

/** What the pane shows about its stream. */
export type ConnectionStatus =
  | { kind: 'connecting' }
  | { kind: 'live' }
  /** The stream ended; a new attach is scheduled (or waits for the person when `auto` is false). */
  | { kind: 'reconnecting'; reason: string; auto: boolean }
  | { kind: 'exited'; code: number | null; signal: number | null }
  /** The core no longer knows the session. */
  | { kind: 'gone'; error: FleetErrorBody }
  /** Attaching failed for another reason; retried with backoff when `auto`. */
  | { kind: 'failed'; error: FleetErrorBody; auto: boolean };

/** Where the connection writes and what it tells the pane; the pane owns the xterm. */
export interface ConnectionSink {
  reset(): void;
  write(data: string, parsed: () => void): void;
  /** The grid size to tell the PTY after (re)attaching. */
  size(): { cols: number; rows: number };
  status(status: ConnectionStatus): void;
}

export type Attach = (id: string, handlers: TerminalStreamHandlers) => Promise<TerminalStream>;

/**
 * Unparsed characters xterm may hold before acks wait for its write callbacks (see writeCounted).
 * Together with the core's high watermark (100K) about the 500K the xterm.js guide advises.
 */
export const BACKLOG_ALLOWANCE_CHARS = 400_000;

/** Codes that no retry will change: the person has to act (or the session is gone). */
const FINAL_CODES = new Set(['not_found', 'forbidden', 'unauthorized', 'bad_request']);

/**
 * One terminal session's stream for one pane: attach with a fresh single-use token, replay the
 * scrollback, write output and acknowledge it once xterm has parsed it (so the core pauses the
 * PTY while xterm is behind, instead of xterm discarding past its 50 MB buffer), and reattach
 * when the stream drops. A stream taken over by another window is not taken back automatically,
 * or two windows would pass the session back and forth forever.
 */
export class TerminalConnection {
  private stream: TerminalStream | null = null;
  /** Bumped per attach: frames and callbacks of an older stream are ignored. */
  private generation = 0;
  /** Characters of 'data' frames received, acknowledged, and written to xterm but not yet parsed. */
  private received = 0;
  private acked = 0;
  private backlog = 0;
  private exited = false;
  private disposed = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly backoff = createBackoff({ initialMs: 300, maxMs: 8_000 });

  constructor(
    private readonly sessionId: string,
    private readonly attach: Attach,
    private readonly sink: ConnectionSink,
  ) {}

  start(): void {
    void this.connect();
  }

  /** Keystrokes and pastes; dropped while no stream is open (there is no PTY to take them). */
  input(data: string): boolean {
    if (!this.stream || this.exited) return false;
    this.stream.send({ t: 'input', d: data });
    return true;
  }

  /** The session's process has ended: nothing to type into or resize any more. */
  get hasExited(): boolean {
    return this.exited;
  }

  /** Tells the PTY the new grid size; false when there is no stream to carry it. */
  resize(cols: number, rows: number): boolean {
    if (!this.stream || this.exited) return false;
    this.stream.send({ t: 'resize', cols, rows });
    return true;
  }

  /** Attach again now (the Reconnect button, or after another window took the session). */
  reconnect(): void {
    if (this.disposed) return;
    this.clearRetry();
    this.backoff.reset();
    this.dropStream();
    void this.connect();
  }

  dispose(): void {
    this.disposed = true;
    this.clearRetry();
    this.dropStream();
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    this.exited = false;
    this.received = 0;
    this.acked = 0;
    this.backlog = 0;
    this.sink.status({ kind: 'connecting' });
    const current = () => !this.disposed && generation === this.generation;
    try {
      const stream = await this.attach(this.sessionId, {
        onFrame: (frame) => {
          if (current()) this.onFrame(frame, generation);
        },
        onClose: (reason) => {
          if (current()) this.onStreamEnd(reason, true);
        },
      });
      if (!current()) {
        stream.close();
        return;
      }
      this.stream = stream;
    } catch (error) {
      if (!current()) return;
      const body = toErrorBody(error);
      if (body.code === 'not_found') {
        this.sink.status({ kind: 'gone', error: body });
        return;
      }
      const auto = !FINAL_CODES.has(body.code);
      this.sink.status({ kind: 'failed', error: body, auto });
      if (auto) this.scheduleRetry();
    }
  }

  private onFrame(frame: TerminalServerFrame, generation: number): void {
    switch (frame.t) {
      case 'replay': {
        this.sink.reset();
        // Not acknowledged: the core counts only 'data' frames (shared/api/terminal-stream.ts).
        this.sink.write(frame.d, () => {});
        this.backoff.reset();
        this.sink.status({ kind: 'live' });
        // Another window may have sized the PTY differently; this one's grid wins while it is attached.
        const { cols, rows } = this.sink.size();
        this.stream?.send({ t: 'resize', cols, rows });
        return;
      }
      case 'data':
        this.writeCounted(frame.d, generation);
        return;
      case 'exit': {
        this.exited = true;
        const what = frame.code !== null ? `code ${frame.code}` : `signal ${frame.signal ?? 'unknown'}`;
        // Our own words, dimmed; never anything taken from the stream.
        this.sink.write(`\r\n\x1b[2m[process exited with ${what}]\x1b[22m\r\n`, () => {});
        this.sink.status({ kind: 'exited', code: frame.code, signal: frame.signal });
        return;
      }
      case 'closed':
        this.onStreamEnd(frame.reason, !/another|elsewhere/i.test(frame.reason));
        return;
    }
  }

  /**
   * Writes into xterm and acknowledges what it has taken. The core counts what it sent minus
   * what we acked and pauses the PTY past its high watermark, resuming only once nearly all is
   * acked; acking strictly from xterm's parse callback would drain the pipe on every cycle (the
   * core refills only after the last character is parsed). So xterm may hold up to
   * BACKLOG_ALLOWANCE_CHARS unparsed before acks wait for its write callbacks: its buffer stays
   * bounded (allowance + the core's high watermark, about the 500K the xterm.js flow-control
   * guide advises, far below the 50 MB where it discards), and the PTY refills while xterm parses.
   */
  private writeCounted(data: string, generation: number): void {
    this.received += data.length;
    this.backlog += data.length;
    this.sink.write(data, () => {
      if (generation !== this.generation || this.disposed) return;
      this.backlog -= data.length;
      this.ackWhatFits();
    });
    this.ackWhatFits();
  }

  private ackWhatFits(): void {
    const ackable = this.received - Math.max(0, this.backlog - BACKLOG_ALLOWANCE_CHARS);
    const n = ackable - this.acked;
    // Every ackEveryChars, and whatever is left once xterm has caught up.
    if (n <= 0 || (n < TERMINAL_FLOW.ackEveryChars && this.backlog > 0)) return;
    this.stream?.send({ t: 'ack', n });
    this.acked += n;
  }

  private onStreamEnd(reason: string, auto: boolean): void {
    this.dropStream();
    // After the exit frame the stream ending is expected: the session is over, not disconnected.
    if (this.exited) return;
    this.sink.status({ kind: 'reconnecting', reason, auto });
    if (auto) this.scheduleRetry();
  }

  private scheduleRetry(): void {
    this.clearRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.disposed) void this.connect();
    }, this.backoff.next());
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private dropStream(): void {
    const stream = this.stream;
    this.stream = null;
    this.generation += 1;
    try {
      stream?.close();
    } catch {
      /* already closed */
    }
  }
}
