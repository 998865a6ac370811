import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../../../src/demo/kube/api-server';
import {
  startClusterControllers,
  type ClusterControllers,
} from '../../../../src/demo/kube/controllers/cluster-controllers';
import { createClusterObjectStore, type KubeObjectStore } from '../../../../src/demo/kube/object-store';
import { refs } from '../../../../src/demo/kube/object-store.types';
import { seedCluster } from '../../../../src/demo/kube/seed';
import { tinyFleet } from '../../../unit/demo/kube/fixtures';
import { kubeRequest, kubeWatch, type KubeEndpoint } from './kube-http';

/** The apiserver over real HTTPS, without kubectl: exact bodies, status codes and streams. */
let store: KubeObjectStore;
let controllers: ClusterControllers;
let server: KubeApiServer;
let api: KubeEndpoint;

beforeAll(async () => {
  store = createClusterObjectStore('test', { historyLimit: 50 });
  controllers = startClusterControllers(store, { readyDelayMs: 0 });
  seedCluster(
    store,
    tinyFleet([
      { name: 'chat', replicas: 2 },
      { name: 'embed', replicas: 1 },
      { name: 'chat-v1', version: 'v1', target: 'kserve', group: 'isvc', replicas: 1, trafficPercent: 90 },
      { name: 'chat-v2', version: 'v2', target: 'kserve', group: 'isvc', replicas: 1, trafficPercent: 10 },
    ]),
    'test',
  );
  await controllers.idle();
  server = await startKubeApiServer({ store, token: 'good-token', bookmarkIntervalMs: 50 });
  api = { url: server.url, token: 'good-token', certificateAuthority: server.certificateAuthority };
});

afterAll(async () => {
  controllers.stop();
  await server.close();
});

const status = (code: number, reason: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  reason,
  code,
});

describe('authentication and errors', () => {
  it('answers a missing or wrong bearer token with a 401 Status', async () => {
    for (const token of [null, 'wrong-token']) {
      const res = await kubeRequest(api, 'GET', '/api/v1/pods', { token });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ ...status(401, 'Unauthorized'), message: 'Unauthorized' });
    }
  });

  it('uses Kubernetes Status bodies for NotFound, AlreadyExists, Conflict, Invalid and MethodNotAllowed', async () => {
    const missing = await kubeRequest(api, 'GET', '/apis/apps/v1/namespaces/llm/deployments/nope');
    expect(missing.body).toMatchObject({
      ...status(404, 'NotFound'),
      message: 'deployments.apps "nope" not found',
      details: { name: 'nope', group: 'apps', kind: 'deployments' },
    });
    const dup = await kubeRequest(api, 'POST', '/api/v1/namespaces', {
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'llm' } },
    });
    expect(dup.body).toMatchObject({
      ...status(409, 'AlreadyExists'),
      message: 'namespaces "llm" already exists',
    });
    const stale = await kubeRequest(api, 'PUT', '/apis/apps/v1/namespaces/llm/deployments/chat', {
      body: {
        ...store.get(refs.deployments, 'llm', 'chat'),
        metadata: { name: 'chat', namespace: 'llm', resourceVersion: '1' },
      },
    });
    expect(stale.body).toMatchObject(status(409, 'Conflict'));
    expect(stale.body.message).toContain('the object has been modified');
    const negative = await kubeRequest(api, 'PATCH', '/apis/apps/v1/namespaces/llm/deployments/chat/scale', {
      body: { spec: { replicas: -1 } },
      contentType: 'application/merge-patch+json',
    });
    expect(negative.body).toMatchObject(status(422, 'Invalid'));
    const method = await kubeRequest(api, 'POST', '/apis/apps/v1/namespaces/llm/deployments/chat', {
      body: {},
    });
    expect(method.body).toMatchObject(status(405, 'MethodNotAllowed'));
    const noNamespace = await kubeRequest(api, 'POST', '/api/v1/namespaces/ghost/services', {
      body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } },
    });
    expect(noNamespace.body).toMatchObject({
      ...status(404, 'NotFound'),
      message: 'namespaces "ghost" not found',
    });
    const unknown = await kubeRequest(api, 'GET', '/apis/apps/v1/statefulsets');
    expect(unknown.status).toBe(404);
  });
});

