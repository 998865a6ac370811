import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The session cookie's name carries the port: browsers share cookies across ports of one host,
 * so two consoles on 127.0.0.1 would otherwise overwrite each other's session.
 */
export const tokenCookieName = (port: number) => `fleetdeck_token_${port}`;

/**
 * A fresh 256-bit token per launch. Lens CVE-2021-44458 was a local WebSocket any web page could
 * open; an unguessable token that only the person who started the console holds closes that.
 */
export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time comparison. Hashing first gives equal-length inputs, so neither the content nor
 * the length of the expected token leaks through timing.
 */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** HttpOnly keeps it from page scripts; SameSite=Strict keeps other sites' requests from carrying it. */
export function tokenCookie(token: string, cookieName: string): string {
  return `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/** Every token the request presents: the Bearer credential and any cookies of this console's name. */
export function presentedTokens(req: IncomingMessage, cookieName: string): string[] {
  const tokens: string[] = [];
  const authorization = req.headers.authorization;
  if (authorization) {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    if (match) tokens.push(match[1]!);
  }
  const cookie = req.headers.cookie;
  if (cookie) {
    for (const part of cookie.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      if (part.slice(0, eq).trim() === cookieName) tokens.push(part.slice(eq + 1).trim());
    }
  }
  return tokens;
}

export type TokenCheck = { ok: true } | { ok: false; reason: 'no token' | 'wrong token' };

/**
 * The only credentials the API and the events socket accept: header or cookie. A `?token=` in
 * the query string is deliberately not read here; it only works on the page (console-page.ts).
 */
export function checkToken(req: IncomingMessage, expected: string, cookieName: string): TokenCheck {
  const tokens = presentedTokens(req, cookieName);
  if (tokens.length === 0) return { ok: false, reason: 'no token' };
  // Check every candidate (no early exit) so timing does not reveal which one matched.
  let ok = false;
  for (const token of tokens) ok = tokensEqual(token, expected) || ok;
  return ok ? { ok: true } : { ok: false, reason: 'wrong token' };
}
