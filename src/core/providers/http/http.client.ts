import { Agent, request, type Dispatcher } from 'undici';
import { HttpFailure, displayUrl, failureForError, failureForStatus } from './http-failure';
import { formatDuration } from './retry-after';

/**
 * The one HTTP path for providers: undici.request (the hot-path client, reference/performance-
 * and-safety.md), an overall deadline per request (connect + headers + whole body, not just
 * undici's per-chunk timers, so a slow-drip body still ends), a body size cap, and failures as
 * HttpFailure values with words a status line can show.
 */
export interface HttpRequestOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Overall deadline for the exchange, milliseconds. */
  timeoutMs: number;
  /** Aborts with the caller (a provider being stopped). */
  signal?: AbortSignal;
  dispatcher?: Dispatcher;
  /** Largest body accepted; more is a `too_large` failure. Default 32 MiB. */
  maxBytes?: number;
}

export interface HttpResponse {
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

class DeadlineExceeded extends Error {}

/** A keep-alive connection pool for one provider; close it when the provider stops. */
export function createAgent(options: { connections?: number; connectTimeoutMs?: number } = {}): Agent {
  return new Agent({
    connections: options.connections ?? 16,
    keepAliveTimeout: 30_000,
    connect: { timeout: options.connectTimeoutMs ?? 10_000 },
  });
}

/** Sends one request and reads the whole body; any status is returned, transport errors throw. */
export async function httpRequest(url: string, options: HttpRequestOptions): Promise<HttpResponse> {
  const controller = new AbortController();
  const deadline = setTimeout(() => controller.abort(new DeadlineExceeded()), options.timeoutMs);
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  try {
    const res = await request(url, {
      method: options.method ?? 'GET',
      headers: options.headers,
      body: options.body,
      signal: controller.signal,
      dispatcher: options.dispatcher,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    const declared = Number(res.headers['content-length'] ?? NaN);
    if (declared > maxBytes) {
      await res.body.dump().catch(() => undefined);
      throw tooLarge(url, maxBytes);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        res.body.destroy();
        throw tooLarge(url, maxBytes);
      }
      chunks.push(chunk as Buffer);
    }
    return {
      url,
      status: res.statusCode,
      headers: res.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
  } catch (error) {
    if (error instanceof HttpFailure) throw error;
    if (controller.signal.aborted && controller.signal.reason instanceof DeadlineExceeded) {
      const summary = `timeout after ${formatDuration(options.timeoutMs)}`;
      throw new HttpFailure({ kind: 'timeout', url, summary, message: `${displayUrl(url)}: ${summary}` });
    }
    if (options.signal?.aborted) {
      throw new HttpFailure(
        {
          kind: 'aborted',
          url,
          summary: 'request cancelled',
          message: `${displayUrl(url)}: request cancelled`,
        },
        { cause: error },
      );
    }
    throw failureForError(url, error, options.timeoutMs);
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function tooLarge(url: string, maxBytes: number): HttpFailure {
  const summary = `response larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`;
  return new HttpFailure({ kind: 'too_large', url, summary, message: `${displayUrl(url)}: ${summary}` });
}

/** A 2xx response, or the HttpFailure its status means. */
export async function httpOk(url: string, options: HttpRequestOptions): Promise<HttpResponse> {
  const res = await httpRequest(url, options);
  const failure = failureForStatus(url, res.status, res.headers, res.body);
  if (failure) throw failure;
  return res;
}

/** Parses a body as JSON; a `malformed` failure (with the parser's words) when it is not. */
export function parseJsonBody(res: Pick<HttpResponse, 'url' | 'body' | 'headers'>): unknown {
  try {
    return JSON.parse(res.body) as unknown;
  } catch (error) {
    const type = headerValue(res.headers, 'content-type');
    const looksHtml = /html/i.test(type ?? '') || /^\s*</.test(res.body);
    const why = error instanceof Error ? error.message : String(error);
    const words = `${why}${looksHtml ? ' (an HTML page: is the URL right?)' : ''}`;
    throw new HttpFailure(
      {
        kind: 'malformed',
        url: res.url,
        summary: `malformed JSON: ${words}`,
        message: `malformed JSON from ${displayUrl(res.url)}: ${words}`,
      },
      { cause: error },
    );
  }
}

/** GET/POST expecting 2xx JSON. */
export async function httpJson(
  url: string,
  options: HttpRequestOptions,
): Promise<{ res: HttpResponse; json: unknown }> {
  const res = await httpOk(url, options);
  return { res, json: parseJsonBody(res) };
}

export function headerValue(headers: HttpResponse['headers'], name: string): string | null {
  const v = headers[name.toLowerCase()];
  if (v === undefined) return null;
  return Array.isArray(v) ? (v[0] ?? null) : v;
}

/** Joins a base URL and a path without doubling or dropping slashes; keeps the base's path. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
