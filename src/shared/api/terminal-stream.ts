import {
  terminalServerFrameSchema,
  type TerminalClientFrame,
  type TerminalServerFrame,
} from '../contract/terminal.schema';

/** One open stream to a terminal session: what the renderer's terminal view talks to. */
export interface TerminalStream {
  send(frame: TerminalClientFrame): void;
  close(): void;
}

export interface TerminalStreamHandlers {
  onFrame(frame: TerminalServerFrame): void;
  /** The stream ended (socket dropped, session closed); `reason` is for people. */
  onClose(reason: string): void;
}

/**
 * Opens a session's stream with the single-use token from `terminal.attach`. Implemented by each
 * transport: a WebSocket to /api/v1/terminals/<id> in the console, IPC on the desktop.
 *
 * Flow control: the client acks (`{t:'ack', n}`) the characters of 'data' frames it has written
 * to the terminal, every TERMINAL_FLOW.ackEveryChars or so. The 'replay' frame is not counted
 * (acks beyond what was sent are ignored), so a client may ack it or not.
 */
export type TerminalConnector = (
  sessionId: string,
  attachToken: string,
  handlers: TerminalStreamHandlers,
) => TerminalStream;

/** The WebSocket path of a session's stream on the console host (`?attach=<token>` follows). */
export const terminalStreamPath = (sessionId: string) => `/api/v1/terminals/${encodeURIComponent(sessionId)}`;

/**
 * Why a stream ended, the same numbers on both transports (WebSocket close codes; the desktop
 * IPC end message carries them too). 4xxx are ours (RFC 6455 leaves them to applications).
 */
export const TERMINAL_CLOSE = {
  /** The shell exited (an 'exit' frame came first). */
  ended: 1000,
  /** The host is shutting down. */
  shutdown: 1001,
  /** A frame that is not JSON or breaks terminalClientFrameSchema. */
  badFrame: 4400,
  /** The attach token is unknown, used, expired or for another session: ask terminal.attach again. */
  refused: 4403,
  /** No such session (closed, or from before a restart). */
  notFound: 4404,
  /** The same session was attached in another view (a 'closed' frame came first). */
  replaced: 4409,
  /** The session was closed with terminal.close. */
  closed: 4410,
} as const;

/** A frame from the core, checked against the contract: anything else never reaches a view. */
export function parseTerminalServerFrame(data: unknown): TerminalServerFrame | null {
  let value: unknown = data;
  if (typeof data === 'string') {
    try {
      value = JSON.parse(data);
    } catch {
      return null;
    }
  }
  const parsed = terminalServerFrameSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** Words for a close code when the other side gave no reason. */
export function describeTerminalClose(code: number, reason: string): string {
  if (reason) return reason;
  switch (code) {
    case TERMINAL_CLOSE.ended:
      return 'the shell has exited';
    case TERMINAL_CLOSE.shutdown:
      return 'Fleetdeck is shutting down';
    case TERMINAL_CLOSE.refused:
      return 'the attach token was refused; attach again';
    case TERMINAL_CLOSE.notFound:
      return 'this terminal no longer exists';
    default:
      return `the connection to the terminal was lost (code ${code})`;
  }
}
