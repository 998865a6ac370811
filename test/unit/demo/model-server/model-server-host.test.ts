import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { refs } from '../../../../src/demo/kube/object-store.types';
import { startModelServerHost } from '../../../../src/demo/model-server/model-server-host';
import { setPodReady } from '../world/fixtures/seed-cluster';
import { startDemoHost } from './demo-host';

/**
 * The OpenAI-compatible surface and routing of the simulated replicas, over real loopback HTTP.
 * Draws come from a scripted random source, so each case knows which answer it gets.
 */
const DELAY_SCALE = 0.25;
let demo: Awaited<ReturnType<typeof startDemoHost>>;
let draws: number[] = [];
const random = () => draws.shift() ?? 0.5;

const chatPod = ['prod-us-east', 'llm', 'llama-8b-chat-7c9f0'] as const;
const chatId = 'prod-us-east:llm:llama-8b-chat';
const url = (pod: readonly [string, string, string], path: string) =>
  `${demo.host.podBaseUrl(...pod)}${path}`;

async function post(pod: readonly [string, string, string], path: string, body: unknown) {
  const res = await request(url(pod, path), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) };
}

const messages = [{ role: 'user', content: 'Say something about GPUs.' }];

beforeAll(async () => {
  demo = await startDemoHost({ delayScale: DELAY_SCALE, random });
  demo.host.tick(1);
});
afterAll(() => demo.close());
afterEach(() => {
  draws = [];
  demo.faults.clear();
  demo.world.refresh();
});

describe('routing', () => {
  it('answers /health for a ready pod and 404 for one that does not exist', async () => {
    expect((await request(url(chatPod, '/health'))).statusCode).toBe(200);
    expect((await request(url(['prod-us-east', 'llm', 'gone-pod'], '/health'))).statusCode).toBe(404);
    expect((await request(url(['nowhere', 'llm', 'x'], '/health'))).statusCode).toBe(404);
    expect((await request(`${demo.host.origin}/elsewhere`)).statusCode).toBe(404);
    expect((await request(url(chatPod, '/v1/nope'))).statusCode).toBe(404);
    expect((await request(url(chatPod, '/v1/chat/completions'))).statusCode).toBe(405);
  });

  it('refuses traffic on a pod that is not ready, but still exports its metrics', async () => {
    const store = demo.store('prod-us-east');
    const pod = store.get(refs.pods, 'llm', 'llama-8b-chat-7c9f1')!;
    const other = ['prod-us-east', 'llm', 'llama-8b-chat-7c9f1'] as const;
    setPodReady(store, pod, false);
    try {
      expect((await request(url(other, '/health'))).statusCode).toBe(503);
      const chat = await post(other, '/v1/chat/completions', { messages });
      expect(chat.status).toBe(503);
      expect(chat.json().error.message).toContain('not ready');
      expect((await request(url(other, '/metrics'))).statusCode).toBe(200);
    } finally {
      setPodReady(store, pod, true);
    }
  });

  it('fails health and scrapes while the endpoint crash-loops', async () => {
    demo.faults.inject({ kind: 'crash_loop', target: chatId, durationS: 60 });
    expect((await request(url(chatPod, '/health'))).statusCode).toBe(503);
    expect((await request(url(chatPod, '/metrics'))).statusCode).toBe(503);
    demo.faults.clear(chatId);
    expect((await request(url(chatPod, '/health'))).statusCode).toBe(200);
  });
});

describe('start-up order', () => {
  it('can start before the world exists and serve it once attached', async () => {
    const early = await startModelServerHost({ tickMs: 0 });
    try {
      const base = early.podBaseUrl(...chatPod);
      expect(base).toBe(`${early.origin}/r/prod-us-east/llm/llama-8b-chat-7c9f0`);
      expect((await request(`${base}/health`)).statusCode).toBe(503);
      early.attach(demo.world);
      expect((await request(`${base}/health`)).statusCode).toBe(200);
      expect(early.tick(1)).toBeGreaterThanOrEqual(0);
      expect(() => early.attach(demo.world)).toThrow(/already serves/);
    } finally {
      await early.close();
    }
  });
});

