import { escapeRegex, type LabelMatcher } from '../../../shared/fleet/promql';
import { isRuntimeName, type RuntimeName } from '../../../shared/fleet/runtime-metrics';
import type { EndpointRecord, InventoryView } from '../../fleet/inventory.types';
import type { PrometheusConfig } from './prometheus.config';

/**
 * Which endpoint a Prometheus series belongs to. Kubernetes service discovery labels series with
 * the pod's namespace and name; the inventory knows each endpoint's pods. A `fleetdeck_endpoint`
 * label (set by relabelling or a recording rule) names the endpoint directly and wins.
 */
export interface LabelNames {
  namespace: string;
  pod: string;
  cluster?: string;
  endpoint: string;
}

export interface IndexedEndpoint {
  id: string;
  /** Null for an endpoint known only by its label, until its names say which runtime it is. */
  runtime: RuntimeName | null;
  record: EndpointRecord | null;
}

export class EndpointIndex {
  private readonly byPod = new Map<string, IndexedEndpoint>();
  private readonly byId = new Map<string, IndexedEndpoint>();

  constructor(
    inventory: InventoryView,
    private readonly config: PrometheusConfig,
  ) {
    const clusters = config.clusters ? new Set(config.clusters) : null;
    for (const e of inventory.endpoints()) {
      if (clusters && !clusters.has(e.cluster)) continue;
      if (e.target.kind === 'hosted') continue;
      const entry: IndexedEndpoint = {
        id: e.id,
        runtime: isRuntimeName(e.runtime) ? e.runtime : null,
        record: e,
      };
      this.byId.set(e.id, entry);
      for (const pod of e.pods) {
        if (!entry.runtime && isRuntimeName(pod.runtime)) entry.runtime = pod.runtime;
        if (e.namespace) this.byPod.set(this.podKey(e.cluster, e.namespace, pod.name), entry);
      }
    }
  }

  get size(): number {
    return this.byId.size;
  }

  endpoints(): IterableIterator<IndexedEndpoint> {
    return this.byId.values();
  }

  get(id: string): IndexedEndpoint | undefined {
    return this.byId.get(id);
  }

  /** The endpoint for a series' labels; `names` are the label names used on that series. */
  find(labels: Record<string, string>, names: LabelNames): IndexedEndpoint | null {
    const direct = labels[names.endpoint];
    if (direct) {
      let entry = this.byId.get(direct);
      if (!entry) this.byId.set(direct, (entry = { id: direct, runtime: null, record: null }));
      return entry;
    }
    const ns = labels[names.namespace];
    const pod = labels[names.pod];
    if (!ns || !pod) return null;
    const cluster = names.cluster ? (labels[names.cluster] ?? '') : '';
    return this.byPod.get(this.podKey(cluster, ns, pod)) ?? null;
  }

  private podKey(cluster: string, namespace: string, pod: string): string {
    return this.config.labels.cluster
      ? `${cluster}\u0000${namespace}\u0000${pod}`
      : `${namespace}\u0000${pod}`;
  }
}

/** Label names on serving series and on DCGM series (which may carry `exported_*` names). */
export function labelNames(config: PrometheusConfig): { serving: LabelNames; gpu: LabelNames } {
  const serving: LabelNames = { ...config.labels };
  const gpu: LabelNames = config.gpuLabels ? { ...config.labels, ...config.gpuLabels } : serving;
  return { serving, gpu };
}

/** Grouping labels for a fleet-wide query: enough to find each series' endpoint. */
export function groupLabels(names: LabelNames): string[] {
  return [...(names.cluster ? [names.cluster] : []), names.namespace, names.pod, names.endpoint];
}

/**
 * Matchers that select one endpoint's series over a time range: its namespace and its pods. The
 * pods of a chart's range include ones replaced since (a rollout, a rescheduled pod), so besides
 * the current pod names the matcher also accepts siblings from the same owner: Deployment pods
 * are `<owner>-<replicaset hash>-<5 chars>`, StatefulSet pods `<owner>-<ordinal>`. Regexes in
 * PromQL are anchored, so `llama-...` never matches `llama-canary-...`'s pods.
 */
export function endpointMatchers(endpoint: IndexedEndpoint, names: LabelNames): LabelMatcher[] {
  const record = endpoint.record;
  if (!record || !record.namespace || record.pods.length === 0) {
    return [{ label: names.endpoint, op: '=', value: endpoint.id }];
  }
  const alternatives = new Set<string>();
  for (const pod of record.pods) {
    alternatives.add(escapeRegex(pod.name));
    const deployment = /^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$/.exec(pod.name);
    const statefulSet = /^(.+)-\d+$/.exec(pod.name);
    if (deployment) alternatives.add(`${escapeRegex(deployment[1]!)}-[a-z0-9]{6,10}-[a-z0-9]{5}`);
    else if (statefulSet) alternatives.add(`${escapeRegex(statefulSet[1]!)}-[0-9]+`);
  }
  const matchers: LabelMatcher[] = [
    { label: names.namespace, op: '=', value: record.namespace },
    { label: names.pod, op: '=~', value: [...alternatives].join('|') },
  ];
  if (names.cluster) matchers.unshift({ label: names.cluster, op: '=', value: record.cluster });
  return matchers;
}
