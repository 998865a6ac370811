import { request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';

/** A minimal HTTPS client for the simulated apiserver: JSON requests and watch streams. */
export interface KubeEndpoint {
  url: string;
  token: string;
  certificateAuthority: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are open-ended
export interface KubeResponse<T = any> {
  status: number;
  headers: IncomingMessage['headers'];
  body: T;
}

export function kubeRequest(
  server: KubeEndpoint,
  method: string,
  path: string,
  options: { body?: unknown; contentType?: string; accept?: string; token?: string | null } = {},
): Promise<KubeResponse> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = httpsRequest(
      new URL(path, server.url),
      {
        method,
        ca: server.certificateAuthority,
        headers: {
          ...(options.token === null ? {} : { Authorization: `Bearer ${options.token ?? server.token}` }),
          Accept: options.accept ?? 'application/json',
          ...(payload ? { 'Content-Type': options.contentType ?? 'application/json' } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON (healthz): keep the text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export interface WatchStream {
  /** Resolves with the next event, or rejects after the timeout. */
  next(timeoutMs?: number): Promise<{ type: string; object: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export function kubeWatch(
  server: KubeEndpoint,
  path: string,
  accept = 'application/json',
): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    const queue: Array<{ type: string; object: unknown }> = [];
    const waiters: Array<(event: { type: string; object: unknown }) => void> = [];
    let endResolve: () => void = () => {};
    const ended = new Promise<void>((r) => (endResolve = r));
    const req = httpsRequest(
      new URL(path, server.url),
      {
        method: 'GET',
        ca: server.certificateAuthority,
        headers: { Authorization: `Bearer ${server.token}`, Accept: accept },
      },
      (res) => {
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines) {
            if (!line.trim()) continue;
            const event = JSON.parse(line) as { type: string; object: unknown };
            const waiter = waiters.shift();
            if (waiter) waiter(event);
            else queue.push(event);
          }
        });
        res.on('end', () => endResolve());
        res.on('close', () => endResolve());
        resolve({
          next(timeoutMs = 5000) {
            const queued = queue.shift();
            if (queued) return Promise.resolve(queued as { type: string; object: never });
            return new Promise((resolveEvent, rejectEvent) => {
              const timer = setTimeout(
                () => rejectEvent(new Error(`no watch event within ${timeoutMs} ms`)),
                timeoutMs,
              );
              waiters.push((event) => {
                clearTimeout(timer);
                resolveEvent(event as { type: string; object: never });
              });
            });
          },
          ended,
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error);
    });
    req.end();
  });
}