describe('OpenAI API', () => {
  it('lists the served model', async () => {
    const res = await request(url(chatPod, '/v1/models'));
    const body = (await res.body.json()) as {
      object: string;
      data: Array<{ id: string; object: string; owned_by: string }>;
    };
    expect(body.object).toBe('list');
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({ id: 'llama-3.1-8b-instruct', object: 'model', owned_by: 'vllm' });
  });

  it('answers a chat completion with usage', async () => {
    const res = await post(chatPod, '/v1/chat/completions', {
      model: 'llama-3.1-8b-instruct',
      messages,
      max_tokens: 7,
    });
    expect(res.status).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ object: 'chat.completion', model: 'llama-3.1-8b-instruct' });
    expect(body.id).toMatch(/^chatcmpl-/);
    expect(body.choices[0]).toMatchObject({
      index: 0,
      finish_reason: 'length',
      message: { role: 'assistant' },
    });
    expect(body.choices[0].message.content.split(' ')).toHaveLength(7);
    expect(body.usage).toEqual({ prompt_tokens: 7, completion_tokens: 7, total_tokens: 14 });
  });

  it('streams Server-Sent Events after the current TTFT', async () => {
    const f = demo.world.figures(chatId)!;
    const expectedTtftMs = f.ttft.quantile(0.5) * 1000 * DELAY_SCALE; // every draw is 0.5: the median
    const started = performance.now();
    const res = await request(url(chatPod, '/v1/chat/completions'), {
      method: 'POST',
      body: JSON.stringify({
        messages,
        stream: true,
        max_tokens: 12,
        stream_options: { include_usage: true },
      }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    let text = '';
    let firstChunkMs = 0;
    for await (const chunk of res.body) {
      if (!firstChunkMs) firstChunkMs = performance.now() - started;
      text += chunk.toString();
    }
    expect(firstChunkMs).toBeGreaterThanOrEqual(expectedTtftMs * 0.95);
    expect(firstChunkMs).toBeLessThan(expectedTtftMs + 150);

    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    const events = text.split('\n\n').filter(Boolean);
    expect(events.every((e) => e.startsWith('data: '))).toBe(true);
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice('data: '.length)));
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0].id)).toBe(true);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    const usage = chunks.at(-1);
    expect(usage.choices).toEqual([]);
    expect(usage.usage.completion_tokens).toBe(12);
    const finish = chunks.at(-2);
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: 'length' });
    const tokens = chunks.slice(1, -2).map((c) => c.choices[0].delta.content as string);
    expect(tokens).toHaveLength(12);
    expect(chunks.slice(1, -2).every((c) => c.choices[0].finish_reason === null)).toBe(true);
  });

  it('rejects bad requests the way an OpenAI server does', async () => {
    const bad = await post(chatPod, '/v1/chat/completions', '{"messages": [');
    expect(bad.status).toBe(400);
    expect(bad.json().error).toMatchObject({ type: 'BadRequestError' });
    expect(bad.json().error.message).toMatch(/not valid JSON/);
    expect((await post(chatPod, '/v1/chat/completions', { messages: [] })).status).toBe(400);
    expect((await post(chatPod, '/v1/chat/completions', [1])).status).toBe(400);
    expect((await post(chatPod, '/v1/chat/completions', { messages, max_tokens: -3 })).status).toBe(400);
    const model = await post(chatPod, '/v1/chat/completions', { model: 'gpt-5', messages });
    expect(model.status).toBe(404);
    expect(model.json().error.message).toContain('gpt-5');
    expect((await post(chatPod, '/v1/embeddings', { input: 'x' })).status).toBe(400);
  });

  it('fails at the current error rate: 500 in an error burst', async () => {
    demo.faults.inject({ kind: 'error_burst', target: chatId, durationS: 60 });
    demo.world.refresh();
    draws = [0.2, 0.99]; // 0.2 < 0.35 fails; not shed, so a server error
    const res = await post(chatPod, '/v1/chat/completions', { messages });
    expect(res.status).toBe(500);
    expect(res.json().error).toMatchObject({ type: 'server_error', code: 'internal_error' });
    draws = [0.9];
    expect((await post(chatPod, '/v1/chat/completions', { messages, max_tokens: 1 })).status).toBe(200);
  });

  it('sheds past capacity with 429 + Retry-After or 503', async () => {
    demo.faults.inject({ kind: 'traffic_surge', target: chatId, durationS: 60 });
    demo.world.refresh();
    expect(demo.world.figures(chatId)!.shedFraction).toBeGreaterThan(0.3);
    draws = [0.01, 0.0, 0.1];
    const limited = await post(chatPod, '/v1/chat/completions', { messages });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.json().error.code).toBe('rate_limit_exceeded');
    draws = [0.01, 0.0, 0.9];
    expect((await post(chatPod, '/v1/chat/completions', { messages })).status).toBe(503);
  });

  it('embeds with the embedding model', async () => {
    const pod = ['prod-us-east', 'embed', 'bge-embed-7c9f0'] as const;
    const res = await post(pod, '/v1/embeddings', { model: 'bge-large-en-v1.5', input: ['hello', 'world'] });
    expect(res.status).toBe(200);
    const body = res.json();
    expect(body.object).toBe('list');
    expect(body.data).toHaveLength(2);
    expect(body.data[1].index).toBe(1);
    const v = body.data[0].embedding as number[];
    expect(v).toHaveLength(1024);
    expect(Math.hypot(...v)).toBeCloseTo(1, 3);
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
    expect((await post(pod, '/v1/chat/completions', { messages })).status).toBe(400);
    expect((await post(pod, '/v1/embeddings', { input: [] })).status).toBe(400);
  });

  it('counts the requests it really served in the replica metrics', async () => {
    const pod = demo.world.podIndex('prod-us-east')!.pod('llm', 'llama-8b-chat-7c9f0')!;
    const read = async () => {
      const text = await (await request(url(chatPod, '/metrics'))).body.text();
      return Number(/finished_reason="abort"\} (\d+)/.exec(text)![1]);
    };
    expect(demo.host.replicaMetrics(pod)).toBeDefined();
    const before = await read();
    // A streaming client that hangs up early counts as an aborted request.
    const controller = new AbortController();
    const res = await request(url(chatPod, '/v1/chat/completions'), {
      method: 'POST',
      body: JSON.stringify({ messages, stream: true, max_tokens: 500 }),
      signal: controller.signal,
    });
    for await (const _chunk of res.body) {
      controller.abort();
      break;
    }
    await expect.poll(read).toBe(before + 1);
  });
});
