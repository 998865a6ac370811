import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  KubernetesProvider,
  KubernetesTuning,
} from '../../../../../src/core/providers/kubernetes/kubernetes.provider';
import { freshDir } from '../../../../support/tmp';
import { FixtureApi } from './support/fixture-api';
import { startProvider, writeKubeconfig, type RecordingContext } from './support/harness';
import { deployment } from './support/objects';
import { seedSmallFleet, VLLM } from './support/small-fleet';

/**
 * Every API failure in the "Faults and bad input": each shows on the source with a
 * reason that names the context, verb and resource, retries with backoff, and never drops what
 * the source already reported.
 */
describe('Kubernetes API faults', () => {
  let api: FixtureApi;
  let tmp: { dir: string; cleanup(): void };
  let provider: KubernetesProvider | undefined;
  let ctx: RecordingContext;
  let kubeconfig: string;

  beforeEach(async () => {
    api = await new FixtureApi().start();
    seedSmallFleet(api);
    tmp = freshDir('fleetdeck-k8s-faults-');
    kubeconfig = writeKubeconfig(tmp.dir, 'config', [{ name: 'prod', server: api.url, token: 't' }]);
  });
  afterEach(async () => {
    await provider?.stop();
    provider = undefined;
    await api.close();
    tmp.cleanup();
  });

  function start(tuning: Partial<KubernetesTuning> = {}) {
    ({ provider, ctx } = startProvider({ kubeconfigPath: kubeconfig }, tuning));
    return ctx;
  }

  const deletions = () => ctx.reports.flatMap((r) => r.snapshot.deleted ?? []);
  const reasons = () => ctx.statuses.map((s) => s.reason);

  async function synced() {
    start();
    await ctx.until(() => ctx.status?.state === 'ok' && ctx.endpoints.size === 7, 'the first sync');
    await ctx.until(() => api.openWatches('deployments') === 1 && api.openWatches('pods') === 1, 'watches');
  }

  it('401 on a list: re-reads credentials once, then reports which verb and resource, and recovers', async () => {
    api.fail({ resource: 'pods', watch: false }, { status: 401, message: 'Unauthorized' }, 4);
    start();
    await ctx.until(() => ctx.status?.state === 'error', 'an error');
    expect(ctx.status!.reason).toMatch(
      /^context prod: 401 Unauthorized to list pods \(all namespaces\) \(server: "Unauthorized"\); the credentials were rejected or expired: log in again/,
    );
    expect(ctx.status!.retryAt).toBeGreaterThan(Date.now() - 1000);
    await ctx.until(() => ctx.status?.state === 'ok' && ctx.endpoints.size === 7, 'recovery');
    // Two attempts per try: the original and one with fresh credentials.
    expect(api.lists('pods').length).toBeGreaterThanOrEqual(5);
  });

  it('403 on events: degraded, says RBAC needs "list events", and the endpoints still come', async () => {
    api.fail(
      { resource: 'events' },
      {
        status: 403,
        message:
          'events is forbidden: User "alice" cannot list resource "events" in API group "" at the cluster scope',
      },
      Infinity,
    );
    start();
    await ctx.until(
      () => ctx.status?.state === 'degraded' && ctx.endpoints.size === 7,
      'degraded with endpoints',
    );
    expect(ctx.status!.reason).toContain('context prod: 403 Forbidden: cannot list events (all namespaces)');
    expect(ctx.status!.reason).toContain('RBAC must allow "list" on events cluster-wide for this user');
    expect(ctx.status!.reason).toContain('User \\"alice\\"'.replace(/\\/g, ''));
  });

  it('403 on pods: an error, since there is no inventory without them', async () => {
    api.fail({ resource: 'pods' }, { status: 403, message: 'pods is forbidden' }, Infinity);
    start();
    await ctx.until(() => ctx.status?.state === 'error', 'error');
    expect(ctx.status!.reason).toContain('403 Forbidden: cannot list pods (all namespaces)');
    expect(ctx.reports).toHaveLength(0);
  });

  it.each([
    [
      404,
      /404 Not Found for list deployments\.apps \(all namespaces\) \(server: "injected 404"\); the API server does not serve it/,
    ],
    [409, /409 Conflict on list deployments\.apps \(all namespaces\) \(server: "injected 409"\); retrying/],
    [
      500,
      /500 server error on list deployments\.apps \(all namespaces\) \(server: "injected 500"\); the API server is failing, retrying with backoff/,
    ],
  ])('%i on a list: a clear reason, backoff, then recovery', async (code, reason) => {
    api.fail({ resource: 'deployments', watch: false }, { status: code }, 2);
    start();
    await ctx.until(() => ctx.statuses.some((s) => reason.test(s.reason)), `the ${code} reason`);
    await ctx.until(() => ctx.status?.state === 'ok' && ctx.endpoints.size === 7, 'recovery');
  });

  it('429 honours Retry-After', async () => {
    api.fail(
      { resource: 'nodes', watch: false },
      { status: 429, message: 'slow down', headers: { 'retry-after': '1' } },
      1,
    );
    const startedAt = Date.now();
    start();
    await ctx.until(() => ctx.status?.state === 'degraded', 'throttled');
    expect(ctx.status!.reason).toContain(
      '429 Too Many Requests on list nodes (server: "slow down"); the API server is throttling us, retrying after 1 s as it asked',
    );
    expect(ctx.status!.retryAt!).toBeGreaterThanOrEqual(startedAt + 1000);
    await ctx.until(() => ctx.status?.state === 'ok', 'recovery');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1000);
  });

  it('a server that never answers times out with a reason', async () => {
    api.fail({ resource: 'pods', watch: false }, { hang: true }, 1);
    start({ timeouts: { requestMs: 300, watchIdleMs: 10_000 } });
    await ctx.until(() => ctx.status?.state === 'error', 'timeout');
    expect(ctx.status!.reason).toBe(
      'context prod: list pods (all namespaces) timed out after 0.3 s; the API server is slow or unreachable, retrying with backoff',
    );
    await ctx.until(() => ctx.status?.state === 'ok' && ctx.endpoints.size === 7, 'recovery');
  });

  it('many resources failing alike read as one reason naming the others', async () => {
    for (const resource of ['pods', 'deployments', 'nodes', 'services', 'events']) {
      api.fail({ resource, watch: false }, { hang: true }, Infinity);
    }
    start({ timeouts: { requestMs: 300, watchIdleMs: 10_000 } });
    await ctx.until(() => /also failing: .*events/.test(ctx.status?.reason ?? ''), 'a summarised reason');
    expect(ctx.status!.state).toBe('error');
    expect(ctx.status!.reason).toMatch(
      /^context prod: list pods \(all namespaces\) timed out after 0\.3 s; the API server is slow or unreachable, retrying with backoff \(also failing: (deployments\.apps|nodes|services|events)(, (deployments\.apps|nodes|services|events)){3}\)$/,
    );
  });

  it('a watch stream cut mid-event: the partial line is discarded, the watch resumes, nothing is lost', async () => {
    await synced();
    const listsBefore = api.lists('deployments').length;
    api.fail(
      { resource: 'deployments', watch: true },
      { cutMidEvent: '{"type":"MODIFIED","object":{"apiVersion":"apps/v1","kind":"Deploy' },
      1,
    );
    api.dropWatches();
    await ctx.until(() => reasons().some((r) => r.includes('cut mid-event')), 'the cut reported');
    expect(reasons()).toContain(
      'context prod: the watch on deployments.apps was cut mid-event; the partial event was discarded, reconnecting',
    );
    await ctx.until(() => ctx.status?.state === 'ok' && api.openWatches('deployments') === 1, 'resumed');
    api.put(
      'deployments',
      deployment('llm', 'llama-8b-chat', {
        image: VLLM,
        replicas: 5,
        gpus: 1,
        args: ['--model', 'meta-llama/Llama-3.1-8B-Instruct'],
      }),
    );
    await ctx.until(
      () => ctx.endpoints.get('prod:llm:llama-8b-chat')?.replicas.desired === 5,
      'the next event',
    );
    // Resumed from the last resourceVersion: no relist, no deletions.
    expect(api.lists('deployments').length).toBe(listsBefore);
    expect(deletions()).toEqual([]);
    expect(ctx.endpoints.size).toBe(8 - 1); // same seven, one changed
  });

  it('410 Gone: lists again, and what vanished meanwhile is deleted', async () => {
    await synced();
    api.dropWatches();
    // While nobody watches: a deletion, then history compacted past our resourceVersion.
    api.remove('deployments', 'llm', 'mixtral-chat');
    api.compact();
    await ctx.until(() => !ctx.endpoints.has('prod:llm:mixtral-chat'), 'the relist to drop mixtral');
    expect(api.lists('deployments').length).toBe(2);
    expect(deletions()).toEqual([{ kind: 'endpoint', id: 'prod:llm:mixtral-chat' }]);
    expect(ctx.endpoints.size).toBe(6);
  });

  it('an ERROR event inside a watch (410 Expired) also relists', async () => {
    await synced();
    api.fail(
      { resource: 'pods', watch: true },
      { watchError: { code: 410, reason: 'Expired', message: 'too old resource version' } },
      1,
    );
    api.dropWatches();
    await ctx.until(() => api.lists('pods').length === 2, 'a relist of pods');
    await ctx.until(() => ctx.status?.state === 'ok', 'ok');
    expect(deletions()).toEqual([]);
  });

  it('the API server going away: an error with a reason, the cache kept, then recovery', async () => {
    await synced();
    const port = api.port;
    const before = new Map(ctx.endpoints);
    await api.close();
    await ctx.until(
      () => ctx.status?.state === 'error' && ctx.status.reason.includes('ECONNREFUSED'),
      'error',
    );
    expect(ctx.status!.reason).toMatch(
      new RegExp(
        `context prod: cannot reach the API server at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED`,
      ),
    );
    expect(ctx.status!.retryAt).toBeTypeOf('number');
    expect(deletions()).toEqual([]);
    expect(ctx.endpoints).toEqual(before);
    await api.start(port);
    await ctx.until(() => ctx.status?.state === 'ok', 'recovery');
    api.put(
      'deployments',
      deployment('llm', 'llama-8b-chat', {
        image: VLLM,
        replicas: 6,
        gpus: 1,
        args: ['--model', 'meta-llama/Llama-3.1-8B-Instruct'],
      }),
    );
    await ctx.until(
      () => ctx.endpoints.get('prod:llm:llama-8b-chat')?.replicas.desired === 6,
      'watching again',
    );
    expect(ctx.endpoints.size).toBe(7);
  });

  it('stop() ends every watch', async () => {
    await synced();
    await provider!.stop();
    provider = undefined;
    await ctx.until(() => api.openWatches() === 0, 'watches closed', 5_000);
  });
});
