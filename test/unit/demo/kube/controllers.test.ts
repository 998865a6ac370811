import { afterEach, describe, expect, it } from 'vitest';
import {
  startClusterControllers,
  type ClusterControllers,
} from '../../../../src/demo/kube/controllers/cluster-controllers';
import { createClusterObjectStore, type KubeObjectStore } from '../../../../src/demo/kube/object-store';
import { demoLabels, refs, type KubeObject } from '../../../../src/demo/kube/object-store.types';
import { seedCluster } from '../../../../src/demo/kube/seed';
import { tinyFleet } from './fixtures';

let controllers: ClusterControllers | undefined;
afterEach(() => controllers?.stop());

function cluster(
  definition: ReturnType<typeof tinyFleet>,
  options: Parameters<typeof startClusterControllers>[1] = {},
) {
  const store = createClusterObjectStore('test');
  controllers = startClusterControllers(store, { readyDelayMs: 0, ...options });
  seedCluster(store, definition, 'test');
  return { store, controllers };
}

const pods = (store: KubeObjectStore, deployment: string) =>
  store.list(refs.pods, { namespace: 'llm', labelSelector: `app.kubernetes.io/instance=${deployment}` });
const eventsFor = (store: KubeObjectStore, name: string, reason: string) =>
  store.list(refs.events, { fieldSelector: `involvedObject.name=${name},reason=${reason}` });
const condition = (object: KubeObject | undefined, type: string) =>
  (object?.status?.conditions ?? []).find((c: { type: string }) => c.type === type);

