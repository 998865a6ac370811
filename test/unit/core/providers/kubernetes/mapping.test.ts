import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../../../../src/core/providers/kubernetes/cluster-state';
import { ContextInventory } from '../../../../../src/core/providers/kubernetes/context-inventory';
import {
  mapEndpoint,
  mapNode,
  metricsUrl,
} from '../../../../../src/core/providers/kubernetes/inventory.mapper';
import type { RawKubeObject } from '../../../../../src/core/providers/kubernetes/kube-api.client';
import {
  toEvent,
  toInferenceService,
  toNode,
  toPod,
  toService,
  toWorkload,
} from '../../../../../src/core/providers/kubernetes/kube-objects';
import {
  imageTag,
  modelFromCommandLine,
  runtimeOf,
} from '../../../../../src/core/providers/kubernetes/model-detection';
import { deployment, event, inferenceService, node, pod, service } from './support/objects';
import { TGI, VLLM } from './support/small-fleet';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const m = { context: 'c', clusterRegion: 'us-east-1', now: NOW };
const raw = (o: object) => o as RawKubeObject;

function stateWith(objects: {
  deployments?: object[];
  statefulsets?: object[];
  pods?: object[];
  nodes?: object[];
  services?: object[];
  isvcs?: object[];
  events?: object[];
}): ClusterState {
  const s = new ClusterState();
  for (const o of objects.nodes ?? []) s.upsertNode(toNode(raw(o))!);
  for (const o of objects.deployments ?? []) s.upsertWorkload(toWorkload('Deployment')(raw(o))!);
  for (const o of objects.statefulsets ?? []) s.upsertWorkload(toWorkload('StatefulSet')(raw(o))!);
  for (const o of objects.pods ?? []) s.upsertPod(toPod(raw(o))!);
  for (const o of objects.services ?? []) s.upsertService(toService(raw(o))!);
  for (const o of objects.isvcs ?? []) s.upsertIsvc(toInferenceService(raw(o))!);
  for (const o of objects.events ?? []) s.upsertEvent(toEvent(raw(o))!);
  s.recomputeGroups(s.dirty.groupNamespaces);
  return s;
}

describe('model workload detection', () => {
  it.each([
    ['vllm/vllm-openai:v0.8.5', 'vllm'],
    ['registry.internal:5000/ml/vllm-cuda12:0.6', 'vllm'],
    ['ghcr.io/huggingface/text-generation-inference:2.4.1', 'tgi'],
    ['nvcr.io/nvidia/tritonserver:24.08-py3', 'triton'],
    ['nginx:1.27', null],
    ['redis@sha256:abcdef0123456789', null],
  ])('%s -> %s', (image, runtime) => {
    expect(runtimeOf({ image, command: [], args: [] })).toBe(runtime);
  });

  it('finds vLLM and TGI by command line when the image says nothing', () => {
    expect(
      runtimeOf({
        image: 'acme/llm-base:3',
        command: ['python', '-m', 'vllm.entrypoints.openai.api_server'],
        args: [],
      }),
    ).toBe('vllm');
    expect(runtimeOf({ image: 'acme/llm-base:3', command: ['text-generation-launcher'], args: [] })).toBe(
      'tgi',
    );
  });

  it('reads the model from --served-model-name, --model, --model-id, vllm serve, MODEL_ID', () => {
    const c = (args: string[], env: Record<string, string> = {}, command: string[] = []) => ({
      command,
      args,
      env,
    });
    expect(modelFromCommandLine(c(['--model', '/mnt/models', '--served-model-name', 'llama-3-8b']))).toBe(
      'llama-3-8b',
    );
    expect(modelFromCommandLine(c(['--model=meta-llama/Llama-3.1-8B-Instruct']))).toBe(
      'meta-llama/Llama-3.1-8B-Instruct',
    );
    expect(modelFromCommandLine(c(['--model-id', 'mistralai/Mixtral-8x7B-Instruct-v0.1']))).toBe(
      'mistralai/Mixtral-8x7B-Instruct-v0.1',
    );
    expect(modelFromCommandLine(c(['serve', 'Qwen/Qwen2.5-7B'], {}, ['vllm']))).toBe('Qwen/Qwen2.5-7B');
    expect(modelFromCommandLine(c(['--model', '/mnt/models/llama-3-70b/']))).toBe('llama-3-70b');
    expect(modelFromCommandLine(c([], { MODEL_ID: 'bigscience/bloom' }))).toBe('bigscience/bloom');
    // --model-repository is Triton's model store, not a model name.
    expect(modelFromCommandLine(c(['--model-repository', 's3://models']))).toBeNull();
  });

  it('versions from the image tag, or a short digest', () => {
    expect(imageTag('vllm/vllm-openai:v0.8.5')).toBe('v0.8.5');
    expect(imageTag('registry:5000/vllm')).toBeNull();
    expect(imageTag('vllm/vllm-openai@sha256:0123456789abcdef0123')).toBe('0123456789ab');
  });
});

