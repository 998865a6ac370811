import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DemoFleetDefinition } from '../../../../src/demo/fleet-definition';
import { createClusterObjectStore } from '../../../../src/demo/kube/object-store';
import { demoLabels, refs } from '../../../../src/demo/kube/object-store.types';
import { deploymentNameFor, poolLabel, seedCluster } from '../../../../src/demo/kube/seed';

const fleet: DemoFleetDefinition = JSON.parse(
  readFileSync(new URL('../../../../resources/demo/fleet.json', import.meta.url), 'utf8'),
);

describe('seedCluster from resources/demo/fleet.json', () => {
  const store = createClusterObjectStore('prod-us-east');
  const summary = seedCluster(store, fleet, 'prod-us-east');

  it('creates the namespaces, nodes, deployments, services and InferenceServices of the cluster', () => {
    expect(summary).toEqual({ namespaces: 9, nodes: 7, deployments: 9, services: 7, inferenceServices: 1 });
    expect(store.list(refs.namespaces).map((ns) => ns.metadata.name)).toEqual([
      'batch',
      'code',
      'default',
      'embed',
      'kube-node-lease',
      'kube-public',
      'kube-system',
      'llm',
      'support',
    ]);
  });

  it('labels GPU nodes with pool, instance type, region, spread zones, GPU product and count, and a price', () => {
    const h100 = store.list(refs.nodes, { labelSelector: `${poolLabel}=h100` });
    expect(h100).toHaveLength(3);
    expect(h100[0]!.metadata.labels).toMatchObject({
      'kubernetes.io/hostname': 'prod-us-east-h100-0',
      'node.kubernetes.io/instance-type': 'p5.48xlarge',
      'topology.kubernetes.io/region': 'us-east-1',
      'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3',
      'nvidia.com/gpu.count': '8',
      'eks.amazonaws.com/nodegroup': 'h100',
    });
    expect(h100.map((node) => node.metadata.labels!['topology.kubernetes.io/zone'])).toEqual([
      'us-east-1a',
      'us-east-1b',
      'us-east-1a',
    ]);
    expect(h100[0]!.metadata.annotations?.[demoLabels.nodeHourlyPrice]).toBe('98.32');
    expect(h100[0]!.status).toMatchObject({
      capacity: { 'nvidia.com/gpu': '8' },
      allocatable: { 'nvidia.com/gpu': '8' },
      nodeInfo: { kubeletVersion: 'v1.32.4' },
    });
    expect(h100[0]!.status.conditions.find((c: { type: string }) => c.type === 'Ready').status).toBe('True');
  });

  it('builds a Deployment per endpoint with the demo labels, image, GPU limits, pool selector and runtime args', () => {
    const chat = store.get(refs.deployments, 'llm', 'llama-8b-chat')!;
    expect(chat.metadata.labels).toMatchObject({
      app: 'llama-8b-chat',
      [demoLabels.model]: 'llama-3.1-8b-instruct',
      [demoLabels.version]: 'v1',
      [demoLabels.endpoint]: 'llama-8b-chat',
    });
    expect(chat.spec.replicas).toBe(3);
    const pod = chat.spec.template.spec;
    expect(pod.nodeSelector).toEqual({ [poolLabel]: 'a10g' });
    expect(pod.containers[0]).toMatchObject({
      image: 'vllm/vllm-openai:v0.8.5',
      resources: { limits: { 'nvidia.com/gpu': '1' } },
    });
    expect(pod.containers[0].args.slice(0, 2)).toEqual(['--model', 'llama-3.1-8b-instruct']);
    expect(chat.spec.template.metadata.labels[demoLabels.endpoint]).toBe('llama-8b-chat');
    const tgi = store.get(refs.deployments, 'llm', 'mixtral-chat')!;
    expect(tgi.spec.template.spec.containers[0].args.slice(0, 2)).toEqual([
      '--model-id',
      'mixtral-8x7b-instruct',
    ]);
  });

  it('puts one Service in front of a group and selects it by app', () => {
    const support = store.get(refs.services, 'support', 'support-bot')!;
    expect(support.spec.selector).toEqual({ app: 'support-bot' });
    const members = store.list(refs.deployments, { namespace: 'support', labelSelector: 'app=support-bot' });
    expect(members.map((d) => d.metadata.name)).toEqual(['support-bot-2024-10', 'support-bot-2024-11']);
  });

  it('makes an InferenceService per KServe group whose revisions are the per-version Deployments', () => {
    const isvc = store.get(refs.inferenceservices, 'llm', 'llama-70b-chat')!;
    expect(isvc.spec.predictor).toMatchObject({
      canaryTrafficPercent: 10,
      model: { modelFormat: { name: 'huggingface' }, runtime: 'kserve-huggingfaceserver' },
    });
    expect(isvc.spec.predictor.model.storageUri).toBe('s3://fleetdeck-demo-models/llama-3.1-70b-instruct/v2');
    for (const version of ['v1', 'v2']) {
      const endpoint = fleet.endpoints.find(
        (e) => e.cluster === 'prod-us-east' && e.name === `llama-70b-chat-${version}`,
      )!;
      const deployment = store.get(refs.deployments, 'llm', deploymentNameFor(endpoint))!;
      expect(deployment.metadata.name).toBe(`llama-70b-chat-predictor-${version}`);
      expect(deployment.metadata.labels).toMatchObject({
        [demoLabels.kserveIsvc]: 'llama-70b-chat',
        'serving.knative.dev/revision': `llama-70b-chat-predictor-${version}`,
        [demoLabels.endpoint]: `llama-70b-chat-${version}`,
      });
      expect(deployment.metadata.ownerReferences?.[0]).toMatchObject({
        kind: 'InferenceService',
        uid: isvc.metadata.uid,
      });
    }
  });

  it('leaves the canary percent off a single-version InferenceService', () => {
    const euWest = createClusterObjectStore('prod-eu-west');
    seedCluster(euWest, fleet, 'prod-eu-west');
    expect(
      euWest.get(refs.inferenceservices, 'llm', 'llama-70b-chat')!.spec.predictor.canaryTrafficPercent,
    ).toBeUndefined();
  });

  it('refuses an unknown cluster name', () => {
    expect(() => seedCluster(createClusterObjectStore('x'), fleet, 'nowhere')).toThrow(
      /no cluster named "nowhere"/,
    );
  });
});
