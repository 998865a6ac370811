/**
 * Wraps a load so that one runs at a time per key; calls that arrive while it runs cause exactly one
 * more run after it, with the newest call's arguments. A burst of `*.changed` events then costs two
 * reads, not one per event, and the last read still sees the last change. The load handles its own
 * errors: the wrapper only sequences it.
 */
export function coalescedLoader<A extends unknown[]>(
  load: (...args: A) => Promise<void>,
  keyOf: (...args: A) => unknown = () => null,
): (...args: A) => Promise<void> {
  const running = new Map<unknown, Promise<void>>();
  const queued = new Map<unknown, A>();
  const run = (...args: A): Promise<void> => {
    const key = keyOf(...args);
    const inFlight = running.get(key);
    if (inFlight) {
      queued.set(key, args);
      return inFlight;
    }
    const done = (async () => {
      try {
        await load(...args);
      } finally {
        running.delete(key);
        const next = queued.get(key);
        if (next) {
          queued.delete(key);
          void run(...next);
        }
      }
    })();
    running.set(key, done);
    return done;
  };
  return run;
}
