import type { DemoFleetDefinition } from '../fleet-definition';
import { demoEndpointId } from '../fleet-definition';
import type { ClusterControllers } from '../kube/controllers/cluster-controllers';
import { deploymentNameFor } from '../kube/seed';
import type { FaultKubeHooks } from './fault-injector';

/**
 * Wires the fault injector to the simulated clusters' controllers (kube/controllers):
 * crash_loop -> the endpoint's Deployment crash-loops (KServe: its predictor revision), gpu_xid
 * -> the node gets its GpuXidError condition, Warning Event and fewer allocatable GPUs.
 * A hook that finds nothing to act on throws, so `demo.fault` reports it instead of pretending.
 */
export function kubeFaultHooks(
  fleet: DemoFleetDefinition,
  clusters: ReadonlyArray<{
    name: string;
    controllers: Pick<ClusterControllers, 'setDeploymentCrashLoop' | 'setNodeGpuFailure'>;
  }>,
): FaultKubeHooks {
  const endpoints = new Map(fleet.endpoints.map((e) => [demoEndpointId(e), e]));
  const controllersOf = (cluster: string) => {
    const found = clusters.find((c) => c.name === cluster);
    if (!found) throw new Error(`No simulated cluster "${cluster}" to apply the fault to.`);
    return found.controllers;
  };
  return {
    setCrashLoop(endpoint, active) {
      const def = endpoints.get(endpoint.id);
      const deployment = def ? deploymentNameFor(def) : endpoint.name;
      if (!controllersOf(endpoint.cluster).setDeploymentCrashLoop(endpoint.namespace, deployment, active)) {
        throw new Error(`Deployment ${endpoint.namespace}/${deployment} not found in ${endpoint.cluster}.`);
      }
    },
    setGpuXid(node, xid, active) {
      if (!controllersOf(node.cluster).setNodeGpuFailure(node.name, active, { xid })) {
        throw new Error(`Node ${node.name} not found in ${node.cluster}.`);
      }
    },
  };
}
