import { performance } from 'node:perf_hooks';
import { request, type Dispatcher } from 'undici';
import { HttpFailure, displayUrl, failureForError, failureForStatus } from '../http/http-failure';
import { headerValue, httpRequest, joinUrl, parseJsonBody, type HttpResponse } from '../http/http.client';
import { formatDuration } from '../http/retry-after';
import { apiBase, type OpenAIConfig } from './openai.config';

/**
 * The few OpenAI API calls a console needs: list models (also the free health probe), and one
 * tiny streaming chat completion (the opt-in synthetic probe). Failures become OpenAIFailure
 * values whose `reason` names the URL, the key reference and what to do.
 */

export type OpenAIFailureKind =
  | 'auth'
  | 'forbidden'
  | 'not_found'
  | 'rate_limited'
  | 'server_error'
  | 'bad_request'
  | 'timeout'
  | 'network'
  | 'malformed'
  | 'secret';

export class OpenAIFailure extends Error {
  constructor(
    readonly kind: OpenAIFailureKind,
    readonly reason: string,
    readonly retryAfterMs: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = 'OpenAIFailure';
  }
}

/** The x-ratelimit-* headers OpenAI (and compatible gateways) send, as numbers and words. */
export interface RateLimits {
  limitRequests: number | null;
  remainingRequests: number | null;
  resetRequests: string | null;
  limitTokens: number | null;
  remainingTokens: number | null;
  resetTokens: string | null;
}

export function readRateLimits(headers: HttpResponse['headers']): RateLimits | null {
  const num = (name: string) => {
    const v = headerValue(headers, name);
    const n = v === null ? NaN : Number(v);
    return Number.isFinite(n) ? n : null;
  };
  const limits: RateLimits = {
    limitRequests: num('x-ratelimit-limit-requests'),
    remainingRequests: num('x-ratelimit-remaining-requests'),
    resetRequests: headerValue(headers, 'x-ratelimit-reset-requests'),
    limitTokens: num('x-ratelimit-limit-tokens'),
    remainingTokens: num('x-ratelimit-remaining-tokens'),
    resetTokens: headerValue(headers, 'x-ratelimit-reset-tokens'),
  };
  return Object.values(limits).some((v) => v !== null) ? limits : null;
}

/** "4,999 of 5,000 requests left (resets in 12ms), 159,000 of 160,000 tokens left (resets in 6m0s)" */
export function describeRateLimits(l: RateLimits): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const part = (remaining: number | null, limit: number | null, reset: string | null, unit: string) => {
    if (remaining === null) return null;
    const of = limit !== null ? ` of ${n(limit)}` : '';
    return `${n(remaining)}${of} ${unit} left${reset ? ` (resets in ${reset})` : ''}`;
  };
  return [
    part(l.remainingRequests, l.limitRequests, l.resetRequests, 'requests'),
    part(l.remainingTokens, l.limitTokens, l.resetTokens, 'tokens'),
  ]
    .filter(Boolean)
    .join(', ');
}

export interface ModelList {
  models: Array<{ id: string; ownedBy: string | null }>;
  latencyMs: number;
  rateLimits: RateLimits | null;
}

export interface ProbeResult {
  model: string;
  /** Time to the first content token, seconds. */
  ttftSeconds: number;
  /** Time to the end of the stream, seconds. */
  totalSeconds: number;
  chunks: number;
  rateLimits: RateLimits | null;
}

export interface OpenAIClientOptions {
  config: OpenAIConfig;
  secret(ref: string): Promise<string | null>;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
}

export class OpenAIClient {
  readonly base: string;

  constructor(private readonly options: OpenAIClientOptions) {
    this.base = apiBase(options.config.baseUrl);
  }

  async listModels(): Promise<ModelList> {
    const url = joinUrl(this.base, 'models');
    const headers = await this.headers();
    const started = performance.now();
    let res: HttpResponse;
    try {
      res = await httpRequest(url, this.requestOptions(headers));
    } catch (error) {
      throw this.transportFailure(url, error);
    }
    const latencyMs = performance.now() - started;
    const failure = failureForStatus(url, res.status, res.headers, res.body);
    if (failure) throw this.statusFailure(failure, 'models');
    let json: unknown;
    try {
      json = parseJsonBody(res);
    } catch (error) {
      throw this.transportFailure(url, error);
    }
    const data = (json as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) {
      throw new OpenAIFailure(
        'malformed',
        `${displayUrl(url)} did not answer with an OpenAI model list (no "data" array): is ${this.base} an OpenAI-compatible API?`,
      );
    }
    const models = data
      .filter(
        (m): m is { id: string; owned_by?: unknown } => !!m && typeof (m as { id?: unknown }).id === 'string',
      )
      .map((m) => ({ id: m.id, ownedBy: typeof m.owned_by === 'string' ? m.owned_by : null }));
    return { models, latencyMs, rateLimits: readRateLimits(res.headers) };
  }

