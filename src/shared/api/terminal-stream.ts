import type { TerminalClientFrame, TerminalServerFrame } from '../contract/terminal.schema';

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
 */
export type TerminalConnector = (
  sessionId: string,
  attachToken: string,
  handlers: TerminalStreamHandlers,
) => TerminalStream;
