/**
 * The demo fleet's definition: clusters with GPU node pools, models with versions, and the
 * endpoints that serve them. `resources/demo/fleet.json` is one of these; `--demo-scale N`
 * generates a larger one. Everything the simulators serve (Kubernetes objects, model-server
 * metrics, OpenAI-compatible answers) is derived from it plus the current time and faults.
 */
export interface DemoFleetDefinition {
  apiVersion: 'fleetdeck.io/v1';
  kind: 'DemoFleet';
  /** Seed for the noise in traffic and latency, so runs are reproducible. */
  seed: number;
  clusters: DemoCluster[];
  models: DemoModel[];
  endpoints: DemoEndpoint[];
}

export interface DemoCluster {
  /** Also the kubeconfig context name. */
  name: string;
  cloud: 'aws' | 'gcp' | 'azure';
  region: string;
  zones: string[];
  nodePools: DemoNodePool[];
}

export interface DemoNodePool {
  name: string;
  instanceType: string;
  /** Value of the `nvidia.com/gpu.product` node label. */
  gpuProduct: string;
  gpusPerNode: number;
  nodes: number;
  /** On-demand USD per node-hour (also written as a node annotation). */
  hourlyPriceUsd: number;
}

export interface DemoModel {
  name: string;
  kind: 'chat' | 'code' | 'embedding' | 'fine-tuned';
  /** For fine-tuned models. */
  baseModel?: string;
  versions: Array<{ version: string; image: string }>;
  /** Mean tokens per request, for token counters and cost. */
  promptTokens: number;
  completionTokens: number;
}

export interface DemoEndpoint {
  cluster: string;
  namespace: string;
  /** Deployment or InferenceService name. */
  name: string;
  model: string;
  version: string;
  runtime: 'vllm' | 'tgi';
  /** How it is deployed: a KServe InferenceService or a plain Deployment behind a Service. */
  target: 'kserve' | 'deployment';
  /** Node pool its pods are scheduled on. */
  pool: string;
  replicas: number;
  gpusPerReplica: number;
  /** Requests per second one ready replica serves before queueing sets in. */
  capacityRpsPerReplica: number;
  /**
   * Mean offered load at the daily peak, requests per second, at the configured traffic share.
   * In a group the total (sum of members) is split by the current weights.
   */
  peakRps: number;
  /** End-to-end latency at low load, milliseconds (p50). */
  baseLatencyMs: number;
  /** Time to first token at low load, milliseconds (p50). */
  baseTtftMs: number;
  /** Errors at normal load, fraction 0..1. */
  baseErrorRate: number;
  /**
   * Two versions of one model behind one Service: the share of the model's traffic this
   * endpoint gets (0..100). For KServe, the candidate's share is `canaryTrafficPercent`.
   */
  trafficPercent?: number;
  /**
   * Versions of one model served together: the InferenceService name (kserve: each version is
   * a predictor revision) or the Service name in front of both Deployments. Offered load is
   * shared within a group by current traffic weight.
   */
  group?: string;
  /**
   * A candidate the demo can ship that is worse than stable: multiplies latency and adds
   * errors when it takes traffic (used by rollout tests).
   */
  quality?: { latencyFactor?: number; extraErrorRate?: number };
}

export type DemoFaultKind =
  'latency_spike' | 'error_burst' | 'crash_loop' | 'gpu_xid' | 'traffic_surge' | 'cost_spike';

export interface DemoFault {
  kind: DemoFaultKind;
  /** Endpoint id, or a node name for gpu_xid. */
  target: string;
  startedAt: number;
  endsAt: number;
}

/** Stable endpoint id: `<cluster>:<namespace>:<name>`; safe in URLs and shells. */
export const demoEndpointId = (e: Pick<DemoEndpoint, 'cluster' | 'namespace' | 'name'>) =>
  `${e.cluster}:${e.namespace}:${e.name}`;

/**
 * What the definition says a version does at low load, for tests that check a rollout's
 * analysis or A/B comparison against the simulator: its latency as a multiple of what the
 * same endpoint would show without `quality`, and its error rate (base + extra, 0..1).
 */
export function configuredQuality(e: Pick<DemoEndpoint, 'baseErrorRate' | 'quality'>): {
  latencyFactor: number;
  errorRate: number;
} {
  return {
    latencyFactor: e.quality?.latencyFactor ?? 1,
    errorRate: Math.min(1, e.baseErrorRate + (e.quality?.extraErrorRate ?? 0)),
  };
}

/** A version the demo ships for rollouts: built, taking no traffic, beside the stable one. */
export interface DemoRolloutCandidate {
  target: DemoEndpoint['target'];
  /** Endpoint ids. */
  stable: string;
  candidate: string;
  stableVersion: string;
  candidateVersion: string;
  /** Worse than stable by design (slower and/or more errors): its analysis should fail. */
  bad: boolean;
}

/**
 * Every group member that starts at 0 % (trafficPercent 0) is a candidate; the stable one is the
 * group's member with the most traffic. `resources/demo/fleet.json` ships a good and a bad one
 * for Deployments (staging llama-8b-chat v2, support-bot 2024-12) and a bad one for KServe
 * (staging llama-70b-chat v3); prod-us-east's llama-70b-chat v2 is a good KServe canary at 10 %.
 */
export function demoRolloutCandidates(fleet: Pick<DemoFleetDefinition, 'endpoints'>): DemoRolloutCandidate[] {
  const out: DemoRolloutCandidate[] = [];
  for (const e of fleet.endpoints) {
    if (!e.group || e.trafficPercent !== 0) continue;
    const stable = fleet.endpoints
      .filter((o) => o !== e && o.cluster === e.cluster && o.namespace === e.namespace && o.group === e.group)
      .sort((a, b) => (b.trafficPercent ?? 0) - (a.trafficPercent ?? 0))[0];
    if (!stable) continue;
    const q = configuredQuality(e);
    out.push({
      target: e.target,
      stable: demoEndpointId(stable),
      candidate: demoEndpointId(e),
      stableVersion: stable.version,
      candidateVersion: e.version,
      bad: q.latencyFactor > 1 || q.errorRate > configuredQuality(stable).errorRate,
    });
  }
  return out;
}
