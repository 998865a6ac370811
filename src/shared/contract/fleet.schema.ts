import { z } from 'zod';
import { canonicalMetricNames } from '../fleet/metrics';

export const metricNameSchema = z.enum(canonicalMetricNames);

export const healthStatusSchema = z.enum(['ok', 'warning', 'critical', 'unknown']);
export type HealthStatus = z.infer<typeof healthStatusSchema>;

export const healthSchema = z.object({
  status: healthStatusSchema,
  /** Always in words: "p95 1.9 s > 1.2 s for 3 min", "no data for 5 min". */
  reason: z.string(),
  since: z.number().int().nullable(),
});
export type Health = z.infer<typeof healthSchema>;

/** live: fresh from a source; stale: older than staleAfterSeconds; offline: every source down, cached. */
export const freshnessSchema = z.object({
  state: z.enum(['live', 'stale', 'offline', 'unknown']),
  at: z.number().int().nullable(),
});
export type Freshness = z.infer<typeof freshnessSchema>;

export const metricValueSchema = z.object({ value: z.number(), at: z.number().int() });

export const endpointSchema = z.object({
  /** Stable across restarts: `<cluster>:<namespace>:<name>` for Kubernetes, `<source>:<model>` for hosted APIs. */
  id: z.string(),
  name: z.string(),
  model: z.string(),
  version: z.string(),
  source: z.string(),
  sourceKind: z.string(),
  cluster: z.string(),
  region: z.string(),
  namespace: z.string().nullable(),
  runtime: z.string(),
  target: z.object({ kind: z.string(), name: z.string() }),
  /** Versions served together (an InferenceService, a shared Service); null when alone. */
  group: z.string().nullable(),
  trafficPercent: z.number().nullable(),
  replicas: z.object({ desired: z.number().int(), ready: z.number().int() }),
  gpus: z.number(),
  gpuType: z.string().nullable(),
  nodes: z.array(z.string()),
  /** Current spend rate, USD per hour (GPU time or tokens); null when no price is known. */
  hourlyPriceUsd: z.number().nullable(),
  /** Spend accrued since local midnight, USD. */
  spendTodayUsd: z.number(),
  url: z.string().nullable(),
  health: healthSchema,
  metrics: z.partialRecord(metricNameSchema, metricValueSchema),
  /** Source metrics that were expected but missing or renamed: shown, never a silent flat line. */
  missingMetrics: z.array(z.string()),
  freshness: freshnessSchema,
});
export type Endpoint = z.infer<typeof endpointSchema>;

export const sourceKindSchema = z.enum(['kubernetes', 'prometheus', 'scrape', 'openai']);
export type SourceKind = z.infer<typeof sourceKindSchema>;

export const sourceStatusSchema = z.object({
  state: z.enum(['connecting', 'ok', 'degraded', 'error', 'disabled']),
  reason: z.string(),
  lastOkAt: z.number().int().nullable(),
  /** When the source will try again after an error (backoff), if it will. */
  retryAt: z.number().int().nullable(),
});
export type SourceStatus = z.infer<typeof sourceStatusSchema>;

export const sourceSchema = z.object({
  id: z.string(),
  kind: sourceKindSchema,
  name: z.string(),
  /** Kind-specific settings without secrets; keys are referenced, never copied here. */
  config: z.record(z.string(), z.unknown()),
  builtIn: z.boolean(),
  status: sourceStatusSchema,
});
export type Source = z.infer<typeof sourceSchema>;

/** Endpoints by health, with their total. */
export const healthCountsSchema = z.object({
  total: z.number().int(),
  ok: z.number().int(),
  warning: z.number().int(),
  critical: z.number().int(),
  unknown: z.number().int(),
});
export type HealthCounts = z.infer<typeof healthCountsSchema>;

/** One cluster or cloud account of a region, as the fleet map's tooltip and list show it. */
export const clusterFiguresSchema = z.object({
  cluster: z.string(),
  source: z.string(),
  health: healthCountsSchema,
  requestRate: z.number(),
  spendPerHour: z.number(),
});
export type ClusterFigures = z.infer<typeof clusterFiguresSchema>;

/**
 * One region's share of the fleet: the map draws regions, never 10,000 endpoints one by one, so
 * the core sums them in the summary's own pass and a window showing only the map needs no
 * endpoint's figures (live-tick benchmark, issue 4).
 */
export const regionFiguresSchema = z.object({
  /** The endpoints' region code ("us-east-1", "europe-west4"); "unknown" when none is known. */
  region: z.string(),
  health: healthCountsSchema,
  requestRate: z.number(),
  /** Request-weighted error rate over endpoints that report one; null when none do. */
  errorRate: z.number().nullable(),
  /** USD per hour: each endpoint's spend_per_hour figure, else its hourly price. */
  spendPerHour: z.number(),
  gpus: z.number(),
  /** By cluster code. */
  clusters: z.array(clusterFiguresSchema),
});
export type RegionFigures = z.infer<typeof regionFiguresSchema>;

export const fleetSummarySchema = z.object({
  endpoints: healthCountsSchema,
  requestRate: z.number(),
  /** Request-weighted mean of endpoint p95s (an approximation, documented in the UI). */
  latencyP95: z.number().nullable(),
  errorRate: z.number().nullable(),
  gpusInUse: z.number(),
  spendPerHour: z.number(),
  spendToday: z.number(),
  freshness: freshnessSchema,
  sources: z.object({ total: z.number().int(), ok: z.number().int(), failing: z.number().int() }),
  /** The same fleet by region, sorted by region code; only regions that hold endpoints. */
  regions: z.array(regionFiguresSchema),
});
export type FleetSummary = z.infer<typeof fleetSummarySchema>;

