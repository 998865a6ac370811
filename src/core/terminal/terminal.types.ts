import type { z } from 'zod';
import type {
  TerminalClientFrame,
  TerminalServerFrame,
  TerminalSession,
  terminalOpenArgsSchema,
} from '../../shared/contract/terminal.schema';

export type TerminalOpenArgs = z.output<typeof terminalOpenArgsSchema>;

/**
 * What other core services (the runbook engine) use of the terminal service. The hosts use the
 * contract commands and the per-session stream instead.
 */
export interface TerminalHost {
  /**
   * Starts a shell in a PTY in the fleet context. `argv` replaces the login shell (runbook runs
   * use bash); it runs as given with the fleet environment (a `-l` there re-reads /etc/profile,
   * which resets PATH on Debian and Ubuntu). The PTY may start a moment later, once the login
   * shell's environment is known; input written before that is kept and sent in order.
   */
  open(args: TerminalOpenArgs & { argv?: readonly string[] }, actor: string): TerminalSession;
  get(id: string): TerminalSession | null;
  /** Sends keystrokes / a command line to the PTY. */
  write(id: string, data: string): void;
  /** Every chunk of output as it leaves the PTY (UTF-8 decoded), whether or not a client is attached. */
  onOutput(id: string, listener: (data: string) => void): () => void;
  onExit(id: string, listener: (session: TerminalSession) => void): () => void;
  /** Whether a pane shows the session now (false for an unknown or exited one). */
  viewed(id: string): boolean;
  /** The seq of the last transcript chunk written for the session (-1 before any), to bracket a step. */
  transcriptSeq(id: string): number;
  close(id: string): void;
}

/** One attached view as the core sees it: where frames go, and how the host ends it. */
export interface TerminalPeer {
  send(frame: TerminalServerFrame): void;
  /** Ends the transport (WebSocket close code / IPC end message); `reason` is for people. */
  end(code: number, reason: string): void;
}

/** What the host hands the core for each frame the client sent, and when the transport went away. */
export interface TerminalConnection {
  receive(frame: TerminalClientFrame): void;
  /** The transport closed: flow control is released (the PTY is never left paused). */
  detach(): void;
}

export type TerminalConnectResult =
  { ok: true; connection: TerminalConnection } | { ok: false; code: number; reason: string };

/**
 * The per-session stream, for the hosts (console WebSocket, desktop IPC). `connect` consumes the
 * single-use attach token from `terminal.attach`; the scrollback arrives as one 'replay' frame,
 * then live 'data' frames. A new connection replaces the previous one, which gets 'closed'.
 */
export interface TerminalStreams {
  connect(sessionId: string, attachToken: string, peer: TerminalPeer): TerminalConnectResult;
}
