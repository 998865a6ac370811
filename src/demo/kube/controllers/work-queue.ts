/**
 * A deduplicating work queue, like client-go's: many changes to one object between two drains
 * reconcile it once. Drained on setImmediate, so an API write is answered before the controllers
 * react to it (kubectl sees `observedGeneration` lag as it does on a real cluster) and a burst of
 * writes — seeding 10,000 Deployments — is reconciled in one pass.
 */
export interface WorkQueue {
  add(key: string): void;
  /** True while keys are waiting or a drain is running. */
  readonly busy: boolean;
  stop(): void;
}

export function createWorkQueue(
  name: string,
  process: (key: string) => void,
  onError: (error: unknown, key: string) => void = (error, key) =>
    console.error(`[kube-controller:${name}] reconcile ${key} failed`, error),
): WorkQueue {
  let dirty = new Set<string>();
  let scheduled: NodeJS.Immediate | undefined;
  let draining = false;
  let stopped = false;

  const drain = () => {
    scheduled = undefined;
    const keys = dirty;
    dirty = new Set();
    draining = true;
    try {
      for (const key of keys) {
        if (stopped) return;
        try {
          process(key);
        } catch (error) {
          onError(error, key);
        }
      }
    } finally {
      draining = false;
    }
    if (dirty.size > 0 && !stopped) scheduled = setImmediate(drain);
  };

  return {
    add(key) {
      if (stopped) return;
      dirty.add(key);
      if (!scheduled && !draining) scheduled = setImmediate(drain);
    },
    get busy() {
      return dirty.size > 0 || draining || scheduled !== undefined;
    },
    stop() {
      stopped = true;
      if (scheduled) clearImmediate(scheduled);
      scheduled = undefined;
      dirty.clear();
    },
  };
}
