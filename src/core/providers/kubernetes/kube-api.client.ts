import { request, type Dispatcher } from 'undici';
import type { KubeConnection } from './kube-connection';
import {
  KubeRequestError,
  describeHttpFailure,
  describeNetworkFailure,
  describeTimeout,
  errorMessage,
  type KubeRequestScope,
} from './kube-errors';

/**
 * The Kubernetes REST calls the source needs (get, paginated list, watch) over undici, with
 * every failure turned into a KubeRequestError whose message says what and where.
 */
export interface KubeClientTimeouts {
  /** Time to response headers, and between body chunks of a non-watch request. */
  requestMs: number;
  /** A watch that sends nothing (not even a bookmark) for this long is considered dead. */
  watchIdleMs: number;
}

export interface KubeObjectList {
  items: RawKubeObject[];
  resourceVersion: string;
}

export interface RawKubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchHandlers {
  /** The server accepted the watch (headers 200). */
  onOpen?(): void;
  onEvent(type: WatchEventType, object: RawKubeObject): void;
}

type Query = Record<string, string | number | boolean | undefined>;

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

export class KubeApiClient {
  constructor(
    readonly connection: KubeConnection,
    private readonly timeouts: KubeClientTimeouts,
  ) {}

  get context(): string {
    return this.connection.context;
  }

  async getJson<T>(path: string, query: Query, scope: KubeRequestScope, signal?: AbortSignal): Promise<T> {
    const response = await this.send(path, query, scope, signal, this.timeouts.requestMs);
    return (await this.readJson(response, scope)) as T;
  }

  /**
   * Every page (`limit` + `continue`) of a list. Pages are collected and returned together, so a
   * failure half way leaves whatever the caller already holds untouched. A continue token that
   * expired (410 during paging) restarts the list once from the beginning.
   */
  async listAll(
    path: string,
    scope: KubeRequestScope,
    signal?: AbortSignal,
    pageSize = 500,
  ): Promise<KubeObjectList> {
    for (let attempt = 0; ; attempt += 1) {
      const items: RawKubeObject[] = [];
      let token: string | undefined;
      let resourceVersion = '';
      try {
        do {
          const page = await this.getJson<{
            items?: RawKubeObject[];
            metadata?: { continue?: string; resourceVersion?: string };
          }>(path, { limit: pageSize, continue: token }, scope, signal);
          if (page.items) for (const item of page.items) items.push(item);
          token = page.metadata?.continue || undefined;
          resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
        } while (token);
        return { items, resourceVersion };
      } catch (error) {
        if (error instanceof KubeRequestError && error.isGone && token !== undefined && attempt === 0)
          continue;
        throw error;
      }
    }
  }

  /**
   * One watch request: resolves when the server ends the stream cleanly (timeoutSeconds),
   * rejects on anything else. A line cut by a dropped connection is discarded, never parsed.
   */
  async watch(
    path: string,
    query: Query,
    scope: KubeRequestScope,
    signal: AbortSignal | undefined,
    handlers: WatchHandlers,
  ): Promise<void> {
    const response = await this.send(path, { ...query, watch: 1 }, scope, signal, this.timeouts.watchIdleMs);
    handlers.onOpen?.();
    const body = response.body;
    body.setEncoding('utf8');
    let buffered = '';
    try {
      for await (const chunk of body as AsyncIterable<string>) {
        buffered += chunk;
        let start = 0;
        let newline = buffered.indexOf('\n', start);
        while (newline >= 0) {
          const line = buffered.slice(start, newline);
          start = newline + 1;
          if (line.trim() !== '') this.dispatchWatchLine(line, scope, handlers);
          newline = buffered.indexOf('\n', start);
        }
        buffered = start === 0 ? buffered : buffered.slice(start);
      }
    } catch (error) {
      if (error instanceof KubeRequestError) throw error;
      const transport = this.transportError(error, scope);
      if (buffered.trim() !== '' && transport.kind !== 'aborted') throw cutMidEvent(scope);
      throw transport;
    } finally {
      body.destroy();
    }
    if (buffered.trim() !== '') throw cutMidEvent(scope);
  }

