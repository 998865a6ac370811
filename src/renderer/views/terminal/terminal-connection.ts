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
  private unacked = 0;
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
    this.unacked = 0;
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
   * Writes into xterm and acknowledges from xterm's parse callback, every ackEveryChars: the
   * core counts what it sent minus what we acked, pausing the PTY past the high watermark.
   */
  private writeCounted(data: string, generation: number): void {
    this.sink.write(data, () => {
      if (generation !== this.generation || this.disposed) return;
      this.unacked += data.length;
      if (this.unacked < TERMINAL_FLOW.ackEveryChars) return;
      this.stream?.send({ t: 'ack', n: this.unacked });
      this.unacked = 0;
    });
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
