import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetError } from '../../../src/shared/errors/fleet-error';
import {
  createKubernetesTrafficResolver,
  type KubernetesTrafficResolver,
  type RolloutEndpoint,
} from '../../../src/core/rollouts/targets/kubernetes-traffic';
import type { TrafficTarget } from '../../../src/core/rollouts/traffic-target';
import { startKubeApiServer } from '../../../src/demo/kube/api-server';
import { writeDemoKubeconfig } from '../../../src/demo/kube/kubeconfig';
import { kubectlAvailable, startDemoKube, type DemoKube } from '../demo/kube/kubectl-harness';

/**
 * The Kubernetes traffic targets of issue 6 against the simulated demo clusters, checked with
 * the real kubectl: replica ratios of two Deployments behind one Service, and KServe's
 * canaryTrafficPercent with the InferenceService's status traffic.
 */
let kube: DemoKube;
let resolver: KubernetesTrafficResolver;

// What the Kubernetes source reports for these endpoints (inventory.mapper.ts).
const endpoints: Record<string, RolloutEndpoint> = {
  'staging:llm:llama-8b-chat': {
    id: 'staging:llm:llama-8b-chat',
    cluster: 'staging',
    namespace: 'llm',
    source: 'demo',
    sourceKind: 'kubernetes',
    target: { kind: 'Deployment', name: 'llama-8b-chat' },
    group: 'llama-8b-chat',
    version: 'v1',
  },
  'staging:support:support-bot-2024-11': {
    id: 'staging:support:support-bot-2024-11',
    cluster: 'staging',
    namespace: 'support',
    source: 'demo',
    sourceKind: 'kubernetes',
    target: { kind: 'Deployment', name: 'support-bot-2024-11' },
    group: 'support-bot-stg',
    version: '2024-11',
  },
  'staging:llm:llama-70b-chat-v2': {
    id: 'staging:llm:llama-70b-chat-v2',
    cluster: 'staging',
    namespace: 'llm',
    source: 'demo',
    sourceKind: 'kubernetes',
    target: { kind: 'InferenceService', name: 'llama-70b-chat' },
    group: 'llama-70b-chat',
    version: 'v2',
  },
  'prod-us-east:llm:llama-70b-chat-v1': {
    id: 'prod-us-east:llm:llama-70b-chat-v1',
    cluster: 'prod-us-east',
    namespace: 'llm',
    source: 'demo',
    sourceKind: 'kubernetes',
    target: { kind: 'InferenceService', name: 'llama-70b-chat' },
    group: 'llama-70b-chat',
    version: 'v1',
  },
};

beforeAll(async () => {
  kube = await startDemoKube({ readyDelayMs: 30 });
  resolver = createKubernetesTrafficResolver({
    endpoint: (id) => endpoints[id],
    kubernetesSource: (id) => (id === 'demo' ? { kubeconfigPath: kube.kubeconfig } : undefined),
    execEnv: async () => process.env,
    settleTimeoutMs: 20_000,
    pollMs: 25,
  });
});

afterAll(async () => {
  await resolver?.close();
  await kube?.close();
});

const kubectl = async (...args: string[]) => {
  const result = await kube.kubectl(['--context', 'staging', ...args]);
  expect(result.stderr).toBe('');
  return result.stdout.trim();
};
/** `<replicas>` of each Deployment, as kubectl prints them. */
const replicas = (namespace: string, ...names: string[]) =>
  kubectl(
    '-n',
    namespace,
    'get',
    'deploy',
    ...names,
    '-o',
    'jsonpath={range .items[*]}{.spec.replicas} {end}',
  );
const canaryPercent = () =>
  kubectl(
    '-n',
    'llm',
    'get',
    'isvc',
    'llama-70b-chat',
    '-o',
    'jsonpath={.spec.predictor.canaryTrafficPercent}',
  );
const statusTraffic = () =>
  kubectl(
    '-n',
    'llm',
    'get',
    'inferenceservices',
    'llama-70b-chat',
    '-o',
    'jsonpath={range .status.components.predictor.traffic[*]}{.revisionName}={.percent} {end}',
  );

