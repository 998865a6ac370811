import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDir } from '../../../support/tmp';
import { STABLE, healthy, openHarness, type Harness, type Scenario } from './engine-harness';

const blueGreen = (options: { autoPromote?: boolean } = {}) => `apiVersion: fleetdeck.io/v1
kind: Rollout
metadata:
  name: chat-v2-bg
spec:
  endpoint: ${STABLE}
  stable: {version: v1}
  candidate: {version: v2}
  strategy:
    blueGreen:
      previewWeight: 10
      prePromotionAnalysis:
        conditions: [error_rate <= stable * 1.1]
        interval: 10s
        count: 2
      postPromotionAnalysis:
        conditions: [error_rate < 2%]
        interval: 10s
        count: 2
        failureLimit: 1
      scaleDownDelay: 2m
      autoPromote: ${options.autoPromote ?? true}
`;

const abPlan = `apiVersion: fleetdeck.io/v1
kind: Rollout
metadata:
  name: chat-v2-ab
spec:
  endpoint: ${STABLE}
  stable: {version: v1}
  candidate: {version: v2}
  strategy:
    ab:
      weight: 30
      duration: 5m
      metrics: [latency_p95, error_rate, tokens_per_request]
      abortWhen:
        conditions: [error_rate < 10%]
        interval: 5s
`;

/** A deterministic pseudo-random stream (an LCG), so the noise is the same on every run. */
function noise(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1664525 + 1013904223) % 4294967296;
    return x / 4294967296 - 0.5;
  };
}

describe('rollout engine: blue-green and A/B', () => {
  let tmp: ReturnType<typeof freshDir>;
  let h: Harness;
  const scenario = { current: healthy };

  beforeEach(() => {
    tmp = freshDir();
    scenario.current = healthy;
    h = openHarness(tmp.dir, scenario);
  });
  afterEach(async () => {
    await h.close();
    tmp.cleanup();
  });

  it('blue-green: prepares, previews, switches all traffic at once, keeps the old warm, then retires it', async () => {
    const started = await h.start(blueGreen());
    const done = await h.until(started.id, 'succeeded', (r) => r.state === 'succeeded');
    expect(h.target.calls).toEqual(['prepare', 'setWeight 10', 'promote', 'retireOld']);
    const switched = done.decisions.find((d) => d.message.startsWith('promote (all traffic'))!;
    const retired = done.decisions.find((d) => d.message === 'scale down the old version')!;
    // Post-promotion analysis (2 x 10 s) and then the 2 minutes warm.
    expect(retired.at - switched.at).toBeGreaterThanOrEqual(140_000);
    expect(
      done.decisions.some(
        (d) => d.message === 'post-promotion analysis passed: 2 of 2 measurements successful',
      ),
    ).toBe(true);
  });

  it('blue-green: a failing post-promotion analysis switches back at once and never retires stable', async () => {
    // The candidate only breaks under full load.
    scenario.current = (w) => ({
      stable: { request_rate: 10, error_rate: 0.008, latency_p95: 0.9 },
      candidate: { request_rate: 1 + w / 10, error_rate: w === 100 ? 0.06 : 0.008, latency_p95: 0.9 },
    });
    const started = await h.start(blueGreen());
    const r = await h.until(started.id, 'aborted', (x) => x.state === 'aborted');
    expect(h.target.calls).toEqual(['prepare', 'setWeight 10', 'promote', 'abort']);
    expect(h.target.percent).toBe(0);
    expect(r.message).toBe('post-promotion aborted: candidate error_rate 6 % >= 2 %, 1 of 1 measurements');
  });

  it('blue-green without autoPromote waits for a person, who promotes', async () => {
    const started = await h.start(blueGreen({ autoPromote: false }));
    const waiting = await h.until(started.id, 'waiting', (r) => r.state === 'paused');
    expect(waiting.message).toMatch(/waiting for a person to promote/);
    expect(h.target.calls).toEqual(['prepare', 'setWeight 10']);
    await h.control(started.id, 'promote', 'frank');
    await h.until(started.id, 'succeeded', (r) => r.state === 'succeeded');
    expect(h.target.calls).toEqual(['prepare', 'setWeight 10', 'promote', 'retireOld']);
  });

  it('A/B: a fixed split for the duration, traffic back on stable, and a comparison with its confidence', async () => {
    const jitter = noise(42);
    const slower: Scenario = (w) => ({
      stable: {
        request_rate: 7,
        error_rate: 0.01 + jitter() * 0.004,
        latency_p95: 1.0 + jitter() * 0.1,
        tokens_in_rate: 700,
        tokens_out_rate: 1400,
      },
      candidate: {
        request_rate: 3,
        error_rate: 0.01 + jitter() * 0.004,
        latency_p95: 1.25 + jitter() * 0.1,
        tokens_in_rate: w > 0 ? 300 : 0,
        tokens_out_rate: w > 0 ? 450 : 0,
      },
    });
    scenario.current = slower;
    const started = await h.start(abPlan);
    const done = await h.until(started.id, 'completed', (r) => r.state === 'completed');
    expect(h.target.calls).toEqual(['setWeight 30', 'abort']);
    expect(h.target.percent).toBe(0);
    const c = done.comparison!;
    expect(c.windowTo - c.windowFrom).toBe(300_000);
    const latency = c.metrics.find((m) => m.metric === 'latency_p95')!;
    expect(latency.verdict).toBe('candidate_worse');
    expect(latency.difference!).toBeGreaterThan(0.2);
    expect(latency.difference!).toBeLessThan(0.3);
    expect(latency.ciLow!).toBeLessThan(0.25);
    expect(latency.ciHigh!).toBeGreaterThan(0.25);
    expect(latency.pValue!).toBeLessThan(0.001);
    expect(latency.samples.stable).toBeGreaterThanOrEqual(50);
    const errors = c.metrics.find((m) => m.metric === 'error_rate')!;
    expect(errors.verdict).toBe('no_significant_difference');
    // 2100 tokens/s over 7 req/s on stable = 300; 750 over 3 on the candidate = 250.
    const tokens = c.metrics.find((m) => m.metric === 'tokens_per_request')!;
    expect(tokens.stable).toBeCloseTo(300, 9);
    expect(tokens.candidate).toBeCloseTo(250, 9);
    expect(tokens.relativeDifference).toBeCloseTo(-1 / 6, 9);
    expect(done.message).toMatch(/^Experiment complete: latency_p95 candidate worse/);
  });

  it('A/B: a guard rail breached aborts the experiment early', async () => {
    scenario.current = (w) => ({
      stable: { request_rate: 7, error_rate: 0.01, latency_p95: 1 },
      candidate: { request_rate: 3, error_rate: w > 0 ? 0.2 : 0, latency_p95: 1 },
    });
    const started = await h.start(abPlan);
    const r = await h.until(started.id, 'aborted', (x) => x.state === 'aborted');
    expect(r.message).toBe('experiment aborted: candidate error_rate 20 % >= 10 %, 2 of 2 measurements');
    expect(h.target.calls).toEqual(['setWeight 30', 'abort']);
    expect(r.comparison).toBeNull();
  });
});
