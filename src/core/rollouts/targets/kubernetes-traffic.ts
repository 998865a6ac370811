import type { Endpoint } from '../../../shared/contract/fleet.schema';
import { FleetError } from '../../../shared/errors/fleet-error';
import { loginShellEnv } from '../../env/login-shell-env';
import { KubeConnection } from '../../providers/kubernetes/kube-connection';
import { loadKubeconfig, type LoadedKubeconfig } from '../../providers/kubernetes/kubeconfig.loader';
import { errorMessage } from '../../providers/kubernetes/kube-errors';
import { mapSelects } from '../../providers/kubernetes/label-selectors';
import type { TrafficTarget, TrafficTargetResolver } from '../traffic-target';
import { DeploymentTrafficTarget } from './deployment-target';
import { KServeTrafficTarget, listRevisions } from './kserve-target';
import { KubeWriteClient, inferenceServiceRef, serviceRef } from './kube-write.client';
import { pinLabelFor, selectorsOf } from './service-pin';
import { conflict, recordedBase, viewDeployment, type DeploymentView } from './target-objects';

/**
 * Finds the traffic controls of a rollout's endpoint on the cluster the Kubernetes source
 * discovered it in (issue 6): a KServe InferenceService (canaryTrafficPercent) or two
 * Deployments of one model behind one Service (replica ratio). The endpoint's record says which
 * (target kind and name, group, cluster = kubeconfig context, source); the source's settings
 * say which kubeconfig. Connections are built exactly as the source builds them (KubeConnection:
 * credentials, exec plugins, proxies) and kept per kubeconfig and context.
 */
export type RolloutEndpoint = Pick<
  Endpoint,
  'id' | 'cluster' | 'namespace' | 'source' | 'sourceKind' | 'target' | 'group' | 'version'
>;

export interface KubernetesTrafficResolverOptions {
  /** The endpoint as the fleet knows it now (FleetService.endpoint). */
  endpoint(id: string): RolloutEndpoint | undefined;
  /**
   * A Kubernetes source's settings by source id (SourcesService.definitions()); undefined when
   * no such Kubernetes source is configured. No kubeconfigPath: KUBECONFIG, else ~/.kube/config.
   */
  kubernetesSource(sourceId: string): { kubeconfigPath?: string } | undefined;
  /** How long a change may take to show (pods ready, status reconciled); default 60 s. */
  settleTimeoutMs?: number;
  pollMs?: number;
  requestTimeoutMs?: number;
  /** The environment exec credential plugins run with (default: the login shell's). */
  execEnv?: () => Promise<NodeJS.ProcessEnv>;
  /** Where KUBECONFIG and the home directory come from (tests). */
  env?: NodeJS.ProcessEnv;
  home?: string;
}

export interface KubernetesTrafficResolver extends TrafficTargetResolver {
  /** Closes the connections it opened. */
  close(): Promise<void>;
}