async function failure(run: () => Promise<unknown>): Promise<FleetError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(FleetError);
    return error as FleetError;
  }
  throw new Error('expected a FleetError');
}

// KServe first: its candidate revision needs a node with 4 free A10G GPUs, which the Deployment
// rollouts below (up to 7 pods at a promotion) may leave too fragmented.
describe.skipIf(!kubectlAvailable)('KServe targets: canaryTrafficPercent', () => {
  let target: TrafficTarget;

  it('resolves the candidate revision, which must be the latest one', async () => {
    target = await resolver.resolve({
      endpointId: 'staging:llm:llama-70b-chat-v2',
      stableVersion: 'v2',
      candidateVersion: 'v3',
      candidateReplicas: null,
    });
    expect(target.kind).toBe('kserve');
    expect(target.describe()).toContain(
      'revision llama-70b-chat-predictor-v2 (v2) -> llama-70b-chat-predictor-v3 (v3)',
    );
    expect(await target.read()).toEqual({
      candidatePercent: 0,
      stableReplicas: 1,
      candidateReplicas: 0,
      candidateEndpointId: 'staging:llm:llama-70b-chat-v3',
    });
    expect(await statusTraffic()).toBe('llama-70b-chat-predictor-v2=100');

    const older = await failure(() =>
      resolver.resolve({
        endpointId: 'prod-us-east:llm:llama-70b-chat-v1',
        stableVersion: 'v2',
        candidateVersion: 'v1',
        candidateReplicas: null,
      }),
    );
    expect(older.code).toBe('conflict');
    expect(older.message).toMatch(
      /canary traffic only to the latest revision .* llama-70b-chat-predictor-v2 \(v2\)/,
    );
  });

  it('setWeight patches canaryTrafficPercent and the status traffic follows (kubectl and read() agree)', async () => {
    const split = await target.setWeight(20);
    expect(split).toMatchObject({ candidatePercent: 20, stableReplicas: 1, candidateReplicas: 1 });
    expect(await canaryPercent()).toBe('20');
    expect(await statusTraffic()).toBe('llama-70b-chat-predictor-v3=20 llama-70b-chat-predictor-v2=80');
    expect(await target.read()).toEqual(split);
    expect(await target.setWeight(20)).toEqual(split);
    expect((await target.setWeight(40)).candidatePercent).toBe(40);
    expect(await statusTraffic()).toBe('llama-70b-chat-predictor-v3=40 llama-70b-chat-predictor-v2=60');
  });

  it('abort: canaryTrafficPercent 0, all traffic on the rolled-out revision, candidate scaled down; twice', async () => {
    const first = await target.abort();
    expect(first).toMatchObject({ candidatePercent: 0, stableReplicas: 1, candidateReplicas: 0 });
    expect(await canaryPercent()).toBe('0');
    expect(await statusTraffic()).toBe('llama-70b-chat-predictor-v2=100');
    expect(await replicas('llm', 'llama-70b-chat-predictor-v2', 'llama-70b-chat-predictor-v3')).toBe('1 0');
    expect(await target.abort()).toEqual(first);
  });

  it('promote removes canaryTrafficPercent (100 % latest); abort after it goes back; retireOld scales the old revision to 0', async () => {
    await target.setWeight(10);
    const promoted = await target.promote();
    expect(promoted).toMatchObject({ candidatePercent: 100, stableReplicas: 1, candidateReplicas: 1 });
    expect(await canaryPercent()).toBe('');
    expect(await statusTraffic()).toBe('llama-70b-chat-predictor-v3=100');

    // A failed post-promotion analysis switches back at once.
    expect(await target.abort()).toMatchObject({ candidatePercent: 0, candidateReplicas: 0 });
    expect(await statusTraffic()).toBe('llama-70b-chat-predictor-v2=100');

    await target.promote();
    await target.retireOld();
    expect(await replicas('llm', 'llama-70b-chat-predictor-v2', 'llama-70b-chat-predictor-v3')).toBe('0 1');
    expect(await target.read()).toMatchObject({ candidatePercent: 100, candidateReplicas: 1 });
  });

  it('a deleted candidate revision is a conflict that names it', async () => {
    await kubectl('-n', 'llm', 'delete', 'deploy', 'llama-70b-chat-predictor-v3');
    const gone = await failure(() => target.read());
    expect(gone.code).toBe('conflict');
    expect(gone.message).toBe(
      'The candidate Deployment llm/llama-70b-chat-predictor-v3 (version v3) is gone',
    );
  });
});

