import { describe, expect, it } from 'vitest';
import { createClusterObjectStore } from '../../../../src/demo/kube/object-store';
import { refs, type KubeObject, type StoreChange } from '../../../../src/demo/kube/object-store.types';
import { KubeApiError } from '../../../../src/demo/kube/status-error';

const deployment = (name: string, namespace = 'llm', labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace, labels },
  spec: { replicas: 1 },
});

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof KubeApiError) return `${error.code} ${error.reason}`;
    throw error;
  }
  return 'no error';
};

describe('createClusterObjectStore', () => {
  it('assigns metadata and a cluster-wide increasing resourceVersion', () => {
    const store = createClusterObjectStore('test');
    const a = store.create(refs.deployments, deployment('a'));
    const b = store.create(refs.namespaces, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'llm' },
    });
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.metadata.generation).toBe(1);
    expect(a.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    expect(store.resourceVersion).toBe(Number(b.metadata.resourceVersion));
    expect(b.metadata.namespace).toBeUndefined();
  });

  it('returns frozen snapshots and refuses duplicates with AlreadyExists', () => {
    const store = createClusterObjectStore('test');
    const created = store.create(refs.deployments, deployment('a'));
    expect(() => ((created.spec as { replicas: number }).replicas = 5)).toThrow(TypeError);
    expect(codeOf(() => store.create(refs.deployments, deployment('a')))).toBe('409 AlreadyExists');
    // the same name in another namespace is another object
    expect(codeOf(() => store.create(refs.deployments, deployment('a', 'other')))).toBe('no error');
  });

  it('bumps generation only when spec changes and rejects a stale resourceVersion with Conflict', () => {
    const store = createClusterObjectStore('test');
    const v1 = store.create(refs.deployments, deployment('a'));
    const labelled = store.update(refs.deployments, {
      ...v1,
      metadata: { ...v1.metadata, labels: { x: 'y' } },
    });
    expect(labelled.metadata.generation).toBe(1);
    const scaled = store.modify(refs.deployments, 'llm', 'a', (draft) => void (draft.spec.replicas = 3))!;
    expect(scaled.metadata.generation).toBe(2);
    expect(codeOf(() => store.update(refs.deployments, { ...v1, spec: { replicas: 9 } }))).toBe(
      '409 Conflict',
    );
    const status = store.updateStatus(refs.deployments, {
      ...scaled,
      spec: { replicas: 100 },
      status: { replicas: 3 },
    });
    expect(status.spec).toEqual({ replicas: 3 });
    expect(status.status).toEqual({ replicas: 3 });
    expect(status.metadata.generation).toBe(2);
  });

  it('treats a write that changes nothing as a no-op', () => {
    const store = createClusterObjectStore('test');
    const created = store.create(refs.deployments, deployment('a'));
    const seen: StoreChange[] = [];
    store.onChange((change) => seen.push(change));
    expect(store.update(refs.deployments, created)).toBe(created);
    expect(seen).toHaveLength(0);
  });

  it('lists by namespace and selectors in key order', () => {
    const store = createClusterObjectStore('test');
    for (const [ns, name, app] of [
      ['llm', 'b', 'x'],
      ['llm', 'a', 'y'],
      ['llm-2', 'c', 'x'],
      ['code', 'd', 'x'],
    ] as const) {
      store.create(refs.deployments, deployment(name, ns, { app }));
    }
    const names = (items: KubeObject[]) =>
      items.map((item) => `${item.metadata.namespace}/${item.metadata.name}`);
    expect(names(store.list(refs.deployments))).toEqual(['code/d', 'llm-2/c', 'llm/a', 'llm/b']);
    expect(names(store.list(refs.deployments, { namespace: 'llm' }))).toEqual(['llm/a', 'llm/b']);
    expect(names(store.list(refs.deployments, { labelSelector: 'app=x' }))).toEqual([
      'code/d',
      'llm-2/c',
      'llm/b',
    ]);
    expect(names(store.list(refs.deployments, { fieldSelector: 'metadata.name=c' }))).toEqual(['llm-2/c']);
  });

  it('pages with opaque continue tokens and answers a token older than the window with 410 Expired', () => {
    const store = createClusterObjectStore('test', { historyLimit: 10 });
    for (let i = 0; i < 12; i++)
      store.create(refs.deployments, deployment(`d-${String(i).padStart(2, '0')}`));
    const first = store.listPage(refs.deployments, { limit: 5 });
    expect(first.items.map((item) => item.metadata.name)).toEqual(['d-00', 'd-01', 'd-02', 'd-03', 'd-04']);
    expect(first.remainingItemCount).toBe(7);
    const second = store.listPage(refs.deployments, { limit: 5, continue: first.continue });
    expect(second.items.map((item) => item.metadata.name)).toEqual(['d-05', 'd-06', 'd-07', 'd-08', 'd-09']);
    expect(second.resourceVersion).toBe(first.resourceVersion);
    const last = store.listPage(refs.deployments, { limit: 5, continue: second.continue });
    expect(last.items).toHaveLength(2);
    expect(last.continue).toBeUndefined();

    expect(codeOf(() => store.listPage(refs.deployments, { continue: 'not-a-token' }))).toBe(
      '400 BadRequest',
    );
    // 20 more writes push the first page's resourceVersion out of the 10-change window
    for (let i = 0; i < 20; i++)
      store.modify(refs.deployments, 'llm', 'd-00', (draft) => void (draft.spec.replicas = i));
    expect(codeOf(() => store.listPage(refs.deployments, { limit: 5, continue: first.continue }))).toBe(
      '410 Expired',
    );
  });

  it('replays history after a resourceVersion and expires versions older than the window', () => {
    const store = createClusterObjectStore('test', { historyLimit: 5 });
    const start = store.resourceVersion;
    store.create(refs.deployments, deployment('a'));
    store.modify(refs.deployments, 'llm', 'a', (draft) => void (draft.spec.replicas = 2));
    store.delete(refs.deployments, 'llm', 'a');
    expect(store.changesSince(start).map((entry) => entry.change.type)).toEqual([
      'ADDED',
      'MODIFIED',
      'DELETED',
    ]);
    const deleted = store.changesSince(start)[2]!;
    expect(deleted.change.object.metadata.resourceVersion).toBe(String(deleted.resourceVersion));
    for (let i = 0; i < 20; i++) store.create(refs.deployments, deployment(`n-${i}`));
    expect(codeOf(() => store.changesSince(start))).toBe('410 Expired');
    expect(store.changesSince(store.resourceVersion)).toEqual([]);
    expect(store.oldestResumableVersion).toBeGreaterThan(start);
  });

  it('delivers nested writes after the current change, in resourceVersion order', () => {
    const store = createClusterObjectStore('test');
    const order: string[] = [];
    store.onChange((change) => {
      order.push(`first:${change.object.metadata.name}`);
      if (change.object.metadata.name === 'a') store.create(refs.deployments, deployment('b'));
    });
    store.onChange((change) => order.push(`second:${change.object.metadata.name}`));
    store.create(refs.deployments, deployment('a'));
    expect(order).toEqual(['first:a', 'second:a', 'first:b', 'second:b']);
  });

  it('indexes objects by owner uid', () => {
    const store = createClusterObjectStore('test');
    const owner = store.create(refs.deployments, deployment('a'));
    const ownerReferences = [
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'a', uid: owner.metadata.uid! },
    ];
    store.create(refs.replicasets, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'a-1', namespace: 'llm', ownerReferences },
    });
    store.create(refs.replicasets, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'x', namespace: 'llm' },
    });
    expect(store.ownedBy(refs.replicasets, owner.metadata.uid!).map((rs) => rs.metadata.name)).toEqual([
      'a-1',
    ]);
    store.delete(refs.replicasets, 'llm', 'a-1');
    expect(store.ownedBy(refs.replicasets, owner.metadata.uid!)).toEqual([]);
  });

  it('answers equality label selectors from an index that follows relabels and deletes', () => {
    const store = createClusterObjectStore('test');
    store.create(refs.deployments, deployment('a', 'llm', { app: 'x', tier: 'gpu' }));
    store.create(refs.deployments, deployment('b', 'code', { app: 'x' }));
    const names = () => store.list(refs.deployments, { labelSelector: 'app=x' }).map((d) => d.metadata.name);
    expect(names()).toEqual(['b', 'a']); // key order: code/b before llm/a
    store.create(refs.deployments, deployment('c', 'llm', { app: 'x' }));
    store.modify(refs.deployments, 'llm', 'a', (draft) => void (draft.metadata.labels = { app: 'y' }));
    store.delete(refs.deployments, 'code', 'b');
    expect(names()).toEqual(['c']);
    expect(
      store.list(refs.deployments, { labelSelector: 'app=y', namespace: 'llm' }).map((d) => d.metadata.name),
    ).toEqual(['a']);
    expect(store.list(refs.deployments, { labelSelector: 'app=y', namespace: 'code' })).toEqual([]);
    expect(store.list(refs.deployments, { labelSelector: 'app=x,tier=gpu' })).toEqual([]);
  });

  it('refuses unknown resources and a namespaced object without a namespace', () => {
    const store = createClusterObjectStore('test');
    expect(codeOf(() => store.list({ group: 'x', version: 'v1', resource: 'things' }))).toBe('404 NotFound');
    expect(
      codeOf(() => store.create(refs.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } })),
    ).toBe('400 BadRequest');
  });
});
