import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { Backoff, type BackoffOptions } from '../http/backoff';
import { HttpFailure, displayUrl } from '../http/http-failure';
import { httpRequest, joinUrl, parseJsonBody, type HttpResponse } from '../http/http.client';
import { formatDuration, parseRetryAfter } from '../http/retry-after';
import type { PrometheusAuth, PrometheusConfig } from './prometheus.config';

/**
 * The Prometheus HTTP API (`/api/v1/query`, `/api/v1/query_range`, buildinfo) with auth from
 * secret references, retries with jittered backoff for 429 and 502/503/504 (honouring
 * Retry-After), and every failure turned into a PrometheusFailure whose `reason` is the status line.
 */

export type PrometheusFailureKind =
  | 'auth'
  | 'forbidden'
  | 'not_found'
  | 'rate_limited'
  | 'unavailable'
  | 'query'
  | 'timeout'
  | 'network'
  | 'malformed'
  | 'secret';

export class PrometheusFailure extends Error {
  constructor(
    readonly kind: PrometheusFailureKind,
    /** One line for the source status: what failed, where, what to do. */
    readonly reason: string,
    readonly retryAfterMs: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = 'PrometheusFailure';
  }

  get retryable(): boolean {
    return ['rate_limited', 'unavailable', 'timeout', 'network'].includes(this.kind);
  }
}

export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

export interface PromSeries {
  metric: Record<string, string>;
  /** [epoch ms, value] */
  points: Array<[number, number]>;
}

export interface PrometheusClientOptions {
  config: PrometheusConfig;
  secret(ref: string): Promise<string | null>;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
  /** Retries of 429/502/503/504 within one call. */
  retries?: number;
  backoff?: BackoffOptions;
  /** A Retry-After longer than this is not waited out inside a call; the caller reschedules. */
  maxRetryAfterMs?: number;
}