describe('endpoint mapping', () => {
  it('an InferenceService with a canary: percent per revision (Knative revision label), group = isvc', () => {
    const labels = (rev: string) => ({
      'serving.kserve.io/inferenceservice': 'chat',
      component: 'predictor',
      'serving.knative.dev/revision': rev,
    });
    const s = stateWith({
      deployments: [
        deployment('ml', 'chat-predictor-00001-deployment', {
          image: VLLM,
          replicas: 3,
          gpus: 2,
          labels: labels('chat-predictor-00001'),
          args: ['--model', 'meta-llama/Llama-3.1-70B'],
        }),
        deployment('ml', 'chat-predictor-00002-deployment', {
          image: 'vllm/vllm-openai:v0.9.0',
          replicas: 1,
          gpus: 2,
          labels: labels('chat-predictor-00002'),
          args: ['--model', 'meta-llama/Llama-3.1-70B'],
        }),
        deployment('ml', 'chat-transformer-00001-deployment', {
          image: 'acme/tokenizer:1',
          labels: { 'serving.kserve.io/inferenceservice': 'chat', component: 'transformer' },
        }),
      ],
      isvcs: [
        inferenceService(
          'ml',
          'chat',
          [
            { revisionName: 'chat-predictor-00001', percent: 80 },
            { revisionName: 'chat-predictor-00002', percent: 20, latestRevision: true },
          ],
          20,
        ),
      ],
    });
    const stable = mapEndpoint(s, 'deploy/ml/chat-predictor-00001-deployment', m)!;
    const canary = mapEndpoint(s, 'deploy/ml/chat-predictor-00002-deployment', m)!;
    expect(stable).toMatchObject({
      group: 'chat',
      trafficPercent: 80,
      version: 'v0.8.5',
      model: 'meta-llama/Llama-3.1-70B',
      target: { kind: 'InferenceService', name: 'chat' },
      url: 'http://chat.ml.example.com',
    });
    expect(canary).toMatchObject({ group: 'chat', trafficPercent: 20, version: 'v0.9.0' });
    expect(mapEndpoint(s, 'deploy/ml/chat-transformer-00001-deployment', m)).toBeNull();
  });

  it('an InferenceService without traffic status yet: canaryTrafficPercent goes to the latest created revision', () => {
    const labels = { 'serving.kserve.io/inferenceservice': 'chat' };
    const isvc = inferenceService('ml', 'chat', [], 25);
    (
      isvc.status as { components: { predictor: Record<string, unknown> } }
    ).components.predictor.latestCreatedRevision = 'chat-v2-predictor-00002';
    const s = stateWith({
      deployments: [
        deployment('ml', 'chat-v1', { image: VLLM, labels }),
        deployment('ml', 'chat-v2', { image: VLLM, labels }),
      ],
      isvcs: [isvc],
    });
    expect(mapEndpoint(s, 'deploy/ml/chat-v1', m)!.trafficPercent).toBe(75);
    expect(mapEndpoint(s, 'deploy/ml/chat-v2', m)!.trafficPercent).toBe(25);
  });

  it('a vLLM Deployment and a TGI one; an unrelated nginx is not an endpoint; a labelled one is', () => {
    const s = stateWith({
      deployments: [
        deployment('a', 'llama', {
          image: VLLM,
          args: ['--model', 'meta-llama/Llama-3.1-8B-Instruct'],
          gpus: 1,
        }),
        deployment('a', 'mixtral', { image: TGI, args: ['--model-id', 'mistralai/Mixtral-8x7B'], gpus: 2 }),
        deployment('a', 'web', { image: 'nginx:1.27' }),
        deployment('a', 'custom', {
          image: 'acme/server:7',
          labels: { 'fleetdeck.io/model': 'acme-ranker', 'fleetdeck.io/model-version': 'r12' },
        }),
      ],
    });
    expect(mapEndpoint(s, 'deploy/a/llama', m)).toMatchObject({
      id: 'c:a:llama',
      runtime: 'vllm',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      version: 'v0.8.5',
      gpusPerReplica: 1,
      group: null,
      trafficPercent: null,
      url: null,
      target: { kind: 'Deployment', name: 'llama' },
    });
    expect(mapEndpoint(s, 'deploy/a/mixtral', m)).toMatchObject({
      runtime: 'tgi',
      model: 'mistralai/Mixtral-8x7B',
      version: '2.4.1',
      gpusPerReplica: 2,
    });
    expect(mapEndpoint(s, 'deploy/a/web', m)).toBeNull();
    expect(mapEndpoint(s, 'deploy/a/custom', m)).toMatchObject({
      runtime: 'unknown',
      model: 'acme-ranker',
      version: 'r12',
    });
  });

  it('names the endpoint from fleetdeck.io/endpoint (a plain name, or the demo id for this context only)', () => {
    const s = stateWith({
      deployments: [
        deployment('llm', 'chat-predictor-v1', {
          image: VLLM,
          labels: { 'fleetdeck.io/endpoint': 'c:llm:chat-v1' },
        }),
        deployment('llm', 'chat-predictor-v2', {
          image: VLLM,
          labels: { 'fleetdeck.io/endpoint': 'other:llm:chat-v2' },
        }),
        deployment('llm', 'chat-predictor-v3', {
          image: VLLM,
          labels: { 'fleetdeck.io/endpoint': 'chat-v3' },
        }),
      ],
    });
    expect(mapEndpoint(s, 'deploy/llm/chat-predictor-v1', m)).toMatchObject({
      id: 'c:llm:chat-v1',
      name: 'chat-v1',
    });
    expect(mapEndpoint(s, 'deploy/llm/chat-predictor-v2', m)).toMatchObject({
      id: 'c:llm:chat-predictor-v2',
    });
    expect(mapEndpoint(s, 'deploy/llm/chat-predictor-v3', m)).toMatchObject({ id: 'c:llm:chat-v3' });
  });

  it('a Service in front of two versions is a group; the traffic-percent annotation wins over ready shares', () => {
    const common = { podLabels: { svc: 'bot' } };
    const a = deployment('s', 'bot-a', { image: VLLM, replicas: 1, ...common });
    const b = deployment('s', 'bot-b', { image: VLLM, replicas: 1, ...common });
    (a.metadata as { annotations?: Record<string, string> }).annotations = {
      'fleetdeck.io/traffic-percent': '100',
    };
    (b.metadata as { annotations?: Record<string, string> }).annotations = {
      'fleetdeck.io/traffic-percent': '0',
    };
    const s = stateWith({ deployments: [a, b], services: [service('s', 'bot', { svc: 'bot' })] });
    expect(mapEndpoint(s, 'deploy/s/bot-a', m)).toMatchObject({
      group: 'bot',
      trafficPercent: 100,
      url: 'http://bot.s.svc.cluster.local:8000',
    });
    expect(mapEndpoint(s, 'deploy/s/bot-b', m)).toMatchObject({ group: 'bot', trafficPercent: 0 });
  });

  it('a Service pinned to one version (a blue-green switch) keeps the group and gives the other 0 %', () => {
    const a = deployment('s', 'bot-a', { image: VLLM, replicas: 3, podLabels: { svc: 'bot', v: 'a' } });
    const b = deployment('s', 'bot-b', { image: VLLM, replicas: 1, podLabels: { svc: 'bot', v: 'b' } });
    const pinned = service('s', 'bot', { svc: 'bot', v: 'b' });
    (pinned.metadata as { annotations?: Record<string, string> }).annotations = {
      'fleetdeck.io/group-selector': JSON.stringify({ svc: 'bot' }),
    };
    const s = stateWith({ deployments: [a, b], services: [pinned] });
    // Three ready pods of a, all traffic to b's one: the live selector decides, not the ratio.
    expect(mapEndpoint(s, 'deploy/s/bot-a', m)).toMatchObject({ group: 'bot', trafficPercent: 0 });
    expect(mapEndpoint(s, 'deploy/s/bot-b', m)).toMatchObject({ group: 'bot', trafficPercent: 100 });

    // Unpinned: the selector change alone (same members) marks both for a new share.
    s.dirty.workloads.clear();
    s.upsertService(toService(raw(service('s', 'bot', { svc: 'bot' })))!);
    s.recomputeGroups(s.dirty.groupNamespaces);
    expect([...s.dirty.workloads].sort()).toEqual(['deploy/s/bot-a', 'deploy/s/bot-b']);
    expect(mapEndpoint(s, 'deploy/s/bot-a', m)).toMatchObject({ group: 'bot', trafficPercent: 75 });
    expect(mapEndpoint(s, 'deploy/s/bot-b', m)).toMatchObject({ group: 'bot', trafficPercent: 25 });
  });

  it('finds owner-less pods by selector, GPU type and region from their nodes', () => {
    const orphan = pod('a', 'llama', 0, { node: 'n1', image: VLLM, gpus: 1 });
    delete (orphan.metadata as { ownerReferences?: unknown }).ownerReferences;
    const s = stateWith({
      nodes: [node('n1', { product: 'NVIDIA-L4', region: 'europe-west4' })],
      deployments: [deployment('a', 'llama', { image: VLLM, gpus: 1 })],
      pods: [orphan],
    });
    expect(mapEndpoint(s, 'deploy/a/llama', m)).toMatchObject({
      nodes: ['n1'],
      gpuType: 'NVIDIA-L4',
      region: 'europe-west4',
    });
  });

  it('metrics URLs: base-url annotation, prometheus.io annotations (IPv6, https, container port fallback)', () => {
    const p = (annotations: Record<string, string>, podIP: string | null = '10.0.0.1') => ({
      annotations,
      podIP,
      containers: [{ ports: [9400] }] as never,
    });
    expect(metricsUrl(p({ 'fleetdeck.io/base-url': 'http://127.0.0.1:9001/' }))).toBe(
      'http://127.0.0.1:9001/metrics',
    );
    expect(
      metricsUrl(
        p({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8000', 'prometheus.io/path': 'stats' }),
      ),
    ).toBe('http://10.0.0.1:8000/stats');
    expect(
      metricsUrl(p({ 'prometheus.io/scrape': 'true', 'prometheus.io/scheme': 'https' }, 'fd00::5')),
    ).toBe('https://[fd00::5]:9400/metrics');
    expect(metricsUrl(p({ 'prometheus.io/scrape': 'false', 'prometheus.io/port': '8000' }))).toBeNull();
    expect(metricsUrl(p({ 'prometheus.io/scrape': 'true' }, null))).toBeNull();
  });
});

describe('node mapping', () => {
  it('GPU capacity and allocation, price, and problems from conditions and recent Warning events', () => {
    const s = stateWith({
      nodes: [
        node('n1', {
          gpus: 8,
          product: 'NVIDIA-H100-80GB-HBM3',
          price: 98.32,
          ready: false,
          conditions: [
            { type: 'DiskPressure', status: 'True', message: 'disk 91% full' },
            { type: 'MemoryPressure', status: 'False' },
          ],
        }),
      ],
      deployments: [deployment('a', 'llama', { image: VLLM, gpus: 2, replicas: 3 })],
      pods: [0, 1, 2].map((i) => pod('a', 'llama', i, { node: 'n1', image: VLLM, gpus: 2 })),
      events: [
        event(
          'default',
          'xid',
          { kind: 'Node', name: 'n1' },
          { type: 'Warning', reason: 'GPUXidError', message: 'Xid 79 on GPU 3', at: NOW - 5 * 60_000 },
        ),
        event(
          'default',
          'old',
          { kind: 'Node', name: 'n1' },
          { type: 'Warning', reason: 'GPUXidError', message: 'Xid 13 on GPU 1', at: NOW - 2 * 3600_000 },
        ),
        event(
          'default',
          'fine',
          { kind: 'Node', name: 'n1' },
          { type: 'Normal', reason: 'NodeReady', message: 'ok', at: NOW - 60_000 },
        ),
      ],
    });
    expect(mapNode(s, 'n1', m)).toEqual({
      id: 'c:n1',
      name: 'n1',
      // No exporter annotation and no dcgm-exporter pod on the node: no GPU metrics URL.
      metricsUrl: null,
      cluster: 'c',
      region: 'us-east-1',
      zone: null,
      instanceType: null,
      gpuProduct: 'NVIDIA-H100-80GB-HBM3',
      gpuCapacity: 8,
      gpuAllocated: 6,
      ready: false,
      problems: [
        'NotReady: kubelet stopped posting status',
        'DiskPressure: disk 91% full',
        'GPUXidError: Xid 79 on GPU 3',
      ],
      hourlyPriceUsd: 98.32,
    });
  });
});

describe('node problems over time', () => {
  it('a Warning event stops counting once its condition has gone back to OK', () => {
    const xid = event(
      'default',
      'xid',
      { kind: 'Node', name: 'n1' },
      { type: 'Warning', reason: 'GpuXidError', message: 'Xid 79', at: NOW - 120_000 },
    );
    const failing = node('n1', {
      conditions: [{ type: 'GpuXidError', status: 'True', message: 'NVRM: Xid 79' }],
    });
    const s = stateWith({ nodes: [failing], events: [xid] });
    // While the condition is True it says it; the event does not repeat it.
    expect(mapNode(s, 'n1', m)!.problems).toEqual(['GpuXidError: NVRM: Xid 79']);
    s.upsertNode(
      toNode(
        raw(
          node('n1', {
            conditions: [
              {
                type: 'GpuXidError',
                status: 'False',
                lastTransitionTime: new Date(NOW - 60_000).toISOString(),
              },
            ],
          }),
        ),
      )!,
    );
    expect(mapNode(s, 'n1', m)!.problems).toEqual([]);
    // A fresh Xid after the recovery counts again.
    s.upsertEvent(
      toEvent(
        raw(
          event(
            'default',
            'xid2',
            { kind: 'Node', name: 'n1' },
            { type: 'Warning', reason: 'GpuXidError', message: 'Xid 48', at: NOW - 10_000 },
          ),
        ),
      )!,
    );
    expect(mapNode(s, 'n1', m)!.problems).toEqual(['GpuXidError: Xid 48']);
  });
});

describe('what a context reports', () => {
  it('only records that changed, and deletions, between collects', () => {
    const s = stateWith({
      deployments: [deployment('a', 'llama', { image: VLLM }), deployment('a', 'qwen', { image: VLLM })],
      nodes: [node('n1')],
    });
    const inv = new ContextInventory('c', s);
    const first = inv.collect(true, NOW);
    expect(first.endpoints.map((e) => e.id)).toEqual(['c:a:llama', 'c:a:qwen']);
    expect(first.clusters).toHaveLength(1);

    // A change that does not alter the record: nothing to report.
    s.upsertWorkload(toWorkload('Deployment')(raw(deployment('a', 'llama', { image: VLLM })))!);
    const none = inv.collect(false, NOW);
    expect(none.endpoints).toEqual([]);
    expect(none.deleted).toEqual([]);

    s.upsertWorkload(toWorkload('Deployment')(raw(deployment('a', 'llama', { image: VLLM, replicas: 4 })))!);
    s.removeWorkload('deploy/a/qwen');
    const next = inv.collect(false, NOW);
    expect(next.endpoints.map((e) => [e.id, e.replicas.desired])).toEqual([['c:a:llama', 4]]);
    expect(next.deleted).toEqual([{ kind: 'endpoint', id: 'c:a:qwen' }]);
  });

  it('a resync over records carried from the cache deletes what is gone', () => {
    const s = stateWith({ deployments: [deployment('a', 'llama', { image: VLLM })] });
    const inv = new ContextInventory('c', s);
    const carried = { ...mapEndpoint(s, 'deploy/a/llama', m)!, id: 'c:a:retired', name: 'retired' };
    inv.seed({ clusters: [], endpoints: [carried], nodes: [] });
    const changes = inv.collect(true, NOW);
    expect(changes.endpoints.map((e) => e.id)).toEqual(['c:a:llama']);
    expect(changes.deleted).toEqual([{ kind: 'endpoint', id: 'c:a:retired' }]);
  });
});
