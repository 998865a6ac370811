import { StringDecoder } from 'node:string_decoder';
import type { IPty } from 'node-pty';
import {
  TERMINAL_FLOW,
  type TerminalClientFrame,
  type TerminalSession,
} from '../../shared/contract/terminal.schema';
import { TERMINAL_CLOSE } from '../../shared/api/terminal-stream';
import { ScrollbackRing } from './scrollback-ring';
import type { TerminalConnection, TerminalPeer } from './terminal.types';

export type FlowLimits = typeof TERMINAL_FLOW;

export interface PtyLaunch {
  file: string;
  args: readonly string[];
  env: Record<string, string>;
  cwd: string;
}

/** node-pty's spawn, as the session uses it (the desktop host may load another build of the addon). */
export type PtySpawn = (
  file: string,
  args: string[],
  options: {
    name: string;
    cols: number;
    rows: number;
    cwd: string;
    env: Record<string, string>;
    encoding: null;
  },
) => IPty;

export interface PtySessionOptions {
  info: TerminalSession;
  flow?: FlowLimits;
  scrollbackChars?: number;
  now: () => number;
  /** Every decoded chunk, as it arrives (transcript, runbook engine). */
  onOutput(text: string): void;
  /** The process ended and its last output has been delivered. */
  onExit(exitCode: number | null, signal: number | null): void;
}

interface Attachment {
  peer: TerminalPeer;
  /** Characters sent in 'data' frames and not yet acknowledged. */
  unacked: number;
}

/**
 * One PTY and what flows through it. Output is decoded with a StringDecoder (a UTF-8 sequence
 * split across reads stays whole), batched per TERMINAL_FLOW (Hyper's 16 ms / 200 KB), kept in
 * a bounded scrollback ring, and sent to at most one attached view under VS Code's watermark
 * flow control: past `highWatermarkChars` unacknowledged the PTY is paused (the program blocks on
 * write, memory stays bounded, xterm.js never discards), below `lowWatermarkChars` it resumes.
 * With nobody attached it is never paused: a runbook step must keep running. Input is never
 * held back by flow control, so Ctrl-C under a flood reaches the line discipline at once.
 */
export class PtySession {
  readonly info: TerminalSession;
  private pty: IPty | null = null;
  private readonly pendingInput: string[] = [];
  private readonly decoder = new StringDecoder('utf8');
  private readonly ring: ScrollbackRing;
  private readonly flow: FlowLimits;
  private batch: string[] = [];
  private batchChars = 0;
  private batchTimer: NodeJS.Timeout | null = null;
  private attachment: Attachment | null = null;
  private paused = false;
  private startFailed = false;

  constructor(private readonly o: PtySessionOptions) {
    this.info = { ...o.info };
    this.flow = o.flow ?? TERMINAL_FLOW;
    this.ring = new ScrollbackRing(o.scrollbackChars ?? 2_000_000);
  }

