import { describe, expect, it } from 'vitest';
import type { DemoEndpoint, DemoModel } from '../../../../src/demo/fleet-definition';
import { runtimeLatencyGrids } from '../../../../src/demo/model-server/runtime-buckets';
import {
  computeFigures,
  createFigures,
  noEffects,
  queueingFactor,
  type EndpointFigures,
  type LoadEffects,
} from '../../../../src/demo/world/load-model';

const model: DemoModel = {
  name: 'llama-3.1-8b-instruct',
  kind: 'chat',
  versions: [{ version: 'v1', image: 'vllm/vllm-openai:v0.8.5' }],
  promptTokens: 600,
  completionTokens: 240,
};

const endpoint: DemoEndpoint = {
  cluster: 'prod-us-east',
  namespace: 'llm',
  name: 'llama-8b-chat',
  model: model.name,
  version: 'v1',
  runtime: 'tgi', // TGI's fine x1.5 grid keeps the quantiles close to the lognormal's
  target: 'deployment',
  pool: 'a10g',
  replicas: 2,
  gpusPerReplica: 1,
  capacityRpsPerReplica: 20,
  peakRps: 30,
  baseLatencyMs: 450,
  baseTtftMs: 60,
  baseErrorRate: 0.002,
};

function figures(
  offeredRps: number,
  readyReplicas: number,
  options: { effects?: Partial<LoadEffects>; ep?: Partial<DemoEndpoint> } = {},
): EndpointFigures {
  const ep = { ...endpoint, ...options.ep };
  return computeFigures(
    {
      endpoint: ep,
      model,
      offeredRps,
      readyReplicas,
      latencyNoise: 1,
      effects: { ...noEffects, ...options.effects },
    },
    createFigures(runtimeLatencyGrids[ep.runtime]),
  );
}