describe('deployment, replicaset, scheduler and kubelet', () => {
  it('creates replicas as named, labelled, owned pods that become Running and Ready', async () => {
    const { store, controllers } = cluster(tinyFleet([{ name: 'chat', replicas: 3 }]), {
      podBaseUrl: (c, ns, pod) => `http://127.0.0.1:4242/${c}/${ns}/${pod}/`,
    });
    await controllers.idle();
    const list = pods(store, 'chat');
    expect(list).toHaveLength(3);
    const rs = store.list(refs.replicasets, { namespace: 'llm' })[0]!;
    for (const pod of list) {
      expect(pod.metadata.name).toMatch(
        new RegExp(`^chat-${rs.metadata.labels!['pod-template-hash']}-[a-z0-9]{5}$`),
      );
      expect(pod.metadata.labels?.[demoLabels.endpoint]).toBe('chat');
      expect(pod.metadata.ownerReferences?.[0]).toMatchObject({
        kind: 'ReplicaSet',
        name: rs.metadata.name,
        controller: true,
      });
      expect(pod.metadata.annotations).toMatchObject({
        [demoLabels.podBaseUrl]: `http://127.0.0.1:4242/test/llm/${pod.metadata.name}/`,
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': '4242',
        'prometheus.io/path': `/test/llm/${pod.metadata.name}/metrics`,
      });
      expect(pod.status.phase).toBe('Running');
      expect(pod.status.podIP).toBe('127.0.0.1');
      expect(condition(pod, 'Ready')?.status).toBe('True');
      expect(pod.status.containerStatuses[0]).toMatchObject({ name: 'vllm', ready: true, restartCount: 0 });
      expect(eventsFor(store, pod.metadata.name, 'Started')).toHaveLength(1);
      expect(eventsFor(store, pod.metadata.name, 'Scheduled')).toHaveLength(1);
    }
    const deployment = store.get(refs.deployments, 'llm', 'chat')!;
    expect(deployment.status).toMatchObject({
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(condition(deployment, 'Available')?.status).toBe('True');
    expect(condition(deployment, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    expect(eventsFor(store, 'chat', 'ScalingReplicaSet')[0]?.message).toMatch(
      /Scaled up replica set chat-\w+ from 0 to 3/,
    );
  });

  it('keeps a pod that does not fit Pending with a FailedScheduling event, and schedules it when room frees up', async () => {
    // 2 nodes x 4 GPUs; big takes 2 x 3 GPUs, leaving 1 free per node: a 2-GPU pod fits nowhere.
    const { store, controllers } = cluster(
      tinyFleet([
        { name: 'big', replicas: 2, gpusPerReplica: 3 },
        { name: 'late', replicas: 1, gpusPerReplica: 2 },
      ]),
    );
    await controllers.idle();
    const [pending] = pods(store, 'late');
    expect(pending?.status.phase).toBe('Pending');
    expect(pending?.spec.nodeName).toBeUndefined();
    expect(condition(pending, 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    const [failed] = eventsFor(store, pending!.metadata.name, 'FailedScheduling');
    expect(failed?.type).toBe('Warning');
    expect(failed?.message).toBe(
      '0/2 nodes are available: 2 Insufficient nvidia.com/gpu. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
    expect(store.get(refs.deployments, 'llm', 'late')?.status).toMatchObject({
      readyReplicas: 0,
      unavailableReplicas: 1,
    });

    store.modify(refs.deployments, 'llm', 'big', (draft) => void (draft.spec.replicas = 1));
    await controllers.idle();
    const [scheduled] = pods(store, 'late');
    expect(scheduled?.status.phase).toBe('Running');
    // GPU requests are summed per node: nothing is overcommitted.
    const perNode = new Map<string, number>();
    for (const pod of store.list(refs.pods)) {
      const gpus = Number(pod.spec.containers[0].resources.limits['nvidia.com/gpu']);
      perNode.set(pod.spec.nodeName, (perNode.get(pod.spec.nodeName) ?? 0) + gpus);
    }
    for (const used of perNode.values()) expect(used).toBeLessThanOrEqual(4);
  });

  it('schedules only onto nodes of the pod pool', async () => {
    const definition = tinyFleet([{ name: 'chat', replicas: 2, pool: 't4' }]);
    definition.clusters[0]!.nodePools.push({
      name: 't4',
      instanceType: 'g4dn.12xlarge',
      gpuProduct: 'Tesla-T4',
      gpusPerNode: 4,
      nodes: 1,
      hourlyPriceUsd: 3.91,
    });
    const { store, controllers } = cluster(definition);
    await controllers.idle();
    expect(pods(store, 'chat').map((pod) => pod.spec.nodeName)).toEqual(['test-t4-0', 'test-t4-0']);
  });

  it('rolls a new template out pod by pod and reports status as kubectl rollout status expects', async () => {
    const { store, controllers } = cluster(tinyFleet([{ name: 'chat', replicas: 4 }]));
    await controllers.idle();
    const before = new Set(pods(store, 'chat').map((pod) => pod.metadata.name));
    store.modify(
      refs.deployments,
      'llm',
      'chat',
      (draft) => void (draft.spec.template.spec.containers[0].image = 'vllm:new'),
    );
    const patched = store.get(refs.deployments, 'llm', 'chat')!;
    expect(patched.metadata.generation).toBe(2);
    expect(patched.status.observedGeneration).toBe(1); // the controller reacts on a later turn
    await controllers.idle();
    const after = store.get(refs.deployments, 'llm', 'chat')!;
    expect(after.status).toMatchObject({
      observedGeneration: 2,
      replicas: 4,
      updatedReplicas: 4,
      availableReplicas: 4,
    });
    expect(condition(after, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    expect(after.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    const now = pods(store, 'chat');
    expect(now.every((pod) => pod.spec.containers[0].image === 'vllm:new')).toBe(true);
    expect(now.some((pod) => before.has(pod.metadata.name))).toBe(false);
    const replicaSets = store.list(refs.replicasets, { namespace: 'llm' });
    expect(replicaSets.map((rs) => rs.spec.replicas).sort()).toEqual([0, 4]);
  });

  it('puts a deployment in CrashLoopBackOff and back', async () => {
    const { store, controllers } = cluster(tinyFleet([{ name: 'chat', replicas: 2 }]), {
      crashLoopIntervalMs: 20,
    });
    await controllers.idle();
    expect(controllers.setDeploymentCrashLoop('llm', 'chat', true)).toBe(true);
    const [pod] = pods(store, 'chat');
    await waitFor(() => (pods(store, 'chat')[0]?.status.containerStatuses[0].restartCount ?? 0) >= 3);
    const crashing = store.get(refs.pods, 'llm', pod!.metadata.name)!;
    expect(crashing.status.containerStatuses[0]).toMatchObject({
      ready: false,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
    });
    expect(condition(crashing, 'Ready')?.status).toBe('False');
    expect(eventsFor(store, pod!.metadata.name, 'BackOff')[0]?.count).toBeGreaterThanOrEqual(2);
    await waitFor(() => store.get(refs.deployments, 'llm', 'chat')?.status.readyReplicas === 0);

    controllers.setDeploymentCrashLoop('llm', 'chat', false);
    await waitFor(() => store.get(refs.deployments, 'llm', 'chat')?.status.readyReplicas === 2);
    const recovered = store.get(refs.pods, 'llm', pod!.metadata.name)!;
    expect(recovered.status.containerStatuses[0].state.running).toBeDefined();
    expect(recovered.status.containerStatuses[0].restartCount).toBeGreaterThanOrEqual(3);
  });

  it('marks a GPU failure on a node with a condition, an Xid event and fewer allocatable GPUs', async () => {
    const { store, controllers } = cluster(tinyFleet([{ name: 'chat', replicas: 1 }]));
    await controllers.idle();
    expect(controllers.setNodeGpuFailure('test-a10g-1', true, { xid: 79, gpus: 2 })).toBe(true);
    const node = store.get(refs.nodes, undefined, 'test-a10g-1')!;
    expect(condition(node, 'GpuXidError')).toMatchObject({ status: 'True', reason: 'Xid79' });
    expect(node.status.allocatable['nvidia.com/gpu']).toBe('2');
    const [event] = eventsFor(store, 'test-a10g-1', 'GpuXidError');
    expect(event).toMatchObject({ type: 'Warning', metadata: { namespace: 'default' } });
    expect(event?.message).toContain('Xid');
    expect(event?.message).toContain('79');
    controllers.setNodeGpuFailure('test-a10g-1', false);
    const healed = store.get(refs.nodes, undefined, 'test-a10g-1')!;
    expect(condition(healed, 'GpuXidError')?.status).toBe('False');
    expect(healed.status.allocatable['nvidia.com/gpu']).toBe('4');
    expect(controllers.setNodeGpuFailure('no-such-node', true)).toBe(false);
  });

  it('garbage-collects ReplicaSets and pods when their Deployment is deleted', async () => {
    const { store, controllers } = cluster(tinyFleet([{ name: 'chat', replicas: 2 }]));
    await controllers.idle();
    store.delete(refs.deployments, 'llm', 'chat');
    await controllers.idle();
    expect(store.list(refs.replicasets, { namespace: 'llm' })).toEqual([]);
    expect(pods(store, 'chat')).toEqual([]);
  });

  it('deletes what a Namespace held when the Namespace goes', async () => {
    const { store, controllers } = cluster(tinyFleet([{ name: 'chat', replicas: 2 }]));
    await controllers.idle();
    store.delete(refs.namespaces, undefined, 'llm');
    await controllers.idle();
    for (const ref of [refs.deployments, refs.replicasets, refs.pods, refs.services, refs.events]) {
      expect(store.list(ref, { namespace: 'llm' })).toEqual([]);
    }
  });
});

describe('kserve controller', () => {
  const canaryFleet = () =>
    tinyFleet([
      { name: 'chat-v1', version: 'v1', target: 'kserve', group: 'chat', replicas: 2, trafficPercent: 80 },
      { name: 'chat-v2', version: 'v2', target: 'kserve', group: 'chat', replicas: 1, trafficPercent: 20 },
    ]);

  it('splits traffic between the previous and the latest revision by canaryTrafficPercent', async () => {
    const { store, controllers } = cluster(canaryFleet());
    await controllers.idle();
    const isvc = store.get(refs.inferenceservices, 'llm', 'chat')!;
    expect(isvc.spec.predictor.canaryTrafficPercent).toBe(20);
    expect(isvc.status.components.predictor).toMatchObject({
      latestCreatedRevision: 'chat-predictor-v2',
      latestReadyRevision: 'chat-predictor-v2',
      latestRolledoutRevision: 'chat-predictor-v1',
      traffic: [
        { revisionName: 'chat-predictor-v2', percent: 20, latestRevision: true, tag: 'latest' },
        { revisionName: 'chat-predictor-v1', percent: 80, latestRevision: false, tag: 'prev' },
      ],
    });
    expect(isvc.status.url).toBe('http://chat.llm.example.com');
    for (const type of ['Ready', 'PredictorReady', 'IngressReady'])
      expect(condition(isvc, type)?.status).toBe('True');
    const revisions = store.list(refs.deployments, {
      namespace: 'llm',
      labelSelector: `${demoLabels.kserveIsvc}=chat`,
    });
    expect(revisions.map((d) => d.metadata.labels?.['serving.knative.dev/revision'])).toEqual([
      'chat-predictor-v1',
      'chat-predictor-v2',
    ]);
  });

  it('follows a changed canary percent and promotes the latest revision when the field is removed', async () => {
    const { store, controllers } = cluster(canaryFleet());
    await controllers.idle();
    store.modify(
      refs.inferenceservices,
      'llm',
      'chat',
      (draft) => void (draft.spec.predictor.canaryTrafficPercent = 50),
    );
    await controllers.idle();
    expect(
      store
        .get(refs.inferenceservices, 'llm', 'chat')!
        .status.components.predictor.traffic.map((t: { percent: number }) => t.percent),
    ).toEqual([50, 50]);
    store.modify(
      refs.inferenceservices,
      'llm',
      'chat',
      (draft) => void delete draft.spec.predictor.canaryTrafficPercent,
    );
    await controllers.idle();
    expect(store.get(refs.inferenceservices, 'llm', 'chat')!.status.components.predictor).toMatchObject({
      traffic: [{ revisionName: 'chat-predictor-v2', percent: 100, latestRevision: true }],
      latestRolledoutRevision: 'chat-predictor-v2',
      previousRolledoutRevision: 'chat-predictor-v1',
    });
  });

  it('hands traffic back to the previous rolled-out revision when the promoted one is scaled to zero', async () => {
    const { store, controllers } = cluster(canaryFleet());
    await controllers.idle();
    store.modify(
      refs.inferenceservices,
      'llm',
      'chat',
      (draft) => void delete draft.spec.predictor.canaryTrafficPercent,
    );
    await controllers.idle();
    // A rollout aborted after its promotion: canary 0 and the promoted revision scaled away.
    store.modify(
      refs.inferenceservices,
      'llm',
      'chat',
      (draft) => void (draft.spec.predictor.canaryTrafficPercent = 0),
    );
    store.modify(refs.deployments, 'llm', 'chat-predictor-v2', (draft) => void (draft.spec.replicas = 0));
    await controllers.idle();
    await waitFor(() => pods(store, 'chat-predictor-v2').length === 0);
    await controllers.idle();
    expect(store.get(refs.inferenceservices, 'llm', 'chat')!.status.components.predictor).toMatchObject({
      traffic: [{ revisionName: 'chat-predictor-v1', percent: 100 }],
      latestRolledoutRevision: 'chat-predictor-v1',
      previousRolledoutRevision: 'chat-predictor-v2',
    });
  });

  it('is not Ready while no revision has an available replica', async () => {
    const { store, controllers } = cluster(
      tinyFleet([{ name: 'solo', target: 'kserve', replicas: 1, gpusPerReplica: 8 }]),
    );
    await controllers.idle();
    const isvc = store.get(refs.inferenceservices, 'llm', 'solo')!;
    expect(condition(isvc, 'Ready')?.status).toBe('False');
    expect(isvc.status.components.predictor.traffic).toEqual([]);
  });
});

async function waitFor(predicate: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
