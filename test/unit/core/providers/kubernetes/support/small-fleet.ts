import type { FixtureApi } from './fixture-api';
import { deployment, event, inferenceService, node, pod, service } from './objects';

/**
 * One small cluster with every shape the mapping must handle: a KServe InferenceService with a
 * 90/10 canary, a vLLM Deployment, a TGI Deployment, two versions behind one Service, a vLLM
 * StatefulSet, and an nginx Deployment that is not a model server and must be ignored.
 */
export const VLLM = 'vllm/vllm-openai:v0.8.5';
export const TGI = 'ghcr.io/huggingface/text-generation-inference:2.4.1';

export function seedSmallFleet(api: FixtureApi, now = Date.now()): void {
  api.put(
    'nodes',
    node('gpu-h100-0', {
      gpus: 8,
      product: 'NVIDIA-H100-80GB-HBM3',
      zone: 'us-east-1a',
      instanceType: 'p5.48xlarge',
      price: 98.32,
    }),
  );
  api.put(
    'nodes',
    node('gpu-h100-1', {
      gpus: 8,
      product: 'NVIDIA-H100-80GB-HBM3',
      zone: 'us-east-1b',
      instanceType: 'p5.48xlarge',
      price: 98.32,
    }),
  );
  api.put(
    'nodes',
    node('gpu-a10g-0', {
      gpus: 4,
      product: 'NVIDIA-A10G',
      zone: 'us-east-1a',
      instanceType: 'g5.12xlarge',
      price: 5.67,
    }),
  );
  api.put('nodes', node('cpu-0', { gpus: 0, zone: 'us-east-1a', instanceType: 'm6i.large' }));

  // KServe: two predictor revisions of one InferenceService, 90/10.
  const isvcLabels = (version: string) => ({
    'serving.kserve.io/inferenceservice': 'llama-70b-chat',
    component: 'predictor',
    'fleetdeck.io/model': 'llama-3.1-70b-instruct',
    'fleetdeck.io/model-version': version,
  });
  api.put(
    'inferenceservices',
    inferenceService(
      'llm',
      'llama-70b-chat',
      [
        { revisionName: 'llama-70b-chat-v1-predictor-00001', percent: 90 },
        { revisionName: 'llama-70b-chat-v2-predictor-00002', percent: 10, latestRevision: true },
      ],
      10,
    ),
  );
  api.put(
    'deployments',
    deployment('llm', 'llama-70b-chat-v1', {
      image: 'vllm/vllm-openai:v0.6.3',
      replicas: 2,
      gpus: 4,
      labels: isvcLabels('v1'),
      podLabels: isvcLabels('v1'),
    }),
  );
  api.put(
    'deployments',
    deployment('llm', 'llama-70b-chat-v2', {
      image: VLLM,
      replicas: 1,
      gpus: 4,
      labels: isvcLabels('v2'),
      podLabels: isvcLabels('v2'),
    }),
  );
  for (let i = 0; i < 2; i++) {
    api.put(
      'pods',
      pod('llm', 'llama-70b-chat-v1', i, {
        node: 'gpu-h100-0',
        image: 'vllm/vllm-openai:v0.6.3',
        gpus: 4,
        labels: isvcLabels('v1'),
        annotations: { 'fleetdeck.io/base-url': `http://127.0.0.1:${9100 + i}/` },
      }),
    );
  }
  api.put(
    'pods',
    pod('llm', 'llama-70b-chat-v2', 0, {
      node: 'gpu-h100-1',
      image: VLLM,
      gpus: 4,
      labels: isvcLabels('v2'),
    }),
  );

  // vLLM with the model in its args, scraped through prometheus.io annotations.
  api.put(
    'deployments',
    deployment('llm', 'llama-8b-chat', {
      image: VLLM,
      replicas: 2,
      ready: 1,
      gpus: 1,
      args: ['--model', 'meta-llama/Llama-3.1-8B-Instruct', '--port', '8000'],
    }),
  );
  const scrape = {
    'prometheus.io/scrape': 'true',
    'prometheus.io/port': '8000',
    'prometheus.io/path': '/metrics',
  };
  api.put(
    'pods',
    pod('llm', 'llama-8b-chat', 0, {
      node: 'gpu-a10g-0',
      image: VLLM,
      gpus: 1,
      annotations: scrape,
      podIP: '10.1.0.5',
    }),
  );
  api.put('pods', pod('llm', 'llama-8b-chat', 1, { node: null, image: VLLM, gpus: 1, annotations: scrape }));
  api.put('services', service('llm', 'llama-8b-chat', { app: 'llama-8b-chat' }));

  // TGI with --model-id.
  api.put(
    'deployments',
    deployment('llm', 'mixtral-chat', {
      image: TGI,
      replicas: 1,
      gpus: 2,
      args: ['--model-id=mistralai/Mixtral-8x7B-Instruct-v0.1'],
    }),
  );
  api.put('pods', pod('llm', 'mixtral-chat', 0, { node: 'gpu-h100-1', image: TGI, gpus: 2 }));

  // Two versions behind one Service: a group, split by ready replicas (3:1).
  for (const [version, replicas] of [
    ['2024-10', 3],
    ['2024-11', 1],
  ] as const) {
    const name = `support-bot-${version}`;
    const labels = { 'fleetdeck.io/model': 'support-bot', 'fleetdeck.io/model-version': version };
    api.put(
      'deployments',
      deployment('support', name, {
        image: VLLM,
        replicas,
        gpus: 1,
        labels,
        podLabels: { 'app.kubernetes.io/name': 'support-bot' },
      }),
    );
    for (let i = 0; i < replicas; i++)
      api.put('pods', pod('support', name, i, { node: 'gpu-a10g-0', image: VLLM, gpus: 1 }));
  }
  api.put('services', service('support', 'support-bot', { 'app.kubernetes.io/name': 'support-bot' }));

  // A Triton StatefulSet.
  api.put(
    'statefulsets',
    deployment('vision', 'resnet', {
      kind: 'StatefulSet',
      image: 'nvcr.io/nvidia/tritonserver:24.08-py3',
      replicas: 1,
      gpus: 1,
    }),
  );
  api.put(
    'pods',
    pod('vision', 'resnet', 0, {
      kind: 'StatefulSet',
      node: 'gpu-h100-1',
      image: 'nvcr.io/nvidia/tritonserver:24.08-py3',
      gpus: 1,
    }),
  );

  // Not a model server: ignored.
  api.put('deployments', deployment('web', 'frontend', { image: 'nginx:1.27', replicas: 3 }));
  for (let i = 0; i < 3; i++)
    api.put('pods', pod('web', 'frontend', i, { node: 'cpu-0', image: 'nginx:1.27' }));
  api.put('services', service('web', 'frontend', { app: 'frontend' }, 80));

  // Events: an Xid on a node, a back-off on a model pod, an old one and one about nginx.
  api.put(
    'events',
    event(
      'default',
      'gpu-h100-1.xid',
      { kind: 'Node', name: 'gpu-h100-1' },
      { type: 'Warning', reason: 'GPUXidError', message: 'Xid 79 on GPU 3', at: now - 60_000 },
    ),
  );
  api.put(
    'events',
    event(
      'llm',
      'llama-8b-chat-5d8f7c9b4-p1.backoff',
      { kind: 'Pod', name: 'llama-8b-chat-5d8f7c9b4-p1', namespace: 'llm' },
      {
        type: 'Warning',
        reason: 'FailedScheduling',
        message: '0/4 nodes are available: insufficient nvidia.com/gpu',
        at: now - 30_000,
        count: 4,
      },
    ),
  );
  api.put(
    'events',
    event(
      'llm',
      'old',
      { kind: 'Pod', name: 'llama-8b-chat-5d8f7c9b4-p0', namespace: 'llm' },
      { reason: 'Pulled', message: 'image pulled', at: now - 3 * 3600_000 },
    ),
  );
  api.put(
    'events',
    event(
      'web',
      'frontend.scaled',
      { kind: 'Deployment', name: 'frontend', namespace: 'web' },
      { reason: 'ScalingReplicaSet', message: 'scaled up', at: now - 10_000 },
    ),
  );
}
