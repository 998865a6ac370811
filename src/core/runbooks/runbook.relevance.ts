import type { Endpoint } from '../../shared/contract/fleet.schema';
import type { Runbook } from '../../shared/contract/runbook.schema';

/**
 * Health reasons are words ("p95 19 s > 12 s for 3 min; 1 of 2 replicas ready", see
 * shared/fleet/slo.ts); these are the signal names a runbook's `signals:` can list for them.
 * A signal that is none of these is matched as text in the reason (e.g. `Xid`).
 */
const reasonSignals: Array<{ signal: string; pattern: RegExp }> = [
  { signal: 'latency_p95', pattern: /\bp95\b/i },
  { signal: 'error_rate', pattern: /\berror rate\b/i },
  { signal: 'replicas_not_ready', pattern: /\breplicas ready\b/i },
  { signal: 'no_metrics', pattern: /\bno metrics\b/i },
];

/** The part of a health reason ("a; b") that a signal answers, or null. */
function matchingReason(signal: string, reasons: string[]): string | null {
  const known = reasonSignals.find((s) => s.signal === signal);
  const wanted = signal.toLowerCase().replace(/_/g, ' ');
  for (const reason of reasons) {
    if (known ? known.pattern.test(reason) : reason.toLowerCase().includes(wanted)) return reason;
  }
  return null;
}

/**
 * Why a runbook fits an unhealthy endpoint: its signals matched against the endpoint's health
 * reasons. Null for a healthy endpoint or when nothing matches. The score orders suggestions
 * (more matched signals first, critical before warning).
 */
export function relevanceFor(
  runbook: Pick<Runbook, 'signals'>,
  endpoint: Pick<Endpoint, 'health'>,
): { score: number; text: string } | null {
  const { status, reason } = endpoint.health;
  if (status === 'ok') return null;
  const reasons = reason
    .split(';')
    .map((r) => r.trim())
    .filter(Boolean);
  const matched: string[] = [];
  for (const signal of runbook.signals) {
    const r = matchingReason(signal, reasons);
    if (r !== null && !matched.includes(r)) matched.push(r);
  }
  if (matched.length === 0) return null;
  return {
    score: matched.length + (status === 'critical' ? 0.5 : 0),
    text: `For ${status === 'unknown' ? 'missing data' : status}: ${matched.join('; ')}`,
  };
}
