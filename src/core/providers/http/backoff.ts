/**
 * Exponential backoff with jitter ("equal jitter": half the capped delay fixed, half random), so
 * a fleet of sources that failed together does not retry together, while a retry never comes
 * sooner than half the nominal delay. A server's Retry-After is a floor, never shortened.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor?: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 1000, maxMs: 60_000, factor: 2 };

export function backoffDelay(
  attempt: number,
  options: BackoffOptions = defaultBackoff,
  random: () => number = Math.random,
): number {
  const factor = options.factor ?? 2;
  const capped = Math.min(options.maxMs, options.initialMs * factor ** Math.max(0, attempt));
  return Math.round(capped / 2 + random() * (capped / 2));
}

/** Counts consecutive failures; `next()` gives the delay before the next try. */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly options: BackoffOptions = defaultBackoff,
    private readonly random: () => number = Math.random,
  ) {}

  get attempt(): number {
    return this.failures;
  }

  /** Delay for the next retry; `retryAfterMs` (from the server) wins when longer. */
  next(retryAfterMs: number | null = null): number {
    const delay = backoffDelay(this.failures, this.options, this.random);
    this.failures++;
    return retryAfterMs !== null ? Math.max(delay, retryAfterMs) : delay;
  }

  reset(): void {
    this.failures = 0;
  }
}
