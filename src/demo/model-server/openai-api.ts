import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hash32, seededRandom } from '../world/daily-pattern';
import type { DemoWorld, WorldEndpoint } from '../world/demo-world';
import type { EndpointFigures } from '../world/load-model';
import type { PodInfo } from '../world/pod-index';
import { estimateTokens, readJsonObject, RequestBodyError, sendJson, sendOpenAiError } from './openai-http';
import type { FailureKind, ReplicaMetrics } from './replica-metrics';

/**
 * The OpenAI-compatible surface of one simulated replica: /v1/models, /v1/embeddings and the
 * shared pieces of /v1/chat/completions (chat-completions.ts). Answers are canned, their timing
 * and failures are drawn from the endpoint's current figures, and each served request is counted
 * in the replica's metrics like a real server would.
 */
export interface ReplicaContext {
  world: DemoWorld;
  endpoint: WorldEndpoint;
  pod: PodInfo;
  metrics: ReplicaMetrics;
  /** Multiplies every delay the replica waits (1 = real time; tests use less). */
  delayScale: number;
  random: () => number;
  /** Timers of requests in flight, cleared when the host closes. */
  inFlight: Set<NodeJS.Timeout>;
}

/** Whether a request fails, and how, at the endpoint's current error rate. */
export function drawOutcome(f: EndpointFigures, random: () => number): 'ok' | FailureKind {
  if (random() >= f.errorRate) return 'ok';
  const shedShare = f.errorRate > 0 ? Math.min(1, f.shedFraction / f.errorRate) : 0;
  if (random() < shedShare) return random() < 0.5 ? 'rate_limited' : 'overloaded';
  return 'server';
}

export function sendFailure(
  res: ServerResponse,
  kind: FailureKind,
  ctx: ReplicaContext,
  handler: string,
): void {
  ctx.metrics.recordFailed(kind, handler);
  const name = ctx.endpoint.model.name;
  if (kind === 'rate_limited') {
    sendOpenAiError(
      res,
      429,
      `Too many requests for ${name}: the server's queue is full. Retry after 1 s.`,
      'rate_limit_error',
      'rate_limit_exceeded',
      { 'Retry-After': '1' },
    );
  } else if (kind === 'overloaded') {
    sendOpenAiError(
      res,
      503,
      `${name} is overloaded: no capacity to take the request.`,
      'server_error',
      'service_unavailable',
    );
  } else {
    sendOpenAiError(
      res,
      500,
      `Internal server error while serving ${name}.`,
      'server_error',
      'internal_error',
    );
  }
}

/** Waits `seconds` of simulated time (scaled), tracked so the host can cancel it on close. */
export function simulatedDelay(ctx: ReplicaContext, seconds: number, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(
      () => {
        ctx.inFlight.delete(timer);
        res.off('close', onClose);
        resolve(!res.destroyed);
      },
      Math.max(0, seconds * 1000 * ctx.delayScale),
    );
    const onClose = () => {
      if (res.writableFinished) return;
      clearTimeout(timer);
      ctx.inFlight.delete(timer);
      resolve(false);
    };
    ctx.inFlight.add(timer);
    res.once('close', onClose);
  });
}

export const completionId = (prefix: string) => `${prefix}-${randomUUID().replace(/-/g, '')}`;

/** The served model name and whether a request's `model` field names it (absent is fine). */
export function checkModel(res: ServerResponse, ctx: ReplicaContext, requested: unknown): boolean {
  const name = ctx.endpoint.model.name;
  if (requested === undefined || requested === name) return true;
  sendOpenAiError(
    res,
    404,
    `The model \`${String(requested)}\` does not exist.`,
    'NotFoundError',
    'model_not_found',
  );
  return false;
}

export async function readBody(
  req: IncomingMessage,
  res: ServerResponse,
): Promise<Record<string, unknown> | undefined> {
  try {
    return await readJsonObject(req);
  } catch (error) {
    if (error instanceof RequestBodyError) {
      sendOpenAiError(res, error.status, error.message, 'BadRequestError', 'invalid_request_error');
      return undefined;
    }
    throw error;
  }
}

export function handleModels(res: ServerResponse, ctx: ReplicaContext): void {
  const { model, def } = ctx.endpoint;
  sendJson(res, 200, {
    object: 'list',
    data: [
      {
        id: model.name,
        object: 'model',
        created: Math.floor(Date.now() / 1000),
        owned_by: def.runtime === 'tgi' ? 'text-generation-inference' : 'vllm',
        root: model.baseModel ?? model.name,
        parent: model.baseModel ?? null,
        max_model_len: def.runtime === 'tgi' ? 8192 : 32768,
      },
    ],
  });
}

const EMBEDDING_DIMENSIONS = 1024;

function embeddingInputs(input: unknown): string[] | undefined {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.length > 0) {
    if (input.every((x) => typeof x === 'string')) return input as string[];
    if (input.every((x) => typeof x === 'number')) return [input.join(' ')];
    if (input.every((x) => Array.isArray(x) && x.every((y) => typeof y === 'number'))) {
      return (input as number[][]).map((ids) => ids.join(' '));
    }
  }
  return undefined;
}

/** A unit vector derived from the text, so the same input always embeds the same way. */
function embed(text: string): number[] {
  const random = seededRandom(hash32(7, text));
  const v = Array.from({ length: EMBEDDING_DIMENSIONS }, () => random() * 2 - 1);
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => Math.round((x / norm) * 1e6) / 1e6);
}

export async function handleEmbeddings(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ReplicaContext,
): Promise<void> {
  const handler = '/v1/embeddings';
  const body = await readBody(req, res);
  if (!body || !checkModel(res, ctx, body.model)) return;
  if (ctx.endpoint.model.kind !== 'embedding') {
    sendOpenAiError(
      res,
      400,
      `${ctx.endpoint.model.name} does not support the Embeddings API.`,
      'BadRequestError',
    );
    return;
  }
  const inputs = embeddingInputs(body.input);
  if (!inputs) {
    sendOpenAiError(
      res,
      400,
      '`input` must be a non-empty string, array of strings or token arrays.',
      'BadRequestError',
    );
    return;
  }
  const f = ctx.endpoint.figures;
  const outcome = drawOutcome(f, ctx.random);
  if (outcome !== 'ok') return sendFailure(res, outcome, ctx, handler);
  const e2e = f.e2e.sample(ctx.random());
  if (!(await simulatedDelay(ctx, e2e, res))) return;
  const promptTokens = inputs.reduce((sum, text) => sum + estimateTokens(text), 0);
  ctx.metrics.recordServed({
    handler,
    e2eS: e2e,
    ttftS: Math.min(e2e, f.ttft.sample(ctx.random())),
    queueS: f.queueWait.sample(ctx.random()),
    itlS: 0,
    promptTokens,
    completionTokens: 0,
    finishReason: 'stop',
  });
  sendJson(res, 200, {
    id: completionId('embd'),
    object: 'list',
    created: Math.floor(Date.now() / 1000),
    model: ctx.endpoint.model.name,
    data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: embed(text) })),
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}