describe('discovery', () => {
  it('serves legacy discovery with shortNames, categories and the scale subresource', async () => {
    const core = await kubeRequest(api, 'GET', '/api/v1', {
      accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
    });
    expect(core.headers['content-type']).toBe('application/json'); // kubectl then falls back to legacy
    const pods = core.body.resources.find((r: { name: string }) => r.name === 'pods');
    expect(pods).toMatchObject({ namespaced: true, kind: 'Pod', shortNames: ['po'], categories: ['all'] });
    const apps = await kubeRequest(api, 'GET', '/apis/apps/v1');
    expect(apps.body.resources.find((r: { name: string }) => r.name === 'deployments/scale')).toMatchObject({
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
    });
    const groups = await kubeRequest(api, 'GET', '/apis');
    expect(groups.body.groups.map((g: { name: string }) => g.name)).toEqual(['apps', 'serving.kserve.io']);
    const kserve = await kubeRequest(api, 'GET', '/apis/serving.kserve.io/v1beta1');
    expect(kserve.body.resources[0]).toMatchObject({ name: 'inferenceservices', shortNames: ['isvc'] });
    expect((await kubeRequest(api, 'GET', '/version')).body.gitVersion).toMatch(/^v1\.32\./);
    expect((await kubeRequest(api, 'GET', '/openapi/v2')).status).toBe(404);
    const openapi = await kubeRequest(api, 'GET', '/openapi/v3');
    expect(Object.keys(openapi.body.paths)).toContain('apis/apps/v1');
  });
});

