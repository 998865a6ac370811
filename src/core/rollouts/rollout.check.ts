import type { Endpoint } from '../../shared/contract/fleet.schema';
import type { RolloutAnalysis, RolloutPlan, RolloutProblem } from '../../shared/contract/rollout.schema';
import { isMetricName } from '../../shared/fleet/metrics';
import { closest } from '../runbooks/runbook.format';

/** The part of the fleet a plan is checked against (FleetService satisfies it). */
export interface FleetView {
  endpoint(id: string): Endpoint | undefined;
  all(): Endpoint[];
}

/** Targets whose traffic the engine can move in this build (issue 6). */
const kserve = (e: Endpoint) => e.target.kind === 'InferenceService';
const deployment = (e: Endpoint) => e.target.kind === 'Deployment';

/** What each derived metric is computed from; a missing source makes it unmeasurable. */
const derivedSources: Record<string, string[]> = {
  cost_per_1k_requests: ['spend_per_hour', 'request_rate'],
  tokens_per_request: ['tokens_in_rate', 'tokens_out_rate', 'request_rate'],
};

const problem = (field: string, message: string): RolloutProblem => ({
  line: null,
  column: null,
  field,
  message,
});

/**
 * Checks a parsed plan against the fleet as it is now: the endpoint exists and serves the stable
 * version, and the candidate version is deployed beside it in the same deployment group (the
 * same KServe InferenceService, or a Deployment behind the same Service) in the same cluster and
 * namespace. Fleetdeck moves traffic; it does not build the candidate. Problems carry the field
 * but no line (they are about the fleet, not the text); the caller can place them.
 */
export function checkPlanAgainstFleet(plan: RolloutPlan, fleet: FleetView): RolloutProblem[] {
  const problems: RolloutProblem[] = [];
  const stable = fleet.endpoint(plan.endpointId);
  if (!stable) {
    const ids = fleet.all().map((e) => e.id);
    const near = closest(plan.endpointId, ids);
    problems.push(
      problem(
        'spec.endpoint',
        `No endpoint '${plan.endpointId}' in the fleet.${near ? ` Did you mean '${near}'?` : ''} Ids are <cluster>:<namespace>:<name>, as 'fleetdeck endpoints' lists them.`,
      ),
    );
    return problems;
  }
  if (stable.version !== plan.stableVersion)
    problems.push(
      problem(
        'spec.stable.version',
        `${stable.name} serves version '${stable.version}', not '${plan.stableVersion}'; the stable version is the one serving now.`,
      ),
    );
  if (!kserve(stable) && !deployment(stable)) {
    problems.push(
      problem(
        'spec.endpoint',
        `${stable.name} is a ${stable.target.kind} (${stable.sourceKind}); rollouts move traffic on KServe InferenceServices and Kubernetes Deployments only.`,
      ),
    );
    return problems;
  }
  if (stable.group === null) {
    problems.push(
      problem(
        'spec.endpoint',
        kserve(stable)
          ? `${stable.name} has no canary revision to split traffic with.`
          : `${stable.name} is not in a deployment group: deploy the candidate as a Deployment behind the same Service (labelled with the same model), then validate again.`,
      ),
    );
    return problems;
  }

  const sameGroup = fleet
    .all()
    .filter(
      (e) =>
        e.id !== stable.id &&
        e.group === stable.group &&
        e.cluster === stable.cluster &&
        e.namespace === stable.namespace,
    );
  const candidates = sameGroup.filter((e) => e.version === plan.candidateVersion);
  if (candidates.length === 0) {
    const versions = [...new Set(sameGroup.map((e) => e.version))];
    problems.push(
      problem(
        'spec.candidate.version',
        `No endpoint serves version '${plan.candidateVersion}' in ${stable.name}'s group '${stable.group}' (${stable.cluster}/${stable.namespace ?? '-'}).` +
          (versions.length ? ` The group has: ${versions.join(', ')}.` : '') +
          (kserve(stable)
            ? ` Update the InferenceService '${stable.target.name}' so its latest revision serves '${plan.candidateVersion}' (Fleetdeck then moves canaryTrafficPercent).`
            : ` Deploy it as a Deployment behind the same Service (it may start with 0 replicas; Fleetdeck scales it).`),
      ),
    );
  } else if (candidates.length > 1) {
    problems.push(
      problem(
        'spec.candidate.version',
        `${candidates.length} endpoints serve version '${plan.candidateVersion}' in group '${stable.group}' (${candidates.map((e) => e.name).join(', ')}); a rollout needs exactly one.`,
      ),
    );
  } else {
    const candidate = candidates[0]!;
    if (candidate.target.kind !== stable.target.kind)
      problems.push(
        problem(
          'spec.candidate.version',
          `The candidate ${candidate.name} is a ${candidate.target.kind} but the stable one is a ${stable.target.kind}; both must be served the same way.`,
        ),
      );
    if (candidate.model !== stable.model)
      problems.push(
        problem(
          'spec.candidate.version',
          `The candidate ${candidate.name} serves model '${candidate.model}', the stable one '${stable.model}'; a rollout replaces a version of one model.`,
        ),
      );
  }
  if (plan.candidateReplicas !== null && kserve(stable))
    problems.push(
      problem(
        'spec.candidate.replicas',
        `spec.candidate.replicas applies to Deployment targets; KServe scales the canary revision itself (set minReplicas on the InferenceService).`,
      ),
    );

  for (const { analysis, field } of analysesOf(plan)) {
    for (const [i, c] of analysis.conditions.entries()) {
      const needs = isMetricName(c.metric) ? [c.metric] : (derivedSources[c.metric] ?? []);
      const missing = needs.filter((m) => stable.missingMetrics.includes(m));
      if (missing.length > 0)
        problems.push(
          problem(
            `${field}.conditions[${i}]`,
            `${stable.name} does not report ${missing.join(', ')}, so '${c.expression}' could never be measured (every measurement would be inconclusive).`,
          ),
        );
    }
  }
  return problems;
}

/** Every analysis in a plan with the field path it was written at (references resolved). */
function analysesOf(plan: RolloutPlan): Array<{ analysis: RolloutAnalysis; field: string }> {
  const out: Array<{ analysis: RolloutAnalysis; field: string }> = [];
  if (plan.backgroundAnalysis)
    out.push({ analysis: plan.backgroundAnalysis, field: 'spec.backgroundAnalysis' });
  const s = plan.strategy;
  if (s.kind === 'canary')
    s.steps.forEach((step, i) => {
      if (step.kind === 'analysis')
        out.push({ analysis: step.analysis, field: `spec.strategy.canary.steps[${i}].analysis` });
    });
  else if (s.kind === 'blueGreen') {
    if (s.prePromotionAnalysis)
      out.push({ analysis: s.prePromotionAnalysis, field: 'spec.strategy.blueGreen.prePromotionAnalysis' });
    if (s.postPromotionAnalysis)
      out.push({ analysis: s.postPromotionAnalysis, field: 'spec.strategy.blueGreen.postPromotionAnalysis' });
  } else if (s.abortWhen) out.push({ analysis: s.abortWhen, field: 'spec.strategy.ab.abortWhen' });
  return out;
}
