import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PrometheusClient,
  PrometheusFailure,
} from '../../../../../src/core/providers/prometheus/prometheus.client';
import { prometheusConfigSchema } from '../../../../../src/core/providers/prometheus/prometheus.config';
import { startServer, type Handler } from '../http/support/fake-context';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const vector = (value: string) =>
  JSON.stringify({
    status: 'success',
    data: { resultType: 'vector', result: [{ metric: { pod: 'a' }, value: [1, value] }] },
  });

async function client(
  handler: Handler,
  config: Record<string, unknown> = {},
  secrets: Record<string, string> = {},
) {
  const srv = await startServer(handler);
  cleanups.push(srv.close);
  const c = new PrometheusClient({
    config: prometheusConfigSchema.parse({ url: srv.url, timeoutSeconds: 0.5, ...config }),
    secret: async (ref) => secrets[ref] ?? null,
    backoff: { initialMs: 10, maxMs: 50 },
  });
  return { c, url: srv.url };
}

async function failure(p: Promise<unknown>): Promise<PrometheusFailure> {
  try {
    await p;
  } catch (error) {
    if (error instanceof PrometheusFailure) return error;
    throw error;
  }
  throw new Error('expected a PrometheusFailure');
}

describe('the Prometheus client', () => {
  it('sends the query as a form POST with bearer auth from the secret store, and reads NaN and +Inf', async () => {
    const seen: Array<{ auth?: string; body: string; type?: string }> = [];
    const { c } = await client(
      (req, res, body) => {
        seen.push({ auth: req.headers.authorization, body, type: req.headers['content-type'] });
        res.end(
          JSON.stringify({
            status: 'success',
            data: {
              resultType: 'vector',
              result: [
                { metric: { pod: 'a' }, value: [1, 'NaN'] },
                { metric: { pod: 'b' }, value: [1, '+Inf'] },
                { metric: { pod: 'c' }, value: [1, '0.25'] },
              ],
            },
          }),
        );
      },
      { auth: { type: 'bearer', tokenRef: 'prom-token' } },
      { 'prom-token': 's3cr3t-value' },
    );
    const result = await c.query('up{job="x"}', 1_700_000_000_123);
    expect(result.map((r) => r.value)).toEqual([NaN, Infinity, 0.25]);
    expect(seen[0]!.auth).toBe('Bearer s3cr3t-value');
    expect(seen[0]!.type).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(seen[0]!.body).get('query')).toBe('up{job="x"}');
    expect(new URLSearchParams(seen[0]!.body).get('time')).toBe('1700000000.123');
  });

  it('sends basic auth with the password from its reference', async () => {
    let auth: string | undefined;
    const { c } = await client(
      (req, res) => {
        auth = req.headers.authorization;
        res.end(vector('1'));
      },
      { auth: { type: 'basic', username: 'grafana', passwordRef: 'prom-pass' } },
      { 'prom-pass': 'pw' },
    );
    await c.query('up');
    expect(auth).toBe(`Basic ${Buffer.from('grafana:pw').toString('base64')}`);
  });

  it.each([
    [
      '401 with a bearer token',
      (_req: unknown, res: ServerResponse) => res.writeHead(401).end('Unauthorized'),
      { auth: { type: 'bearer', tokenRef: 'prom-token' } },
      'auth',
      'answered 401 Unauthorized: the bearer token in secret reference "prom-token" was rejected; update the secret or the reference',
    ],
    [
      '401 without credentials',
      (_req: unknown, res: ServerResponse) => res.writeHead(401).end(),
      {},
      'auth',
      'answered 401 Unauthorized: it needs credentials; set bearer or basic auth with a secret reference',
    ],
    [
      '403',
      (_req: unknown, res: ServerResponse) => res.writeHead(403).end('no org'),
      { auth: { type: 'basic', username: 'u', passwordRef: 'prom-pass' } },
      'forbidden',
      'answered 403 Forbidden: user "u" (password in secret reference "prom-pass") may not query this API (for Mimir or Cortex, check the X-Scope-OrgID header)',
    ],
    [
      '404',
      (_req: unknown, res: ServerResponse) => res.writeHead(404).end('404 page not found'),
      {},
      'not_found',
      '/api/v1/query: check the base URL (Prometheus: http://host:9090; Mimir: .../prometheus; Thanos: the Querier)',
    ],
    [
      'a Prometheus error body',
      (_req: unknown, res: ServerResponse) =>
        res.writeHead(400, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            status: 'error',
            errorType: 'bad_data',
            error: '1:5: parse error: unexpected "}"',
          }),
        ),
      {},
      'query',
      'rejected the query (bad_data): 1:5: parse error: unexpected "}"',
    ],
    [
      'a query the server timed out',
      (_req: unknown, res: ServerResponse) =>
        res.writeHead(503).end(
          JSON.stringify({
            status: 'error',
            errorType: 'timeout',
            error: 'query timed out in expression evaluation',
          }),
        ),
      {},
      'query',
      'gave up on the query (timeout): query timed out in expression evaluation',
    ],
    [
      'malformed JSON',
      (_req: unknown, res: ServerResponse) => res.end('{"status":"success","data":{'),
      {},
      'malformed',
      'sent malformed JSON: ',
    ],
    [
      'JSON of another API',
      (_req: unknown, res: ServerResponse) => res.end('{"hello":"world"}'),
      {},
      'malformed',
      'sent JSON that is not a Prometheus API answer (no "status": "success" with "data"): is the URL a Prometheus-compatible API?',
    ],
    [
      'an HTML page',
      (_req: unknown, res: ServerResponse) =>
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Grafana</body></html>'),
      {},
      'malformed',
      '(an HTML page: is the URL right?)',
    ],
  ])('turns %s into a clear reason', async (_name, handler, config, kind, words) => {
    const { c, url } = await client(handler as Handler, config, { 'prom-token': 't', 'prom-pass': 'p' });
    const f = await failure(c.query('up'));
    expect(f.kind).toBe(kind);
    expect(f.reason).toContain(words);
    expect(f.reason).toContain(url.replace('http://', ''));
    expect(f.reason).not.toMatch(/\bt\b.*Bearer|Basic [A-Za-z0-9+/=]{4,}/); // never the secret itself
  });

  it('retries 429 with Retry-After, then succeeds', async () => {
    let calls = 0;
    const times: number[] = [];
    const { c } = await client((_req, res) => {
      times.push(Date.now());
      if (++calls < 3) res.writeHead(429, { 'retry-after': '1' }).end('slow down');
      else res.end(vector('2'));
    });
    const result = await c.query('up');
    expect(result[0]!.value).toBe(2);
    expect(calls).toBe(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950); // waited out Retry-After: 1
  });

  it('gives up on a 429 whose Retry-After is too long to wait inside one call, with the wait in the reason', async () => {
    const { c } = await client((_req, res) => res.writeHead(429, { 'retry-after': '120' }).end());
    const f = await failure(c.query('up'));
    expect(f.kind).toBe('rate_limited');
    expect(f.retryAfterMs).toBe(120_000);
    expect(f.reason).toMatch(/is rate limiting \(429 Too Many Requests, Retry-After 2 min\)$/);
  });

  it('retries a 503 with backoff and reports it when it persists', async () => {
    let calls = 0;
    const { c } = await client((_req, res) => {
      calls++;
      res.writeHead(503).end('upstream unavailable');
    });
    const f = await failure(c.query('up'));
    expect(calls).toBe(3);
    expect(f.kind).toBe('unavailable');
    expect(f.reason).toMatch(/is unavailable \(HTTP 503\)$/);
  });

  it('times out a server that never answers', async () => {
    const { c } = await client(() => undefined);
    const started = Date.now();
    const f = await failure(c.query('up'));
    expect(f.kind).toBe('timeout');
    expect(f.reason).toMatch(/did not answer: timeout after 500 ms$/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('names a secret reference that is not in the store', async () => {
    const { c } = await client((_req, res) => res.end(vector('1')), {
      auth: { type: 'bearer', tokenRef: 'missing-ref' },
    });
    const f = await failure(c.query('up'));
    expect(f.kind).toBe('secret');
    expect(f.reason).toMatch(
      /^Secret reference "missing-ref" for Prometheus at http:\/\/127\.0\.0\.1:\d+\/ is not in the secret store: add it in Settings → Sources$/,
    );
  });

  it('says a refused connection is unreachable', async () => {
    const c = new PrometheusClient({
      config: prometheusConfigSchema.parse({ url: 'http://127.0.0.1:1' }),
      secret: async () => null,
    });
    const f = await failure(c.query('up'));
    expect(f.kind).toBe('network');
    expect(f.reason).toBe(
      'Prometheus at http://127.0.0.1:1/ is unreachable: connection refused (ECONNREFUSED)',
    );
  });

  it('reads query_range matrices in epoch milliseconds', async () => {
    let params: URLSearchParams | null = null;
    const { c } = await client((_req, res, body) => {
      params = new URLSearchParams(body);
      res.end(
        JSON.stringify({
          status: 'success',
          data: {
            resultType: 'matrix',
            result: [
              {
                metric: {},
                values: [
                  [1700000000, '1'],
                  [1700000060.5, 'NaN'],
                ],
              },
            ],
          },
        }),
      );
    });
    const [series] = await c.queryRange('x', 1_700_000_000_000, 1_700_000_600_000, 60);
    expect(series!.points).toEqual([
      [1_700_000_000_000, 1],
      [1_700_000_060_500, NaN],
    ]);
    expect(params!.get('step')).toBe('60');
    expect(params!.get('start')).toBe('1700000000.000');
  });
});
