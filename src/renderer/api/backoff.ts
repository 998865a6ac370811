export interface BackoffOptions {
  /** First retry delay. */
  initialMs?: number;
  /** No retry waits longer than this, however long the outage. */
  maxMs?: number;
  factor?: number;
  /**
   * Fraction of each delay that is randomised, so a console restart is not met by every open
   * window reconnecting in the same millisecond.
   */
  jitter?: number;
  random?: () => number;
}

export interface Backoff {
  /** The delay before the next attempt; each call grows it until the cap. */
  next(): number;
  reset(): void;
}

/** Capped exponential backoff with proportional jitter. */
export function createBackoff(options: BackoffOptions = {}): Backoff {
  const initialMs = options.initialMs ?? 500;
  const maxMs = options.maxMs ?? 10_000;
  const factor = options.factor ?? 2;
  const jitter = options.jitter ?? 0.2;
  const random = options.random ?? Math.random;
  let attempt = 0;
  return {
    next() {
      const base = Math.min(maxMs, initialMs * factor ** attempt);
      attempt += 1;
      const spread = base * jitter;
      return Math.round(Math.min(maxMs, base - spread + random() * 2 * spread));
    },
    reset() {
      attempt = 0;
    },
  };
}
