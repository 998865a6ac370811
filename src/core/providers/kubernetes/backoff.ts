/**
 * Exponential backoff with jitter for reconnecting list/watch loops. Jitter keeps many
 * reflectors (and many Fleetdeck instances) from hammering a recovering API server in step.
 * "Equal jitter": half the exponential step is fixed, half random, so a retry never comes
 * immediately after a failure but the herd still spreads out.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor?: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** The delay before the next try; `atLeastMs` honours a server's Retry-After. */
  next(atLeastMs: number | null = null): number {
    const factor = this.options.factor ?? 2;
    const step = Math.min(this.options.maxMs, this.options.initialMs * factor ** this.attempt);
    this.attempt += 1;
    const random = this.options.random ?? Math.random;
    const delay = step / 2 + random() * (step / 2);
    return Math.round(Math.max(delay, atLeastMs ?? 0));
  }

  reset(): void {
    this.attempt = 0;
  }

  get failures(): number {
    return this.attempt;
  }
}

/** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