describe('list', () => {
  it('pages with limit and an opaque continue token, all pages at one resourceVersion', async () => {
    const first = await kubeRequest(api, 'GET', '/api/v1/pods?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.metadata.continue).toEqual(expect.any(String));
    const all = [...first.body.items];
    let token = first.body.metadata.continue as string | undefined;
    while (token) {
      const page = await kubeRequest(
        api,
        'GET',
        `/api/v1/pods?limit=2&continue=${encodeURIComponent(token)}`,
      );
      expect(page.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion);
      all.push(...page.body.items);
      token = page.body.metadata.continue;
    }
    expect(all.map((pod) => pod.metadata.name).sort()).toEqual(
      store
        .list(refs.pods)
        .map((pod) => pod.metadata.name)
        .sort(),
    );
  });

  it('answers a continue token older than the history window with 410 Expired', async () => {
    const first = await kubeRequest(api, 'GET', '/api/v1/pods?limit=1');
    for (let i = 0; i < 120; i++) {
      store.modify(
        refs.namespaces,
        undefined,
        'default',
        (ns) => void (ns.metadata.labels = { ...ns.metadata.labels, n: String(i) }),
      );
    }
    const stale = await kubeRequest(
      api,
      'GET',
      `/api/v1/pods?limit=1&continue=${encodeURIComponent(first.body.metadata.continue)}`,
    );
    expect(stale.status).toBe(410);
    expect(stale.body).toMatchObject(status(410, 'Expired'));
    expect(stale.body.metadata.continue).toEqual(expect.any(String));
  });

  it('filters by label and field selectors, and rejects unsupported fields', async () => {
    const byLabel = await kubeRequest(api, 'GET', '/api/v1/namespaces/llm/pods?labelSelector=app%3Dchat');
    expect(byLabel.body.items).toHaveLength(2);
    const byField = await kubeRequest(api, 'GET', '/api/v1/pods?fieldSelector=status.phase%3DRunning');
    expect(byField.body.items.length).toBe(store.list(refs.pods).length);
    const bad = await kubeRequest(api, 'GET', '/api/v1/pods?fieldSelector=spec.replicas%3D1');
    expect(bad.body).toMatchObject({
      ...status(400, 'BadRequest'),
      message: 'field label not supported: spec.replicas',
    });
  });

  it('prints Tables with the kubectl columns per kind', async () => {
    const table = (path: string) =>
      kubeRequest(api, 'GET', path, {
        accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
      });
    const names = (body: { columnDefinitions: Array<{ name: string; priority: number }> }) =>
      body.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name);
    expect(names((await table('/api/v1/nodes')).body)).toEqual(['Name', 'Status', 'Roles', 'Age', 'Version']);
    const pods = (await table('/api/v1/namespaces/llm/pods?labelSelector=app%3Dchat')).body;
    expect(names(pods)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(pods.rows[0].cells.slice(1, 4)).toEqual(['1/1', 'Running', '0']);
    expect(pods.rows[0].object).toMatchObject({
      kind: 'PartialObjectMetadata',
      metadata: { namespace: 'llm' },
    });
    const deployments = (await table('/apis/apps/v1/namespaces/llm/deployments/chat')).body;
    expect(names(deployments)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age']);
    expect(deployments.rows[0].cells.slice(0, 4)).toEqual(['chat', '2/2', 2, 2]);
    expect(names((await table('/api/v1/events')).body)).toEqual([
      'Last Seen',
      'Type',
      'Reason',
      'Object',
      'Message',
    ]);
    const isvc = (await table('/apis/serving.kserve.io/v1beta1/inferenceservices')).body;
    expect(names(isvc)).toEqual([
      'Name',
      'URL',
      'Ready',
      'Prev',
      'Latest',
      'PrevRolledoutRevision',
      'LatestReadyRevision',
      'Age',
    ]);
    expect(isvc.rows[0].cells.slice(0, 7)).toEqual([
      'isvc',
      'http://isvc.llm.example.com',
      'True',
      90,
      10,
      'isvc-predictor-v1',
      'isvc-predictor-v2',
    ]);
  });
});

describe('writes', () => {
  it('keeps status on a main-resource PUT and spec on a /status PUT', async () => {
    const current = store.get(refs.deployments, 'llm', 'embed')!;
    const put = await kubeRequest(api, 'PUT', '/apis/apps/v1/namespaces/llm/deployments/embed', {
      body: {
        ...current,
        metadata: { ...current.metadata, labels: { ...current.metadata.labels, x: 'y' } },
        status: { replicas: 99 },
      },
    });
    expect(put.status).toBe(200);
    expect(put.body.metadata.labels.x).toBe('y');
    expect(put.body.status.replicas).toBe(1);
    const statusPut = await kubeRequest(api, 'PUT', '/apis/apps/v1/namespaces/llm/deployments/embed/status', {
      body: {
        ...put.body,
        spec: { ...put.body.spec, replicas: 50 },
        status: { ...put.body.status, observedGeneration: 1 },
      },
    });
    expect(statusPut.body.spec.replicas).toBe(1);
  });

  it('serves the scale subresource as autoscaling/v1 Scale for GET, PUT and PATCH', async () => {
    const scale = await kubeRequest(api, 'GET', '/apis/apps/v1/namespaces/llm/deployments/chat/scale');
    expect(scale.body).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 } });
    expect(scale.body.status.selector).toBe('app=chat,app.kubernetes.io/instance=chat');
    const put = await kubeRequest(api, 'PUT', '/apis/apps/v1/namespaces/llm/deployments/chat/scale', {
      body: { ...scale.body, spec: { replicas: 3 } },
    });
    expect(put.body.spec.replicas).toBe(3);
    const stalePut = await kubeRequest(api, 'PUT', '/apis/apps/v1/namespaces/llm/deployments/chat/scale', {
      body: { ...scale.body, spec: { replicas: 4 } },
    });
    expect(stalePut.status).toBe(409);
    const patched = await kubeRequest(api, 'PATCH', '/apis/apps/v1/namespaces/llm/deployments/chat/scale', {
      body: { spec: { replicas: 2 } },
      contentType: 'application/strategic-merge-patch+json',
    });
    expect(patched.body.spec.replicas).toBe(2);
    expect(store.get(refs.deployments, 'llm', 'chat')!.spec.replicas).toBe(2);
  });

  it('refuses strategic merge patch on the InferenceService custom resource with 415, like the apiserver', async () => {
    const res = await kubeRequest(
      api,
      'PATCH',
      '/apis/serving.kserve.io/v1beta1/namespaces/llm/inferenceservices/isvc',
      {
        body: { spec: { predictor: { canaryTrafficPercent: 30 } } },
        contentType: 'application/strategic-merge-patch+json',
      },
    );
    expect(res.body).toMatchObject(status(415, 'UnsupportedMediaType'));
  });
});

