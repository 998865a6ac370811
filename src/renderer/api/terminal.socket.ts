import {
  describeTerminalClose,
  parseTerminalServerFrame,
  terminalStreamPath,
  type TerminalConnector,
} from '../../shared/api/terminal-stream';
import type { TerminalClientFrame } from '../../shared/contract/terminal.schema';

/** The socket of one terminal session: `ws(s)://<origin>/api/v1/terminals/<id>?attach=<token>`. */
export function terminalUrl(origin: string, sessionId: string, attachToken: string): string {
  const url = new URL(terminalStreamPath(sessionId), origin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('attach', attachToken);
  return url.toString();
}

/** The subset of the DOM WebSocket a terminal stream uses (Node's `ws` has the same). */
export interface TerminalSocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  readonly readyState: number;
}

export interface TerminalSocketEnv {
  /** The console's origin (the page's own). */
  origin: string;
  WebSocket: new (url: string) => unknown;
}

/**
 * A terminal session's stream over its own WebSocket. Frames the view sends before the socket
 * opens are queued (keystrokes are never dropped); every frame from the console is checked
 * against the contract. `close()` from the view ends it without calling `onClose`.
 */
export function openTerminalSocket(env: TerminalSocketEnv): TerminalConnector {
  return (sessionId, attachToken, handlers) => {
    const queued: string[] = [];
    let ended = false;
    let ws: TerminalSocketLike;
    const finish = (reason: string) => {
      if (ended) return;
      ended = true;
      handlers.onClose(reason);
    };
    try {
      ws = new env.WebSocket(terminalUrl(env.origin, sessionId, attachToken)) as TerminalSocketLike;
    } catch (error) {
      queueMicrotask(() => finish(`cannot open the terminal stream: ${(error as Error).message}`));
      return { send() {}, close() {} };
    }
    ws.onopen = () => {
      for (const data of queued.splice(0)) ws.send(data);
    };
    ws.onmessage = (ev) => {
      if (ended) return;
      const frame = parseTerminalServerFrame(ev.data);
      if (frame) handlers.onFrame(frame);
    };
    ws.onclose = (ev) => {
      const { code, reason } = (ev ?? {}) as { code?: number; reason?: string };
      // A refused handshake (wrong console token, foreign Origin) closes with 1006 and no reason.
      finish(
        code === 1006 && !reason
          ? 'the console refused or dropped the terminal stream'
          : describeTerminalClose(code ?? 1006, reason ?? ''),
      );
    };
    ws.onerror = () => {
      /* always followed by close */
    };
    return {
      send(frame: TerminalClientFrame) {
        if (ended) return;
        const data = JSON.stringify(frame);
        if (ws.readyState === 1) ws.send(data);
        else if (ws.readyState === 0) queued.push(data);
      },
      close() {
        if (ended) return;
        ended = true;
        ws.close(1000, 'closed by the view');
      },
    };
  };
}
