import { randomUUID } from 'node:crypto';
import { decodeContinue, encodeContinue, lowerBound } from './continue-token';
import { deepEqual, deepFreeze, thaw } from './immutable-objects';
import type {
  HistoryEntry,
  KubeObject,
  KubeObjectStore,
  ListOptions,
  ListPage,
  ResourceRef,
  StoreChange,
} from './object-store.types';
import { apiVersionOf, refKey, resourceDefinition, type ResourceDefinition } from './resources';
import { LabelIndex, OwnerIndex } from './store-indexes';
import { compileFieldSelector, compileLabelSelector, parseLabelSelector, type Predicate } from './selectors';
import { alreadyExists, badRequest, conflict, expired, KubeApiError, notFound } from './status-error';

/**
 * One simulated cluster's objects (ARCHITECTURE.md, "The demo fleet"). Everything else — the
 * controllers, the API server, the model-server simulator — reads and writes through this.
 *
 * - One cluster-wide, monotonically increasing resourceVersion, like etcd's revision.
 * - Objects are stored and returned as frozen snapshots: clone (`thaw`) before editing, or use
 *   `modify`. Writes that change nothing are no-ops (no new resourceVersion, no event).
 * - A bounded history of changes lets a watch resume from a resourceVersion; older ones get
 *   410 Expired, as after etcd compaction.
 * - Listeners are called synchronously, in resourceVersion order: a write made inside a listener
 *   is delivered after the current change has reached every listener.
 */
export type { HistoryEntry, KubeObjectStore, ListPage, ListPageOptions } from './object-store.types';

export interface ObjectStoreOptions {
  /** How many changes the watch window keeps (default 5,000). */
  historyLimit?: number;
  now?: () => number;
  /** Where a throwing onChange listener is reported (it never stops the others). */
  onListenerError?: (error: unknown, change: StoreChange) => void;
}

interface Table {
  definition: ResourceDefinition;
  objects: Map<string, KubeObject>;
  /** Keys in order, rebuilt lazily after an insert or delete. */
  sorted: string[] | null;
  labels: LabelIndex;
}

const objectKey = (namespace: string | undefined, name: string) =>
  namespace ? `${namespace}/${name}` : name;

const timestamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const nameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function createClusterObjectStore(
  clusterName: string,
  options: ObjectStoreOptions = {},
): KubeObjectStore {
  const historyLimit = Math.max(1, options.historyLimit ?? 5000);
  const now = options.now ?? Date.now;
  const reportListenerError =
    options.onListenerError ??
    ((error: unknown, change: StoreChange) =>
      console.error(
        `[kube:${clusterName}] onChange listener failed on ${change.type} ${change.ref.resource}`,
        error,
      ));

  const tables = new Map<string, Table>();
  const owners = new OwnerIndex();
  const listeners = new Set<(change: StoreChange) => void>();
  let history: HistoryEntry[] = [];
  let revision = 0;
  /** The newest resourceVersion dropped from the history window. */
  let compacted = 0;
  const pending: StoreChange[] = [];
  let dispatching = false;

  function table(ref: ResourceRef): Table {
    const key = refKey(ref);
    let found = tables.get(key);
    if (!found) {
      const definition = resourceDefinition(ref);
      if (!definition)
        throw new KubeApiError(404, 'NotFound', 'the server could not find the requested resource');
      const objects = new Map<string, KubeObject>();
      found = { definition, objects, sorted: null, labels: new LabelIndex(objects) };
      tables.set(key, found);
    }
    return found;
  }

  function sortedKeys(t: Table): string[] {
    if (!t.sorted) t.sorted = [...t.objects.keys()].sort();
    return t.sorted;
  }

  function namespaceOf(t: Table, namespace: string | undefined, name: string): string | undefined {
    if (!t.definition.namespaced) return undefined;
    if (!namespace)
      throw badRequest(`${t.definition.resource} "${name}": the namespace of the object is required`);
    return namespace;
  }

  function emit(change: StoreChange) {
    history.push({ resourceVersion: revision, change });
    if (history.length >= historyLimit * 2) {
      const dropped = history.length - historyLimit;
      compacted = history[dropped - 1]!.resourceVersion;
      history = history.slice(dropped);
    }
    pending.push(change);
    if (dispatching) return;
    dispatching = true;
    try {
      for (let i = 0; i < pending.length; i++) {
        const next = pending[i]!;
        for (const listener of [...listeners]) {
          try {
            listener(next);
          } catch (error) {
            reportListenerError(error, next);
          }
        }
      }
    } finally {
      pending.length = 0;
      dispatching = false;
    }
  }

  function store(t: Table, key: string, object: KubeObject) {
    if (!t.objects.has(key)) t.sorted = null;
    t.objects.set(key, deepFreeze(object));
  }

  /** `object` is owned by the store from here on (callers pass a copy). */
  function write(ref: ResourceRef, object: KubeObject, status: boolean): KubeObject {
    const t = table(ref);
    const name = object.metadata?.name;
    if (!name) throw badRequest('resource name may not be empty');
    const namespace = namespaceOf(t, object.metadata.namespace, name);
    const key = objectKey(namespace, name);
    const existing = t.objects.get(key);
    if (!existing) throw notFound(ref.group, ref.resource, name);
    const wanted = object.metadata.resourceVersion;
    if (wanted && wanted !== existing.metadata.resourceVersion) throw conflict(ref.group, ref.resource, name);

    // Unchanged parts of a status write are shared with the frozen previous version, not copied.
    const next: KubeObject = status ? { ...existing, status: object.status } : object;
    next.apiVersion = apiVersionOf(ref);
    next.kind = t.definition.kind;
    next.metadata = {
      ...next.metadata,
      name,
      ...(namespace ? { namespace } : {}),
      uid: existing.metadata.uid,
      creationTimestamp: existing.metadata.creationTimestamp,
      resourceVersion: existing.metadata.resourceVersion,
      generation: existing.metadata.generation,
    };
    if (!namespace) delete next.metadata.namespace;
    if (next.status === undefined) delete next.status;
    if (deepEqual(next, existing)) return existing;
    if (!deepEqual(next.spec, existing.spec))
      next.metadata.generation = (existing.metadata.generation ?? 1) + 1;
    next.metadata.resourceVersion = String(++revision);
    owners.update(refKey(ref), key, existing, false);
    t.labels.update(key, existing, false);
    store(t, key, next);
    owners.update(refKey(ref), key, next, true);
    t.labels.update(key, next, true);
    const stored = t.objects.get(key)!;
    emit({ type: 'MODIFIED', ref, object: stored, previous: existing });
    return stored;
  }

  function matcher(t: Table, options: ListOptions): Predicate {
    const labels = compileLabelSelector(options.labelSelector);
    const fields = compileFieldSelector(options.fieldSelector, t.definition.selectableFields);
    return (object) => labels(object) && fields(object);
  }

  /** Index range of keys in `namespace` (all keys when undefined). */
  function range(t: Table, namespace: string | undefined): [string[], number, number] {
    const keys = sortedKeys(t);
    if (!namespace || !t.definition.namespaced) return [keys, 0, keys.length];
    const prefix = `${namespace}/`;
    return [keys, lowerBound(keys, prefix), lowerBound(keys, `${namespace}0`)]; // '0' sorts right after '/'
  }

  const api: KubeObjectStore = {
    clusterName,
    get resourceVersion() {
      return revision;
    },
    get oldestResumableVersion() {
      return compacted;
    },

    get(ref, namespace, name) {
      const t = table(ref);
      return t.objects.get(objectKey(t.definition.namespaced ? namespace : undefined, name));
    },

    list(ref, options = {}) {
      const t = table(ref);
      const match = matcher(t, options);
      const pinned = parseLabelSelector(options.labelSelector).find((requirement) => requirement.op === 'eq');
      if (pinned && pinned.op === 'eq') {
        const items: KubeObject[] = [];
        for (const key of [...(t.labels.lookup(pinned.key, pinned.value) ?? [])].sort()) {
          const object = t.objects.get(key)!;
          if (
            (!options.namespace ||
              !t.definition.namespaced ||
              object.metadata.namespace === options.namespace) &&
            match(object)
          ) {
            items.push(object);
          }
        }
        return items;
      }
      const [keys, start, end] = range(t, options.namespace);
      const items: KubeObject[] = [];
      for (let i = start; i < end; i++) {
        const object = t.objects.get(keys[i]!)!;
        if (match(object)) items.push(object);
      }
      return items;
    },

    listPage(ref, options = {}) {
      const t = table(ref);
      const match = matcher(t, options);
      const [keys, start, end] = range(t, options.namespace);
      let listVersion = revision;
      let from = start;
      if (options.continue) {
        const position = decodeContinue(options.continue);
        from = Math.max(start, lowerBound(keys, position.startAfter, false));
        if (position.resourceVersion < compacted) {
          throw expired(
            'The provided continue parameter is too old to display a consistent list result. You can start a new ' +
              'list without the continue parameter, or use the continue token in this response to retrieve the ' +
              'remainder of the results. Continuing with the provided token results in an inconsistent list - ' +
              'objects that were created, modified, or deleted between the time the first chunk was returned and ' +
              'now may show up in the list.',
            encodeContinue({ resourceVersion: revision, startAfter: position.startAfter }),
          );
        }
        listVersion = position.resourceVersion;
      }
      const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
      const items: KubeObject[] = [];
      let i = from;
      for (; i < end && items.length < limit; i++) {
        const object = t.objects.get(keys[i]!)!;
        if (match(object)) items.push(object);
      }
      const page: ListPage = { items, resourceVersion: String(listVersion) };
      if (items.length === limit) {
        let more = false;
        for (let j = i; j < end && !more; j++) more = match(t.objects.get(keys[j]!)!);
        if (more) {
          page.continue = encodeContinue({ resourceVersion: listVersion, startAfter: keys[i - 1]! });
          if (!options.labelSelector && !options.fieldSelector) page.remainingItemCount = end - i;
        }
      }
      return page;
    },

    create(ref, object) {
      const t = table(ref);
      const draft = thaw(object);
      draft.metadata = draft.metadata ?? ({} as KubeObject['metadata']);
      if (!draft.metadata.name && draft.metadata.generateName) {
        do {
          let suffix = '';
          for (let i = 0; i < 5; i++) suffix += nameAlphabet[Math.floor(Math.random() * nameAlphabet.length)];
          draft.metadata.name = `${draft.metadata.generateName}${suffix}`;
        } while (t.objects.has(objectKey(draft.metadata.namespace, draft.metadata.name)));
      }
      const name = draft.metadata.name;
      if (!name) throw badRequest('resource name may not be empty');
      const namespace = namespaceOf(t, draft.metadata.namespace, name);
      const key = objectKey(namespace, name);
      if (t.objects.has(key)) throw alreadyExists(ref.group, ref.resource, name);
      draft.apiVersion = apiVersionOf(ref);
      draft.kind = t.definition.kind;
      draft.metadata = {
        ...draft.metadata,
        uid: randomUUID(),
        resourceVersion: String(++revision),
        generation: 1,
        creationTimestamp: timestamp(now()),
      };
      if (namespace) draft.metadata.namespace = namespace;
      else delete draft.metadata.namespace;
      store(t, key, draft);
      owners.update(refKey(ref), key, draft, true);
      t.labels.update(key, draft, true);
      const stored = t.objects.get(key)!;
      emit({ type: 'ADDED', ref, object: stored });
      return stored;
    },

    update: (ref, object) => write(ref, thaw(object), false),
    updateStatus: (ref, object) => write(ref, { ...object, status: thaw(object.status) }, true),

    modify(ref, namespace, name, mutate, modifyOptions = {}) {
      const current = api.get(ref, namespace, name);
      if (!current) return undefined;
      const draft = thaw(current);
      if (mutate(draft) === false) return current;
      draft.metadata.resourceVersion = current.metadata.resourceVersion;
      return write(ref, draft, !!modifyOptions.status);
    },

    delete(ref, namespace, name) {
      const t = table(ref);
      const key = objectKey(t.definition.namespaced ? namespace : undefined, name);
      const existing = t.objects.get(key);
      if (!existing) return undefined;
      t.objects.delete(key);
      t.sorted = null;
      owners.update(refKey(ref), key, existing, false);
      t.labels.update(key, existing, false);
      const gone = thaw(existing);
      gone.metadata.resourceVersion = String(++revision);
      const frozen = deepFreeze(gone);
      emit({ type: 'DELETED', ref, object: frozen });
      return frozen;
    },

    changesSince(resourceVersion) {
      if (resourceVersion < compacted) {
        throw expired(`too old resource version: ${resourceVersion} (${compacted + 1})`);
      }
      let low = 0;
      let high = history.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (history[mid]!.resourceVersion <= resourceVersion) low = mid + 1;
        else high = mid;
      }
      return history.slice(low);
    },

    ownedBy(ref, ownerUid) {
      const t = table(ref);
      const items: KubeObject[] = [];
      for (const key of owners.keys(ownerUid, refKey(ref))) {
        const object = t.objects.get(key);
        if (object) items.push(object);
      }
      return items;
    },

    count: (ref) => table(ref).objects.size,

    onChange(listener) {
      const wrapped = (change: StoreChange) => listener(change);
      listeners.add(wrapped);
      return () => listeners.delete(wrapped);
    },
  };
  return api;
}