describe('watch', () => {
  it('streams changes after a resourceVersion, with selector transitions as ADDED/DELETED', async () => {
    const from = store.resourceVersion;
    const watch = await kubeWatch(
      api,
      `/api/v1/namespaces/default/services?watch=1&resourceVersion=${from}&labelSelector=tier%3Dweb`,
    );
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default', labels: { tier: 'web' } },
      spec: {},
    };
    store.create(refs.services, svc);
    expect(await watch.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'web' } } });
    store.modify(refs.services, 'default', 'web', (draft) => void (draft.spec.type = 'ClusterIP'));
    expect((await watch.next()).type).toBe('MODIFIED');
    store.modify(refs.services, 'default', 'web', (draft) => void (draft.metadata.labels = { tier: 'db' }));
    expect(await watch.next()).toMatchObject({
      type: 'DELETED',
      object: { metadata: { labels: { tier: 'db' } } },
    });
    store.delete(refs.services, 'default', 'web');
    store.create(refs.services, svc);
    expect((await watch.next()).type).toBe('ADDED'); // the delete of a non-matching object is not sent
    watch.close();
    store.delete(refs.services, 'default', 'web');
  });

  it('replays changes made before the watch started when resuming from an older resourceVersion', async () => {
    const from = store.resourceVersion;
    store.modify(
      refs.deployments,
      'llm',
      'embed',
      (draft) => void (draft.metadata.labels = { ...draft.metadata.labels, replay: '1' }),
    );
    const watch = await kubeWatch(
      api,
      `/apis/apps/v1/namespaces/llm/deployments?watch=true&resourceVersion=${from}&fieldSelector=metadata.name%3Dembed`,
    );
    expect(await watch.next()).toMatchObject({
      type: 'MODIFIED',
      object: { metadata: { labels: { replay: '1' } } },
    });
    watch.close();
  });

  it('sends an ERROR event with a 410 Expired Status for a resourceVersion older than the window', async () => {
    const errors = vi.spyOn(console, 'error');
    try {
      const watch = await kubeWatch(api, '/api/v1/pods?watch=1&resourceVersion=1');
      const event = await watch.next();
      expect(event).toMatchObject({ type: 'ERROR', object: status(410, 'Expired') });
      expect(event.object.message).toMatch(/^too old resource version: 1 \(\d+\)$/);
      await watch.ended;
      // Ending a watch this early is normal, not an internal error of the server.
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
  });

  it('sends BOOKMARK events when asked and ends the stream at timeoutSeconds', async () => {
    const watch = await kubeWatch(
      api,
      `/api/v1/namespaces?watch=1&resourceVersion=${store.resourceVersion}&allowWatchBookmarks=true&timeoutSeconds=1`,
    );
    const bookmark = await watch.next();
    expect(bookmark).toMatchObject({ type: 'BOOKMARK', object: { kind: 'Namespace', apiVersion: 'v1' } });
    expect(Number(bookmark.object.metadata.resourceVersion)).toBeGreaterThan(0);
    await watch.ended;
  });

  it('starts with the current objects as ADDED when no resourceVersion is given, and watches a single object', async () => {
    const watch = await kubeWatch(api, '/api/v1/namespaces/llm/pods?watch=1&labelSelector=app%3Dembed');
    const added = await watch.next();
    expect(added).toMatchObject({ type: 'ADDED', object: { kind: 'Pod' } });
    watch.close();
  });

  it('sends the initial state then an initial-events-end BOOKMARK for sendInitialEvents=true', async () => {
    const watch = await kubeWatch(
      api,
      '/api/v1/namespaces?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true',
    );
    const names: string[] = [];
    for (;;) {
      const event = await watch.next();
      if (event.type === 'BOOKMARK') {
        expect(event.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
        break;
      }
      expect(event.type).toBe('ADDED');
      names.push(event.object.metadata.name);
    }
    expect(names).toEqual(store.list(refs.namespaces).map((ns) => ns.metadata.name));
    watch.close();
  });

  it('renders watch events as one-row Tables for kubectl get -w', async () => {
    const watch = await kubeWatch(
      api,
      '/apis/apps/v1/namespaces/llm/deployments?watch=1&fieldSelector=metadata.name%3Dchat',
      'application/json;as=Table;v=v1;g=meta.k8s.io',
    );
    const event = await watch.next();
    expect(event).toMatchObject({ type: 'ADDED', object: { kind: 'Table' } });
    expect(event.object.rows[0].cells.slice(0, 4)).toEqual(['chat', '2/2', 2, 2]);
    watch.close();
  });

  it('closes open watches when the server closes', async () => {
    const extraStore = createClusterObjectStore('closing');
    const extra = await startKubeApiServer({ store: extraStore, token: 't' });
    const watch = await kubeWatch(
      { url: extra.url, token: 't', certificateAuthority: extra.certificateAuthority },
      '/api/v1/pods?watch=1',
    );
    await extra.close();
    await watch.ended;
  });
});