  get running(): boolean {
    return this.info.state === 'running';
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Whether a view (a pane in some window) is attached now. */
  get viewed(): boolean {
    return this.attachment !== null;
  }

  /** Unacknowledged characters of the attached view (0 with none). */
  get unackedChars(): number {
    return this.attachment?.unacked ?? 0;
  }

  get scrollbackChars(): number {
    return this.ring.length;
  }

  start(spawn: PtySpawn, launch: PtyLaunch): void {
    if (!this.running || this.pty) return;
    let pty: IPty;
    try {
      pty = spawn(launch.file, [...launch.args], {
        name: 'xterm-256color',
        cols: this.info.cols,
        rows: this.info.rows,
        cwd: launch.cwd,
        env: launch.env,
        // Raw bytes: decoding here keeps multi-byte sequences whole across reads.
        encoding: null,
      });
    } catch (error) {
      this.fail(`could not start ${launch.file}: ${(error as Error).message}`);
      return;
    }
    this.pty = pty;
    pty.onData((data: string | Buffer) => this.onData(data));
    pty.onExit(({ exitCode, signal }) => this.onExitEvent(exitCode, signal ?? 0));
    for (const data of this.pendingInput.splice(0)) pty.write(data);
  }

  /** The environment could not be prepared or the shell not started: the session ends at once, saying why. */
  fail(message: string): void {
    if (!this.running || this.startFailed) return;
    this.startFailed = true;
    this.push(`\r\n[fleetdeck: ${message}]\r\n`);
    this.finish(null, null);
  }

  write(data: string): void {
    if (!this.running || data.length === 0) return;
    if (this.pty) this.pty.write(data);
    else this.pendingInput.push(data);
  }

  /**
   * False when the PTY is already gone: a shell that has just exited closes its descriptor
   * before node-pty reports the exit, and resizing then throws (ioctl EBADF). The exit follows.
   */
  resize(cols: number, rows: number): boolean {
    this.info.cols = cols;
    this.info.rows = rows;
    if (!this.running) return false;
    try {
      this.pty?.resize(cols, rows);
      return true;
    } catch {
      return false;
    }
  }

  /** Sends a signal; the PTY is released first, so a stalled view cannot keep the exit from being seen. */
  kill(signal: NodeJS.Signals): void {
    if (!this.running) return;
    if (!this.pty) return this.finish(null, null);
    this.setPaused(false);
    try {
      this.pty.kill(signal);
    } catch {
      // Already gone: its exit event is on the way.
    }
  }

  /** A view attaches: it replaces the previous one, gets the scrollback, then live output. */
  attach(peer: TerminalPeer): TerminalConnection {
    this.flushBatch();
    const previous = this.attachment;
    if (previous) {
      previous.peer.send({ t: 'closed', reason: 'This terminal was opened in another view.' });
      previous.peer.end(TERMINAL_CLOSE.replaced, 'attached elsewhere');
    }
    const attachment: Attachment = { peer, unacked: 0 };
    this.attachment = attachment;
    this.setPaused(false);
    peer.send({ t: 'replay', d: this.ring.snapshot() });
    if (!this.running) {
      peer.send({ t: 'exit', code: this.info.exitCode, signal: this.info.signal });
      peer.end(TERMINAL_CLOSE.ended, 'the shell has exited');
      this.attachment = null;
    }
    return {
      receive: (frame) => {
        if (this.attachment === attachment) this.receive(attachment, frame);
      },
      detach: () => {
        if (this.attachment !== attachment) return;
        this.attachment = null;
        this.setPaused(false);
      },
    };
  }

  /** Ends the attached view (session removed, host shutting down). */
  detachView(code: number, reason: string): void {
    const attachment = this.attachment;
    if (!attachment) return;
    this.attachment = null;
    this.setPaused(false);
    attachment.peer.send({ t: 'closed', reason });
    attachment.peer.end(code, reason);
  }

  private receive(attachment: Attachment, frame: TerminalClientFrame): void {
    switch (frame.t) {
      case 'input':
        this.write(frame.d);
        break;
      case 'resize':
        this.resize(frame.cols, frame.rows);
        break;
      case 'ack':
        attachment.unacked = Math.max(0, attachment.unacked - frame.n);
        if (this.paused && attachment.unacked < this.flow.lowWatermarkChars) this.setPaused(false);
        break;
    }
  }

  private onData(data: string | Buffer): void {
    const text = typeof data === 'string' ? data : this.decoder.write(data);
    this.push(text);
  }

  private push(text: string): void {
    if (text.length === 0) return;
    this.o.onOutput(text);
    this.batch.push(text);
    this.batchChars += text.length;
    if (this.batchChars >= this.flow.batchMaxChars) this.flushBatch();
    else this.batchTimer ??= setTimeout(() => this.flushBatch(), this.flow.batchMs);
  }

  private flushBatch(): void {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    if (this.batchChars === 0) return;
    const data = this.batch.length === 1 ? this.batch[0]! : this.batch.join('');
    this.batch = [];
    this.batchChars = 0;
    this.ring.push(data);
    const attachment = this.attachment;
    if (!attachment) return;
    attachment.unacked += data.length;
    attachment.peer.send({ t: 'data', d: data });
    if (attachment.unacked > this.flow.highWatermarkChars) this.setPaused(true);
  }

  private setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    if (!this.pty || !this.running) return;
    if (paused) this.pty.pause();
    else this.pty.resume();
  }

  private onExitEvent(exitCode: number, signal: number): void {
    this.push(this.decoder.end());
    // A signal number of 0 means none: the exit code is the program's own.
    this.finish(signal ? null : exitCode, signal || null);
  }

  private finish(exitCode: number | null, signal: number | null): void {
    if (!this.running) return;
    this.flushBatch();
    this.info.state = 'exited';
    this.info.exitCode = exitCode;
    this.info.signal = signal;
    this.info.exitedAt = this.o.now();
    this.paused = false;
    this.pendingInput.length = 0;
    this.o.onExit(exitCode, signal);
    const attachment = this.attachment;
    this.attachment = null;
    if (attachment) {
      attachment.peer.send({ t: 'exit', code: exitCode, signal });
      attachment.peer.end(TERMINAL_CLOSE.ended, 'the shell has exited');
    }
  }
}