const sortableFields = [
  'name',
  'model',
  'cluster',
  'region',
  'health',
  'replicas',
  'gpus',
  ...canonicalMetricNames,
] as const;

export const endpointsQuerySchema = z
  .object({
    /** Free text over name, model, version, cluster, region, namespace. */
    text: z.string().max(200).optional(),
    source: z.array(z.string()).optional(),
    cluster: z.array(z.string()).optional(),
    region: z.array(z.string()).optional(),
    model: z.array(z.string()).optional(),
    health: z.array(healthStatusSchema).optional(),
    sort: z.enum(sortableFields).default('name'),
    order: z.enum(['asc', 'desc']).default('asc'),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(20_000).default(500),
  })
  .strict();
export type EndpointsQuery = z.input<typeof endpointsQuerySchema>;

export const endpointsPageSchema = z.object({
  total: z.number().int(),
  offset: z.number().int(),
  items: z.array(endpointSchema),
});

export const seriesQuerySchema = z
  .object({
    endpointIds: z.array(z.string()).min(1).max(50),
    metric: metricNameSchema,
    from: z.number().int(),
    to: z.number().int(),
    maxPoints: z.number().int().min(1).max(11_000).default(600),
  })
  .strict()
  .refine((q) => q.to > q.from, { message: '`to` must be after `from` (epoch milliseconds)', path: ['to'] });

export const seriesResultSchema = z.object({
  metric: metricNameSchema,
  series: z.array(
    z.object({
      endpointId: z.string(),
      resolution: z.enum(['raw', '1m', '1h']),
      stepMs: z.number().int(),
      points: z.array(z.tuple([z.number(), z.number()])),
    }),
  ),
});

export const podInfoSchema = z.object({
  name: z.string(),
  node: z.string().nullable(),
  phase: z.string(),
  ready: z.boolean(),
  restarts: z.number().int(),
});

export const nodeInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  cluster: z.string(),
  zone: z.string().nullable(),
  instanceType: z.string().nullable(),
  gpuProduct: z.string().nullable(),
  gpuCapacity: z.number(),
  gpuAllocated: z.number(),
  ready: z.boolean(),
  problems: z.array(z.string()),
  hourlyPriceUsd: z.number().nullable(),
});

export const eventInfoSchema = z.object({
  type: z.enum(['Normal', 'Warning']),
  reason: z.string(),
  message: z.string(),
  at: z.number().int(),
  count: z.number().int(),
});

export const endpointDetailSchema = z.object({
  endpoint: endpointSchema,
  pods: z.array(podInfoSchema),
  nodes: z.array(nodeInfoSchema),
  events: z.array(eventInfoSchema),
  /** Other versions served with it (same InferenceService or Service), for the traffic split. */
  siblings: z.array(endpointSchema),
});

type MetricRows = Record<string, Array<number | null>>;

const isMetricRows = (value: unknown): value is MetricRows => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const id in value) {
    const row: unknown = (value as Record<string, unknown>)[id];
    if (!Array.isArray(row)) return false;
    for (const v of row) if (v !== null && typeof v !== 'number') return false;
  }
  return true;
};

/**
 * A delta's metric rows, `{ "<endpoint id>": [number | null, ...] }`, checked in place rather
 * than parsed into a copy: at 10,000 endpoints a delta carries ~650 rows, and zod's copy of
 * every row on every tick was pure garbage for the window's collector (live-tick benchmark,
 * issue 4). The same rule as `z.record(z.string(), z.array(z.number().nullable()))`.
 */
const metricRowsSchema = z.custom<MetricRows>(isMetricRows, {
  message: 'expected metric rows: an object of endpoint id to an array of numbers or nulls',
});

export const fleetDeltaSchema = z.object({
  at: z.number().int(),
  upserted: z.array(endpointSchema),
  removed: z.array(z.string()),
  /** Latest values per endpoint that got new samples, in canonicalMetricNames order. */
  metrics: metricRowsSchema,
  summary: fleetSummarySchema,
  /**
   * Endpoints whose freshness changed, as `[state, at]`, for records not re-sent in this delta:
   * a flip between live and stale does not re-send the whole record. `at` is only exact when
   * it is shown (stale, offline); while live the UI shows no time, so it is the time the
   * endpoint went live and is not re-sent as samples arrive. Absent when nothing changed.
   */
  freshness: z
    .record(z.string(), z.tuple([freshnessSchema.shape.state, freshnessSchema.shape.at]))
    .optional(),
});

/**
 * A fleet.delta without the endpoints' figures: the records that changed in other ways (health,
 * replicas, new or gone) and the summary with its regions. For a window whose open view shows no
 * endpoint's figures (the fleet map): at 10,000 endpoints a delta carries ~650 metric rows, which
 * such a window would parse and apply for nothing (live-tick benchmark, issue 4).
 */
export const fleetPulseSchema = fleetDeltaSchema.pick({
  at: true,
  upserted: true,
  removed: true,
  summary: true,
});
export type FleetPulse = z.infer<typeof fleetPulseSchema>;

export const sloSchema = z
  .object({
    latencyP95WarnS: z.number().positive(),
    latencyP95CritS: z.number().positive(),
    errorRateWarn: z.number().min(0).max(1),
    errorRateCrit: z.number().min(0).max(1),
    forSeconds: z.number().int().min(0).max(3600),
    noDataSeconds: z.number().int().min(30).max(86_400),
  })
  .strict();
