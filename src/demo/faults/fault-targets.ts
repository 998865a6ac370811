import { FleetError } from '../../shared/errors/fleet-error';
import type { DemoFaultKind } from '../fleet-definition';
import type { ClusterObjectStore } from '../kube/object-store.types';
import { refs } from '../kube/object-store.types';
import type { FaultEndpointRef, FaultNodeRef } from './fault-injector';

/**
 * Validating `demo.fault` requests: the kind, and the target (an endpoint id, or a GPU node for
 * gpu_xid). Every rejection names what was given and says how to find a valid one.
 */
const where = 'demo.fault';

export const faultKinds = [
  'latency_spike',
  'error_burst',
  'crash_loop',
  'gpu_xid',
  'traffic_surge',
  'cost_spike',
] as const satisfies readonly DemoFaultKind[];

export function validKind(kind: unknown): DemoFaultKind {
  if (typeof kind === 'string' && (faultKinds as readonly string[]).includes(kind)) {
    return kind as DemoFaultKind;
  }
  throw new FleetError({
    code: 'bad_request',
    message: `Unknown fault kind ${JSON.stringify(kind)}.`,
    where,
    hint: `Use one of: ${faultKinds.join(', ')}.`,
  });
}

export function resolveEndpoint(
  stores: readonly ClusterObjectStore[],
  endpoints: ReadonlyMap<string, FaultEndpointRef>,
  kind: DemoFaultKind,
  target: unknown,
): FaultEndpointRef {
  const found = typeof target === 'string' ? endpoints.get(target) : undefined;
  if (found) return found;
  const isNode = typeof target === 'string' && findNodes(stores, target).length > 0;
  const example = endpoints.keys().next().value ?? 'prod-us-east:llm:llama-8b-chat';
  throw new FleetError({
    code: 'not_found',
    message: isNode
      ? `${kind} targets an endpoint, but ${JSON.stringify(target)} is a node (only gpu_xid targets nodes).`
      : `No demo endpoint ${JSON.stringify(target)} for ${kind}.`,
    where,
    hint:
      `Endpoint ids look like <cluster>:<namespace>:<name>, e.g. ${example}. List them with ` +
      '`fleetdeck fleet endpoints`, or with `kubectl get deploy,inferenceservices -A -L fleetdeck.io/endpoint` ' +
      '(the label holds the id).',
  });
}

/** A node by name across the demo clusters, or `<cluster>/<node>` when the name is ambiguous. */
export function resolveNode(
  stores: readonly ClusterObjectStore[],
  endpoints: ReadonlyMap<string, FaultEndpointRef>,
  target: unknown,
): FaultNodeRef {
  const name = typeof target === 'string' ? target : '';
  const found = findNodes(stores, name);
  const clusters = stores.map((s) => s.clusterName);
  const listHint = `List GPU nodes with \`kubectl --context ${clusters[0] ?? '<cluster>'} get nodes -L nvidia.com/gpu.product\` (contexts: ${clusters.join(', ')}).`;
  if (found.length === 1) {
    const node = found[0]!;
    const gpus = Number(node.gpus);
    if (!(gpus > 0)) {
      throw new FleetError({
        code: 'bad_request',
        message: `Node ${JSON.stringify(name)} in ${node.cluster} has no GPUs, so it cannot report an Xid error.`,
        where,
        hint: listHint,
      });
    }
    return { cluster: node.cluster, name: node.name };
  }
  if (found.length > 1) {
    throw new FleetError({
      code: 'bad_request',
      message: `Node name ${JSON.stringify(name)} exists in several clusters: ${found.map((n) => n.cluster).join(', ')}.`,
      where,
      hint: `Say which, as <cluster>/<node>, e.g. ${found[0]!.cluster}/${name}.`,
    });
  }
  const isEndpoint = endpoints.has(name);
  throw new FleetError({
    code: 'not_found',
    message: isEndpoint
      ? `gpu_xid targets a GPU node, but ${JSON.stringify(name)} is an endpoint.`
      : `No GPU node ${JSON.stringify(target)} in the demo clusters.`,
    where,
    hint: listHint,
  });
}

function findNodes(
  stores: readonly ClusterObjectStore[],
  target: string,
): Array<{ cluster: string; name: string; gpus: unknown }> {
  const slash = target.indexOf('/');
  const wantCluster = slash > 0 ? target.slice(0, slash) : undefined;
  const name = slash > 0 ? target.slice(slash + 1) : target;
  if (!name) return [];
  const out: Array<{ cluster: string; name: string; gpus: unknown }> = [];
  for (const store of stores) {
    if (wantCluster && store.clusterName !== wantCluster) continue;
    const node = store.get(refs.nodes, undefined, name);
    if (!node) continue;
    const gpus = node.status?.capacity?.['nvidia.com/gpu'] ?? node.status?.allocatable?.['nvidia.com/gpu'];
    out.push({ cluster: store.clusterName, name, gpus });
  }
  return out;
}