export function createKubernetesTrafficResolver(
  options: KubernetesTrafficResolverOptions,
): KubernetesTrafficResolver {
  const clients = new Map<string, KubeWriteClient>();
  const settleTimeoutMs = options.settleTimeoutMs ?? 60_000;
  const pollMs = options.pollMs ?? 100;
  const execEnv = options.execEnv ?? (async () => (await loginShellEnv()).env);

  const load = (path: string | undefined): LoadedKubeconfig =>
    loadKubeconfig({ path, env: options.env, home: options.home });

  function clientFor(endpoint: RolloutEndpoint): KubeWriteClient {
    if (endpoint.sourceKind !== 'kubernetes') {
      throw new FleetError({
        code: 'bad_request',
        message: `${endpoint.id} comes from a ${endpoint.sourceKind} source, which has no traffic controls Fleetdeck can drive`,
        where: 'rollouts',
        hint: 'Rollouts run on Kubernetes endpoints: a KServe InferenceService, or Deployments of two versions behind one Service.',
      });
    }
    const source = options.kubernetesSource(endpoint.source);
    if (!source) {
      throw new FleetError({
        code: 'unavailable',
        message: `The Kubernetes source "${endpoint.source}" that found ${endpoint.id} is not configured any more`,
        where: 'rollouts',
        hint: 'Add the source again (Settings > Sources), then start or resume the rollout.',
      });
    }
    const key = `${source.kubeconfigPath ?? ''}\u0000${endpoint.cluster}`;
    let client = clients.get(key);
    if (!client) {
      const connect = () =>
        new KubeConnection(load(source.kubeconfigPath), endpoint.cluster, {
          reload: () => load(source.kubeconfigPath),
          execEnv,
        });
      try {
        client = new KubeWriteClient(endpoint.cluster, connect, options.requestTimeoutMs);
      } catch (error) {
        throw new FleetError({
          code: 'unavailable',
          message: `Cannot read the kubeconfig for context ${endpoint.cluster}: ${errorMessage(error)}`,
          where: `source ${endpoint.source}`,
          hint: 'Fix the kubeconfig the source names (Settings > Sources), then resume the rollout.',
        });
      }
      clients.set(key, client);
    }
    return client;
  }

  return {
    async resolve(plan): Promise<TrafficTarget> {
      const endpoint = options.endpoint(plan.endpointId);
      if (!endpoint) {
        throw new FleetError({
          code: 'not_found',
          message: `No endpoint ${plan.endpointId} in the fleet`,
          where: 'rollouts',
          hint: 'fleetdeck endpoints lists the ids; the endpoint may have been deleted or its source removed.',
        });
      }
      if (plan.stableVersion === plan.candidateVersion) {
        throw new FleetError({
          code: 'bad_request',
          message: `The stable and the candidate version are both ${plan.stableVersion}`,
          where: `rollout of ${endpoint.id}`,
        });
      }
      if (!endpoint.namespace) {
        throw new FleetError({
          code: 'bad_request',
          message: `${endpoint.id} has no namespace: it is not a Kubernetes workload`,
          where: 'rollouts',
        });
      }
      const client = clientFor(endpoint);
      const context = { client, namespace: endpoint.namespace, settleTimeoutMs, pollMs };
      if (endpoint.target.kind === 'InferenceService')
        return resolveKServe(context, endpoint.target.name, plan);
      if (endpoint.target.kind === 'Deployment') return resolveDeployments(context, endpoint, plan);
      throw new FleetError({
        code: 'bad_request',
        message: `${endpoint.id} is a ${endpoint.target.kind}; rollouts drive KServe InferenceServices and Deployments`,
        where: 'rollouts',
      });
    },
    async close() {
      const open = [...clients.values()];
      clients.clear();
      await Promise.all(open.map((client) => client.close()));
    },
  };
}

interface ResolveContext {
  client: KubeWriteClient;
  namespace: string;
  settleTimeoutMs: number;
  pollMs: number;
}

type Plan = Parameters<TrafficTargetResolver['resolve']>[0];

const oneOf = <T extends { name: string }>(
  found: T[],
  preferred: string | undefined,
  what: () => FleetError,
): T => {
  if (found.length === 1) return found[0]!;
  const named = found.find((item) => item.name === preferred);
  if (named) return named;
  throw what();
};

