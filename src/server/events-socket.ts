import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { closeAllSockets, refuseUpgrade } from './socket-lifecycle';
import type { EventMessage } from '../shared/contract/index';
import { checkToken } from './console-auth';
import type { RequestGuard } from './request-guard';

export interface EventSource {
  subscribe(listener: (message: EventMessage) => void): () => void;
}

export interface EventsSocketOptions {
  events: EventSource;
  guard: RequestGuard;
  token: string;
  /** The session cookie's name (per port). */
  cookieName: string;
  /** Called with the reason of every refused upgrade and every dropped peer (never the token). */
  warn(message: string, fields: Record<string, unknown>): void;
  heartbeatMs?: number;
  /** A client this far behind is closed with 1013 instead of buffered without bound. */
  maxBufferedBytes?: number;
}

export const HEARTBEAT_MS = 15_000;
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** Clients have nothing to say on this socket; anything bigger than a ping is refused. */
const MAX_CLIENT_MESSAGE_BYTES = 4 * 1024;

/**
 * `GET /api/v1/events`: every core event as JSON `{event, payload}`. The upgrade is only
 * completed after the same Host, Origin and token checks as the HTTP API; a refused handshake
 * gets a plain HTTP status on the socket, so a foreign page never holds an open socket
 * (Lens CVE-2021-44458 was exactly such a socket).
 */
export class EventsSocket {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_CLIENT_MESSAGE_BYTES,
    perMessageDeflate: false,
    clientTracking: true,
  });
  private readonly heartbeat: NodeJS.Timeout;
  private readonly alive = new WeakSet<WebSocket>();
  private readonly maxBuffered: number;

  constructor(private readonly options: EventsSocketOptions) {
    this.maxBuffered = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs ?? HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get clientCount(): number {
    return this.wss.clients.size;
  }

  /** Checks run in the order of the HTTP API: Host, Origin, then the token. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, pathname: string): void {
    const host = this.options.guard.checkHost(req);
    if (!host.ok) return this.refuse(socket, req, 403, host.refusal.detail);
    const origin = this.options.guard.checkOrigin(req);
    if (!origin.ok) return this.refuse(socket, req, 403, origin.refusal.detail);
    const token = checkToken(req, this.options.token, this.options.cookieName);
    if (!token.ok) return this.refuse(socket, req, 401, `events socket: ${token.reason}`);
    if (pathname !== '/api/v1/events') return this.refuse(socket, req, 404, `no WebSocket at ${pathname}`);

    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws));
  }

  /** Closes every socket with 1001 and waits (at most `graceMs`) for them to go. */
  async close(graceMs = 2000): Promise<void> {
    clearInterval(this.heartbeat);
    await closeAllSockets(this.wss, 1001, 'Fleetdeck console is shutting down', graceMs);
  }

  private attach(ws: WebSocket): void {
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    // Clients only receive; their messages are read (to keep the socket flowing) and dropped.
    ws.on('message', () => {});
    ws.on('error', () => ws.terminate());
    const unsubscribe = this.options.events.subscribe((message) => this.send(ws, message));
    ws.once('close', unsubscribe);
  }

  private send(ws: WebSocket, message: EventMessage): void {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > this.maxBuffered) {
      // A slow or stalled client: close rather than hold an ever-growing queue in memory
      // (Freelens #1655 grew to 18 GB that way). 1013 = try again later.
      this.options.warn('console: events client too slow, closing', { bufferedBytes: ws.bufferedAmount });
      ws.close(
        1013,
        `Client too slow: over ${Math.round(this.maxBuffered / 2 ** 20)} MB of events unsent; reconnect`,
      );
      return;
    }
    ws.send(JSON.stringify(message));
  }

  private beat(): void {
    for (const ws of this.wss.clients) {
      if (!this.alive.has(ws)) {
        this.options.warn('console: events client stopped answering pings, dropping it', {});
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }

  private refuse(socket: Duplex, req: IncomingMessage, status: number, reason: string): void {
    refuseUpgrade(socket, req, status, reason, this.options.warn);
  }
}
