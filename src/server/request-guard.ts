import type { IncomingMessage } from 'node:http';

/** Why a request was turned away; `detail` may quote the offending header, never a token. */
export interface Refusal {
  status: 403;
  reason: 'host' | 'origin';
  detail: string;
}

/**
 * Checks that run before anything else, on every request and every WebSocket upgrade:
 * - Host: a DNS-rebinding page reaches 127.0.0.1 under its own domain name, which shows in Host.
 * - Origin: browsers send it on cross-origin fetches and on every WebSocket handshake; a page
 *   from another origin is refused even before its token (it should not have one) is looked at.
 * Requests without Origin (curl, the fleetdeck CLI) pass this check and still need the token.
 */
export class RequestGuard {
  private readonly origins: Set<string>;

  constructor(private readonly authorities: ReadonlySet<string>) {
    this.origins = new Set([...authorities].map((a) => `http://${a}`));
  }

  /** The validated `host:port` of this request, or a refusal. */
  checkHost(req: IncomingMessage): { ok: true; authority: string } | { ok: false; refusal: Refusal } {
    const host = (req.headers.host ?? '').trim().toLowerCase();
    if (host && this.authorities.has(host)) return { ok: true, authority: host };
    return {
      ok: false,
      refusal: {
        status: 403,
        reason: 'host',
        detail: host
          ? `Host header "${printable(host)}" is not this console's address (DNS rebinding protection); use ${this.describe()}.`
          : `The request has no Host header; use ${this.describe()}.`,
      },
    };
  }

  checkOrigin(req: IncomingMessage): { ok: true } | { ok: false; refusal: Refusal } {
    const origin = req.headers.origin;
    if (origin === undefined) return { ok: true };
    if (this.origins.has(origin.trim().toLowerCase())) return { ok: true };
    return {
      ok: false,
      refusal: {
        status: 403,
        reason: 'origin',
        detail: `Origin "${printable(origin)}" is not this console's origin; only pages served by this console may call it.`,
      },
    };
  }

  private describe(): string {
    return [...this.authorities].slice(0, 3).join(' or ');
  }
}

/**
 * Header values end up in the log and on the operator's terminal: keep them to printable ASCII
 * and a sane length so a hostile request cannot write escape sequences or flood a line.
 */
export function printable(value: string, max = 200): string {
  const clean = value.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}
