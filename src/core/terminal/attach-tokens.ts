import { createHash, randomBytes } from 'node:crypto';

export type AttachCheck = { ok: true } | { ok: false; reason: string };

/**
 * Single-use attach tokens (Lens CVE-2021-44458: a PTY must never be one guess away). Each is
 * 32 random bytes, bound to one session, valid for `ttlMs`, and gone the first time anyone
 * presents it, whether the presentation succeeds or not. Only a hash is kept, and lookups go by
 * hash, so neither memory nor timing gives the token away.
 */
export class AttachTokens {
  private readonly byHash = new Map<string, { sessionId: string; expiresAt: number }>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs = 60_000,
  ) {}

  issue(sessionId: string): string {
    this.prune();
    const token = randomBytes(32).toString('base64url');
    this.byHash.set(hash(token), { sessionId, expiresAt: this.now() + this.ttlMs });
    return token;
  }

  consume(token: string, sessionId: string): AttachCheck {
    const key = hash(token);
    const entry = this.byHash.get(key);
    this.byHash.delete(key);
    if (!entry) return { ok: false, reason: 'attach token unknown or already used; ask for a new one' };
    if (entry.expiresAt <= this.now())
      return { ok: false, reason: 'attach token expired; ask for a new one' };
    if (entry.sessionId !== sessionId) return { ok: false, reason: 'attach token is for another terminal' };
    return { ok: true };
  }

  /** Tokens of a session that is gone can never be used. */
  forget(sessionId: string): void {
    for (const [key, entry] of this.byHash) if (entry.sessionId === sessionId) this.byHash.delete(key);
  }

  get size(): number {
    return this.byHash.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [key, entry] of this.byHash) if (entry.expiresAt <= now) this.byHash.delete(key);
  }
}

const hash = (token: string) => createHash('sha256').update(token).digest('base64url');
