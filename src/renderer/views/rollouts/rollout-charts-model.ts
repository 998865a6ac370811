import type { RolloutAnalysis, RolloutCondition, RolloutPlan } from '../../../shared/contract/index';
import { isMetricName, type MetricName } from '../../../shared/fleet/metrics';
import type { Guide, SeriesDef } from '../endpoint-detail/LiveChart';

/** Every analysis a plan runs, wherever the strategy keeps it. */
export function planAnalyses(plan: RolloutPlan): RolloutAnalysis[] {
  const s = plan.strategy;
  const own =
    s.kind === 'canary'
      ? s.steps.flatMap((step) => (step.kind === 'analysis' ? [step.analysis] : []))
      : s.kind === 'blueGreen'
        ? [s.prePromotionAnalysis, s.postPromotionAnalysis]
        : [s.abortWhen];
  return [...own, plan.backgroundAnalysis].filter((a): a is RolloutAnalysis => a !== null);
}

export interface RolloutPanel {
  metric: string;
  /** Null when the metric is not a stored series (the derived cost and tokens per request). */
  defs: SeriesDef[] | null;
  guides: Guide[];
  /** The conditions as written, for the panel title and for metrics without a series. */
  expressions: string[];
}

const opWords: Record<RolloutCondition['op'], string> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥' };

/**
 * One panel per metric the plan's analyses look at (and, for A/B, the metrics it compares): the
 * candidate against the stable version, with each condition drawn as a guide (an absolute line,
 * or stable × factor + offset following the stable series).
 */
export function rolloutPanels(plan: RolloutPlan, candidateEndpointId: string | null): RolloutPanel[] {
  const conditions = new Map<string, RolloutCondition[]>();
  for (const a of planAnalyses(plan))
    for (const c of a.conditions) conditions.set(c.metric, [...(conditions.get(c.metric) ?? []), c]);
  if (plan.strategy.kind === 'ab')
    for (const m of plan.strategy.metrics) if (!conditions.has(m)) conditions.set(m, []);
  return [...conditions].map(([metric, list]) => {
    const unique = [...new Map(list.map((c) => [c.expression, c])).values()];
    const expressions = unique.map((c) => c.expression);
    if (!isMetricName(metric)) return { metric, defs: null, guides: [], expressions };
    const m: MetricName = metric;
    const stableId = `${plan.endpointId}:${m}`;
    const defs: SeriesDef[] = [
      {
        id: stableId,
        name: `stable ${plan.stableVersion}`,
        metric: m,
        endpointId: plan.endpointId,
        yAxis: 0,
      },
    ];
    if (candidateEndpointId)
      defs.unshift({
        id: `${candidateEndpointId}:${m}`,
        name: `candidate ${plan.candidateVersion}`,
        metric: m,
        endpointId: candidateEndpointId,
        yAxis: 0,
      });
    const guides: Guide[] = unique.map((c) =>
      c.relative
        ? {
            kind: 'relative',
            name: `limit ${opWords[c.op]} ${c.expression.split(/[<>]=?/)[1]?.trim() ?? 'stable'}`,
            of: stableId,
            factor: c.relative.factor,
            offset: c.relative.offset,
          }
        : { kind: 'absolute', name: `limit ${opWords[c.op]}`, value: c.value ?? 0 },
    );
    return { metric, defs, guides, expressions };
  });
}
