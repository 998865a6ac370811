import { z } from 'zod';

/**
 * The Spend view's API (issue 4, "Spend"). Every figure comes with `at` (when the core computed
 * it) and `dataAt` (the newest spend sample it rests on), so the UI can say how fresh it is.
 * Money is USD; rates are USD per hour; times are epoch milliseconds.
 */

export const spendGroupBySchema = z.enum(['source', 'cluster', 'model', 'version']);
export type SpendGroupBy = z.infer<typeof spendGroupBySchema>;

const windowSchema = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
  })
  .strict();

const windowRefine = (q: { from: number; to: number }) => q.to > q.from;
const windowMessage = { message: '`to` must be after `from` (epoch milliseconds)', path: ['to'] };

export const spendOverviewQuerySchema = windowSchema
  .extend({
    groupBy: spendGroupBySchema.default('model'),
    /** Points per series, about one per pixel; the step is never finer than the rollup in use. */
    maxPoints: z.number().int().min(2).max(2000).default(300),
    /** Groups beyond this (by spend over the window) are merged into one "other" series. */
    maxGroups: z.number().int().min(1).max(50).default(10),
  })
  .strict()
  .refine(windowRefine, windowMessage);
export type SpendOverviewQuery = z.input<typeof spendOverviewQuerySchema>;

export const spendGroupSeriesSchema = z.object({
  /** Stable series id (the group's value, or `__other__`). */
  key: z.string(),
  label: z.string(),
  /** How many endpoints the group holds (for "other": how many groups were merged). */
  members: z.number().int(),
  /** USD over the window: the group's rate integrated over the steps that had data. */
  totalUsd: z.number(),
  /** [step start, USD/h] with USD/h the sum over the group's endpoints of their mean rate in the step. */
  points: z.array(z.tuple([z.number(), z.number()])),
});

export const spendOverviewSchema = z.object({
  groupBy: spendGroupBySchema,
  from: z.number().int(),
  to: z.number().int(),
  stepMs: z.number().int(),
  /** The spend_rollup buckets read: 1-minute (kept 6 h), 5-minute (48 h) or hourly. */
  resolution: z.enum(['1m', '5m', '1h']),
  groups: z.array(spendGroupSeriesSchema),
  /**
   * Where spend data begins inside the window (null: none). Steps are sized over
   * [dataFrom, to], so a fleet recorded for ten minutes still gets a readable chart.
   */
  dataFrom: z.number().int().nullable(),
  totalUsd: z.number(),
  /** Newest spend sample in the window; null when there is no spend data yet. */
  dataAt: z.number().int().nullable(),
  at: z.number().int(),
});
export type SpendOverview = z.infer<typeof spendOverviewSchema>;

export const spendWindowQuerySchema = windowSchema.strict().refine(windowRefine, windowMessage);

export const modelUnitCostSchema = z.object({
  model: z.string(),
  endpoints: z.number().int(),
  spendUsd: z.number(),
  /** Prompt + output tokens over the window (token rates integrated). */
  tokens: z.number(),
  requests: z.number(),
  /** spendUsd / tokens x 1000; null when no tokens were served. */
  usdPer1kTokens: z.number().nullable(),
  usdPer1kRequests: z.number().nullable(),
});

export const spendUnitCostsSchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  models: z.array(modelUnitCostSchema),
  dataAt: z.number().int().nullable(),
  at: z.number().int(),
});
export type SpendUnitCosts = z.infer<typeof spendUnitCostsSchema>;

export const spendGpuHoursSchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  byType: z.array(z.object({ gpuType: z.string(), gpuHours: z.number() })),
  /** The first hour the core recorded GPU time (GPU-hours accrue from then on, each tick). */
  recordingSince: z.number().int().nullable(),
  dataAt: z.number().int().nullable(),
  at: z.number().int(),
});
export type SpendGpuHours = z.infer<typeof spendGpuHoursSchema>;

export const spendTodayQuerySchema = z
  .object({ moversLimit: z.number().int().min(1).max(50).default(5) })
  .strict();

export const spendMoverSchema = z.object({
  endpointId: z.string(),
  name: z.string(),
  model: z.string(),
  cluster: z.string(),
  /** Mean rate over the first ten minutes of data today (from local midnight, or when data began). */
  baselineUsdPerHour: z.number(),
  baselineAt: z.number().int(),
  currentUsdPerHour: z.number(),
  changeUsdPerHour: z.number(),
  /** Relative change; null when the baseline was zero. */
  changeRatio: z.number().nullable(),
});
export type SpendMover = z.infer<typeof spendMoverSchema>;

export const spendTodaySchema = z.object({
  /** Local calendar day, YYYY-MM-DD. */
  day: z.string(),
  /** Sum of spend_daily for today: the same accruals as each endpoint's spendTodayUsd. */
  totalUsd: z.number(),
  endpoints: z.number().int(),
  /** Sum of the newest spend_per_hour of each endpoint. */
  ratePerHour: z.number(),
  movers: z.object({
    up: z.array(spendMoverSchema),
    down: z.array(spendMoverSchema),
    method: z.string(),
  }),
  projection: z.object({
    month: z.string(),
    monthToDateUsd: z.number(),
    hoursLeft: z.number(),
    projectedUsd: z.number(),
    method: z.string(),
  }),
  /** The fleet tick whose accruals totalUsd includes; null before the first tick. */
  tickAt: z.number().int().nullable(),
  dataAt: z.number().int().nullable(),
  at: z.number().int(),
});
export type SpendToday = z.infer<typeof spendTodaySchema>;
