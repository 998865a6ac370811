import { FleetError } from '../../../shared/errors/fleet-error';
import { endpointNameOf } from '../../providers/kubernetes/inventory.mapper';
import { toWorkload } from '../../providers/kubernetes/kube-objects';
import { detectModelWorkload } from '../../providers/kubernetes/model-detection';
import { deploymentRef, type KubeObject, type KubeWriteClient } from './kube-write.client';

/**
 * What both Kubernetes traffic targets read off a Deployment: its model version exactly as the
 * inventory detects it (the `fleetdeck.io/model-version` label, else the image tag), replicas,
 * and the endpoint it is in the fleet. Plus the checks that stop a rollout when the cluster no
 * longer matches its plan (issue 6: "the target changed underneath it").
 */
export interface DeploymentView {
  name: string;
  namespace: string;
  model: string;
  version: string;
  desired: number;
  ready: number;
  /** The controller has seen the latest spec and every desired replica is ready. */
  settled: boolean;
  /** The pod template's labels: what a Service selects. */
  podLabels: Record<string, string>;
  annotations: Record<string, string>;
  endpointId: string;
}

export function viewDeployment(raw: KubeObject, context: string): DeploymentView | null {
  const workload = toWorkload('Deployment')(raw);
  if (!workload) return null;
  const model = detectModelWorkload(workload);
  const status = (raw.status ?? {}) as { observedGeneration?: number; updatedReplicas?: number };
  const observed = (status.observedGeneration ?? 0) >= (raw.metadata.generation ?? 0);
  return {
    name: workload.name,
    namespace: workload.namespace,
    model: model?.model ?? workload.name,
    version: model?.version ?? 'latest',
    desired: workload.desired,
    ready: workload.ready,
    settled: observed && workload.ready === workload.desired,
    podLabels: workload.templateLabels,
    annotations: workload.annotations,
    endpointId: `${context}:${workload.namespace}:${endpointNameOf(workload, context)}`,
  };
}

export function conflict(message: string, where: string, hint: string): FleetError {
  return new FleetError({ code: 'conflict', message, where, hint });
}

/**
 * Reads one Deployment of the rollout and checks it is still the version the plan names.
 * A missing object or a changed version is a conflict: the engine stops instead of guessing.
 */
export async function readVersioned(
  client: KubeWriteClient,
  namespace: string,
  name: string,
  role: 'stable' | 'candidate',
  version: string,
  where: string,
): Promise<DeploymentView> {
  const raw = await client.get(deploymentRef(namespace, name));
  const view = raw ? viewDeployment(raw, client.context) : null;
  if (!view) {
    throw conflict(
      `The ${role} Deployment ${namespace}/${name} (version ${version}) is gone`,
      where,
      `It was deleted or renamed while the rollout ran. Recreate it (kubectl -n ${namespace} get deploy) or abort the rollout.`,
    );
  }
  if (view.version !== version) {
    throw conflict(
      `The ${role} Deployment ${namespace}/${name} now runs version ${view.version}, not ${version} as the rollout plan says`,
      where,
      'Someone changed its image or fleetdeck.io/model-version label meanwhile; abort this rollout and start one for the versions the cluster runs.',
    );
  }
  return view;
}

/**
 * Where a target keeps the stable version's replica count from before the rollout, so a
 * console that restarts mid-rollout still knows what "all traffic back on stable" means.
 * Written on the candidate's Deployment (`<stable deployment>=<replicas>`) by the first change,
 * removed when the rollout is over (abort, retireOld).
 */
export const baseReplicasAnnotation = 'fleetdeck.io/rollout-base-replicas';

export function recordedBase(candidate: DeploymentView, stableName: string): number | null {
  const value = candidate.annotations[baseReplicasAnnotation];
  if (!value) return null;
  const [name, count] = value.split('=');
  const n = Number(count);
  return name === stableName && Number.isInteger(n) && n > 0 ? n : null;
}

export async function writeBase(
  client: KubeWriteClient,
  candidate: DeploymentView,
  stableName: string,
  replicas: number | null,
): Promise<void> {
  const value = replicas === null ? null : `${stableName}=${replicas}`;
  if ((candidate.annotations[baseReplicasAnnotation] ?? null) === value) return;
  await client.mergePatch(deploymentRef(candidate.namespace, candidate.name), {
    metadata: { annotations: { [baseReplicasAnnotation]: value } },
  });
}

/** Polls `check` until it holds or `timeoutMs` passes; true when it held. */
export async function settle(
  check: () => Promise<boolean>,
  timeoutMs: number,
  pollMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
