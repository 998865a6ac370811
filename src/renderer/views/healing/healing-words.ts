import type { HealingActionRecord, HealingPolicy } from '../../../shared/contract/index';

/** "runbook scale-out (replicas=4)", "abort the rollout", "shift traffic (shift-traffic-away-from-region)". */
export function actionWords(action: HealingPolicy['action']): string {
  const vars = Object.entries(action.vars)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const withVars = vars ? ` (${vars})` : '';
  if (action.kind === 'abort_rollout') return 'abort the rollout';
  if (action.kind === 'shift_traffic') return `shift traffic: ${action.runbookId ?? 'built-in'}${withVars}`;
  return `runbook ${action.runbookId ?? '?'}${withVars}`;
}

/** "1 per endpoint, 3 fleet-wide per hour"; 0 means the policy only ever proposes. */
export function limitWords(limits: HealingPolicy['limits']): string {
  return `${limits.perEndpointPerHour} per endpoint, ${limits.fleetPerHour} fleet-wide per hour`;
}

export function matchWords(match: HealingPolicy['match']): string {
  const parts = [match.clusters.join(', ')];
  if (match.models.length) parts.push(`models ${match.models.join(', ')}`);
  if (match.namespaces.length) parts.push(`namespaces ${match.namespaces.join(', ')}`);
  return parts.join(' · ');
}

/** ran + succeeded → "Ran · succeeded"; proposed → "Proposed". */
export function outcomeWords(action: HealingActionRecord): string {
  if (action.outcome === 'proposed') return 'Proposed';
  return action.result ? `Ran · ${action.result}` : 'Ran';
}

/** "2 h", "45 min", "3 d": how long a freeze window lasts or has left. */
export function spanWords(ms: number): string {
  const min = Math.max(1, Math.round(ms / 60_000));
  if (min < 120) return `${min} min`;
  const h = Math.round(min / 60);
  return h < 48 ? `${h} h` : `${Math.round(h / 24)} d`;
}
