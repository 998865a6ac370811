import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  checkModel,
  completionId,
  drawOutcome,
  readBody,
  sendFailure,
  simulatedDelay,
  type ReplicaContext,
} from './openai-api';
import { estimateTokens, gaussian, sendJson, sendOpenAiError } from './openai-http';

/**
 * POST /v1/chat/completions, OpenAI format. Non-streaming answers wait one e2e latency drawn
 * from the endpoint's current distribution. `stream: true` answers Server-Sent Events: the
 * first chunk after a TTFT draw, then one chunk per token paced by an ITL draw, a final chunk
 * with `finish_reason`, an optional usage chunk (`stream_options.include_usage`), and
 * `data: [DONE]`, the framing vLLM and TGI use.
 */
const handler = '/v1/chat/completions';

const words = (
  'the a model replica serves requests with low latency while the fleet scales across regions and ' +
  'clusters on call engineers watch tokens per second queue depth and cache use to keep every ' +
  'endpoint healthy under load as traffic rises through the afternoon and falls at night'
).split(' ');

interface ChatMessage {
  role?: unknown;
  content?: unknown;
}

function promptText(messages: ChatMessage[]): string | undefined {
  let text = '';
  for (const m of messages) {
    if (!m || typeof m !== 'object' || typeof m.role !== 'string') return undefined;
    if (typeof m.content === 'string') text += m.content;
    else if (Array.isArray(m.content)) {
      for (const part of m.content as Array<{ type?: unknown; text?: unknown }>) {
        if (part && typeof part.text === 'string') text += part.text;
      }
    } else if (m.content !== null && m.content !== undefined) return undefined;
  }
  return text;
}

function maxTokens(body: Record<string, unknown>): number | undefined {
  const value = body.max_completion_tokens ?? body.max_tokens;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

export async function handleChatCompletions(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ReplicaContext,
): Promise<void> {
  const body = await readBody(req, res);
  if (!body || !checkModel(res, ctx, body.model)) return;
  const { model } = ctx.endpoint;
  if (model.kind === 'embedding') {
    sendOpenAiError(res, 400, `${model.name} is an embedding model; use /v1/embeddings.`, 'BadRequestError');
    return;
  }
  const messages = body.messages;
  const prompt =
    Array.isArray(messages) && messages.length > 0 ? promptText(messages as ChatMessage[]) : undefined;
  if (prompt === undefined) {
    sendOpenAiError(
      res,
      400,
      '`messages` must be a non-empty array of {role, content} objects.',
      'BadRequestError',
      'invalid_request_error',
    );
    return;
  }
  const limit = maxTokens(body);
  if ((body.max_tokens !== undefined || body.max_completion_tokens !== undefined) && limit === undefined) {
    sendOpenAiError(
      res,
      400,
      '`max_tokens` must be a positive integer.',
      'BadRequestError',
      'invalid_request_error',
    );
    return;
  }

  const f = ctx.endpoint.figures;
  const outcome = drawOutcome(f, ctx.random);
  if (outcome !== 'ok') {
    // A server error comes after some work; a shed request is refused at once.
    if (outcome === 'server' && !(await simulatedDelay(ctx, f.ttft.sample(ctx.random()), res))) return;
    return sendFailure(res, outcome, ctx, handler);
  }

  const wanted = Math.max(1, Math.round(f.completionTokensPerRequest * Math.exp(0.4 * gaussian(ctx.random))));
  const tokens = Math.min(wanted, limit ?? Infinity);
  const finishReason = tokens < wanted ? 'length' : 'stop';
  const promptTokens = estimateTokens(prompt);
  const ttft = f.ttft.sample(ctx.random());
  const itl = f.itl.median > 0 ? f.itl.sample(ctx.random()) : 0;
  const id = completionId('chatcmpl');
  const created = Math.floor(Date.now() / 1000);
  const text = Array.from(
    { length: tokens },
    (_, i) => `${i === 0 ? '' : ' '}${words[(i * 7 + promptTokens) % words.length]}`,
  );
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: tokens,
    total_tokens: promptTokens + tokens,
  };
  const served = (e2eS: number, completionTokens: number, reason: 'stop' | 'length' | 'abort') =>
    ctx.metrics.recordServed({
      handler,
      e2eS,
      ttftS: Math.min(ttft, e2eS),
      queueS: f.queueWait.sample(ctx.random()),
      itlS: itl,
      promptTokens,
      completionTokens,
      finishReason: reason,
    });

  if (body.stream !== true) {
    const e2e = ttft + itl * (tokens - 1);
    if (!(await simulatedDelay(ctx, e2e, res))) return;
    served(e2e, tokens, finishReason);
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model: model.name,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: text.join('') },
          logprobs: null,
          finish_reason: finishReason,
        },
      ],
      usage,
    });
    return;
  }

  const includeUsage =
    (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const chunk = (
    delta: Record<string, unknown>,
    finish: string | null,
    extra: Record<string, unknown> = {},
  ) =>
    `data: ${JSON.stringify({
      id,
      object: 'chat.completion.chunk',
      created,
      model: model.name,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...extra,
    })}\n\n`;

  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();

  if (!(await simulatedDelay(ctx, ttft, res))) return served(ttft, 0, 'abort');
  res.write(chunk({ role: 'assistant', content: '' }, null));
  const started = performance.now();
  const stepMs = itl * 1000 * ctx.delayScale;
  let sent = 0;
  await new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (timer) {
        clearTimeout(timer);
        ctx.inFlight.delete(timer);
      }
      res.off('close', onClose);
      resolve();
    };
    const onClose = () => finish();
    const pump = () => {
      // Emit every token that is due by now: timers are coarser than a fast model's ITL.
      const due =
        stepMs > 0 ? Math.min(tokens, 1 + Math.floor((performance.now() - started) / stepMs)) : tokens;
      let out = '';
      for (; sent < due; sent++) out += chunk({ content: text[sent] }, null);
      if (out) res.write(out);
      if (sent >= tokens) return finish();
      if (timer) ctx.inFlight.delete(timer);
      timer = setTimeout(pump, Math.max(1, started + sent * stepMs - performance.now()));
      ctx.inFlight.add(timer);
    };
    res.once('close', onClose);
    pump();
  });
  const e2e = ttft + itl * Math.max(0, sent - 1);
  if (res.destroyed || sent < tokens) return served(e2e, sent, 'abort');
  served(e2e, tokens, finishReason);
  let tail = chunk({}, finishReason);
  if (includeUsage)
    tail += `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: model.name, choices: [], usage })}\n\n`;
  res.end(`${tail}data: [DONE]\n\n`);
}
