/**
 * How the rollout engine moves traffic (issue 6), whatever serves the endpoint: KServe
 * `canaryTrafficPercent`, plain Deployments (replica ratio behind one Service) here, and later
 * SageMaker variant weights or a Vertex AI traffic split behind the same interface.
 */
export interface TrafficSplit {
  /** Percent of requests the candidate gets now, as the target reports it. */
  candidatePercent: number;
  stableReplicas: number | null;
  candidateReplicas: number | null;
  /** The candidate's endpoint id in the fleet (same deployment group), once it exists. */
  candidateEndpointId: string | null;
}

export interface TrafficTarget {
  readonly kind: 'kserve' | 'deployment';
  /** For the decision log and errors: "Deployment prod-us-east/chat/support-bot-2025-01 (replica ratio)". */
  describe(): string;
  /**
   * The split as the cluster has it now. Throws a FleetError (conflict) when the target no longer
   * matches the plan (an object is gone, the versions changed): the engine then stops the rollout
   * in a clear state instead of acting on a guess.
   */
  read(): Promise<TrafficSplit>;
  /** Brings the candidate up (blue-green: at full size) without sending it traffic yet. */
  prepare(options: { fullSize: boolean }): Promise<TrafficSplit>;
  /** Sends `percent` of traffic to the candidate. Idempotent: the same call twice changes nothing. */
  setWeight(percent: number): Promise<TrafficSplit>;
  /** The candidate becomes the stable version (all traffic); the old version stays up until retireOld. */
  promote(): Promise<TrafficSplit>;
  /** Scales the old (replaced) version down after a promotion. */
  retireOld(): Promise<void>;
  /** All traffic back on stable and the candidate scaled down. Safe to repeat. */
  abort(): Promise<TrafficSplit>;
}

/** Finds the traffic controls of a plan's endpoint (through the provider that discovered it). */
export interface TrafficTargetResolver {
  resolve(plan: {
    endpointId: string;
    stableVersion: string;
    candidateVersion: string;
    candidateReplicas: number | null;
  }): Promise<TrafficTarget>;
}
