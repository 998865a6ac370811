import type { Health, HealthStatus } from '../contract/fleet.schema';
import type { MetricName } from './metrics';
import { formatMetric } from './format';

/**
 * Service-level objectives for one model (defaults by model kind, editable per model).
 * Each threshold must hold for `forSeconds` before it changes health, so one noisy scrape
 * does not page anyone; availability (no ready replica) is immediate.
 */
export interface Slo {
  latencyP95WarnS: number;
  latencyP95CritS: number;
  errorRateWarn: number;
  errorRateCrit: number;
  forSeconds: number;
  /** No fresh metric for this long makes health `unknown`. */
  noDataSeconds: number;
}

/**
 * Defaults by model kind, for end-to-end latency of whole generations (a chat answer of ~150
 * tokens takes seconds, an embedding milliseconds). Teams tune them per model (slos.set).
 */
export const defaultSloByKind: Record<string, Slo> = {
  chat: {
    latencyP95WarnS: 12,
    latencyP95CritS: 24,
    errorRateWarn: 0.01,
    errorRateCrit: 0.05,
    forSeconds: 60,
    noDataSeconds: 300,
  },
  code: {
    latencyP95WarnS: 15,
    latencyP95CritS: 30,
    errorRateWarn: 0.01,
    errorRateCrit: 0.05,
    forSeconds: 60,
    noDataSeconds: 300,
  },
  embedding: {
    latencyP95WarnS: 0.5,
    latencyP95CritS: 1,
    errorRateWarn: 0.005,
    errorRateCrit: 0.05,
    forSeconds: 60,
    noDataSeconds: 300,
  },
  'fine-tuned': {
    latencyP95WarnS: 4,
    latencyP95CritS: 8,
    errorRateWarn: 0.01,
    errorRateCrit: 0.05,
    forSeconds: 60,
    noDataSeconds: 300,
  },
};
export const defaultSlo: Slo = defaultSloByKind.chat!;

/** The model's kind is guessed from its name when no override says otherwise: embedding, code or chat. */
export function modelKind(model: string): keyof typeof defaultSloByKind {
  if (/embed|bge|e5-|gte-|minilm/i.test(model)) return 'embedding';
  if (/code|coder/i.test(model)) return 'code';
  return 'chat';
}

/** The SLO that applies to a model: its override, else the default for its kind. */
export const sloForModel = (model: string, overrides: Readonly<Record<string, Slo>>): Slo =>
  overrides[model] ?? defaultSloByKind[modelKind(model)] ?? defaultSlo;

export interface HealthInput {
  now: number;
  replicas: { desired: number; ready: number };
  metrics: Partial<Record<MetricName, { value: number; at: number }>>;
  slo: Slo;
}

/** Since when each condition has held, per endpoint; carried between evaluations. */
export type BreachState = Record<string, number>;

interface Finding {
  status: Exclude<HealthStatus, 'ok'>;
  reason: string;
}

const rank: Record<HealthStatus, number> = { ok: 0, unknown: 1, warning: 2, critical: 3 };

const minutes = (ms: number) => {
  const m = Math.max(1, Math.round(ms / 60_000));
  return `${m} min`;
};

/**
 * Evaluates one endpoint. Returns its health (the worst finding, reason in words) and the
 * updated breach state. Pure: same input, same output.
 */
export function evaluateHealth(
  input: HealthInput,
  previous: BreachState,
  previousHealth?: Health,
): { health: Health; state: BreachState } {
  const { now, slo, metrics, replicas } = input;
  const state: BreachState = {};
  const findings: Finding[] = [];

  const held = (key: string, breached: boolean): number | null => {
    if (!breached) return null;
    const since = previous[key] ?? now;
    state[key] = since;
    return now - since >= slo.forSeconds * 1000 ? now - since : null;
  };

  if (replicas.desired > 0 && replicas.ready === 0) {
    findings.push({ status: 'critical', reason: `0 of ${replicas.desired} replicas ready` });
  } else if (replicas.ready < replicas.desired) {
    findings.push({ status: 'warning', reason: `${replicas.ready} of ${replicas.desired} replicas ready` });
  }

  const fresh = (name: MetricName) => {
    const m = metrics[name];
    return m && now - m.at <= slo.noDataSeconds * 1000 ? m.value : undefined;
  };

  const errorRate = fresh('error_rate');
  if (errorRate !== undefined) {
    const crit = held('error_crit', errorRate > slo.errorRateCrit);
    const warn = held('error_warn', errorRate > slo.errorRateWarn);
    if (crit !== null) {
      findings.push({
        status: 'critical',
        reason: `error rate ${formatMetric('error_rate', errorRate)} > ${formatMetric('error_rate', slo.errorRateCrit)} for ${minutes(crit)}`,
      });
    } else if (warn !== null) {
      findings.push({
        status: 'warning',
        reason: `error rate ${formatMetric('error_rate', errorRate)} > ${formatMetric('error_rate', slo.errorRateWarn)} for ${minutes(warn)}`,
      });
    }
  }

  const p95 = fresh('latency_p95');
  if (p95 !== undefined) {
    const crit = held('p95_crit', p95 > slo.latencyP95CritS);
    const warn = held('p95_warn', p95 > slo.latencyP95WarnS);
    if (crit !== null) {
      findings.push({
        status: 'critical',
        reason: `p95 ${formatMetric('latency_p95', p95)} > ${formatMetric('latency_p95', slo.latencyP95CritS)} for ${minutes(crit)}`,
      });
    } else if (warn !== null) {
      findings.push({
        status: 'warning',
        reason: `p95 ${formatMetric('latency_p95', p95)} > ${formatMetric('latency_p95', slo.latencyP95WarnS)} for ${minutes(warn)}`,
      });
    }
  }

  if (replicas.desired > 0 && errorRate === undefined && p95 === undefined && !(replicas.ready === 0)) {
    const newest = Math.max(0, ...Object.values(metrics).map((m) => m?.at ?? 0));
    findings.push({
      status: 'unknown',
      reason: newest === 0 ? 'no metrics yet' : `no metrics for ${minutes(now - newest)}`,
    });
  }

  findings.sort((a, b) => rank[b.status] - rank[a.status]);
  const worst = findings[0];
  const status: HealthStatus = worst?.status ?? 'ok';
  const reason = worst
    ? findings
        .filter((f) => f.status === worst.status)
        .map((f) => f.reason)
        .join('; ')
    : 'within SLO';
  const since = previousHealth && previousHealth.status === status ? previousHealth.since : now;
  return { health: { status, reason, since }, state };
}