  /**
   * One streaming chat completion: TTFT is the time from sending the request to the first
   * server-sent event carrying content; total is the time to `[DONE]` (or the end of the stream).
   */
  async probe(model: string, prompt: string, maxTokens: number): Promise<ProbeResult> {
    const url = joinUrl(this.base, 'chat/completions');
    const headers = {
      ...(await this.headers()),
      'content-type': 'application/json',
      accept: 'text/event-stream',
    };
    const timeoutMs = this.options.config.timeoutSeconds * 1000;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('deadline')), timeoutMs);
    const onAbort = () => controller.abort(this.options.signal?.reason);
    this.options.signal?.addEventListener('abort', onAbort, { once: true });
    const started = performance.now();
    try {
      const res = await request(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          model,
          messages: [{ role: 'user', content: prompt }],
          max_tokens: maxTokens,
          temperature: 0,
          stream: true,
        }),
        signal: controller.signal,
        dispatcher: this.options.dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const rateLimits = readRateLimits(res.headers);
      if (res.statusCode < 200 || res.statusCode >= 300) {
        const body = await res.body.text().catch(() => '');
        throw this.statusFailure(failureForStatus(url, res.statusCode, res.headers, body)!, 'chat', model);
      }
      let ttft: number | null = null;
      let chunks = 0;
      let buffered = '';
      let done = false;
      for await (const chunk of res.body) {
        buffered += (chunk as Buffer).toString('utf8');
        let newline: number;
        while ((newline = buffered.indexOf('\n')) !== -1) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (!line.startsWith('data:')) continue;
          const data = line.slice(5).trim();
          if (data === '[DONE]') {
            done = true;
            break;
          }
          let event: unknown;
          try {
            event = JSON.parse(data);
          } catch {
            throw new OpenAIFailure(
              'malformed',
              `${displayUrl(url)} streamed an event that is not JSON: ${data.slice(0, 80)}`,
            );
          }
          chunks++;
          const content = (event as { choices?: Array<{ delta?: { content?: unknown } }> }).choices?.[0]
            ?.delta?.content;
          if (ttft === null && typeof content === 'string' && content.length > 0)
            ttft = performance.now() - started;
        }
        if (done) break;
      }
      if (done) await res.body.dump().catch(() => undefined);
      const total = performance.now() - started;
      if (chunks === 0) {
        throw new OpenAIFailure(
          'malformed',
          `${displayUrl(url)} answered the streaming probe with no server-sent events`,
        );
      }
      return {
        model,
        ttftSeconds: (ttft ?? total) / 1000,
        totalSeconds: total / 1000,
        chunks,
        rateLimits,
      };
    } catch (error) {
      if (error instanceof OpenAIFailure) throw error;
      if (controller.signal.aborted && !this.options.signal?.aborted) {
        throw new OpenAIFailure(
          'timeout',
          `No answer from ${displayUrl(url)} within ${formatDuration(timeoutMs)}`,
        );
      }
      throw this.transportFailure(url, error);
    } finally {
      clearTimeout(timer);
      this.options.signal?.removeEventListener('abort', onAbort);
    }
  }

  private requestOptions(headers: Record<string, string>) {
    return {
      headers,
      timeoutMs: this.options.config.timeoutSeconds * 1000,
      signal: this.options.signal,
      dispatcher: this.options.dispatcher,
      maxBytes: 8 * 1024 * 1024,
    };
  }

  private async headers(): Promise<Record<string, string>> {
    const h: Record<string, string> = { accept: 'application/json', ...(this.options.config.headers ?? {}) };
    const ref = this.options.config.apiKeyRef;
    if (ref) {
      const key = await this.options.secret(ref);
      if (!key) {
        throw new OpenAIFailure(
          'secret',
          `API key reference "${ref}" for ${this.base} is not in the secret store: add the key in Settings → Sources`,
        );
      }
      h.authorization = `Bearer ${key}`;
    }
    return h;
  }

  private transportFailure(url: string, error: unknown): OpenAIFailure {
    const f =
      error instanceof HttpFailure
        ? error
        : failureForError(url, error, this.options.config.timeoutSeconds * 1000);
    if (f.kind === 'timeout')
      return new OpenAIFailure('timeout', `No answer from ${displayUrl(url)}: ${f.summary}`, null, {
        cause: f,
      });
    if (f.kind === 'malformed') return new OpenAIFailure('malformed', f.message, null, { cause: f });
    return new OpenAIFailure('network', `${displayUrl(url)} is unreachable: ${f.summary}`, null, {
      cause: f,
    });
  }

  private statusFailure(f: HttpFailure, call: 'models' | 'chat', model?: string): OpenAIFailure {
    const ref = this.options.config.apiKeyRef;
    const said = f.detail ? ` (server said: ${f.detail})` : '';
    switch (f.kind) {
      case 'unauthorized':
        return new OpenAIFailure(
          'auth',
          ref
            ? `${f.message}: the API key in secret reference "${ref}" was rejected; update it in Settings → Sources${said}`
            : `${f.message}: the server wants an API key; set apiKeyRef to a secret reference${said}`,
        );
      case 'forbidden':
        return new OpenAIFailure(
          'forbidden',
          `${f.message}: the key in "${ref ?? '(none)'}" may not use ${model ? `model "${model}"` : 'this API'} ` +
            `(organisation, project or region restriction)${said}`,
        );
      case 'not_found':
        return call === 'chat'
          ? new OpenAIFailure(
              'not_found',
              `${f.message}: model "${model}" not found, or the server has no chat completions${said}`,
            )
          : new OpenAIFailure(
              'not_found',
              `${f.message}: check the base URL (an OpenAI-compatible API answers at <base>/v1/models, e.g. https://api.openai.com/v1)`,
            );
      case 'rate_limited':
        return new OpenAIFailure('rate_limited', `${f.message}: rate limited${said}`, f.retryAfterMs);
      case 'server_error':
        return new OpenAIFailure(
          'server_error',
          `${f.message}: server error; retrying with backoff${said}`,
          f.retryAfterMs,
        );
      default:
        return new OpenAIFailure('bad_request', `${f.message}${said}`);
    }
  }
}
