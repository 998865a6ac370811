import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';

const reasonText: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
};

export type UpgradeWarn = (message: string, fields: Record<string, unknown>) => void;

/**
 * Refuses a WebSocket upgrade with a plain HTTP answer on the handshake, so no WebSocket ever
 * exists for a request that failed the Host, Origin or token checks (Lens CVE-2021-44458).
 * Logs the path only: a query may hold an attach token.
 */
export function refuseUpgrade(
  socket: Duplex,
  req: IncomingMessage,
  status: number,
  reason: string,
  warn: UpgradeWarn,
): void {
  warn('console: WebSocket upgrade refused', {
    status,
    reason,
    path: (req.url ?? '').split('?')[0],
    remote: req.socket.remoteAddress,
  });
  const body = `${reason}\n`;
  socket.on('error', () => {});
  socket.end(
    `HTTP/1.1 ${status} ${reasonText[status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      'Cache-Control: no-store\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
      body,
  );
}

/**
 * Closes every socket of a server with `code` and `reason`, terminating those that do not finish
 * the closing handshake within `graceMs`, then closes the server.
 */
export async function closeAllSockets(
  wss: WebSocketServer,
  code: number,
  reason: string,
  graceMs: number,
): Promise<void> {
  await Promise.all(
    [...wss.clients].map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === ws.CLOSED) return resolve();
          const timer = setTimeout(() => {
            ws.terminate();
            resolve();
          }, graceMs);
          timer.unref();
          ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          ws.close(code, reason);
        }),
    ),
  );
  await new Promise<void>((resolve) => wss.close(() => resolve()));
}