/** Prometheus writes sample values as strings: "1.5", "NaN", "+Inf", "-Inf". */
export function parseSampleValue(text: unknown): number {
  if (typeof text !== 'string') return NaN;
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

export class PrometheusClient {
  private readonly base: string;
  private readonly shown: string;

  constructor(private readonly options: PrometheusClientOptions) {
    this.base = options.config.url;
    this.shown = displayUrl(options.config.url);
  }

  /** An instant query at `timeMs` (default now): the vector (or a scalar as one sample). */
  async query(expr: string, timeMs?: number): Promise<PromSample[]> {
    const params = new URLSearchParams({ query: expr });
    if (timeMs !== undefined) params.set('time', (timeMs / 1000).toFixed(3));
    const data = await this.call('api/v1/query', params);
    if (data.resultType === 'scalar')
      return [{ metric: {}, value: parseSampleValue((data.result as unknown[])[1]) }];
    if (data.resultType !== 'vector' || !Array.isArray(data.result))
      throw this.shapeError(`resultType ${String(data.resultType)}`);
    return (data.result as Array<{ metric?: Record<string, string>; value?: unknown[] }>).map((r) => ({
      metric: r.metric ?? {},
      value: parseSampleValue(r.value?.[1]),
    }));
  }

  /** A range query; step in seconds (see chooseStep for the point budget). */
  async queryRange(expr: string, startMs: number, endMs: number, stepSeconds: number): Promise<PromSeries[]> {
    const params = new URLSearchParams({
      query: expr,
      start: (startMs / 1000).toFixed(3),
      end: (endMs / 1000).toFixed(3),
      step: String(stepSeconds),
    });
    const data = await this.call('api/v1/query_range', params);
    if (data.resultType !== 'matrix' || !Array.isArray(data.result))
      throw this.shapeError(`resultType ${String(data.resultType)}`);
    return (data.result as Array<{ metric?: Record<string, string>; values?: unknown[][] }>).map((r) => ({
      metric: r.metric ?? {},
      points: (r.values ?? []).map(
        (v) => [Math.round(Number(v[0]) * 1000), parseSampleValue(v[1])] as [number, number],
      ),
    }));
  }

  /** The server's version, or null for backends without the buildinfo endpoint. */
  async version(): Promise<string | null> {
    try {
      const data = await this.call('api/v1/status/buildinfo', null);
      return typeof data.version === 'string' ? data.version : null;
    } catch (error) {
      if (error instanceof PrometheusFailure && error.kind === 'not_found') return null;
      throw error;
    }
  }

  private async headers(): Promise<Record<string, string>> {
    const h: Record<string, string> = { accept: 'application/json', ...(this.options.config.headers ?? {}) };
    const auth = this.options.config.auth;
    if (auth.type === 'bearer') h.authorization = `Bearer ${await this.resolve(auth.tokenRef)}`;
    if (auth.type === 'basic') {
      const password = await this.resolve(auth.passwordRef);
      h.authorization = `Basic ${Buffer.from(`${auth.username}:${password}`).toString('base64')}`;
    }
    return h;
  }

  private async resolve(ref: string): Promise<string> {
    const value = await this.options.secret(ref);
    if (value === null || value === '') {
      throw new PrometheusFailure(
        'secret',
        `Secret reference "${ref}" for Prometheus at ${this.shown} is not in the secret store: add it in Settings → Sources`,
      );
    }
    return value;
  }

  /** POST (form-encoded) so long selectors (pod lists) never hit URL length limits. */
  private async call(path: string, params: URLSearchParams | null): Promise<Record<string, unknown>> {
    const url = joinUrl(this.base, path);
    const backoff = new Backoff(this.options.backoff ?? { initialMs: 500, maxMs: 8000 });
    const retries = this.options.retries ?? 2;
    const maxWait = this.options.maxRetryAfterMs ?? 30_000;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(url, params);
      } catch (error) {
        const f = error instanceof PrometheusFailure ? error : null;
        const transient = f && (f.kind === 'rate_limited' || f.kind === 'unavailable');
        if (
          !transient ||
          attempt >= retries ||
          (f.retryAfterMs ?? 0) > maxWait ||
          this.options.signal?.aborted
        )
          throw error;
        await sleep(backoff.next(f.retryAfterMs), undefined, { signal: this.options.signal }).catch(
          () => undefined,
        );
      }
    }
  }

  private async once(url: string, params: URLSearchParams | null): Promise<Record<string, unknown>> {
    const headers = await this.headers();
    const timeoutMs = this.options.config.timeoutSeconds * 1000;
    let res: HttpResponse;
    try {
      res = await httpRequest(url, {
        method: params ? 'POST' : 'GET',
        headers: params ? { ...headers, 'content-type': 'application/x-www-form-urlencoded' } : headers,
        body: params?.toString(),
        timeoutMs,
        signal: this.options.signal,
        dispatcher: this.options.dispatcher,
        maxBytes: 256 * 1024 * 1024,
      });
    } catch (error) {
      throw this.transportFailure(error);
    }
    // Prometheus sends its error JSON with 400/422/503 too; read it before judging the status.
    let json: unknown = undefined;
    let parseError: unknown = null;
    try {
      json = parseJsonBody(res);
    } catch (error) {
      parseError = error;
    }
    const body = json && typeof json === 'object' ? (json as Record<string, unknown>) : null;
    if (body?.status === 'error') {
      const type = typeof body.errorType === 'string' ? body.errorType : 'error';
      const text = typeof body.error === 'string' ? body.error : 'no message';
      if (res.status === 429 || (res.status >= 502 && type !== 'timeout' && type !== 'execution')) {
        throw this.statusFailure(res, `${type}: ${text}`);
      }
      if (type === 'timeout' || type === 'canceled') {
        throw new PrometheusFailure(
          'query',
          `Prometheus at ${this.shown} gave up on the query (${type}): ${text}`,
        );
      }
      throw new PrometheusFailure(
        'query',
        `Prometheus at ${this.shown} rejected the query (${type}): ${text}`,
      );
    }
    if (res.status < 200 || res.status >= 300) throw this.statusFailure(res, '');
    if (parseError) {
      const why = parseError instanceof HttpFailure ? parseError.summary : String(parseError);
      throw new PrometheusFailure('malformed', `Prometheus at ${this.shown} sent ${why}`, null, {
        cause: parseError,
      });
    }
    if (body?.status !== 'success' || !body.data || typeof body.data !== 'object') {
      throw this.shapeError('no "status": "success" with "data"');
    }
    return body.data as Record<string, unknown>;
  }

  private shapeError(what: string): PrometheusFailure {
    return new PrometheusFailure(
      'malformed',
      `Prometheus at ${this.shown} sent JSON that is not a Prometheus API answer (${what}): is the URL a Prometheus-compatible API?`,
    );
  }

  private statusFailure(res: HttpResponse, detail: string): PrometheusFailure {
    const retryAfterHeader = res.headers['retry-after'];
    const retryAfterMs = parseRetryAfter(
      Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader,
    );
    const suffix = detail ? `: ${detail}` : '';
    const auth = this.options.config.auth;
    switch (res.status) {
      case 401:
        return new PrometheusFailure(
          'auth',
          `Prometheus at ${this.shown} answered 401 Unauthorized: ${authAdvice(auth)}`,
        );
      case 403:
        return new PrometheusFailure(
          'forbidden',
          `Prometheus at ${this.shown} answered 403 Forbidden: ${credentialName(auth)} may not query this API ` +
            '(for Mimir or Cortex, check the X-Scope-OrgID header)',
        );
      case 404:
        return new PrometheusFailure(
          'not_found',
          `404 Not Found at ${displayUrl(res.url)}: check the base URL (Prometheus: http://host:9090; Mimir: .../prometheus; Thanos: the Querier)`,
        );
      case 429:
        return new PrometheusFailure(
          'rate_limited',
          `Prometheus at ${this.shown} is rate limiting (429 Too Many Requests${retryAfterMs !== null ? `, Retry-After ${formatDuration(retryAfterMs)}` : ''})${suffix}`,
          retryAfterMs,
        );
      default:
        if (res.status >= 500) {
          return new PrometheusFailure(
            'unavailable',
            `Prometheus at ${this.shown} is unavailable (HTTP ${res.status}${retryAfterMs !== null ? `, Retry-After ${formatDuration(retryAfterMs)}` : ''})${suffix}`,
            retryAfterMs,
          );
        }
        return new PrometheusFailure(
          'query',
          `Prometheus at ${this.shown} answered HTTP ${res.status}${suffix}`,
        );
    }
  }

  private transportFailure(error: unknown): PrometheusFailure {
    if (error instanceof PrometheusFailure) return error;
    if (error instanceof HttpFailure) {
      if (error.kind === 'timeout') {
        return new PrometheusFailure(
          'timeout',
          `Prometheus at ${this.shown} did not answer: ${error.summary}`,
          null,
          { cause: error },
        );
      }
      return new PrometheusFailure(
        'network',
        `Prometheus at ${this.shown} is unreachable: ${error.summary}`,
        null,
        { cause: error },
      );
    }
    return new PrometheusFailure(
      'network',
      `Prometheus at ${this.shown} is unreachable: ${String(error)}`,
      null,
      { cause: error },
    );
  }
}

function credentialName(auth: PrometheusAuth): string {
  if (auth.type === 'bearer') return `the bearer token in secret reference "${auth.tokenRef}"`;
  if (auth.type === 'basic')
    return `user "${auth.username}" (password in secret reference "${auth.passwordRef}")`;
  return 'an anonymous client';
}

function authAdvice(auth: PrometheusAuth): string {
  if (auth.type === 'none') return 'it needs credentials; set bearer or basic auth with a secret reference';
  return `${credentialName(auth)} was rejected; update the secret or the reference`;
}
