import type { KubeObjectStore } from '../object-store';
import { refs, type KubeObject } from '../object-store.types';

/**
 * Writes core/v1 Events the way client-go's recorder does: a repeat of the same (object, reason,
 * message) bumps `count` and `lastTimestamp` instead of adding an Event, and the oldest Events are
 * deleted past a cap (the apiserver's one-hour TTL, sized for 10,000-endpoint scale mode).
 */
export interface EventSource {
  component: string;
  host?: string;
}

export interface EventRecorder {
  record(
    involved: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    source: EventSource,
  ): void;
}

const timestamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function createEventRecorder(
  store: KubeObjectStore,
  options: { maxEvents?: number; now?: () => number } = {},
): EventRecorder {
  const maxEvents = options.maxEvents ?? 5000;
  const now = options.now ?? Date.now;
  /** dedupe key -> [namespace, event name], oldest first */
  const recent = new Map<string, [string, string]>();
  /** Event names are `<object>.<hex>` like client-go's (a nanosecond timestamp there). */
  let sequence = 0;

  return {
    record(involved, type, reason, message, source) {
      const namespace = involved.metadata.namespace ?? 'default';
      const key = `${involved.metadata.uid}|${reason}|${message}`;
      const at = timestamp(now());
      const known = recent.get(key);
      if (known) {
        const updated = store.modify(refs.events, known[0], known[1], (event) => {
          event.count = Number(event.count ?? 1) + 1;
          event.lastTimestamp = at;
        });
        if (updated) {
          recent.delete(key); // re-insert: most recently used last
          recent.set(key, known);
          return;
        }
        recent.delete(key);
      }
      const name = `${involved.metadata.name}.${(BigInt(now()) * 1_000_000n + BigInt(sequence++ % 1_000_000)).toString(16)}`;
      store.create(refs.events, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: {
          kind: involved.kind,
          namespace: involved.metadata.namespace,
          name: involved.metadata.name,
          uid: involved.metadata.uid,
          apiVersion: involved.apiVersion,
          resourceVersion: involved.metadata.resourceVersion,
        },
        reason,
        message,
        source: { component: source.component, ...(source.host ? { host: source.host } : {}) },
        firstTimestamp: at,
        lastTimestamp: at,
        count: 1,
        type,
        eventTime: null,
        reportingComponent: source.component,
        reportingInstance: source.host ?? '',
      });
      recent.set(key, [namespace, name]);
      while (recent.size > maxEvents) {
        const [oldest, [oldNamespace, oldName]] = recent.entries().next().value as [string, [string, string]];
        recent.delete(oldest);
        store.delete(refs.events, oldNamespace, oldName);
      }
    },
  };
}
