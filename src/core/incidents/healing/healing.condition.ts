import type { Endpoint } from '../../../shared/contract/fleet.schema';
import type { HealingPolicy } from '../../../shared/contract/incident.schema';
import { formatMetric } from '../../../shared/fleet/format';
import { isMetricName } from '../../../shared/fleet/metrics';
import { healthLevels } from './healing.format';

type When = HealingPolicy['when'];

/** The endpoint's current value for the trigger: a metric's latest sample, or its health level. */
export function currentValue(when: When, e: Endpoint): number | null {
  if (when.metric === 'health') {
    const level = healthLevels.indexOf(e.health.status as (typeof healthLevels)[number]);
    return level < 0 ? null : level;
  }
  // A stale or offline figure says nothing about now: never act on it.
  if (e.freshness.state !== 'live' || !isMetricName(when.metric)) return null;
  return e.metrics[when.metric]?.value ?? null;
}

export function holds(when: When, value: number | null): boolean {
  if (value === null) return false;
  switch (when.op) {
    case '<':
      return value < when.value;
    case '<=':
      return value <= when.value;
    case '>':
      return value > when.value;
    case '>=':
      return value >= when.value;
    case '==':
      return value === when.value;
  }
}

/** "2 min", "45 s": how long a condition held, as a person says it. */
export function heldFor(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}

const show = (metric: string, value: number): string =>
  metric === 'health'
    ? (healthLevels[value] ?? String(value))
    : isMetricName(metric)
      ? formatMetric(metric, value)
      : String(value);

/** The trigger's values in words: "latency_p95 14.1 s > 12 s for 2 min". */
export function describeTrigger(when: When, value: number, heldMs: number): string {
  return `${when.metric} ${show(when.metric, value)} ${when.op} ${show(when.metric, when.value)} for ${heldFor(heldMs)}`;
}

/** Which endpoints a policy watches: its models and namespaces (empty lists mean any). Clusters are a guard rail, checked when it decides. */
export function watches(policy: HealingPolicy, e: Endpoint): boolean {
  const { models, namespaces } = policy.match;
  if (models.length > 0 && !models.includes(e.model) && !models.includes(e.name)) return false;
  if (namespaces.length > 0 && !namespaces.includes(e.namespace ?? '')) return false;
  return true;
}
