import { z } from 'zod';

/**
 * Rollouts (issue 6). The YAML plan format (apiVersion fleetdeck.io/v1, kind Rollout) is parsed
 * in the core; these are the shapes that cross the boundary. A plan names the stable endpoint
 * (the version serving now) and the candidate version; the core finds the candidate's endpoint
 * in the same deployment group (KServe canary of the same InferenceService, or a Deployment
 * behind the same Service).
 */

export const rolloutConditionSchema = z.object({
  /** As written, e.g. `error_rate <= stable * 1.1`. */
  expression: z.string(),
  /** A canonical metric, or the derived `cost_per_1k_requests` / `tokens_per_request`. */
  metric: z.string(),
  op: z.enum(['<', '<=', '>', '>=']),
  /** Absolute threshold in the metric's base unit, or null when relative to stable. */
  value: z.number().nullable(),
  /** Relative to the stable version's value at the same time: stable * factor + offset. */
  relative: z.object({ factor: z.number(), offset: z.number() }).nullable(),
});
export type RolloutCondition = z.infer<typeof rolloutConditionSchema>;

export const rolloutAnalysisSchema = z.object({
  conditions: z.array(rolloutConditionSchema),
  /** Seconds between measurements. */
  intervalSeconds: z.number(),
  /** Measurements to take (the analysis passes when all are taken without failing). */
  count: z.number().int(),
  /** More failed measurements than this aborts the rollout. */
  failureLimit: z.number().int(),
  /** More inconclusive measurements (missing data, too little traffic) than this pauses for a person. */
  inconclusiveLimit: z.number().int(),
  /** Minimum requests/s on the candidate for a measurement to count (below it: inconclusive). */
  minRequestRate: z.number(),
});
export type RolloutAnalysis = z.infer<typeof rolloutAnalysisSchema>;

export const rolloutStepSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('setWeight'), weight: z.number().int().min(0).max(100) }),
  /** A duration, or null: until a person promotes (or resumes). */
  z.object({ kind: z.literal('pause'), seconds: z.number().nullable() }),
  z.object({ kind: z.literal('analysis'), analysis: rolloutAnalysisSchema }),
]);
export type RolloutStep = z.infer<typeof rolloutStepSchema>;

export const rolloutStrategySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('canary'), steps: z.array(rolloutStepSchema) }),
  z.object({
    kind: z.literal('blueGreen'),
    /** Analysis of the candidate at full size before the switch (on preview traffic, or none). */
    prePromotionAnalysis: rolloutAnalysisSchema.nullable(),
    /** Weight sent to the candidate during pre-promotion analysis (0 = analyse health only). */
    previewWeight: z.number().int().min(0).max(100),
    /** Analysis after the switch; a failure switches back at once. */
    postPromotionAnalysis: rolloutAnalysisSchema.nullable(),
    /** How long the old version stays up, warm, after the switch. */
    scaleDownDelaySeconds: z.number(),
    autoPromote: z.boolean(),
  }),
  z.object({
    kind: z.literal('ab'),
    /** Percent of traffic to the candidate for the whole experiment. */
    weight: z.number().int().min(1).max(99),
    durationSeconds: z.number(),
    /** Metrics compared at the end (default: latency_p95, error_rate, tokens_per_request, cost_per_1k_requests). */
    metrics: z.array(z.string()),
    /** Optional guard rails that abort the experiment early. */
    abortWhen: rolloutAnalysisSchema.nullable(),
  }),
]);
export type RolloutStrategy = z.infer<typeof rolloutStrategySchema>;

export const rolloutPlanSchema = z.object({
  apiVersion: z.string(),
  /** A slug; unique among rollouts that are not finished. */
  name: z.string(),
  description: z.string(),
  /** The endpoint serving the stable version now. */
  endpointId: z.string(),
  stableVersion: z.string(),
  candidateVersion: z.string(),
  strategy: rolloutStrategySchema,
  /** Analysis applied between every canary step as well (Flagger-style), or null. */
  backgroundAnalysis: rolloutAnalysisSchema.nullable(),
  /** Replicas the candidate gets at 100 % (Deployment targets); null: the stable's count. */
  candidateReplicas: z.number().int().nullable(),
});
export type RolloutPlan = z.infer<typeof rolloutPlanSchema>;

export const rolloutProblemSchema = z.object({
  line: z.number().int().nullable(),
  column: z.number().int().nullable(),
  field: z.string().nullable(),
  message: z.string(),
});
export type RolloutProblem = z.infer<typeof rolloutProblemSchema>;