describe('load model', () => {
  it('serves the base latency when idle', () => {
    const f = figures(0.01, 2);
    expect(f.utilisation).toBeCloseTo(0.00025, 6);
    // The median sits within the x1.5 bucket that holds 450 ms: interpolation error < 2%.
    expect(f.latencyP50Ms!).toBeGreaterThan(450 * 0.98);
    expect(f.latencyP50Ms!).toBeLessThan(450 * 1.02);
    expect(f.ttftP50Ms!).toBeGreaterThan(60 * 0.97);
    expect(f.ttftP50Ms!).toBeLessThan(60 * 1.03);
    // p95/p99 follow the lognormal spread (sigma 0.25 at idle): about x1.51 and x1.79, give or
    // take the linear interpolation inside a x1.5 bucket (up to ~7% in the tails).
    expect(f.latencyP95Ms! / f.latencyP50Ms!).toBeGreaterThan(1.4);
    expect(f.latencyP95Ms! / f.latencyP50Ms!).toBeLessThan(1.65);
    expect(f.latencyP99Ms!).toBeGreaterThan(f.latencyP95Ms!);
    expect(f.errorRate).toBeCloseTo(0.002, 6);
  });

  it('raises latency, TTFT, queue depth, KV cache and GPU use as load rises', () => {
    const loads = [4, 16, 28, 34, 38];
    const series = loads.map((rps) => figures(rps, 2));
    for (let i = 1; i < series.length; i++) {
      const [a, b] = [series[i - 1]!, series[i]!];
      expect(b.latencyP50Ms!).toBeGreaterThan(a.latencyP50Ms!);
      expect(b.latencyP95Ms!).toBeGreaterThan(a.latencyP95Ms!);
      expect(b.ttftP95Ms!).toBeGreaterThan(a.ttftP95Ms!);
      expect(b.queueDepth).toBeGreaterThan(a.queueDepth);
      expect(b.kvCacheUsage).toBeGreaterThan(a.kvCacheUsage);
      expect(b.gpuUtilPercent).toBeGreaterThan(a.gpuUtilPercent);
    }
    // Sharp near capacity: 95% utilisation costs far more than the step from 10% to 70%.
    const [idle, , seventy, , ninetyFive] = series;
    expect(ninetyFive!.latencyP50Ms! - seventy!.latencyP50Ms!).toBeGreaterThan(
      2 * (seventy!.latencyP50Ms! - idle!.latencyP50Ms!),
    );
    expect(queueingFactor(0.5)).toBeCloseTo(0.125, 6);
    expect(queueingFactor(1.5)).toBe(queueingFactor(1));
  });

  it('lowers latency when replicas are added', () => {
    const two = figures(34, 2);
    const three = figures(34, 3);
    const four = figures(34, 4);
    expect(three.utilisation).toBeCloseTo(34 / 60, 6);
    expect(three.latencyP95Ms!).toBeLessThan(two.latencyP95Ms!);
    expect(four.latencyP95Ms!).toBeLessThan(three.latencyP95Ms!);
    expect(four.ttftP95Ms!).toBeLessThan(two.ttftP95Ms!);
  });

  it('sheds the load past capacity as errors', () => {
    const atCapacity = figures(40, 2);
    expect(atCapacity.shedFraction).toBe(0);
    const over = figures(60, 2); // u = 1.5: a third of requests cannot be served
    expect(over.shedFraction).toBeCloseTo(1 / 3, 9);
    expect(over.errorRate).toBeCloseTo(1 - (2 / 3) * (1 - 0.002), 9);
    expect(over.successRps).toBeCloseTo(60 * (1 - over.errorRate), 9);
    expect(over.successRps).toBeLessThanOrEqual(40);
    expect(over.kvCacheUsage).toBe(1);
    expect(over.gpuUtilPercent).toBe(100);
    // The queue is full: latency holds at its u = 1 value instead of growing without bound.
    expect(over.latencyP50Ms).toBeCloseTo(atCapacity.latencyP50Ms!, 6);
  });

  it('fails every request with no ready replica', () => {
    const f = figures(10, 0);
    expect(f.errorRate).toBe(1);
    expect(f.successRps).toBe(0);
    expect(f.errorRps).toBe(10);
    expect(f.latencyP95Ms).toBeNull();
    expect(f.tokensOutPerS).toBe(0);
    expect(f.gpuUtilPercent).toBe(0);
  });

  it('counts tokens from served requests', () => {
    const f = figures(10, 2);
    expect(f.tokensInPerS).toBeCloseTo(f.successRps * 600, 6);
    expect(f.tokensOutPerS).toBeCloseTo(f.successRps * 240, 6);
    expect(f.itlP50Ms!).toBeGreaterThan(0);
  });

  it('makes a bad candidate slower and flakier', () => {
    const good = figures(10, 2);
    const bad = figures(10, 2, { ep: { quality: { latencyFactor: 1.6, extraErrorRate: 0.04 } } });
    expect(bad.e2e.median / good.e2e.median).toBeCloseTo(1.6, 6);
    expect(bad.errorRate).toBeCloseTo(0.042, 6);
  });

  it('applies fault effects', () => {
    const base = figures(10, 2);
    const spike = figures(10, 2, { effects: { latencyFactor: 4 } });
    expect(spike.e2e.median / base.e2e.median).toBeCloseTo(4, 6);
    // x4 on the distribution; the reported p95 moves to another bucket, hence +-12%.
    expect(spike.latencyP95Ms! / base.latencyP95Ms!).toBeGreaterThan(3.5);
    expect(spike.latencyP95Ms! / base.latencyP95Ms!).toBeLessThan(4.5);
    expect(figures(10, 2, { effects: { errorRateFloor: 0.35 } }).errorRate).toBeCloseTo(0.35, 9);
    const cost = figures(10, 2, { effects: { tokenFactor: 5 } });
    expect(cost.tokensOutPerS / base.tokensOutPerS).toBeCloseTo(5, 6);
    expect(cost.promptTokensPerRequest).toBe(3000);
  });

  it('has no inter-token latency for an embedding model', () => {
    const f = computeFigures(
      {
        endpoint: {
          ...endpoint,
          runtime: 'vllm',
          baseLatencyMs: 35,
          baseTtftMs: 20,
          capacityRpsPerReplica: 150,
        },
        model: { ...model, kind: 'embedding', completionTokens: 0 },
        offeredRps: 100,
        readyReplicas: 2,
        latencyNoise: 1,
        effects: noEffects,
      },
      createFigures(runtimeLatencyGrids.vllm),
    );
    expect(f.itlP50Ms).toBeNull();
    expect(f.tokensOutPerS).toBe(0);
    expect(f.latencyP50Ms!).toBeGreaterThan(0);
  });
});
