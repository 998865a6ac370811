/**
 * Errors are values people can act on (CONVENTIONS.md 9): every failure that crosses the
 * contract says what failed, where, and what to do next. Hosts map `code` onto their transport
 * (HTTP status, IPC rejection) and clients rebuild the same FleetError on the other side.
 */
export const errorCodes = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'unavailable',
  'timeout',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface FleetErrorBody {
  code: ErrorCode;
  message: string;
  /** Where it failed: a command, provider, cluster, endpoint or file. */
  where?: string;
  /** What the user can do about it. */
  hint?: string;
}

export class FleetError extends Error implements FleetErrorBody {
  readonly code: ErrorCode;
  readonly where?: string;
  readonly hint?: string;

  constructor(body: FleetErrorBody, options?: { cause?: unknown }) {
    super(body.message, options);
    this.name = 'FleetError';
    this.code = body.code;
    if (body.where !== undefined) this.where = body.where;
    if (body.hint !== undefined) this.hint = body.hint;
  }

  toJSON(): FleetErrorBody {
    const body: FleetErrorBody = { code: this.code, message: this.message };
    if (this.where !== undefined) body.where = this.where;
    if (this.hint !== undefined) body.hint = this.hint;
    return body;
  }

  /** Rebuilds an error that crossed a transport; anything unrecognisable becomes `internal`. */
  static fromBody(value: unknown): FleetError {
    if (value && typeof value === 'object') {
      const v = value as Record<string, unknown>;
      const code = (errorCodes as readonly string[]).includes(v.code as string)
        ? (v.code as ErrorCode)
        : 'internal';
      const body: FleetErrorBody = {
        code,
        message: typeof v.message === 'string' ? v.message : 'Unknown error',
      };
      if (typeof v.where === 'string') body.where = v.where;
      if (typeof v.hint === 'string') body.hint = v.hint;
      return new FleetError(body);
    }
    return new FleetError({ code: 'internal', message: String(value) });
  }

  /** One line for logs and terminals: "message (where) — hint". */
  describe(): string {
    return [this.message, this.where ? `(${this.where})` : '', this.hint ? `— ${this.hint}` : '']
      .filter(Boolean)
      .join(' ');
  }
}

export const httpStatusFor: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  timeout: 504,
  internal: 500,
};