export const rolloutStateSchema = z.enum([
  'progressing',
  /** Paused by a person, by a pause step without duration, or by an inconclusive analysis. */
  'paused',
  'promoting',
  'succeeded',
  'aborting',
  'aborted',
  /** Stopped without promoting or aborting: the target changed underneath it, or it cannot carry on. */
  'failed',
  /** The A/B experiment finished; the comparison is ready and traffic is back on stable. */
  'completed',
]);
export type RolloutState = z.infer<typeof rolloutStateSchema>;

/** One value a decision looked at. */
export const rolloutMeasurementSchema = z.object({
  metric: z.string(),
  candidate: z.number().nullable(),
  stable: z.number().nullable(),
  threshold: z.number().nullable(),
  ok: z.boolean().nullable(),
});

export const rolloutDecisionSchema = z.object({
  at: z.number().int(),
  /** Index into the strategy's steps (canary) or a phase name. */
  step: z.string(),
  kind: z.enum(['weight', 'measurement', 'pause', 'resume', 'promote', 'abort', 'fail', 'complete', 'note']),
  verdict: z.enum(['success', 'failure', 'inconclusive', 'info']),
  /** In words, with the numbers: "step 3 aborted: candidate error_rate 4.2 % > stable 0.8 % x 1.1, 3 of 3 measurements". */
  message: z.string(),
  measurements: z.array(rolloutMeasurementSchema),
  /** Who: 'fleetdeck' for automatic decisions, else the person. */
  actor: z.string(),
  weight: z.number().int().nullable(),
});
export type RolloutDecision = z.infer<typeof rolloutDecisionSchema>;

/** The A/B result: per metric, both means, the difference and its confidence. */
export const rolloutComparisonSchema = z.object({
  windowFrom: z.number().int(),
  windowTo: z.number().int(),
  metrics: z.array(
    z.object({
      metric: z.string(),
      stable: z.number().nullable(),
      candidate: z.number().nullable(),
      /** candidate - stable, and relative to stable. */
      difference: z.number().nullable(),
      relativeDifference: z.number().nullable(),
      /** 95 % confidence interval of the difference. */
      ciLow: z.number().nullable(),
      ciHigh: z.number().nullable(),
      /** Two-sided p-value of "no difference". */
      pValue: z.number().nullable(),
      samples: z.object({ stable: z.number().int(), candidate: z.number().int() }),
      verdict: z.enum([
        'candidate_better',
        'candidate_worse',
        'no_significant_difference',
        'not_enough_data',
      ]),
    }),
  ),
});
export type RolloutComparison = z.infer<typeof rolloutComparisonSchema>;

export const rolloutSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  strategy: z.enum(['canary', 'blueGreen', 'ab']),
  endpointId: z.string(),
  candidateEndpointId: z.string().nullable(),
  model: z.string(),
  cluster: z.string(),
  stableVersion: z.string(),
  candidateVersion: z.string(),
  state: rolloutStateSchema,
  /** Percent of traffic on the candidate now. */
  weight: z.number().int(),
  /** Index of the current step (canary) and how many there are. */
  stepIndex: z.number().int(),
  stepCount: z.number().int(),
  /** The last analysis verdict, for lists. */
  lastVerdict: z.enum(['success', 'failure', 'inconclusive', 'info']).nullable(),
  /** Why it is paused, failed or aborted, in words. */
  message: z.string().nullable(),
  actor: z.string(),
  startedAt: z.number().int(),
  updatedAt: z.number().int(),
  endedAt: z.number().int().nullable(),
});
export type RolloutSummary = z.infer<typeof rolloutSummarySchema>;

export const rolloutSchema = rolloutSummarySchema.extend({
  plan: rolloutPlanSchema,
  /** The plan as written (YAML). */
  planText: z.string(),
  decisions: z.array(rolloutDecisionSchema),
  comparison: rolloutComparisonSchema.nullable(),
});
export type Rollout = z.infer<typeof rolloutSchema>;

export const rolloutsControlArgsSchema = z
  .object({
    id: z.string().min(1),
    action: z.enum(['pause', 'resume', 'promote', 'abort']),
    /** Why (kept in the decision log). */
    reason: z.string().max(2000).optional(),
  })
  .strict();

export const rolloutsGenerateArgsSchema = z
  .object({
    endpointId: z.string().min(1),
    candidateVersion: z.string().min(1),
    strategy: z.enum(['canary', 'blueGreen', 'ab']).default('canary'),
  })
  .strict();
