import type { DemoEndpoint } from '../fleet-definition';
import type { ClusterObjectStore } from '../kube/object-store.types';
import { refs } from '../kube/object-store.types';
import { deploymentNameFor } from '../kube/seed';

/**
 * Which members of a Deployment group the Service in front of them selects now, one flag per
 * member in member order. A Service's selector normally selects every version (the replica
 * ratio splits traffic), but a blue-green switch pins it to one version's pod label: then the
 * other version's pods stay up, warm, and get nothing, as kube-proxy would route. Undefined when
 * the Service or a selector is missing (the caller keeps the replica ratio).
 */
export function selectedMembers(
  store: ClusterObjectStore,
  namespace: string,
  service: string,
  members: ReadonlyArray<{ def: DemoEndpoint }>,
): boolean[] | undefined {
  const svc = store.get(refs.services, namespace, service);
  const selector = (svc?.spec as { selector?: Record<string, string> } | undefined)?.selector;
  if (!selector || Object.keys(selector).length === 0) return undefined;
  const pairs = Object.entries(selector);
  return members.map((m) => {
    const deployment = store.get(refs.deployments, namespace, deploymentNameFor(m.def));
    const spec = deployment?.spec as
      { template?: { metadata?: { labels?: Record<string, string> } } } | undefined;
    const labels = spec?.template?.metadata?.labels ?? {};
    return pairs.every(([key, value]) => labels[key] === value);
  });
}
