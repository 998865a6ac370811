import { z } from 'zod';

/**
 * Settings of a Prometheus-compatible source (Prometheus, Thanos Querier, Mimir, VictoriaMetrics:
 * the same HTTP API). Secrets are references into the secret store, resolved per use through
 * ProviderDeps.secret and never copied into the config, SQLite or logs.
 */
const authSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z.object({ type: z.literal('bearer'), tokenRef: z.string().min(1) }).strict(),
  z
    .object({ type: z.literal('basic'), username: z.string().min(1), passwordRef: z.string().min(1) })
    .strict(),
]);

export const prometheusConfigSchema = z
  .object({
    /** Base URL; the API is under `<url>/api/v1` (Mimir: `https://mimir.example/prometheus`). */
    url: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL'),
    auth: authSchema.default({ type: 'none' }),
    /** Extra headers, e.g. `X-Scope-OrgID` for Mimir/Cortex tenants. Not for secrets. */
    headers: z.record(z.string(), z.string()).optional(),
    /** Smallest query_range step for charts; default the backend's scrape interval. */
    stepSeconds: z.number().min(0.001).max(86_400).optional(),
    /** The backend's scrape interval: rate() windows are at least four of these. */
    scrapeIntervalSeconds: z.number().min(0.1).max(3600).default(15),
    /** How often the latest canonical values are read. */
    pollIntervalSeconds: z.number().min(1).max(3600).default(15),
    /** How often the present metric names are checked (rename and missing reports). */
    nameCheckIntervalSeconds: z.number().min(5).max(86_400).default(300),
    timeoutSeconds: z.number().min(0.1).max(300).default(10),
    /** Label names that identify an endpoint's series, as the backend's relabelling writes them. */
    labels: z
      .object({
        namespace: z.string().min(1).default('namespace'),
        pod: z.string().min(1).default('pod'),
        /** Set when one backend holds several clusters; matched against the inventory's cluster. */
        cluster: z.string().min(1).optional(),
        /** A label holding Fleetdeck's endpoint id directly (a relabel or recording rule), if any. */
        endpoint: z.string().min(1).default('fleetdeck_endpoint'),
      })
      .strict()
      .default({ namespace: 'namespace', pod: 'pod', endpoint: 'fleetdeck_endpoint' }),
    /**
     * Labels naming the pod that uses a GPU on DCGM exporter series. With honorLabels they are
     * `namespace`/`pod` (the default); without, Prometheus renames them `exported_namespace`/...
     */
    gpuLabels: z
      .object({ namespace: z.string().min(1), pod: z.string().min(1) })
      .strict()
      .optional(),
    /** Inventory clusters this backend serves; default every cluster. */
    clusters: z.array(z.string().min(1)).optional(),
  })
  .strict();

export type PrometheusConfig = z.output<typeof prometheusConfigSchema>;
export type PrometheusAuth = PrometheusConfig['auth'];
