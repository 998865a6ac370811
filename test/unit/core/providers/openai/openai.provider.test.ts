import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../../src/core/log/logger';
import { apiBase, openaiConfigSchema } from '../../../../../src/core/providers/openai/openai.config';
import {
  OpenAIProvider,
  nearestRank,
  openaiProviderFactory,
} from '../../../../../src/core/providers/openai/openai.provider';
import { FakeContext, startServer, type Handler } from '../http/support/fake-context';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const KEY = 'sk-test-0123456789abcdefghij';
const rateHeaders = {
  'x-ratelimit-limit-requests': '5000',
  'x-ratelimit-remaining-requests': '4999',
  'x-ratelimit-reset-requests': '12ms',
  'x-ratelimit-limit-tokens': '160000',
  'x-ratelimit-remaining-tokens': '159000',
  'x-ratelimit-reset-tokens': '6m0s',
};

function models(res: ServerResponse, ids = ['chat-small', 'text-embedding-small']) {
  res.writeHead(200, { 'content-type': 'application/json', ...rateHeaders }).end(
    JSON.stringify({
      object: 'list',
      data: ids.map((id) => ({ id, object: 'model', created: 1, owned_by: 'me' })),
    }),
  );
}

/** Streams "ok" in two chunks: the first after `ttftMs`, [DONE] after `totalMs`. */
function stream(res: ServerResponse, ttftMs: number, totalMs: number) {
  res.writeHead(200, { 'content-type': 'text/event-stream', ...rateHeaders });
  const event = (content: string) =>
    `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] })}\n\n`;
  res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: 'assistant' } }] })}\n\n`);
  setTimeout(() => res.write(event('o')), ttftMs);
  setTimeout(() => res.write(event('k')), (ttftMs + totalMs) / 2);
  setTimeout(() => res.end('data: [DONE]\n\n'), totalMs);
}

async function setup(
  handler: Handler,
  config: Record<string, unknown> = {},
  secrets: Record<string, string> = { 'openai-key': KEY },
) {
  const srv = await startServer(handler);
  cleanups.push(srv.close);
  const p = new OpenAIProvider(
    openaiConfigSchema.parse({
      baseUrl: `${srv.url}/r/c/ns/pod`,
      apiKeyRef: 'openai-key',
      timeoutSeconds: 0.5,
      ...config,
    }),
    { log: silentLogger, secret: async (ref) => secrets[ref] ?? null },
  );
  const ctx = new FakeContext({ sourceId: 'hosted-a' });
  (p as unknown as { ctx: FakeContext }).ctx = ctx;
  cleanups.push(() => p.stop());
  return { p, ctx, url: srv.url };
}

describe('the OpenAI-compatible provider', () => {
  it('lists models as hosted endpoints with prices, and records the rate-limit headers', async () => {
    let auth: string | undefined;
    let path: string | undefined;
    const { p, ctx } = await setup(
      (req, res) => {
        auth = req.headers.authorization;
        path = req.url;
        models(res);
      },
      { region: 'us-east-1', tokenPrices: { 'chat-small': { inputPerMTok: 0.15, outputPerMTok: 0.6 } } },
    );
    expect(await p.checkHealth()).toBe(true);
    expect(auth).toBe(`Bearer ${KEY}`);
    expect(path).toBe('/r/c/ns/pod/v1/models');
    const inv = ctx.inventories[0]!.snapshot;
    expect(inv.clusters).toEqual([
      { id: 'hosted-a', name: 'hosted-a (name)', kind: 'hosted', region: 'us-east-1', cloud: null },
    ]);
    expect(inv.endpoints!.map((e) => e.id)).toEqual(['hosted-a:chat-small', 'hosted-a:text-embedding-small']);
    expect(inv.endpoints![0]).toMatchObject({
      cluster: 'hosted-a (name)',
      target: { kind: 'hosted', name: 'chat-small' },
      tokenPrice: { input: 0.15e-6, output: 0.6e-6 },
      pods: [],
    });
    expect(ctx.lastStatus!.state).toBe('ok');
    expect(ctx.lastStatus!.reason).toMatch(
      /^2 models at http:\/\/127\.0\.0\.1:\d+\/r\/c\/ns\/pod\/v1; \/v1\/models answered in \d+ ms; rate limit: 4,999 of 5,000 requests left \(resets in 12ms\), 159,000 of 160,000 tokens left \(resets in 6m0s\)$/,
    );
    expect(p.latestRateLimits()).toMatchObject({ remainingRequests: 4999, limitTokens: 160000 });
  });

  it('probes with a tiny streaming completion, measuring TTFT and total, labelled as probes', async () => {
    let body: Record<string, unknown> = {};
    const { p, ctx } = await setup(
      (req, res, raw) => {
        if (req.url!.endsWith('/models')) return models(res);
        body = JSON.parse(raw) as Record<string, unknown>;
        stream(res, 150, 300);
      },
      { probe: { enabled: true, intervalSeconds: 30 } },
    );
    await p.checkHealth();
    const [r] = await p.probeOnce();
    expect(body).toMatchObject({ model: 'chat-small', stream: true, max_tokens: 8 }); // not the embedding model
    expect(r!.ttftSeconds).toBeGreaterThanOrEqual(0.14);
    expect(r!.ttftSeconds).toBeLessThan(0.29);
    expect(r!.totalSeconds).toBeGreaterThanOrEqual(0.29);
    expect(r!.totalSeconds).toBeLessThan(0.5);
    expect(ctx.latest('hosted-a:chat-small', 'ttft_p95')).toBe(r!.ttftSeconds);
    expect(ctx.latest('hosted-a:chat-small', 'latency_p95')).toBe(r!.totalSeconds);
    expect(ctx.lastStatus!.reason).toMatch(
      /probe every 30 s: chat-small TTFT \d+ ms, total \d+ ms \(p95 \d+ ms over the last 1 probe\); synthetic requests, not user traffic$/,
    );
  });

  it.each([
    [
      '401',
      (res: ServerResponse) =>
        res.writeHead(401).end(
          JSON.stringify({
            error: { message: `Incorrect API key provided: ${KEY}`, type: 'invalid_request_error' },
          }),
        ),
      'auth',
      /^HTTP 401 Unauthorized from http:\/\/127\.0\.0\.1:\d+\/r\/c\/ns\/pod\/v1\/models: the API key in secret reference "openai-key" was rejected; update it in Settings → Sources \(server said: Incorrect API key provided: sk-\[redacted\]\)$/,
    ],
    [
      '403',
      (res: ServerResponse) => res.writeHead(403).end('{"error":{"message":"Project does not have access"}}'),
      'forbidden',
      /^HTTP 403 Forbidden from .*\/v1\/models: the key in "openai-key" may not use this API \(organisation, project or region restriction\) \(server said: Project does not have access\)$/,
    ],
    [
      '404',
      (res: ServerResponse) => res.writeHead(404).end('<html>not found</html>'),
      'not_found',
      /^HTTP 404 Not Found at .*\/r\/c\/ns\/pod\/v1\/models: check the base URL \(an OpenAI-compatible API answers at <base>\/v1\/models, e\.g\. https:\/\/api\.openai\.com\/v1\)$/,
    ],
    [
      '429 with Retry-After',
      (res: ServerResponse) =>
        res.writeHead(429, { 'retry-after': '20' }).end('{"error":{"message":"Rate limit reached"}}'),
      'rate_limited',
      /^HTTP 429 Too Many Requests from .*\/v1\/models \(Retry-After 20 s\): rate limited \(server said: Rate limit reached\)$/,
    ],
    [
      '500',
      (res: ServerResponse) => res.writeHead(500).end(),
      'server_error',
      /^HTTP 500 Internal Server Error from .*\/v1\/models: server error; retrying with backoff$/,
    ],
    [
      'malformed JSON',
      (res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data": [}'),
      'malformed',
      /^malformed JSON from .*\/v1\/models: /,
    ],
    [
      'a hang',
      () => undefined,
      'timeout',
      /^No answer from http:\/\/127\.0\.0\.1:\d+\/r\/c\/ns\/pod\/v1\/models: timeout after 500 ms$/,
    ],
  ])('maps %s to a status reason', async (_name, respond, _kind, reason) => {
    const { p, ctx } = await setup((_req, res) => respond(res));
    const before = Date.now();
    expect(await p.checkHealth()).toBe(false);
    expect(ctx.lastStatus!.state).toBe('error');
    expect(ctx.lastStatus!.reason).toMatch(reason);
    expect(ctx.lastStatus!.reason).not.toContain(KEY);
    expect(ctx.lastStatus!.retryAt).toBeGreaterThanOrEqual(before);
    if (_name.startsWith('429')) expect(ctx.lastStatus!.retryAt!).toBeGreaterThanOrEqual(before + 20_000);
  });

  it('names a key reference that is not in the secret store', async () => {
    const { p, ctx } = await setup((_req, res) => models(res), {}, {});
    await p.checkHealth();
    expect(ctx.lastStatus!.reason).toMatch(
      /^API key reference "openai-key" for http:\/\/127\.0\.0\.1:\d+\/r\/c\/ns\/pod\/v1 is not in the secret store: add the key in Settings → Sources$/,
    );
  });

  it('is degraded, keeping the model list, when the probe fails', async () => {
    const { p, ctx } = await setup(
      (req, res) => {
        if (req.url!.endsWith('/models')) return models(res);
        res.writeHead(404).end('{"error":{"message":"The model `chat-small` does not exist"}}');
      },
      { probe: { enabled: true } },
    );
    await p.checkHealth();
    await p.probeOnce();
    expect(ctx.lastStatus!.state).toBe('degraded');
    expect(ctx.lastStatus!.reason).toContain('probe of chat-small failed: HTTP 404 Not Found at ');
    expect(ctx.lastStatus!.reason).toContain(
      'model "chat-small" not found, or the server has no chat completions',
    );
  });

  it('starts and stops its loops cleanly through the factory', async () => {
    const srv = await startServer((_req, res) => models(res, ['m']));
    cleanups.push(srv.close);
    const p = openaiProviderFactory.create(openaiConfigSchema.parse({ baseUrl: `${srv.url}/v1` }), {
      log: silentLogger,
      dataDir: '/nonexistent',
      secret: async () => null,
    });
    const t = await p.test(); // sources.test: works without start()
    expect(t.ok).toBe(true);
    expect(t.message).toMatch(
      /^Connected: 1 models at http:\/\/127\.0\.0\.1:\d+\/v1 \(\/v1\/models in \d+ ms\)\.$/,
    );
    const ctx = new FakeContext({ sourceId: 's' });
    p.start(ctx);
    const deadline = Date.now() + 3000;
    while (ctx.lastStatus?.state !== 'ok' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await p.stop();
    expect(ctx.lastStatus!.state).toBe('ok');
  });

  it('keeps the probe off unless asked, and refuses a probe interval under 30 s', () => {
    expect(openaiConfigSchema.parse({ baseUrl: 'https://api.openai.com/v1' }).probe.enabled).toBe(false);
    expect(() =>
      openaiConfigSchema.parse({ baseUrl: 'https://x/v1', probe: { enabled: true, intervalSeconds: 5 } }),
    ).toThrow();
    expect(apiBase('https://api.openai.com/v1/')).toBe('https://api.openai.com/v1');
    expect(apiBase('http://127.0.0.1:8000')).toBe('http://127.0.0.1:8000/v1');
    expect(nearestRank([0.3, 0.1, 0.2], 0.95)).toBe(0.3);
    expect(nearestRank([0.3, 0.1, 0.2], 0.5)).toBe(0.2);
  });
});
