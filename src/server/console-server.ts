import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Core } from '../core/core';
import { handleApiRequest } from './api-routes';
import { allowedAuthorities, formatAuthority } from './console-address';
import { checkToken, createToken, tokenCookie, tokenCookieName, tokensEqual } from './console-auth';
import { EventsSocket } from './events-socket';
import { minimalHeaders, securityHeaders, sendError, sendPage, sendText } from './http-responses';
import { RequestGuard } from './request-guard';
import { StaticFiles } from './static-files';
import { TerminalSocket } from './terminal-socket';

/** The part of the core the console host uses; tests may pass a stand-in (without terminals). */
export type ConsoleCore = Pick<Core, 'call' | 'subscribe' | 'log'> & Partial<Pick<Core, 'terminalStreams'>>;

export interface ConsoleServerOptions {
  core: ConsoleCore;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** Tests only; a launch always makes a fresh one. */
  token?: string;
  heartbeatMs?: number;
  maxBufferedBytes?: number;
}

export interface ConsoleServer {
  /** The one URL to open: `http://HOST:PORT/?token=TOKEN`. */
  readonly url: string;
  readonly origin: string;
  readonly host: string;
  readonly port: number;
  readonly token: string;
  /** Stops accepting, closes WebSockets, lets in-flight requests finish (at most `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

/** Why listen() failed, in words a person can act on. */
export class ListenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ListenError';
  }
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const { core } = options;
  const token = options.token ?? createToken();
  const files = new StaticFiles(options.rendererDir);
  const server = createServer();
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;

  const warn = (message: string, fields: Record<string, unknown>) => core.log.warn(message, fields);
  const refused = (req: IncomingMessage, pathname: string, status: number, reason: string) =>
    warn(`console: request refused (${status}): ${reason}`, {
      status,
      reason,
      method: req.method,
      // The path only: a query string may hold a token.
      path: pathname,
      remote: req.socket.remoteAddress,
    });

  await listen(server, options.host, options.port);
  const address = server.address() as AddressInfo;
  const port = address.port;
  const cookieName = tokenCookieName(port);
  const guard = new RequestGuard(allowedAuthorities(options.host, port, address.address));
  const events = new EventsSocket({
    events: core,
    guard,
    token,
    cookieName,
    warn,
    ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
    ...(options.maxBufferedBytes !== undefined ? { maxBufferedBytes: options.maxBufferedBytes } : {}),
  });
  const terminals = core.terminalStreams
    ? new TerminalSocket({ streams: core.terminalStreams, guard, token, cookieName, warn })
    : null;

  let closing = false;
  let inFlight = 0;
  let onDrained: (() => void) | null = null;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://console.invalid');
    } catch {
      return sendText(res, 400, 'Malformed request URL.\n', minimalHeaders);
    }
    const pathname = url.pathname;

    const host = guard.checkHost(req);
    if (!host.ok) {
      refused(req, pathname, 403, host.refusal.detail);
      return sendText(res, 403, `Forbidden: ${host.refusal.detail}\n`, minimalHeaders);
    }
    const headers = securityHeaders(host.authority);
    const isApi = pathname === '/api' || pathname.startsWith('/api/');

    const origin = guard.checkOrigin(req);
    if (!origin.ok) {
      refused(req, pathname, 403, origin.refusal.detail);
      return isApi
        ? sendError(res, 403, { code: 'forbidden', message: origin.refusal.detail }, headers)
        : sendText(res, 403, `Forbidden: ${origin.refusal.detail}\n`, headers);
    }

    if (isApi) {
      const auth = checkToken(req, token, cookieName);
      if (!auth.ok) {
        refused(req, pathname, 401, auth.reason);
        return sendError(
          res,
          401,
          {
            code: 'unauthorized',
            message:
              auth.reason === 'no token' ? 'This console needs its token.' : 'The console token is wrong.',
            hint: 'Open the URL the console printed (it sets a cookie), or send "Authorization: Bearer <token>" with the token from console.json in the data directory.',
          },
          { ...headers, 'WWW-Authenticate': 'Bearer realm="fleetdeck"' },
        );
      }
      const refusal = await handleApiRequest(core, req, res, pathname, headers);
      if (refusal && refusal.status > 0) refused(req, pathname, refusal.status, refusal.reason);
      return;
    }

    if (pathname === '/' && url.searchParams.has('token')) return exchangeToken(req, res, url, headers);

    const result = files.serve(req, res, pathname, headers);
    if (result === 'traversal') refused(req, pathname, 403, 'static path outside the renderer folder');
    else if (result === 'bad-path') refused(req, pathname, 400, 'malformed static path');
    else if (result === 'method') refused(req, pathname, 405, `method ${req.method} on a static file`);
  }

  /**
   * The only place a query-string token works: the page the console printed. It becomes an
   * HttpOnly, SameSite=Strict cookie and the browser is sent to `/`, so the token leaves the
   * address bar and history at once.
   */
  function exchangeToken(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    headers: Record<string, string>,
  ) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendText(res, 405, 'Only GET is allowed here.\n', { ...headers, Allow: 'GET, HEAD' });
    }
    if (!tokensEqual(url.searchParams.get('token') ?? '', token)) {
      refused(req, '/', 401, 'page opened with a wrong token');
      return sendPage(
        res,
        401,
        'This console link is not valid',
        'The token in this link does not match the running console; a new one is made every time the console starts. Open the link the console printed most recently, or read it from <code>console.json</code> in the data directory.',
        headers,
      );
    }
    res.writeHead(302, {
      ...headers,
      Location: '/',
      'Set-Cookie': tokenCookie(token, cookieName),
      'Cache-Control': 'no-store',
    });
    res.end();
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0) onDrained?.();
    });
    if (closing) {
      res.setHeader('Connection', 'close');
      return sendText(res, 503, 'The Fleetdeck console is shutting down.\n', minimalHeaders);
    }
    handle(req, res).catch((error: unknown) => {
      core.log.error('console: request failed', {
        error: (error as Error)?.message,
        stack: (error as Error)?.stack,
      });
      if (!res.headersSent) {
        sendError(res, 500, {
          code: 'internal',
          message: 'The console host failed on this request.',
          hint: 'This is a bug in Fleetdeck; the details are in the log file in the data directory.',
        });
      } else res.destroy();
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    if (closing) return socket.destroy();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://console.invalid');
    } catch {
      return socket.destroy();
    }
    if (terminals && TerminalSocket.handles(url.pathname))
      return terminals.handleUpgrade(req, socket, head, url);
    events.handleUpgrade(req, socket, head, url.pathname);
  });

  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const authority = formatAuthority(options.host, port);
  let closed: Promise<void> | null = null;
  return {
    url: `http://${authority}/?token=${token}`,
    origin: `http://${authority}`,
    host: options.host,
    port,
    token,
    close(graceMs = 5000) {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await Promise.all([events.close(Math.min(graceMs, 2000)), terminals?.close(Math.min(graceMs, 2000))]);
        if (inFlight > 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, graceMs);
            timer.unref();
            onDrained = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
        // Anything still open now is idle keep-alive (or stuck past the grace period).
        server.closeAllConnections();
        await stopped;
      })();
      return closed;
    },
  };
}

function listen(server: ReturnType<typeof createServer>, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const where = formatAuthority(host, port);
      const messages: Record<string, string> = {
        EADDRINUSE: `Port ${port} on ${host} is already in use. Choose another with --port, or --port 0 for a free one.`,
        EACCES: `Not allowed to listen on ${where}. Ports below 1024 need privileges; choose another with --port.`,
        EADDRNOTAVAIL: `${host} is not an address of this machine. Use --host 127.0.0.1 (the default) or one of this machine's addresses.`,
        ENOTFOUND: `Cannot resolve the host name ${host}. Use --host 127.0.0.1 (the default) or an address of this machine.`,
      };
      reject(
        new ListenError(messages[error.code ?? ''] ?? `Cannot listen on ${where}: ${error.message}`, {
          cause: error,
        }),
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port, exclusive: true });
  });
}
