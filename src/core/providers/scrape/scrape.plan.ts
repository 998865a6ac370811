import { z } from 'zod';
import { isRuntimeName, type RuntimeName } from '../../../shared/fleet/runtime-metrics';
import type { InventoryView } from '../../fleet/inventory.types';
import { formatDuration } from '../http/retry-after';

/** Settings of a direct-scrape source (sources.add). */
export const scrapeConfigSchema = z
  .object({
    /** How often each target is read, when the fleet is small enough (see maxScrapesPerSecond). */
    intervalSeconds: z.number().min(1).max(3600).default(15),
    /** Per-target deadline for the whole exchange. */
    timeoutSeconds: z.number().min(0.1).max(120).default(5),
    /** Scrapes in flight at once. */
    concurrency: z.number().int().min(1).max(512).default(32),
    /**
     * Ceiling on scrapes started per second. A fleet with more targets than
     * intervalSeconds * maxScrapesPerSecond is read less often (the interval stretches) instead
     * of flooding the network and the event loop; the status says so.
     */
    maxScrapesPerSecond: z.number().min(1).max(10_000).default(200),
    /** Only endpoints of these clusters; default every cluster in the inventory. */
    clusters: z.array(z.string().min(1)).optional(),
  })
  .strict();
export type ScrapeConfig = z.output<typeof scrapeConfigSchema>;

export interface PlannedEndpoint {
  id: string;
  /** From the inventory; null means detect from the names the pods expose. */
  runtime: RuntimeName | null;
  /** Metrics URLs of its running pods. */
  targets: string[];
}

export interface ScrapePlan {
  endpoints: PlannedEndpoint[];
  /** Distinct URLs, each with the endpoints it feeds (normally one). */
  targets: Map<string, { runtime: RuntimeName | null; endpointIds: string[] }>;
  /** Endpoints in scope with no pod that has a metrics URL (no prometheus.io annotations). */
  endpointsWithoutTargets: number;
  /** A pass over every target at maxScrapesPerSecond would take longer than intervalSeconds. */
  stretched: boolean;
  /** Time between the starts of two passes. */
  effectiveIntervalMs: number;
}

/**
 * Every running pod's metrics URL from the inventory, grouped by endpoint, and how often they can
 * be read: max(interval, targets / maxScrapesPerSecond). Pods that are not Running are skipped (a
 * Pending pod has nothing to serve; a scrape would only add a failure).
 */
export function planScrape(inventory: InventoryView, config: ScrapeConfig): ScrapePlan {
  const clusters = config.clusters ? new Set(config.clusters) : null;
  const endpoints: PlannedEndpoint[] = [];
  const targets = new Map<string, { runtime: RuntimeName | null; endpointIds: string[] }>();
  let endpointsWithoutTargets = 0;
  for (const e of inventory.endpoints()) {
    if (clusters && !clusters.has(e.cluster)) continue;
    const urls: string[] = [];
    for (const pod of e.pods) {
      if (!pod.metricsUrl || pod.phase !== 'Running') continue;
      const runtime = isRuntimeName(pod.runtime) ? pod.runtime : isRuntimeName(e.runtime) ? e.runtime : null;
      const existing = targets.get(pod.metricsUrl);
      if (existing) {
        if (!existing.endpointIds.includes(e.id)) existing.endpointIds.push(e.id);
      } else targets.set(pod.metricsUrl, { runtime, endpointIds: [e.id] });
      if (!urls.includes(pod.metricsUrl)) urls.push(pod.metricsUrl);
    }
    if (urls.length === 0) {
      // Hosted APIs (OpenAI-compatible sources) have no pods to scrape; they are not a gap.
      // Nor is a version scaled to zero: it has no pods at all.
      if (e.target.kind !== 'hosted' && e.replicas.desired > 0) endpointsWithoutTargets++;
      continue;
    }
    endpoints.push({ id: e.id, runtime: isRuntimeName(e.runtime) ? e.runtime : null, targets: urls });
  }
  const intervalMs = config.intervalSeconds * 1000;
  const passMs = Math.ceil((targets.size / config.maxScrapesPerSecond) * 1000);
  return {
    endpoints,
    targets,
    endpointsWithoutTargets,
    stretched: passMs > intervalMs,
    effectiveIntervalMs: Math.max(intervalMs, passMs),
  };
}

export interface RoundSummary {
  targets: number;
  endpoints: number;
  failures: Array<{ url: string; summary: string }>;
  /** Parse + derive time per successful target, milliseconds. */
  costMs: { p50: number; p95: number; max: number; mean: number } | null;
  roundMs: number;
}

/** The status line after a pass (SourceStatus.state and reason). */
export function roundStatus(
  plan: ScrapePlan,
  round: RoundSummary,
  config: ScrapeConfig,
): { state: 'ok' | 'degraded' | 'error'; reason: string } {
  const n = (x: number) => x.toLocaleString('en-US');
  const every = formatDuration(plan.effectiveIntervalMs);
  const parts: string[] = [];
  if (round.targets === 0) {
    const why =
      plan.endpointsWithoutTargets > 0
        ? `${n(plan.endpointsWithoutTargets)} endpoints have no pod with a metrics URL (prometheus.io/scrape annotations)`
        : 'the inventory has no endpoints yet (add a Kubernetes source)';
    return { state: 'ok', reason: `No scrape targets: ${why}` };
  }
  if (round.failures.length > 0) {
    const shown = round.failures.slice(0, 3).map((f) => `${f.url}: ${f.summary}`);
    const more = round.failures.length > 3 ? `; and ${n(round.failures.length - 3)} more` : '';
    parts.push(
      `${n(round.failures.length)} of ${n(round.targets)} targets failing: ${shown.join('; ')}${more}`,
    );
  }
  parts.push(`${n(round.targets)} targets (${n(round.endpoints)} endpoints) every ${every}`);
  if (plan.stretched) {
    parts.push(
      `stretched from ${formatDuration(config.intervalSeconds * 1000)}: ${n(round.targets)} targets at ` +
        `${n(config.maxScrapesPerSecond)} scrapes/s (maxScrapesPerSecond); ` +
        'a Prometheus-compatible source suits fleets this large',
    );
  }
  if (round.costMs) {
    parts.push(
      `parse+derive ${round.costMs.p50.toFixed(2)} ms per target (p50), ${round.costMs.max.toFixed(2)} ms max`,
    );
  }
  if (plan.endpointsWithoutTargets > 0) {
    parts.push(`${n(plan.endpointsWithoutTargets)} endpoints have no metrics URL`);
  }
  const state =
    round.failures.length === 0 ? 'ok' : round.failures.length >= round.targets ? 'error' : 'degraded';
  return { state, reason: parts.join('; ') };
}
