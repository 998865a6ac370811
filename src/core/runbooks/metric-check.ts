import type { RunbookCheck } from '../../shared/contract/runbook.schema';
import { formatMetric } from '../../shared/fleet/format';
import { isMetricName } from '../../shared/fleet/metrics';
import type { FleetService } from '../fleet/fleet.service';

export type MetricCheck = Extract<RunbookCheck, { kind: 'metric' }>;

export interface MetricCheckOptions {
  fleet: Pick<FleetService, 'endpoint'>;
  endpointId: string | null;
  check: MetricCheck;
  now: () => number;
  /** How often the fleet's latest value is read; the fleet itself refreshes every few seconds. */
  pollMs?: number;
  signal?: AbortSignal;
}

const holds = (value: number, op: MetricCheck['op'], limit: number) =>
  op === '<' ? value < limit : op === '<=' ? value <= limit : op === '>' ? value > limit : value >= limit;

/**
 * Waits for a metric condition on the run's endpoint, e.g. `latency_p95 < 1.2s for 2m`, reading
 * the fleet's current canonical value. Only samples taken after the check began count, so a
 * value from before the step's change cannot pass it. The condition must hold over `for`
 * seconds of samples without a break; the check fails with the last value seen once
 * `timeoutSeconds` pass.
 */
export async function waitForMetric(o: MetricCheckOptions): Promise<{ ok: boolean; detail: string }> {
  const { check } = o;
  const metric = check.metric;
  if (!isMetricName(metric)) return { ok: false, detail: `Unknown metric '${metric}' in the check.` };
  if (!o.endpointId)
    return {
      ok: false,
      detail: `The check '${check.expression}' needs an endpoint: start the run bound to one.`,
    };
  const startedAt = o.now();
  const deadline = startedAt + check.timeoutSeconds * 1000;
  const show = (v: number) => formatMetric(metric, v);
  let heldSince: number | null = null;
  let last: { value: number; at: number } | null = null;
  for (;;) {
    if (o.signal?.aborted) return { ok: false, detail: `Stopped while waiting for '${check.expression}'.` };
    const endpoint = o.fleet.endpoint(o.endpointId);
    if (!endpoint)
      return {
        ok: false,
        detail: `Endpoint ${o.endpointId} is no longer in the fleet; '${check.expression}' cannot be checked.`,
      };
    const sample = endpoint.metrics[metric];
    if (sample && sample.at >= startedAt && (!last || sample.at > last.at)) {
      last = sample;
      if (holds(sample.value, check.op, check.value)) {
        heldSince ??= sample.at;
        if (sample.at - heldSince >= check.forSeconds * 1000)
          return {
            ok: true,
            detail: `${check.expression}: ${metric} was ${show(sample.value)}${check.forSeconds > 0 ? ` for ${check.forSeconds}s` : ''}.`,
          };
      } else heldSince = null;
    }
    if (o.now() >= deadline) {
      const seen = last ? `the last value was ${show(last.value)}` : `no new ${metric} value arrived`;
      return {
        ok: false,
        detail: `${check.expression} did not hold within ${check.timeoutSeconds}s: ${seen}.`,
      };
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, o.pollMs ?? 1000);
      function done() {
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', done);
        resolve();
      }
      o.signal?.addEventListener('abort', done, { once: true });
    });
  }
}
