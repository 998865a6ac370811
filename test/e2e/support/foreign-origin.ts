import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProbeResult {
  /** A "simple" POST (text/plain, no preflight): it reaches the console with the cookie. */
  simpleFetch: { readable: boolean; status?: number; body?: string; error?: string } | null;
  /** A JSON POST, which needs a CORS preflight first. */
  jsonFetch: { readable: boolean; status?: number; body?: string; error?: string } | null;
  socket: { opened: boolean; closed: boolean; messages: number; code?: number };
}

/**
 * The probe an attacker's page would run against the console: read app.info with the browser's
 * cookies and open the events socket. It runs as the page's own script (a file, so the foreign
 * page is an ordinary one) and leaves its findings on `window.__probe`.
 */
export const probeScript = (consoleOrigin: string) => `
(() => {
  const target = ${JSON.stringify(consoleOrigin)};
  const result = { simpleFetch: null, jsonFetch: null, socket: null };
  window.__probe = result;
  const read = (key, init) =>
    fetch(target + '/api/v1/app.info', { method: 'POST', credentials: 'include', ...init })
      .then((r) => r.text().then((body) => { result[key] = { readable: true, status: r.status, body }; }))
      .catch((e) => { result[key] = { readable: false, error: String(e) }; });
  read('simpleFetch', { headers: { 'content-type': 'text/plain' }, body: '{}' });
  read('jsonFetch', { headers: { 'content-type': 'application/json' }, body: '{}' });
  const socket = { opened: false, closed: false, messages: 0 };
  result.socket = socket;
  try {
    const ws = new WebSocket(target.replace(/^http/, 'ws') + '/api/v1/events');
    ws.onopen = () => { socket.opened = true; };
    ws.onmessage = () => { socket.messages += 1; };
    ws.onclose = (e) => { socket.closed = true; socket.code = e.code; };
  } catch (e) {
    socket.closed = true;
  }
})();
`;

/** A tiny node:http server on another free port: a page plus its probe script. */
export async function startForeignOrigin(
  consoleOrigin: string,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/probe.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(probeScript(consoleOrigin));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      '<!doctype html><title>Not Fleetdeck</title><h1>Some other site</h1><script src="/probe.js"></script>',
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
