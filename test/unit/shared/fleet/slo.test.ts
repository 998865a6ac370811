import { describe, expect, it } from 'vitest';
import { defaultSlo, evaluateHealth, type BreachState } from '../../../../src/shared/fleet/slo';
import { formatMetric } from '../../../../src/shared/fleet/format';
import type { Health } from '../../../../src/shared/contract/fleet.schema';

const slo = { ...defaultSlo, latencyP95WarnS: 1.2, latencyP95CritS: 3, forSeconds: 180 };
const T0 = 1_800_000_000_000;

function run(steps: Array<{ t: number; p95?: number; err?: number; ready?: number }>) {
  let state: BreachState = {};
  let health: Health | undefined;
  const out: Health[] = [];
  for (const s of steps) {
    const metrics: Record<string, { value: number; at: number }> = {};
    if (s.p95 !== undefined) metrics.latency_p95 = { value: s.p95, at: s.t };
    if (s.err !== undefined) metrics.error_rate = { value: s.err, at: s.t };
    const r = evaluateHealth(
      { now: s.t, slo, metrics, replicas: { desired: 2, ready: s.ready ?? 2 } },
      state,
      health,
    );
    state = r.state;
    health = r.health;
    out.push(r.health);
  }
  return out;
}

describe('endpoint health from SLOs', () => {
  it('is ok within SLO, and warns only after a breach has held for the SLO duration, saying so in words', () => {
    const h = run([
      { t: T0, p95: 0.8, err: 0 },
      { t: T0 + 60_000, p95: 1.9, err: 0 },
      { t: T0 + 120_000, p95: 1.9, err: 0 },
      { t: T0 + 240_000, p95: 1.9, err: 0 },
    ]);
    expect(h.map((x) => x.status)).toEqual(['ok', 'ok', 'ok', 'warning']);
    expect(h[0]!.reason).toBe('within SLO');
    expect(h[3]!.reason).toBe('p95 1.9 s > 1.2 s for 3 min');
  });

  it('a breach that stops resets the clock', () => {
    const h = run([
      { t: T0, p95: 1.9, err: 0 },
      { t: T0 + 120_000, p95: 0.5, err: 0 },
      { t: T0 + 200_000, p95: 1.9, err: 0 },
      { t: T0 + 300_000, p95: 1.9, err: 0 },
    ]);
    expect(h.map((x) => x.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('goes critical on a held error burst and back to ok when it ends', () => {
    const h = run([
      { t: T0, p95: 0.5, err: 0.35 },
      { t: T0 + 200_000, p95: 0.5, err: 0.35 },
      { t: T0 + 260_000, p95: 0.5, err: 0.001 },
    ]);
    expect(h.map((x) => x.status)).toEqual(['ok', 'critical', 'ok']);
    expect(h[1]!.reason).toBe('error rate 35 % > 5 % for 3 min');
  });

  it('is critical at once with no ready replica, and warns with some missing', () => {
    expect(run([{ t: T0, ready: 0 }])[0]).toMatchObject({
      status: 'critical',
      reason: '0 of 2 replicas ready',
    });
    expect(run([{ t: T0, ready: 1, p95: 0.2, err: 0 }])[0]).toMatchObject({
      status: 'warning',
      reason: '1 of 2 replicas ready',
    });
  });

  it('is unknown with no fresh metrics, never ok by default', () => {
    expect(run([{ t: T0 }])[0]).toMatchObject({ status: 'unknown', reason: 'no metrics yet' });
    const stale = evaluateHealth(
      {
        now: T0 + 600_000,
        slo,
        replicas: { desired: 1, ready: 1 },
        metrics: { latency_p95: { value: 0.3, at: T0 } },
      },
      {},
    );
    expect(stale.health).toMatchObject({ status: 'unknown', reason: 'no metrics for 10 min' });
  });

  it('formats figures the same way everywhere', () => {
    expect(formatMetric('latency_p95', 0.0345)).toBe('35 ms');
    expect(formatMetric('latency_p95', 1.234)).toBe('1.23 s');
    expect(formatMetric('error_rate', 0.0123)).toBe('1.23 %');
    expect(formatMetric('spend_per_hour', 12.4)).toBe('$12.40/h');
    expect(formatMetric('request_rate', Number.NaN)).toBe('—');
  });
});
