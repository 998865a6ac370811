import WebSocket from 'ws';
import type { TerminalServerFrame } from '../../../src/shared/contract/terminal.schema';

/** A terminal stream over the real WebSocket, as a test sees it: frames, the close, the text. */
export interface OpenTerminalSocket {
  kind: 'open';
  ws: WebSocket;
  frames: TerminalServerFrame[];
  closed: Promise<{ code: number; reason: string }>;
  text(): string;
  dataChars(): number;
  /** Resolves when the shown text (replay + data) matches. */
  waitText(pattern: string | RegExp, timeoutMs?: number): Promise<string>;
  send(frame: unknown): void;
}

export type TerminalSocketOutcome = OpenTerminalSocket | { kind: 'refused'; status: number; body: string };

/** Opens `ws://AUTHORITY/api/v1/terminals/<id>?attach=<token>` with the given headers. */
export function openTerminalSocket(
  authority: string,
  sessionId: string,
  attachToken: string | null,
  headers: Record<string, string>,
): Promise<TerminalSocketOutcome> {
  const query = attachToken === null ? '' : `?attach=${encodeURIComponent(attachToken)}`;
  return new Promise((done, fail) => {
    const ws = new WebSocket(`ws://${authority}/api/v1/terminals/${sessionId}${query}`, { headers });
    const frames: TerminalServerFrame[] = [];
    const waiters = new Set<() => void>();
    const notify = () => {
      for (const waiter of [...waiters]) waiter();
    };
    let closeInfo: { code: number; reason: string } | null = null;
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      ws.once('close', (code, reason) => {
        closeInfo = { code, reason: reason.toString() };
        resolve(closeInfo);
        notify();
      }),
    );
    const text = () => frames.map((f) => (f.t === 'data' || f.t === 'replay' ? f.d : '')).join('');
    ws.on('message', (data) => {
      frames.push(JSON.parse(String(data)) as TerminalServerFrame);
      notify();
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done({ kind: 'refused', status: res.statusCode ?? 0, body }));
      res.on('error', fail);
    });
    ws.once('error', (error) => {
      if (ws.readyState !== ws.CLOSED && ws.readyState !== ws.CLOSING) fail(error);
    });
    ws.once('open', () =>
      done({
        kind: 'open',
        ws,
        frames,
        closed,
        text,
        dataChars: () => frames.reduce((n, f) => n + (f.t === 'data' ? f.d.length : 0), 0),
        send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
        waitText: (pattern, timeoutMs = 20_000) =>
          new Promise<string>((resolve, reject) => {
            const timer = setTimeout(() => {
              waiters.delete(check);
              reject(
                new Error(
                  `timed out waiting for ${String(pattern)}; got: ${JSON.stringify(text().slice(-500))}`,
                ),
              );
            }, timeoutMs);
            const check = () => {
              const shown = text();
              const hit = typeof pattern === 'string' ? shown.includes(pattern) : pattern.test(shown);
              if (hit) {
                clearTimeout(timer);
                waiters.delete(check);
                resolve(shown);
              } else if (closeInfo) {
                clearTimeout(timer);
                waiters.delete(check);
                reject(
                  new Error(
                    `socket closed (${closeInfo.code} ${closeInfo.reason}) before ${String(pattern)}`,
                  ),
                );
              }
            };
            waiters.add(check);
            check();
          }),
      }),
    );
  });
}
