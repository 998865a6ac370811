import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  kubernetesConfigSchema,
  kubernetesProviderFactory,
  type KubernetesProvider,
} from '../../../../../src/core/providers/kubernetes/kubernetes.provider';
import { freshDir } from '../../../../support/tmp';
import { FixtureApi } from './support/fixture-api';
import { startProvider, writeKubeconfig, type RecordingContext } from './support/harness';
import { deployment, pod } from './support/objects';
import { seedSmallFleet, VLLM } from './support/small-fleet';

describe('the Kubernetes source against a fixture API server', () => {
  let api: FixtureApi;
  let tmp: { dir: string; cleanup(): void };
  let provider: KubernetesProvider | undefined;
  let ctx: RecordingContext;
  let kubeconfig: string;

  beforeEach(async () => {
    api = await new FixtureApi().start();
    api.token = 'secret-token';
    seedSmallFleet(api);
    tmp = freshDir('fleetdeck-k8s-');
    kubeconfig = writeKubeconfig(tmp.dir, 'config', [
      { name: 'prod', server: api.url, token: 'secret-token' },
    ]);
  });
  afterEach(async () => {
    await provider?.stop();
    provider = undefined;
    await api.close();
    tmp.cleanup();
  });

  async function started(
    config: Parameters<typeof startProvider>[0] = { kubeconfigPath: kubeconfig },
    tuning = {},
  ) {
    ({ provider, ctx } = startProvider(config, tuning));
    await ctx.until(() => ctx.reports.length > 0, 'the first snapshot');
    return ctx;
  }

  it('reports one full snapshot of the model endpoints, nodes and cluster, ignoring nginx', async () => {
    await started();
    const first = ctx.reports[0]!;
    expect(first.partial).toBe(false);
    const ids = first.snapshot.endpoints!.map((e) => e.id).sort();
    expect(ids).toEqual([
      'prod:llm:llama-70b-chat-v1',
      'prod:llm:llama-70b-chat-v2',
      'prod:llm:llama-8b-chat',
      'prod:llm:mixtral-chat',
      'prod:support:support-bot-2024-10',
      'prod:support:support-bot-2024-11',
      'prod:vision:resnet',
    ]);
    expect(first.snapshot.clusters).toEqual([
      { id: 'prod', name: 'prod', kind: 'kubernetes', region: 'us-east-1', cloud: 'aws' },
    ]);
    expect(first.snapshot.nodes!.map((n) => n.id).sort()).toEqual([
      'prod:cpu-0',
      'prod:gpu-a10g-0',
      'prod:gpu-h100-0',
      'prod:gpu-h100-1',
    ]);
    await ctx.until(() => ctx.status?.state === 'ok', 'status ok');
    expect(ctx.status!.reason).toContain('prod');
    expect(ctx.status!.lastOkAt).toBeTypeOf('number');
    // Every request carried the kubeconfig's bearer token, and lists were paginated at 500.
    expect(api.requests.every((r) => r.authorization === 'Bearer secret-token')).toBe(true);
    expect(api.lists('pods')[0]!.query.get('limit')).toBe('500');
  });

  it('maps KServe canaries, vLLM and TGI Deployments, Service groups and GPU nodes', async () => {
    await started();
    const e = (id: string) => ctx.endpoints.get(`prod:${id}`)!;
    expect(e('llm:llama-70b-chat-v1')).toMatchObject({
      model: 'llama-3.1-70b-instruct',
      version: 'v1',
      runtime: 'vllm',
      group: 'llama-70b-chat',
      trafficPercent: 90,
      target: { kind: 'InferenceService', name: 'llama-70b-chat' },
      replicas: { desired: 2, ready: 2 },
      gpusPerReplica: 4,
      gpuType: 'NVIDIA-H100-80GB-HBM3',
      nodes: ['gpu-h100-0'],
      url: 'http://llama-70b-chat.llm.example.com',
    });
    expect(e('llm:llama-70b-chat-v1').pods.map((p) => p.metricsUrl)).toEqual([
      'http://127.0.0.1:9100/metrics',
      'http://127.0.0.1:9101/metrics',
    ]);
    expect(e('llm:llama-70b-chat-v2')).toMatchObject({
      version: 'v2',
      trafficPercent: 10,
      group: 'llama-70b-chat',
      replicas: { desired: 1, ready: 1 },
    });
    expect(e('llm:llama-8b-chat')).toMatchObject({
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      version: 'v0.8.5',
      runtime: 'vllm',
      group: null,
      trafficPercent: null,
      replicas: { desired: 2, ready: 1 },
      gpusPerReplica: 1,
      gpuType: 'NVIDIA-A10G',
      url: 'http://llama-8b-chat.llm.svc.cluster.local:8000',
      region: 'us-east-1',
    });
    expect(e('llm:llama-8b-chat').pods).toEqual([
      {
        name: 'llama-8b-chat-5d8f7c9b4-p0',
        node: 'gpu-a10g-0',
        phase: 'Running',
        ready: true,
        restarts: 0,
        metricsUrl: 'http://10.1.0.5:8000/metrics',
        runtime: 'vllm',
      },
      {
        name: 'llama-8b-chat-5d8f7c9b4-p1',
        node: null,
        phase: 'Pending',
        ready: false,
        restarts: 0,
        metricsUrl: 'http://10.0.0.11:8000/metrics',
        runtime: 'vllm',
      },
    ]);
    expect(e('llm:mixtral-chat')).toMatchObject({
      model: 'mistralai/Mixtral-8x7B-Instruct-v0.1',
      version: '2.4.1',
      runtime: 'tgi',
      gpusPerReplica: 2,
    });
    expect(e('support:support-bot-2024-10')).toMatchObject({
      model: 'support-bot',
      version: '2024-10',
      group: 'support-bot',
      trafficPercent: 75,
    });
    expect(e('support:support-bot-2024-11')).toMatchObject({ group: 'support-bot', trafficPercent: 25 });
    expect(e('vision:resnet')).toMatchObject({
      runtime: 'triton',
      model: 'tritonserver',
      version: '24.08-py3',
      target: { kind: 'StatefulSet', name: 'resnet' },
    });

    const h100 = ctx.nodes.get('prod:gpu-h100-1')!;
    expect(h100).toMatchObject({
      gpuProduct: 'NVIDIA-H100-80GB-HBM3',
      gpuCapacity: 8,
      gpuAllocated: 4 + 2 + 1,
      instanceType: 'p5.48xlarge',
      region: 'us-east-1',
      zone: 'us-east-1b',
      ready: true,
      hourlyPriceUsd: 98.32,
    });
    expect(h100.problems).toEqual(['GPUXidError: Xid 79 on GPU 3']);
    // The pending pod asked for a GPU but holds none until scheduled.
    expect(ctx.nodes.get('prod:gpu-a10g-0')!.gpuAllocated).toBe(1 + 3 + 1);
  });

  it('maps recent events to the endpoint or node they are about, and leaves out the rest', async () => {
    await started();
    const events = ctx.reports.flatMap((r) => r.snapshot.events ?? []);
    await ctx.until(() => ctx.reports.flatMap((r) => r.snapshot.events ?? []).length >= 2, 'events');
    const all = ctx.reports.flatMap((r) => r.snapshot.events ?? []);
    expect(all.map((ev) => [ev.subject, ev.reason]).sort()).toEqual([
      ['prod:gpu-h100-1', 'GPUXidError'],
      ['prod:llm:llama-8b-chat', 'FailedScheduling'],
    ]);
    expect(all.find((ev) => ev.reason === 'FailedScheduling')).toMatchObject({
      id: 'prod:llm:llama-8b-chat-5d8f7c9b4-p1.backoff',
      type: 'Warning',
      count: 4,
    });
    expect(events.length).toBeLessThanOrEqual(all.length);
  });

  it('turns watch events into partial reports, batched, with deletions', async () => {
    await started({ kubeconfigPath: kubeconfig }, { batchMs: 100 });
    await ctx.until(
      () => api.openWatches('deployments') === 1 && api.openWatches('pods') === 1,
      'watches open',
    );
    const before = ctx.reports.length;
    // A burst of changes inside one batch window: one partial report.
    api.put(
      'deployments',
      deployment('llm', 'llama-8b-chat', {
        image: VLLM,
        replicas: 4,
        ready: 2,
        gpus: 1,
        args: ['--model', 'meta-llama/Llama-3.1-8B-Instruct'],
      }),
    );
    api.put('pods', pod('llm', 'llama-8b-chat', 2, { node: 'gpu-a10g-0', image: VLLM, gpus: 1 }));
    api.put(
      'deployments',
      deployment('llm', 'qwen-coder', {
        image: VLLM,
        replicas: 1,
        gpus: 2,
        args: ['serve', 'Qwen/Qwen2.5-Coder-32B-Instruct'],
        command: ['vllm'],
      }),
    );
    api.remove('deployments', 'llm', 'mixtral-chat');
    api.put('deployments', deployment('web', 'frontend', { image: 'nginx:1.27', replicas: 5 }));
    await ctx.until(
      () =>
        ctx.endpoints.get('prod:llm:llama-8b-chat')?.replicas.desired === 4 &&
        !ctx.endpoints.has('prod:llm:mixtral-chat'),
      'the burst to land',
    );
    const partials = ctx.reports.slice(before);
    expect(partials).toHaveLength(1);
    const [report] = partials;
    expect(report!.partial).toBe(true);
    expect(report!.snapshot.endpoints!.map((e) => e.id).sort()).toEqual([
      'prod:llm:llama-8b-chat',
      'prod:llm:qwen-coder',
    ]);
    expect(report!.snapshot.deleted).toEqual([{ kind: 'endpoint', id: 'prod:llm:mixtral-chat' }]);
    expect(ctx.endpoints.get('prod:llm:qwen-coder')).toMatchObject({
      model: 'Qwen/Qwen2.5-Coder-32B-Instruct',
      gpusPerReplica: 2,
    });
    expect(ctx.endpoints.get('prod:llm:llama-8b-chat')!.pods).toHaveLength(3);
    // The node the new pod landed on has one more GPU allocated.
    expect(report!.snapshot.nodes!.map((n) => [n.id, n.gpuAllocated])).toEqual([['prod:gpu-a10g-0', 6]]);
  });

  it('moves traffic shares in a Service group when one version scales', async () => {
    await started();
    await ctx.until(() => api.openWatches('deployments') === 1, 'deployments watch');
    const labels = { 'fleetdeck.io/model': 'support-bot', 'fleetdeck.io/model-version': '2024-11' };
    api.put(
      'deployments',
      deployment('support', 'support-bot-2024-11', {
        image: VLLM,
        replicas: 3,
        gpus: 1,
        labels,
        podLabels: { 'app.kubernetes.io/name': 'support-bot' },
      }),
    );
    await ctx.until(
      () => ctx.endpoints.get('prod:support:support-bot-2024-10')?.trafficPercent === 50,
      'the split to move',
    );
    expect(ctx.endpoints.get('prod:support:support-bot-2024-11')!.trafficPercent).toBe(50);
  });

  it('follows only the chosen namespaces when configured', async () => {
    await started({ kubeconfigPath: kubeconfig, namespaces: ['support'] });
    expect([...ctx.endpoints.keys()].sort()).toEqual([
      'prod:support:support-bot-2024-10',
      'prod:support:support-bot-2024-11',
    ]);
    expect(api.lists('pods').every((r) => r.namespace === 'support')).toBe(true);
    // Nodes are cluster-scoped: still listed.
    expect(ctx.nodes.size).toBe(4);
  });

  it('treats a cluster without KServe or StatefulSets as normal', async () => {
    api.kserve = false;
    api.statefulsets = false;
    await started();
    await ctx.until(() => ctx.status?.state === 'ok', 'ok without KServe');
    expect(api.requests.some((r) => r.resource === 'inferenceservices')).toBe(false);
    expect(ctx.endpoints.get('prod:llm:llama-70b-chat-v1')).toMatchObject({
      group: 'llama-70b-chat',
      trafficPercent: null,
    });
  });

  it('follows InferenceServices once KServe is installed while it runs', async () => {
    api.kserve = false;
    await started({ kubeconfigPath: kubeconfig }, { rediscoverMs: 50 });
    await ctx.until(() => ctx.status?.state === 'ok', 'ok without KServe');
    expect(ctx.endpoints.get('prod:llm:llama-70b-chat-v1')!.trafficPercent).toBeNull();
    api.kserve = true;
    await ctx.until(
      () => ctx.endpoints.get('prod:llm:llama-70b-chat-v1')?.trafficPercent === 90,
      'the isvc split',
    );
    expect(ctx.endpoints.get('prod:llm:llama-70b-chat-v2')!.trafficPercent).toBe(10);
  });

  it('sources.test checks reachability, /version and list permissions per context', async () => {
    const { provider: p } = startProvider({ kubeconfigPath: kubeconfig });
    provider = p;
    const result = await p.test();
    expect(result.ok).toBe(true);
    expect(result.details[0]).toMatch(
      /^ok: prod: reachable at http:\/\/127\.0\.0\.1:\d+ \(Kubernetes v1\.32\.0-fixture\); can list pods and deployments in all namespaces; KServe InferenceServices served/,
    );

    api.fail(
      { resource: 'deployments' },
      {
        status: 403,
        message: 'deployments.apps is forbidden: User "alice" cannot list resource "deployments"',
      },
    );
    const denied = await p.test();
    expect(denied.ok).toBe(false);
    expect(denied.message).toContain('403 Forbidden: cannot list deployments.apps (all namespaces)');
    expect(denied.message).toContain('RBAC must allow "list" on deployments.apps');
  });

  it('validates its configuration and describes itself', () => {
    expect(kubernetesProviderFactory.kind).toBe('kubernetes');
    expect(kubernetesProviderFactory.describe).toMatch(/kubeconfig/);
    expect(kubernetesConfigSchema.parse({ contexts: ['a'], namespaces: ['llm'] })).toEqual({
      contexts: ['a'],
      namespaces: ['llm'],
    });
    expect(kubernetesConfigSchema.safeParse({ namespaces: ['Bad Name'] }).success).toBe(false);
    expect(kubernetesConfigSchema.safeParse({ kubeconfigPath: '' }).success).toBe(false);
  });
});