  private dispatchWatchLine(line: string, scope: KubeRequestScope, handlers: WatchHandlers): void {
    let event: { type?: string; object?: RawKubeObject };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      throw new KubeRequestError(
        `context ${scope.context}: the watch on ${scope.resource} sent a line that is not JSON; reconnecting`,
        'network',
        0,
        scope,
      );
    }
    const type = event.type;
    const object = event.object ?? {};
    if (type === 'ERROR') {
      const status = object as { code?: number; reason?: string; message?: string };
      const code = typeof status.code === 'number' ? status.code : 500;
      if (code === 410 || status.reason === 'Expired' || status.reason === 'Gone') {
        throw new KubeRequestError(
          describeHttpFailure(410, scope, null, null),
          'gone',
          410,
          scope,
          status.reason ?? 'Expired',
        );
      }
      throw new KubeRequestError(
        describeHttpFailure(code, scope, status.message ?? null, null),
        'http',
        code,
        scope,
        status.reason ?? null,
      );
    }
    if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED' || type === 'BOOKMARK')
      handlers.onEvent(type, object);
  }

  private async send(
    path: string,
    query: Query,
    scope: KubeRequestScope,
    signal: AbortSignal | undefined,
    bodyTimeoutMs: number,
  ): Promise<Dispatcher.ResponseData> {
    for (let attempt = 0; ; attempt += 1) {
      const auth = await this.connection.auth();
      const url = new URL(auth.server + path);
      for (const [key, value] of Object.entries(query))
        if (value !== undefined) url.searchParams.set(key, String(value));
      let response: Dispatcher.ResponseData;
      try {
        response = await request(url, {
          method: 'GET',
          dispatcher: auth.dispatcher,
          headers: { ...auth.headers, accept: 'application/json' },
          signal,
          headersTimeout: this.timeouts.requestMs,
          bodyTimeout: bodyTimeoutMs,
        });
      } catch (error) {
        throw this.transportError(error, scope);
      }
      if (response.statusCode < 400) return response;
      const text = await response.body.text().catch(() => '');
      // A 401 may only mean the token expired: get fresh credentials (re-run exec plugins) once.
      if (response.statusCode === 401 && attempt === 0) {
        this.connection.invalidate(auth);
        continue;
      }
      throw httpError(response.statusCode, text, response.headers, scope);
    }
  }

  private async readJson(response: Dispatcher.ResponseData, scope: KubeRequestScope): Promise<unknown> {
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw this.transportError(error, scope);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new KubeRequestError(
        `context ${scope.context}: ${scope.verb} ${scope.resource} answered with malformed JSON (${text.length} bytes); is the server URL a Kubernetes API server?`,
        'http',
        response.statusCode,
        scope,
      );
    }
  }

  private transportError(error: unknown, scope: KubeRequestScope): KubeRequestError {
    const e = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
    const code = e.code ?? e.cause?.code;
    if (e.name === 'AbortError' || code === 'ABORT_ERR' || code === 'UND_ERR_ABORTED')
      return new KubeRequestError(`context ${scope.context}: request aborted`, 'aborted', 0, scope);
    if (
      code === 'UND_ERR_HEADERS_TIMEOUT' ||
      code === 'UND_ERR_CONNECT_TIMEOUT' ||
      code === 'UND_ERR_BODY_TIMEOUT'
    ) {
      const ms =
        code === 'UND_ERR_BODY_TIMEOUT' && scope.verb === 'watch'
          ? this.timeouts.watchIdleMs
          : this.timeouts.requestMs;
      return new KubeRequestError(describeTimeout(scope, ms), 'timeout', 0, scope);
    }
    const server = this.connection.server;
    if (code && TLS_CODES.has(code))
      return new KubeRequestError(
        `context ${scope.context}: TLS to ${server} failed (${code}); the server's certificate does not match the kubeconfig's certificate-authority or tls-server-name`,
        'network',
        0,
        scope,
      );
    const cause = code
      ? `${code}${e.message && !e.message.includes(code) ? `: ${e.message}` : ''}`
      : errorMessage(error);
    return new KubeRequestError(describeNetworkFailure(scope, server, cause), 'network', 0, scope);
  }
}

function httpError(
  status: number,
  text: string,
  headers: Dispatcher.ResponseData['headers'],
  scope: KubeRequestScope,
): KubeRequestError {
  let message: string | null = null;
  let reason: string | null = null;
  try {
    const parsed = JSON.parse(text) as { kind?: string; message?: string; reason?: string };
    if (parsed && parsed.kind === 'Status') {
      message = parsed.message ?? null;
      reason = parsed.reason ?? null;
    }
  } catch {
    message = text.trim() ? text.trim().slice(0, 240) : null;
  }
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  if (status === 410)
    return new KubeRequestError(describeHttpFailure(410, scope, message, null), 'gone', 410, scope, reason);
  return new KubeRequestError(
    describeHttpFailure(status, scope, message, retryAfterMs),
    'http',
    status,
    scope,
    reason,
    retryAfterMs,
  );
}

function cutMidEvent(scope: KubeRequestScope): KubeRequestError {
  return new KubeRequestError(
    `context ${scope.context}: the watch on ${scope.resource} was cut mid-event; the partial event was discarded, reconnecting`,
    'network',
    0,
    scope,
  );
}

export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return null;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}
