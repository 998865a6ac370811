import { redactSecrets } from '../../log/redact';
import { formatDuration, parseRetryAfter } from './retry-after';

/**
 * What went wrong with one HTTP exchange, as a value a provider can turn into a status line
 * (CONVENTIONS.md 9): the kind decides retry and wording, the message names the URL and says what
 * happened, `detail` carries the server's own words (redacted) when it sent any.
 */
export type HttpFailureKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'rate_limited'
  | 'server_error'
  | 'client_error'
  | 'timeout'
  | 'network'
  | 'malformed'
  | 'too_large'
  | 'aborted';

export class HttpFailure extends Error {
  readonly kind: HttpFailureKind;
  readonly url: string;
  readonly status: number | null;
  /** From Retry-After on a 429/503, milliseconds. */
  readonly retryAfterMs: number | null;
  /** The server's explanation, one line, secrets redacted; '' when none. */
  readonly detail: string;
  /** What happened, without the URL: for lists that show the URL themselves. */
  readonly summary: string;

  constructor(
    init: {
      kind: HttpFailureKind;
      url: string;
      message: string;
      status?: number | null;
      retryAfterMs?: number | null;
      detail?: string;
      /** What happened without the URL ("timeout after 5 s"); defaults to the message. */
      summary?: string;
    },
    options?: { cause?: unknown },
  ) {
    super(init.message, options);
    this.summary = init.summary ?? init.message;
    this.name = 'HttpFailure';
    this.kind = init.kind;
    this.url = init.url;
    this.status = init.status ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.detail = init.detail ?? '';
  }

  /** Worth retrying later: rate limits, server errors, timeouts, network trouble. */
  get retryable(): boolean {
    return ['rate_limited', 'server_error', 'timeout', 'network'].includes(this.kind);
  }

  /** The message plus the server's words, e.g. `401 Unauthorized from URL: "invalid token"`. */
  describe(): string {
    return this.detail ? `${this.message}: ${this.detail}` : this.message;
  }
}

const reasonPhrases: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** A URL safe to show: no userinfo, no query (which may hold a token). */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return redactSecrets(url);
  }
}

/** One line of the server's words from an error body: JSON `error`/`message` fields, or text. */
export function errorDetail(body: string): string {
  const text = body.trim();
  if (text === '') return '';
  let detail = text;
  try {
    const json = JSON.parse(text) as unknown;
    const pick = (v: unknown): string | null => {
      if (typeof v === 'string') return v;
      if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        return pick(o.message) ?? pick(o.error) ?? pick(o.detail) ?? null;
      }
      return null;
    };
    detail = pick(json) ?? text;
  } catch {
    // Not JSON: an HTML error page or plain text; keep its first line.
  }
  const line = detail
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return redactSecrets(line.length > 200 ? `${line.slice(0, 200)}…` : line);
}

/** The failure for a non-2xx response, or null for 2xx. */
export function failureForStatus(
  url: string,
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  now: number = Date.now(),
): HttpFailure | null {
  if (status >= 200 && status < 300) return null;
  const shown = displayUrl(url);
  const phrase = reasonPhrases[status] ?? '';
  const head = `HTTP ${status}${phrase ? ` ${phrase}` : ''}`;
  const retryAfterHeader = headers['retry-after'];
  const retryAfterMs = parseRetryAfter(
    Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader,
    now,
  );
  const detail = errorDetail(body);
  const wait = retryAfterMs !== null ? ` (Retry-After ${formatDuration(retryAfterMs)})` : '';
  const base = { url, status, detail, retryAfterMs, summary: `${head}${wait}` };
  if (status === 401)
    return new HttpFailure({ ...base, kind: 'unauthorized', message: `${head} from ${shown}` });
  if (status === 403)
    return new HttpFailure({ ...base, kind: 'forbidden', message: `${head} from ${shown}` });
  if (status === 404) return new HttpFailure({ ...base, kind: 'not_found', message: `${head} at ${shown}` });
  if (status === 429)
    return new HttpFailure({ ...base, kind: 'rate_limited', message: `${head} from ${shown}${wait}` });
  if (status >= 500)
    return new HttpFailure({ ...base, kind: 'server_error', message: `${head} from ${shown}${wait}` });
  return new HttpFailure({ ...base, kind: 'client_error', message: `${head} from ${shown}` });
}

const networkWords: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
};

/** The failure for an exception from undici (network, TLS, undici's own timeouts). */
export function failureForError(url: string, error: unknown, timeoutMs: number): HttpFailure {
  if (error instanceof HttpFailure) return error;
  const shown = displayUrl(url);
  const code = (error as { code?: string } | null)?.code ?? '';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    const summary = `timeout after ${formatDuration(timeoutMs)}`;
    return new HttpFailure(
      { kind: 'timeout', url, summary, message: `${shown}: ${summary}` },
      { cause: error },
    );
  }
  const words = networkWords[code];
  const summary = redactSecrets(
    words ? `${words} (${code})` : error instanceof Error ? error.message : String(error),
  );
  return new HttpFailure(
    { kind: 'network', url, summary, message: `${shown}: ${summary}` },
    { cause: error },
  );
}
