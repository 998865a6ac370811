import { afterEach, describe, expect, it } from 'vitest';
import { Backoff, backoffDelay } from '../../../../../src/core/providers/http/backoff';
import { HttpFailure, displayUrl, errorDetail } from '../../../../../src/core/providers/http/http-failure';
import { httpJson, httpOk, joinUrl } from '../../../../../src/core/providers/http/http.client';
import { formatDuration, parseRetryAfter } from '../../../../../src/core/providers/http/retry-after';
import { startServer, type Handler } from './support/fake-context';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function serve(handler: Handler) {
  const srv = await startServer(handler);
  cleanups.push(srv.close);
  return srv.url;
}

async function failure(p: Promise<unknown>): Promise<HttpFailure> {
  try {
    await p;
  } catch (error) {
    if (error instanceof HttpFailure) return error;
    throw error;
  }
  throw new Error('expected an HttpFailure');
}

describe('HTTP failures', () => {
  it.each([
    [401, {}, 'unauthorized', 'HTTP 401 Unauthorized from URL/x', false],
    [403, {}, 'forbidden', 'HTTP 403 Forbidden from URL/x', false],
    [404, {}, 'not_found', 'HTTP 404 Not Found at URL/x', false],
    [
      429,
      { 'retry-after': '7' },
      'rate_limited',
      'HTTP 429 Too Many Requests from URL/x (Retry-After 7 s)',
      true,
    ],
    [500, {}, 'server_error', 'HTTP 500 Internal Server Error from URL/x', true],
    [
      503,
      { 'retry-after': '2' },
      'server_error',
      'HTTP 503 Service Unavailable from URL/x (Retry-After 2 s)',
      true,
    ],
    [400, {}, 'client_error', 'HTTP 400 Bad Request from URL/x', false],
  ])('HTTP %i is %s', async (status, headers, kind, message, retryable) => {
    const url = await serve((_req, res) =>
      res.writeHead(status, headers).end('{"error":{"message":"why it failed"}}'),
    );
    const f = await failure(httpOk(`${url}/x?token=abc`, { timeoutMs: 1000 }));
    expect(f.kind).toBe(kind);
    expect(f.message).toBe(message.replace('URL', url));
    expect(f.detail).toBe('why it failed');
    expect(f.retryable).toBe(retryable);
    if (status === 429) expect(f.retryAfterMs).toBe(7000);
  });

  it('times out a server that never answers, after the deadline', async () => {
    const url = await serve(() => undefined);
    const started = Date.now();
    const f = await failure(httpOk(`${url}/hang`, { timeoutMs: 300 }));
    expect(f.kind).toBe('timeout');
    expect(f.message).toBe(`${url}/hang: timeout after 300 ms`);
    expect(f.summary).toBe('timeout after 300 ms');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('times out a body that drips forever, not only silent servers', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('x'), 50);
      res.on('close', () => clearInterval(timer));
    });
    const f = await failure(httpOk(url, { timeoutMs: 400 }));
    expect(f.kind).toBe('timeout');
  });

  it('names malformed JSON and an HTML page', async () => {
    const url = await serve((req, res) =>
      req.url === '/html'
        ? res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Login</title>')
        : res.end('{"a": '),
    );
    const bad = await failure(httpJson(`${url}/json`, { timeoutMs: 1000 }));
    expect(bad.kind).toBe('malformed');
    expect(bad.message).toMatch(new RegExp(`^malformed JSON from ${url}/json: `));
    const html = await failure(httpJson(`${url}/html`, { timeoutMs: 1000 }));
    expect(html.message).toMatch(/\(an HTML page: is the URL right\?\)$/);
  });

  it('refuses a body over the size cap', async () => {
    const url = await serve((_req, res) => res.end('x'.repeat(2048)));
    const f = await failure(httpOk(url, { timeoutMs: 1000, maxBytes: 1024 }));
    expect(f.kind).toBe('too_large');
  });

  it('says a refused connection in words', async () => {
    const f = await failure(httpOk('http://127.0.0.1:1/metrics', { timeoutMs: 1000 }));
    expect(f.kind).toBe('network');
    expect(f.message).toBe('http://127.0.0.1:1/metrics: connection refused (ECONNREFUSED)');
  });

  it('stops when the caller aborts', async () => {
    const url = await serve(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const f = await failure(httpOk(url, { timeoutMs: 5000, signal: controller.signal }));
    expect(f.kind).toBe('aborted');
  });

  it('never shows credentials from a URL or a server message', () => {
    expect(displayUrl('https://user:pw@prom.example:9090/api/v1/query?token=abc')).toBe(
      'https://prom.example:9090/api/v1/query',
    );
    expect(errorDetail('{"error":"bad key sk-abcdefghijklmnopqrstuvwx"}')).toBe('bad key sk-[redacted]');
    expect(errorDetail('<html><body><h1>502 Bad Gateway</h1></body></html>')).toBe('502 Bad Gateway');
    expect(joinUrl('http://h/r/c/', '/v1/models')).toBe('http://h/r/c/v1/models');
  });
});

describe('Retry-After and backoff', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(formatDuration(5000)).toBe('5 s');
    expect(formatDuration(2500)).toBe('2.5 s');
    expect(formatDuration(120_000)).toBe('2 min');
  });

  it('grows exponentially with jitter in [half, full] of the capped delay, never under Retry-After', () => {
    const o = { initialMs: 1000, maxMs: 30_000 };
    expect(backoffDelay(0, o, () => 0)).toBe(500);
    expect(backoffDelay(0, o, () => 1)).toBe(1000);
    expect(backoffDelay(3, o, () => 0.5)).toBe(6000);
    expect(backoffDelay(20, o, () => 1)).toBe(30_000);
    const b = new Backoff(o, () => 0);
    expect([b.next(), b.next(), b.next()]).toEqual([500, 1000, 2000]);
    expect(b.next(60_000)).toBe(60_000);
    b.reset();
    expect(b.attempt).toBe(0);
  });
});
