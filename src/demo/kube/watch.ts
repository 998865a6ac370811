import type { ServerResponse } from 'node:http';
import type { KubeObjectStore } from './object-store';
import type { KubeObject, ResourceRef, StoreChange } from './object-store.types';
import { apiVersionOf, refKey, type ResourceDefinition } from './resources';
import type { Predicate } from './selectors';
import { isKubeApiError } from './status-error';

/**
 * A watch stream: newline-delimited JSON `{type, object}` over a chunked 200 response, starting
 * after `resourceVersion` (replayed from the store's history window), or with synthetic ADDED
 * events for everything when none is given. A version older than the window ends the stream with
 * an ERROR event carrying a 410 Expired Status, which client-go answers by re-listing.
 */
export interface WatchRequest {
  store: KubeObjectStore;
  definition: ResourceDefinition;
  namespace?: string;
  /** Label and field selectors combined. */
  matches: Predicate;
  /** undefined / '' / '0': start with the current state as ADDED events. */
  resourceVersion?: string;
  /**
   * `sendInitialEvents=true` (client-go's WatchList): the current objects as ADDED, then a
   * BOOKMARK annotated `k8s.io/initial-events-end`, then changes.
   */
  sendInitialEvents?: boolean;
  allowBookmarks: boolean;
  bookmarkIntervalMs: number;
  timeoutSeconds?: number;
  /** Serialises one event's object (e.g. as a one-row Table for `kubectl get -w`). */
  render: (object: KubeObject) => unknown;
  contentType: string;
}

export interface OpenWatch {
  close(): void;
}

export function serveWatch(res: ServerResponse, request: WatchRequest, onClosed: () => void): OpenWatch {
  const { store, definition, namespace, matches } = request;
  const key = refKey(definition);
  const inScope = (object: KubeObject) => !namespace || object.metadata.namespace === namespace;
  let closed = false;
  const cleanups: Array<() => void> = [];

  res.writeHead(200, {
    'Content-Type': request.contentType,
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();

  const send = (type: string, object: unknown) => {
    if (!closed) res.write(`${JSON.stringify({ type, object })}\n`);
  };

  const deliver = (change: StoreChange) => {
    if (refKey(change.ref) !== key || !inScope(change.object)) return;
    const now = matches(change.object);
    if (change.type === 'MODIFIED') {
      const before = change.previous ? matches(change.previous) : now;
      // An object entering or leaving the selector is ADDED/DELETED for this watcher, as in the apiserver.
      if (now && before) send('MODIFIED', request.render(change.object));
      else if (now) send('ADDED', request.render(change.object));
      else if (before) send('DELETED', request.render(change.object));
    } else if (now) {
      send(change.type, request.render(change.object));
    }
  };

  const close = () => {
    if (closed) return;
    closed = true;
    for (const cleanup of cleanups) cleanup();
    res.end();
    onClosed();
  };
  res.on('close', close);

  const from = request.resourceVersion;
  if (!from || from === '0' || request.sendInitialEvents) {
    for (const object of store.list(definition as ResourceRef, { namespace })) {
      if (matches(object)) send('ADDED', request.render(object));
    }
    if (request.sendInitialEvents) {
      send('BOOKMARK', {
        kind: definition.kind,
        apiVersion: apiVersionOf(definition),
        metadata: {
          resourceVersion: String(store.resourceVersion),
          annotations: { 'k8s.io/initial-events-end': 'true' },
        },
      });
    }
  } else {
    try {
      const since = Number(from);
      if (!Number.isSafeInteger(since)) throw new Error(`invalid resourceVersion "${from}"`);
      for (const entry of store.changesSince(since)) deliver(entry.change);
    } catch (error) {
      const status = isKubeApiError(error)
        ? error.toStatus()
        : {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            message: String(error),
            reason: 'BadRequest',
            code: 400,
          };
      send('ERROR', status);
      close();
      return { close };
    }
  }
  cleanups.push(store.onChange(deliver));

  if (request.allowBookmarks) {
    const timer = setInterval(
      () =>
        send('BOOKMARK', {
          kind: definition.kind,
          apiVersion: apiVersionOf(definition),
          metadata: { resourceVersion: String(store.resourceVersion) },
        }),
      request.bookmarkIntervalMs,
    );
    timer.unref();
    cleanups.push(() => clearInterval(timer));
  }
  if (request.timeoutSeconds && request.timeoutSeconds > 0) {
    const timer = setTimeout(close, request.timeoutSeconds * 1000);
    timer.unref();
    cleanups.push(() => clearTimeout(timer));
  }
  return { close };
}
