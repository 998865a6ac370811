import type { DemoEndpoint } from '../fleet-definition';
import type { ClusterObjectStore } from '../kube/object-store.types';
import { refs } from '../kube/object-store.types';
import { deploymentNameFor } from '../kube/seed';

interface TrafficTarget {
  revisionName?: string;
  percent?: number;
  latestRevision?: boolean;
  tag?: string;
}

/**
 * The traffic split of a KServe group as the InferenceService reports it
 * (`status.components.predictor.traffic[]`, Knative TrafficTargets), one weight per member in
 * member order; undefined when the status has no traffic yet (the caller falls back to the
 * fleet's trafficPercent). A revision is matched to its member by the predictor Deployment the
 * seeded cluster names it after (`<isvc>-predictor-<version>`, kube/seed.ts); failing that, by a
 * revision named after the member, or one ending in its version.
 */
export function kserveTrafficWeights(
  store: ClusterObjectStore,
  namespace: string,
  name: string,
  members: ReadonlyArray<{ def: DemoEndpoint }>,
): number[] | undefined {
  const isvc = store.get(refs.inferenceservices, namespace, name);
  const traffic = isvc?.status?.components?.predictor?.traffic as TrafficTarget[] | undefined;
  if (!Array.isArray(traffic) || traffic.length === 0) return undefined;
  const weights = members.map(() => 0);
  let matched = false;
  for (const target of traffic) {
    const percent = typeof target.percent === 'number' ? target.percent : 0;
    const i = memberOf(target.revisionName ?? '', members);
    if (i < 0) continue;
    weights[i]! += percent;
    matched = true;
  }
  return matched ? weights : undefined;
}

function memberOf(revision: string, members: ReadonlyArray<{ def: DemoEndpoint }>): number {
  if (!revision) return -1;
  const exact = members.findIndex((m) => deploymentNameFor(m.def) === revision);
  if (exact >= 0) return exact;
  let best = -1;
  let bestLength = 0;
  for (let i = 0; i < members.length; i++) {
    const { name, version } = members[i]!.def;
    // Longest name wins, so "chat-v1" does not claim "chat-v10-predictor-00001".
    if ((revision === name || revision.startsWith(`${name}-`)) && name.length > bestLength) {
      best = i;
      bestLength = name.length;
    }
    if (best < 0 && (revision.endsWith(`-${version}`) || revision.includes(`-${version}-`))) best = i;
  }
  return best;
}