describe.skipIf(!kubectlAvailable)('Deployment targets: replica ratio behind one Service', () => {
  let target: TrafficTarget;

  it('resolves the two Deployments behind the Service and reads 0 % before anything moved', async () => {
    target = await resolver.resolve({
      endpointId: 'staging:llm:llama-8b-chat',
      stableVersion: 'v1',
      candidateVersion: 'v2',
      candidateReplicas: 4,
    });
    expect(target.kind).toBe('deployment');
    expect(target.describe()).toBe(
      'Deployments staging/llm/llama-8b-chat (v1) -> llama-8b-chat-v2 (v2), replica ratio behind Service llama-8b-chat',
    );
    expect(await target.read()).toEqual({
      candidatePercent: 0,
      stableReplicas: 1,
      candidateReplicas: 0,
      candidateEndpointId: 'staging:llm:llama-8b-chat-v2',
    });
  });

  it('setWeight scales both Deployments to the ratio (kubectl agrees), idempotently; read() agrees', async () => {
    const split = await target.setWeight(25);
    expect(split).toMatchObject({ candidatePercent: 25, stableReplicas: 3, candidateReplicas: 1 });
    expect(await replicas('llm', 'llama-8b-chat', 'llama-8b-chat-v2')).toBe('3 1');
    expect(await target.read()).toEqual(split);
    expect(await target.setWeight(25)).toEqual(split);

    // 10 % of 4 rounds to 0: clamped to one candidate pod, so a small canary still runs.
    expect((await target.setWeight(10)).candidateReplicas).toBe(1);
    expect(await target.setWeight(50)).toMatchObject({ candidatePercent: 50, stableReplicas: 2 });
    expect(await replicas('llm', 'llama-8b-chat', 'llama-8b-chat-v2')).toBe('2 2');
  });

  it('abort puts stable back at its size and the candidate at 0, and is safe to repeat', async () => {
    const first = await target.abort();
    expect(first).toMatchObject({ candidatePercent: 0, stableReplicas: 1, candidateReplicas: 0 });
    expect(await replicas('llm', 'llama-8b-chat', 'llama-8b-chat-v2')).toBe('1 0');
    expect(await target.abort()).toEqual(first);
    expect(await target.read()).toEqual(first);
    // The rollout's bookkeeping annotation is gone once it is over.
    expect(
      await kubectl(
        '-n',
        'llm',
        'get',
        'deploy',
        'llama-8b-chat-v2',
        '-o',
        'jsonpath={.metadata.annotations}',
      ),
    ).not.toContain('fleetdeck.io/rollout-base-replicas');
  });

  it('a console restarting mid-rollout resolves the same sizes from the cluster', async () => {
    await target.setWeight(75);
    expect(await replicas('llm', 'llama-8b-chat', 'llama-8b-chat-v2')).toBe('1 3');
    // Stable now runs 1 of 4: the base (1 before the rollout) comes from the candidate's annotation.
    const again = await resolver.resolve({
      endpointId: 'staging:llm:llama-8b-chat',
      stableVersion: 'v1',
      candidateVersion: 'v2',
      candidateReplicas: 4,
    });
    expect((await again.read()).candidatePercent).toBe(75);
    await again.abort();
    expect(await replicas('llm', 'llama-8b-chat', 'llama-8b-chat-v2')).toBe('1 0');
  });

  const selector = async () =>
    JSON.parse(
      (await kubectl('-n', 'llm', 'get', 'svc', 'llama-8b-chat', '-o', 'jsonpath={.spec.selector}')) || '{}',
    ) as Record<string, string>;
  const groupNote = () =>
    kubectl('-n', 'llm', 'get', 'svc', 'llama-8b-chat', '-o', 'jsonpath={.metadata.annotations}');

  it('promote switches all traffic at once (Service pinned to the candidate) while stable stays up, warm', async () => {
    const before = await selector();
    await target.setWeight(25);
    const promoted = await target.promote();
    // Stable keeps its 3 ready pods, but the Service selects only the candidate's: 100 %.
    expect(promoted).toMatchObject({ candidatePercent: 100, stableReplicas: 3, candidateReplicas: 4 });
    expect(await replicas('llm', 'llama-8b-chat', 'llama-8b-chat-v2')).toBe('3 4');
    expect(await selector()).toEqual({ ...before, 'fleetdeck.io/model-version': 'v2' });
    // The group's own selector is kept, so a restarted console still finds both versions.
    expect(await groupNote()).toContain('fleetdeck.io/group-selector');
    const again = await resolver.resolve({
      endpointId: 'staging:llm:llama-8b-chat',
      stableVersion: 'v1',
      candidateVersion: 'v2',
      candidateReplicas: 4,
    });
    expect((await again.read()).candidatePercent).toBe(100);

    // Switching back is as quick: abort pins stable (still warm), then sizes are restored.
    const back = await target.abort();
    expect(back).toMatchObject({ candidatePercent: 0, stableReplicas: 1, candidateReplicas: 0 });
    expect(await selector()).toEqual(before);
    expect(await groupNote()).not.toContain('fleetdeck.io/group-selector');
  });

  it('retireOld scales the old version to 0 after a switch and gives the Service its selector back', async () => {
    const before = await selector();
    await target.promote();
    await target.retireOld();
    expect(await replicas('llm', 'llama-8b-chat', 'llama-8b-chat-v2')).toBe('0 4');
    expect(await selector()).toEqual(before);
    expect(await target.read()).toMatchObject({
      candidatePercent: 100,
      stableReplicas: 0,
      candidateReplicas: 4,
    });
  });

  it('a deleted candidate or a changed version stops the rollout with a conflict that says what and where', async () => {
    const bot = await resolver.resolve({
      endpointId: 'staging:support:support-bot-2024-11',
      stableVersion: '2024-11',
      candidateVersion: '2024-12',
      candidateReplicas: null,
    });
    expect(await bot.setWeight(50)).toMatchObject({
      candidatePercent: 50,
      stableReplicas: 1,
      candidateReplicas: 1,
    });
    await kubectl('-n', 'support', 'delete', 'deploy', 'support-bot-2024-12');
    const gone = await failure(() => bot.read());
    expect(gone.code).toBe('conflict');
    expect(gone.message).toBe(
      'The candidate Deployment support/support-bot-2024-12 (version 2024-12) is gone',
    );
    expect(gone.where).toContain('staging/support');
    const unresolved = await failure(() =>
      resolver.resolve({
        endpointId: 'staging:support:support-bot-2024-11',
        stableVersion: '2024-11',
        candidateVersion: '2024-12',
        candidateReplicas: null,
      }),
    );
    expect(unresolved.code).toBe('conflict');
    expect(unresolved.message).toMatch(
      /No Deployment of version 2024-12 behind Service support\/support-bot-stg/,
    );
    // Abort still brings all traffic back to stable without the candidate.
    expect(await bot.abort()).toMatchObject({ candidatePercent: 0, stableReplicas: 2, candidateReplicas: 0 });

    await kubectl(
      '-n',
      'support',
      'label',
      '--overwrite',
      'deploy/support-bot-2024-11',
      'fleetdeck.io/model-version=2025-02',
    );
    const changed = await failure(() => bot.read());
    expect(changed.code).toBe('conflict');
    expect(changed.message).toMatch(
      /stable Deployment support\/support-bot-2024-11 now runs version 2025-02, not 2024-11/,
    );
  });
  it('a cluster back on another port with a new kubeconfig (a restarted demo) is reached again', async () => {
    const staging = kube.cluster('staging');
    const split = await target.read();
    await staging.server.close();
    const moved = await startKubeApiServer({ store: staging.store, token: staging.token });
    try {
      await writeDemoKubeconfig(
        kube.kubeconfig,
        kube.clusters.map((c) =>
          c === staging ? { ...c, url: moved.url, certificateAuthority: moved.certificateAuthority } : c,
        ),
      );
      expect(await target.read()).toEqual(split);
    } finally {
      await moved.close();
    }
  });
});