async function resolveDeployments(
  o: ResolveContext,
  endpoint: RolloutEndpoint,
  plan: Plan,
): Promise<TrafficTarget> {
  const { client, namespace } = o;
  const where = `Deployment ${client.context}/${namespace}/${endpoint.target.name}`;
  const serviceName = endpoint.group;
  if (!serviceName) {
    throw conflict(
      `${endpoint.id} is served alone: no Service in front of it selects another version`,
      where,
      `Create the candidate Deployment (version ${plan.candidateVersion}, scaled to 0) with pod labels the Service selects, then start the rollout.`,
    );
  }
  const service = await client.get(serviceRef(namespace, serviceName));
  // The group selector: after a switch the live one selects a single version (service-pin.ts).
  const selector = selectorsOf(service).group;
  if (!service || Object.keys(selector).length === 0) {
    throw conflict(
      `The Service ${namespace}/${serviceName} in front of ${endpoint.id} is ${service ? 'without a selector' : 'gone'}`,
      where,
      'A replica-ratio rollout needs one Service selecting the pods of both versions.',
    );
  }
  const members = (await client.list('/apis/apps/v1', 'deployments', namespace))
    .map((raw) => viewDeployment(raw, client.context))
    .filter((view): view is DeploymentView => !!view && mapSelects(selector, view.podLabels));
  const behind = `behind Service ${namespace}/${serviceName} (context ${client.context})`;
  const listing = members.map((m) => `${m.name} (${m.version})`).join(', ') || 'none';
  const version = (wanted: string, role: string) => {
    const found = members.filter((m) => m.version === wanted);
    if (found.length === 0) {
      return conflict(
        `No Deployment of version ${wanted} ${behind}`,
        where,
        role === 'candidate'
          ? `Create the candidate Deployment (scaled to 0) with pod labels the Service selects. Deployments there: ${listing}.`
          : `The stable version is not running there any more. Deployments there: ${listing}.`,
      );
    }
    return conflict(
      `Several Deployments run version ${wanted} ${behind}: ${found.map((m) => m.name).join(', ')}`,
      where,
      'Give each version its own Deployment, or start the rollout from the one you mean.',
    );
  };
  const stableFound = members.filter((m) => m.version === plan.stableVersion);
  const candidateFound = members.filter((m) => m.version === plan.candidateVersion);
  const stable = oneOf(stableFound, endpoint.target.name, () => version(plan.stableVersion, 'stable'));
  const candidate = oneOf(candidateFound, endpoint.target.name, () =>
    version(plan.candidateVersion, 'candidate'),
  );
  const base =
    recordedBase(candidate, stable.name) ?? (stable.desired > 0 ? stable.desired : candidate.desired || 1);
  return new DeploymentTrafficTarget({
    client,
    namespace,
    service: serviceName,
    stable: { name: stable.name, version: stable.version },
    candidate: { name: candidate.name, version: candidate.version },
    baseReplicas: base,
    totalReplicas: plan.candidateReplicas ?? base,
    settleTimeoutMs: o.settleTimeoutMs,
    pollMs: o.pollMs,
    pin: pinLabelFor(stable, candidate),
  });
}

async function resolveKServe(o: ResolveContext, name: string, plan: Plan): Promise<TrafficTarget> {
  const { client, namespace } = o;
  const where = `InferenceService ${client.context}/${namespace}/${name}`;
  const isvc = await client.get(inferenceServiceRef(namespace, name));
  if (!isvc) {
    throw conflict(
      `The InferenceService ${namespace}/${name} is gone`,
      where,
      `kubectl --context ${client.context} -n ${namespace} get isvc lists what is there.`,
    );
  }
  const revisions = await listRevisions(client, namespace, name);
  const listing = revisions.map((r) => `${r.revision} (${r.version})`).join(', ') || 'none';
  const find = (version: string, role: 'stable' | 'candidate') => {
    const found = revisions.filter((r) => r.version === version).at(-1);
    if (found) return found;
    throw conflict(
      `The InferenceService ${namespace}/${name} has no predictor revision of ${role} version ${version}`,
      where,
      role === 'candidate'
        ? `KServe makes a revision when spec.predictor changes: apply the candidate's model (storageUri or image) with canaryTrafficPercent: 0 first. Revisions: ${listing}.`
        : `Revisions: ${listing}.`,
    );
  };
  const stable = find(plan.stableVersion, 'stable');
  const candidate = find(plan.candidateVersion, 'candidate');
  const latest = revisions.at(-1)!;
  if (latest.revision !== candidate.revision) {
    throw conflict(
      `KServe sends canary traffic only to the latest revision of ${namespace}/${name}, which is ${latest.revision} (${latest.version}), not the candidate ${candidate.revision} (${candidate.version})`,
      where,
      'Roll out the latest version, or apply the candidate again so it becomes the latest revision.',
    );
  }
  const minReplicas = Number(
    ((isvc.spec ?? {}) as { predictor?: { minReplicas?: number } }).predictor?.minReplicas ?? 1,
  );
  const base =
    recordedBase(candidate.view, stable.deployment) ??
    (stable.view.desired > 0 ? stable.view.desired : Math.max(1, minReplicas));
  return new KServeTrafficTarget({
    client,
    namespace,
    isvc: name,
    stable,
    candidate,
    baseReplicas: base,
    candidateReplicas: plan.candidateReplicas ?? base,
    settleTimeoutMs: o.settleTimeoutMs,
    pollMs: o.pollMs,
  });
}
