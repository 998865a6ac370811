/**
 * Canonical inventory records, whatever the source. Providers produce them; the fleet service
 * merges them with metrics, health and spend into the Endpoint records of the contract.
 */
export interface ClusterRecord {
  /** Kubeconfig context or cloud account id. */
  id: string;
  name: string;
  kind: 'kubernetes' | 'cloud' | 'hosted';
  region: string;
  cloud: string | null;
}

export interface NodeRecord {
  /** `<cluster>:<node name>` */
  id: string;
  name: string;
  cluster: string;
  region: string;
  zone: string | null;
  instanceType: string | null;
  gpuProduct: string | null;
  gpuCapacity: number;
  gpuAllocated: number;
  ready: boolean;
  /** Conditions and recent GPU faults in words, e.g. "Xid 79 on GPU 3". */
  problems: string[];
  hourlyPriceUsd: number | null;
  /**
   * Where the node's GPU exporter (DCGM) serves /metrics, when known: the dcgm-exporter pod on
   * the node, or the demo's node annotation `fleetdeck.io/dcgm-metrics-url`.
   */
  metricsUrl?: string | null;
}

export interface PodRecord {
  name: string;
  node: string | null;
  phase: string;
  ready: boolean;
  restarts: number;
  /** Where its /metrics is served (prometheus.io annotations), when known. */
  metricsUrl: string | null;
  /** The runtime's own metric naming: vllm, tgi, triton. */
  runtime: string;
}

export interface EndpointRecord {
  /** Stable: `<cluster>:<namespace>:<name>`, or `<source>:<model>` for hosted APIs. */
  id: string;
  name: string;
  model: string;
  version: string;
  cluster: string;
  region: string;
  namespace: string | null;
  runtime: string;
  target: { kind: string; name: string };
  group: string | null;
  trafficPercent: number | null;
  replicas: { desired: number; ready: number };
  gpusPerReplica: number;
  gpuType: string | null;
  nodes: string[];
  pods: PodRecord[];
  url: string | null;
  /** Per-token prices for hosted APIs (USD per token). */
  tokenPrice?: { input: number; output: number } | null;
}

export interface EventRecord {
  /** `<cluster>:<namespace>:<event name>` */
  id: string;
  cluster: string;
  /** The endpoint or node the event is about, when it maps to one. */
  subject: string | null;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  at: number;
  count: number;
}

export interface InventorySnapshot {
  clusters?: ClusterRecord[];
  nodes?: NodeRecord[];
  endpoints?: EndpointRecord[];
  events?: EventRecord[];
  /** With `partial`, ids to remove: `{kind, id}`. */
  deleted?: Array<{ kind: 'cluster' | 'node' | 'endpoint' | 'event'; id: string }>;
}

export interface InventoryView {
  endpoints(): readonly EndpointRecord[];
  endpoint(id: string): EndpointRecord | undefined;
  nodes(): readonly NodeRecord[];
  node(id: string): NodeRecord | undefined;
  clusters(): readonly ClusterRecord[];
}
