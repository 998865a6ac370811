import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { closeAllSockets, refuseUpgrade } from './socket-lifecycle';
import { checkListenNames } from '../shared/api/event-filter';
import type { EventMessage, EventName } from '../shared/contract/index';
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
  /**
   * Called with the reason of every refused upgrade, every dropped peer and the first message
   * per socket that is not a valid listen request (never the token).
   */
  warn(message: string, fields: Record<string, unknown>): void;
  heartbeatMs?: number;
  /** A client this far behind is closed with 1013 instead of buffered without bound. */
  maxBufferedBytes?: number;
}

export const HEARTBEAT_MS = 15_000;
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** Clients only say which events they want; anything bigger than that is refused. */
const MAX_CLIENT_MESSAGE_BYTES = 4 * 1024;

/** Why a client's message is not `{"listen": [names]}`, or the names it asks for. */
function readListenMessage(data: RawData, isBinary: boolean): ReturnType<typeof checkListenNames> {
  if (isBinary) return { ok: false, problem: 'a binary message' };
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'a message that is not JSON' };
  }
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, 'listen'))
    return { ok: false, problem: 'a message without a "listen" field' };
  const check = checkListenNames((value as { listen: unknown }).listen);
  return check.ok ? check : { ok: false, problem: `a listen message with ${check.problem}` };
}

/**
 * `GET /api/v1/events`: core events as JSON `{event, payload}`; every event until the client
 * sends `{"listen": [names]}`, then only those (a later `listen` replaces the set). The upgrade
 * is only completed after the same Host, Origin and token checks as the HTTP API; a refused handshake
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
  /** The events each socket asked for; a socket that never said gets every event. */
  private readonly wanted = new WeakMap<WebSocket, ReadonlySet<EventName>>();
  /**
   * The last message and its JSON: the bus hands the same object to every socket in turn, so
   * a 100 KB fleet.delta is serialized once per tick instead of once per client.
   */
  private lastMessage: EventMessage | null = null;
  private lastFrame = '';

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
    let warned = false;
    ws.on('message', (data, isBinary) => {
      const request = readListenMessage(data, isBinary);
      if (request.ok) {
        this.wanted.set(ws, request.names);
        return;
      }
      // The socket keeps what it had; one line per socket, so a broken client cannot flood the log.
      if (warned) return;
      warned = true;
      this.options.warn(`console: events client sent ${request.problem}; ignored, its events are unchanged`, {
        expected: '{"listen": [event names]}',
      });
    });
    ws.on('error', () => ws.terminate());
    const unsubscribe = this.options.events.subscribe((message) => this.send(ws, message));
    ws.once('close', unsubscribe);
  }

  private send(ws: WebSocket, message: EventMessage): void {
    if (ws.readyState !== ws.OPEN) return;
    if (this.wanted.get(ws)?.has(message.event) === false) return;
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
    if (message !== this.lastMessage) {
      this.lastFrame = JSON.stringify(message);
      this.lastMessage = message;
    }
    ws.send(this.lastFrame);
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
