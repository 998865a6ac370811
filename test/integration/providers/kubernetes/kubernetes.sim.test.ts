import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fleetJson from '../../../../resources/demo/fleet.json' with { type: 'json' };
import type { KubernetesProvider } from '../../../../src/core/providers/kubernetes/kubernetes.provider';
import { deploymentNameFor } from '../../../../src/demo/kube/seed';
import {
  demoEndpointId,
  type DemoEndpoint,
  type DemoFleetDefinition,
} from '../../../../src/demo/fleet-definition';
import { refs } from '../../../../src/demo/kube/object-store.types';
import { freshDir } from '../../../support/tmp';
import {
  startProvider,
  type RecordingContext,
} from '../../../unit/core/providers/kubernetes/support/harness';
import { startSimFleet, type SimFleet } from './support/sim-fleet';

/**
 * The Kubernetes source against the demo's simulated API servers (real protocols: TLS, bearer
 * tokens, paginated lists, watches, bookmarks), seeded from resources/demo/fleet.json, with the
 * real kubectl making changes.
 */
const fleet = fleetJson as DemoFleetDefinition;
const KUBECTL = process.env.FLEETDECK_KUBECTL ?? '/usr/bin/kubectl';
const run = promisify(execFile);

describe('the Kubernetes source against the simulated demo clusters', () => {
  let sim: SimFleet;
  let tmp: { dir: string; cleanup(): void };
  let provider: KubernetesProvider | undefined;
  let ctx: RecordingContext;

  beforeAll(async () => {
    tmp = freshDir('fleetdeck-k8s-sim-');
    sim = await startSimFleet(fleet, tmp.dir);
  });
  afterAll(async () => {
    await sim?.close();
    tmp?.cleanup();
  });
  afterEach(async () => {
    await provider?.stop();
    provider = undefined;
  });

  const kubectl = (context: string, ...args: string[]) =>
    run(KUBECTL, ['--kubeconfig', sim.kubeconfigPath, '--context', context, ...args], { timeout: 30_000 });

  const settled = (def: DemoEndpoint) => {
    const e = ctx.endpoints.get(demoEndpointId(def));
    if (!e || e.replicas.ready !== def.replicas || e.pods.length !== def.replicas) return false;
    return def.target !== 'kserve' || e.trafficPercent === (def.trafficPercent ?? 100);
  };

  /** What the provider can know of a Service group's split: the annotation, else ready shares. */
  function expectedServiceShare(def: DemoEndpoint): number {
    const cluster = sim.cluster(def.cluster);
    const annotated = cluster.store.get(refs.deployments, def.namespace, deploymentNameFor(def))?.metadata
      .annotations?.['fleetdeck.io/traffic-percent'];
    if (annotated !== undefined) return Number(annotated);
    const members = fleet.endpoints.filter(
      (e) => e.cluster === def.cluster && e.group === def.group && e.target === 'deployment',
    );
    const total = members.reduce((sum, e) => sum + e.replicas, 0);
    return Math.round((def.replicas / total) * 1000) / 10;
  }

  it('discovers all 26 endpoints with model, version, replicas, GPUs and traffic split, and the GPU nodes', async () => {
    ({ provider, ctx } = startProvider({ kubeconfigPath: sim.kubeconfigPath }, { batchMs: 100 }));
    await ctx.until(() => ctx.reports.length > 0, 'the full snapshot');
    expect(ctx.reports[0]!.partial).toBe(false);
    await ctx.until(
      () => fleet.endpoints.every(settled),
      'every endpoint ready with its traffic split',
      20_000,
    );

    expect(ctx.endpoints.size).toBe(26);
    expect(fleet.endpoints).toHaveLength(26);
    for (const def of fleet.endpoints) {
      const e = ctx.endpoints.get(demoEndpointId(def))!;
      const cluster = fleet.clusters.find((c) => c.name === def.cluster)!;
      const pool = cluster.nodePools.find((p) => p.name === def.pool)!;
      const expected = {
        name: def.name,
        model: def.model,
        version: def.version,
        runtime: def.runtime,
        cluster: def.cluster,
        region: cluster.region,
        namespace: def.namespace,
        replicas: { desired: def.replicas, ready: def.replicas },
        gpusPerReplica: def.gpusPerReplica,
        // Known from the nodes its pods run on; a version scaled to zero has none.
        gpuType: def.replicas > 0 ? pool.gpuProduct : null,
        group:
          def.group &&
          (def.target === 'kserve' ||
            fleet.endpoints.filter((o) => o.cluster === def.cluster && o.group === def.group).length > 1)
            ? def.group
            : null,
        trafficPercent:
          def.target === 'kserve'
            ? (def.trafficPercent ?? 100)
            : def.group
              ? expectedServiceShare(def)
              : null,
        target:
          def.target === 'kserve'
            ? { kind: 'InferenceService', name: def.group }
            : { kind: 'Deployment', name: def.name },
      };
      expect(
        { id: e.id, ...Object.fromEntries(Object.keys(expected).map((k) => [k, e[k as keyof typeof e]])) },
        def.name,
      ).toEqual({ id: demoEndpointId(def), ...expected });
      expect(e.pods.every((p) => p.metricsUrl?.endsWith('/metrics') && p.ready && p.node !== null)).toBe(
        true,
      );
      expect(e.nodes.every((n) => n.startsWith(`${def.cluster}-${def.pool}-`))).toBe(true);
    }

    // GPU nodes: every pool's nodes, with product, capacity, price, and what the pods hold.
    const nodeCount = fleet.clusters.reduce(
      (sum, c) => sum + c.nodePools.reduce((s, p) => s + p.nodes, 0),
      0,
    );
    expect(ctx.nodes.size).toBe(nodeCount);
    for (const cluster of fleet.clusters) {
      for (const pool of cluster.nodePools) {
        for (let i = 0; i < pool.nodes; i++) {
          expect(ctx.nodes.get(`${cluster.name}:${cluster.name}-${pool.name}-${i}`)).toMatchObject({
            gpuProduct: pool.gpuProduct,
            gpuCapacity: pool.gpusPerNode,
            instanceType: pool.instanceType,
            hourlyPriceUsd: pool.hourlyPriceUsd,
            region: cluster.region,
            ready: true,
          });
        }
      }
      const allocated = [...ctx.nodes.values()]
        .filter((n) => n.cluster === cluster.name)
        .reduce((sum, n) => sum + n.gpuAllocated, 0);
      const requested = fleet.endpoints
        .filter((e) => e.cluster === cluster.name)
        .reduce((sum, e) => sum + e.replicas * e.gpusPerReplica, 0);
      expect(allocated, cluster.name).toBe(requested);
      expect(ctx.clusters.get(cluster.name)).toEqual({
        id: cluster.name,
        name: cluster.name,
        kind: 'kubernetes',
        region: cluster.region,
        cloud: cluster.cloud,
      });
    }
    expect(ctx.status).toMatchObject({
      state: 'ok',
      reason: 'watching 3 contexts: prod-us-east, prod-eu-west, staging',
    });
  });

  it('kubectl scale shows up in the next partial report; kubectl annotate sets a Service group split', async () => {
    ({ provider, ctx } = startProvider(
      { kubeconfigPath: sim.kubeconfigPath, contexts: ['prod-us-east', 'staging'] },
      { batchMs: 100 },
    ));
    const id = 'prod-us-east:llm:llama-8b-chat';
    await ctx.until(
      () => ctx.endpoints.get(id)?.replicas.ready === 3 && ctx.status?.state === 'ok',
      'llama-8b-chat ready',
    );
    const before = ctx.reports.length;
    await kubectl('prod-us-east', '-n', 'llm', 'scale', 'deployment/llama-8b-chat', '--replicas=5');
    await ctx.until(
      () => ctx.reports.slice(before).some((r) => r.snapshot.endpoints?.some((e) => e.id === id)),
      'a partial report with the endpoint',
    );
    const next = ctx.reports.slice(before).find((r) => r.snapshot.endpoints?.some((e) => e.id === id))!;
    expect(next.partial).toBe(true);
    expect(next.snapshot.endpoints!.find((e) => e.id === id)!.replicas.desired).toBe(5);
    await ctx.until(
      () => ctx.endpoints.get(id)?.replicas.ready === 5 && ctx.endpoints.get(id)!.pods.length === 5,
      'five ready pods',
    );

    // The demo keeps Service-group weights in its world; an annotation is how Kubernetes says it.
    const stg = (name: string) => ctx.endpoints.get(`staging:support:${name}`)?.trafficPercent;
    await ctx.until(() => stg('support-bot-2024-11') !== undefined, 'staging support bots');
    await kubectl(
      'staging',
      '-n',
      'support',
      'annotate',
      '--overwrite',
      'deployment/support-bot-2024-11',
      'fleetdeck.io/traffic-percent=100',
    );
    await kubectl(
      'staging',
      '-n',
      'support',
      'annotate',
      '--overwrite',
      'deployment/support-bot-2024-12',
      'fleetdeck.io/traffic-percent=0',
    );
    await ctx.until(
      () => stg('support-bot-2024-11') === 100 && stg('support-bot-2024-12') === 0,
      'the annotated split',
    );
  });

  it('an API server killed and restarted: error with a reason, cached records kept, then recovery', async () => {
    ({ provider, ctx } = startProvider(
      { kubeconfigPath: sim.kubeconfigPath, contexts: ['staging'] },
      { batchMs: 100, backoff: { initialMs: 100, maxMs: 500 } },
    ));
    await ctx.until(
      () =>
        ctx.status?.state === 'ok' &&
        ctx.endpoints.size === fleet.endpoints.filter((e) => e.cluster === 'staging').length,
      'staging synced',
    );
    const cached = new Map(ctx.endpoints);
    const port = sim.cluster('staging').port;
    await sim.kill('staging');
    await ctx.until(
      () => ctx.status?.state === 'error' && /ECONNREFUSED/.test(ctx.status.reason),
      'error status',
    );
    expect(ctx.status!.reason).toMatch(
      new RegExp(
        `^context staging: cannot reach the API server at https://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED`,
      ),
    );
    expect(ctx.status!.retryAt).toBeGreaterThan(Date.now() - 1_000);
    expect(ctx.reports.flatMap((r) => r.snapshot.deleted ?? [])).toEqual([]);
    expect(ctx.endpoints).toEqual(cached);

    await sim.restart('staging');
    await ctx.until(() => ctx.status?.state === 'ok', 'recovered');
    await kubectl('staging', '-n', 'llm', 'scale', 'deployment/llama-8b-chat', '--replicas=2');
    await ctx.until(
      () => ctx.endpoints.get('staging:llm:llama-8b-chat')?.replicas.desired === 2,
      'watching again',
    );
    expect(ctx.endpoints.size).toBe(cached.size);
  });

  it('a GPU Xid on a node shows as a node problem and a Warning event about the node', async () => {
    ({ provider, ctx } = startProvider(
      { kubeconfigPath: sim.kubeconfigPath, contexts: ['prod-eu-west'] },
      { batchMs: 100 },
    ));
    const node = 'prod-eu-west-a100-0';
    await ctx.until(() => ctx.nodes.has(`prod-eu-west:${node}`) && ctx.status?.state === 'ok', 'nodes');
    sim.cluster('prod-eu-west').controllers.setNodeGpuFailure(node, true, { xid: 79 });
    try {
      await ctx.until(
        () => (ctx.nodes.get(`prod-eu-west:${node}`)?.problems ?? []).some((p) => /Xid.*79/.test(p)),
        'the Xid problem',
      );
      await ctx.until(
        () =>
          ctx.reports.some((r) =>
            r.snapshot.events?.some((e) => e.subject === `prod-eu-west:${node}` && e.type === 'Warning'),
          ),
        'a Warning event about the node',
      );
    } finally {
      sim.cluster('prod-eu-west').controllers.setNodeGpuFailure(node, false);
    }
    await ctx.until(
      () => !(ctx.nodes.get(`prod-eu-west:${node}`)?.problems ?? []).some((p) => p.startsWith('GpuXidError')),
      'the condition cleared',
    );
  });

  it('sources.test passes for every demo context', async () => {
    ({ provider } = startProvider({ kubeconfigPath: sim.kubeconfigPath }));
    const result = await provider.test();
    expect(result.ok).toBe(true);
    expect(result.details).toHaveLength(3);
    for (const line of result.details)
      expect(line).toMatch(
        /^ok: .*: reachable at https:\/\/127\.0\.0\.1:\d+ \(Kubernetes v1\.32\.4-fleetdeck-demo\); can list pods and deployments in all namespaces; KServe InferenceServices served$/,
      );
  });
});
