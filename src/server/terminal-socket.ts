import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { closeAllSockets, refuseUpgrade } from './socket-lifecycle';
import type { TerminalStreams } from '../core/terminal/terminal.types';
import { TERMINAL_CLOSE } from '../shared/api/terminal-stream';
import { terminalClientFrameSchema, terminalIdSchema } from '../shared/contract/terminal.schema';
import { checkToken } from './console-auth';
import type { RequestGuard } from './request-guard';

export const TERMINALS_PREFIX = '/api/v1/terminals/';

export interface TerminalSocketOptions {
  streams: TerminalStreams;
  guard: RequestGuard;
  token: string;
  cookieName: string;
  warn(message: string, fields: Record<string, unknown>): void;
  heartbeatMs?: number;
}

/** An input frame may carry a large paste (1,000,000 characters, JSON-escaped): room for that, no more. */
const MAX_CLIENT_MESSAGE_BYTES = 8 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

/**
 * `GET /api/v1/terminals/<id>?attach=<token>`: one terminal session's stream (JSON frames per
 * terminalClientFrameSchema / terminalServerFrameSchema). A PTY is a shell on this machine, so
 * the upgrade needs everything the events socket needs (Host, Origin, console token: refused
 * on the HTTP handshake, no socket ever exists) AND a single-use attach token from
 * terminal.attach (Lens CVE-2021-44458). A refused attach token closes the socket at once with
 * TERMINAL_CLOSE.refused and the reason, so the view can tell the person and ask for a new one;
 * not one byte of the PTY has been sent by then.
 */
export class TerminalSocket {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_CLIENT_MESSAGE_BYTES,
    perMessageDeflate: false,
    clientTracking: true,
  });
  private readonly heartbeat: NodeJS.Timeout;
  private readonly alive = new WeakSet<WebSocket>();

  constructor(private readonly options: TerminalSocketOptions) {
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs ?? HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  static handles(pathname: string): boolean {
    return pathname.startsWith(TERMINALS_PREFIX);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    const refuse = (status: number, reason: string) =>
      refuseUpgrade(socket, req, status, reason, this.options.warn);
    const host = this.options.guard.checkHost(req);
    if (!host.ok) return refuse(403, host.refusal.detail);
    const origin = this.options.guard.checkOrigin(req);
    if (!origin.ok) return refuse(403, origin.refusal.detail);
    const token = checkToken(req, this.options.token, this.options.cookieName);
    if (!token.ok) return refuse(401, `terminal socket: ${token.reason}`);
    // Session ids are plain [A-Za-z0-9_-]: anything encoded is not one of ours.
    const id = url.pathname.slice(TERMINALS_PREFIX.length);
    if (!terminalIdSchema.safeParse(id).success) return refuse(404, 'no such terminal path');
    const attachToken = url.searchParams.get('attach');
    if (!attachToken) return refuse(400, 'terminal socket: no attach token (?attach=, from terminal.attach)');

    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, id, attachToken));
  }

  async close(graceMs = 2000): Promise<void> {
    clearInterval(this.heartbeat);
    await closeAllSockets(this.wss, TERMINAL_CLOSE.shutdown, 'Fleetdeck console is shutting down', graceMs);
  }

  private attach(ws: WebSocket, id: string, attachToken: string): void {
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    ws.on('error', () => ws.terminate());
    const result = this.options.streams.connect(id, attachToken, {
      send: (frame) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
      },
      end: (code, reason) => {
        if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, closeReason(reason));
      },
    });
    if (!result.ok) {
      this.options.warn('console: terminal attach refused', { reason: result.reason });
      ws.close(result.code, closeReason(result.reason));
      return;
    }
    const { connection } = result;
    ws.on('message', (data, isBinary) => {
      const frame = isBinary ? null : parseFrame(String(data));
      if (!frame) {
        // Not our protocol: whoever sent it gets no more of this terminal.
        this.options.warn('console: malformed terminal frame, closing the socket', {});
        connection.detach();
        ws.close(TERMINAL_CLOSE.badFrame, 'malformed frame');
        return;
      }
      connection.receive(frame);
    });
    ws.once('close', () => connection.detach());
  }

  private beat(): void {
    for (const ws of this.wss.clients) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }
}

function parseFrame(text: string) {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = terminalClientFrameSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** A close reason is at most 123 bytes (RFC 6455); ours are short, but never let one throw. */
function closeReason(reason: string): string {
  return Buffer.byteLength(reason) <= 123 ? reason : `${reason.slice(0, 100)}...`;
}
