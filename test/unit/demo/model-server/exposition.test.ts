import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { refs } from '../../../../src/demo/kube/object-store.types';
import { nodeName, podObject } from '../world/fixtures/seed-cluster';
import { startDemoHost } from './demo-host';
import {
  bucketDelta,
  histogramQuantile,
  histograms,
  parseExposition,
  type ParsedFamily,
} from './exposition-parser';

let demo: Awaited<ReturnType<typeof startDemoHost>>;
const vllmPod = ['prod-us-east', 'llm', 'llama-8b-chat-7c9f0'] as const;
const tgiPod = ['prod-us-east', 'llm', 'mixtral-chat-7c9f0'] as const;

async function scrape(url: string) {
  const res = await request(url);
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  return res.body.text();
}
const metricsOf = (pod: readonly [string, string, string]) =>
  scrape(`${demo.host.podBaseUrl(...pod)}/metrics`);

function family(families: Map<string, ParsedFamily>, name: string, type: string): ParsedFamily {
  const f = families.get(name);
  expect(f, name).toBeDefined();
  expect(f!.type, name).toBe(type);
  expect(f!.help.length, `${name} HELP`).toBeGreaterThan(0);
  return f!;
}

beforeAll(async () => {
  demo = await startDemoHost();
  demo.host.tick(1);
});
afterAll(() => demo.close());

describe('vLLM exposition', () => {
  it('has the V1 families, types, HELP and the model_name label', async () => {
    const families = parseExposition(await metricsOf(vllmPod));
    for (const name of [
      'vllm:num_requests_running',
      'vllm:num_requests_waiting',
      'vllm:kv_cache_usage_perc',
    ]) {
      family(families, name, 'gauge');
    }
    for (const name of [
      'vllm:prompt_tokens_total',
      'vllm:generation_tokens_total',
      'vllm:request_success_total',
    ]) {
      family(families, name, 'counter');
    }
    for (const name of [
      'vllm:e2e_request_latency_seconds',
      'vllm:time_to_first_token_seconds',
      'vllm:inter_token_latency_seconds',
    ]) {
      family(families, name, 'histogram');
    }
    for (const [name, f] of families) {
      if (!name.startsWith('vllm:')) continue;
      for (const s of f.samples) expect(s.labels.model_name, s.name).toBe('llama-3.1-8b-instruct');
    }
    const reasons = family(families, 'vllm:request_success_total', 'counter').samples.map(
      (s) => s.labels.finished_reason,
    );
    expect(reasons).toEqual(['stop', 'length', 'abort']);
    const e2e = histograms(families.get('vllm:e2e_request_latency_seconds')!)[0]!;
    expect(e2e.buckets.map((b) => b.le).slice(0, 4)).toEqual([0.3, 0.5, 0.8, 1]);
    expect(family(families, 'vllm:kv_cache_usage_perc', 'gauge').samples[0]!.value).toBeGreaterThan(0);
  });

  it('grows its counters every tick, and the histograms read back as the load model', async () => {
    const before = parseExposition(await metricsOf(vllmPod));
    demo.host.tick(60);
    const after = parseExposition(await metricsOf(vllmPod));
    const f = demo.world.figures('prod-us-east:llm:llama-8b-chat')!;
    const value = (m: Map<string, ParsedFamily>, name: string) =>
      m.get(name)!.samples.reduce((a, s) => a + s.value, 0);
    const served = value(after, 'vllm:request_success_total') - value(before, 'vllm:request_success_total');
    // One replica of three served a third of a minute of traffic (floors: +-3 requests).
    expect(Math.abs(served - (f.successRps * 60) / 3)).toBeLessThanOrEqual(3);
    expect(value(after, 'vllm:generation_tokens_total')).toBeGreaterThan(
      value(before, 'vllm:generation_tokens_total'),
    );
    for (const [name, fig] of [
      [
        'vllm:e2e_request_latency_seconds',
        { p50: f.latencyP50Ms!, p95: f.latencyP95Ms!, p99: f.latencyP99Ms! },
      ],
      ['vllm:time_to_first_token_seconds', { p50: f.ttftP50Ms!, p95: f.ttftP95Ms! }],
    ] as const) {
      const delta = bucketDelta(histograms(after.get(name)!)[0]!, histograms(before.get(name)!)[0]!);
      for (const [q, expected] of Object.entries(fig)) {
        const quantile = Number(q.slice(1)) / 100;
        // ~200 requests in the window, floored per bucket: within 2%.
        const read = histogramQuantile(quantile, delta) * 1000;
        expect(Math.abs(read - expected) / expected, `${name} ${q}: ${read} vs ${expected}`).toBeLessThan(
          0.02,
        );
      }
    }
  });
});

describe('TGI exposition', () => {
  it('has the TGI families, without a model label', async () => {
    demo.host.tick(30);
    const families = parseExposition(await metricsOf(tgiPod));
    for (const name of ['tgi_request_count', 'tgi_request_success']) family(families, name, 'counter');
    for (const name of ['tgi_queue_size', 'tgi_batch_current_size']) family(families, name, 'gauge');
    for (const name of [
      'tgi_request_duration',
      'tgi_request_mean_time_per_token_duration',
      'tgi_request_queue_duration',
      'tgi_request_generated_tokens',
      'tgi_request_input_length',
    ]) {
      family(families, name, 'histogram');
    }
    const duration = histograms(families.get('tgi_request_duration')!)[0]!;
    expect(duration.labels).toEqual({});
    expect(duration.buckets[0]!.le).toBe(0.00015000000000000001);
    expect(duration.buckets).toHaveLength(36);
    const count = families.get('tgi_request_count')!.samples[0]!.value;
    const success = families.get('tgi_request_success')!.samples[0]!.value;
    expect(success).toBeGreaterThan(0);
    expect(count).toBeGreaterThanOrEqual(success);
    const f = demo.world.figures('prod-us-east:llm:mixtral-chat')!;
    const p95 = histogramQuantile(0.95, duration.buckets) * 1000;
    expect(Math.abs(p95 - f.latencyP95Ms!) / f.latencyP95Ms!).toBeLessThan(0.03);
  });
});

describe('DCGM exposition', () => {
  it('reports every GPU of a node with the pod holding it', async () => {
    const node = nodeName('prod-us-east', 'h100', 0);
    const families = parseExposition(await scrape(demo.host.nodeMetricsUrl('prod-us-east', node)));
    for (const name of [
      'DCGM_FI_DEV_GPU_UTIL',
      'DCGM_FI_DEV_FB_USED',
      'DCGM_FI_DEV_FB_FREE',
      'DCGM_FI_DEV_POWER_USAGE',
      'DCGM_FI_DEV_XID_ERRORS',
    ]) {
      const f = family(families, name, 'gauge');
      expect(f.samples).toHaveLength(8);
      for (const s of f.samples) {
        expect(Object.keys(s.labels)).toEqual(
          expect.arrayContaining(['gpu', 'UUID', 'modelName', 'Hostname']),
        );
        expect(s.labels.Hostname).toBe(node);
        expect(s.labels.modelName).toBe('NVIDIA H100 80GB HBM3');
      }
    }
    const util = families.get('DCGM_FI_DEV_GPU_UTIL')!.samples;
    const held = util.filter((s) => s.labels.pod);
    expect(held.length).toBeGreaterThan(0);
    for (const s of held) {
      expect(s.labels.namespace).toBeDefined();
      expect(s.labels.container).toBe('server');
      expect(s.value).toBeGreaterThan(0);
    }
    expect(families.get('DCGM_FI_DEV_XID_ERRORS')!.samples.every((s) => s.value === 0)).toBe(true);

    demo.faults.inject({ kind: 'gpu_xid', target: node, durationS: 60 });
    const failed = parseExposition(await scrape(demo.host.nodeMetricsUrl('prod-us-east', node)));
    expect(failed.get('DCGM_FI_DEV_XID_ERRORS')!.samples.every((s) => s.value === 79)).toBe(true);
    expect(failed.get('DCGM_FI_DEV_GPU_UTIL')!.samples.every((s) => s.value === 0)).toBe(true);
    demo.faults.clear(node);

    expect((await request(demo.host.nodeMetricsUrl('prod-us-east', 'no-such-node'))).statusCode).toBe(404);
  });
});

describe('every document', () => {
  it('restarts a replica from zero when its pod is replaced', async () => {
    const store = demo.store('prod-us-east');
    const [cluster, namespace, name] = vllmPod;
    const success = async () =>
      parseExposition(await metricsOf(vllmPod))
        .get('vllm:request_success_total')!
        .samples.reduce((a, s) => a + s.value, 0);
    expect(await success()).toBeGreaterThan(0);
    const old = store.delete(refs.pods, namespace, name)!;
    const endpoint = demo.fleet.endpoints.find((e) => e.cluster === cluster && e.name === 'llama-8b-chat')!;
    store.create(refs.pods, podObject(endpoint, 0, old.spec.nodeName));
    expect(await success()).toBe(0);
    demo.host.tick(10);
    expect(await success()).toBeGreaterThan(0);
  });

  it('passes promtool (style warnings the real servers share aside)', async (ctx) => {
    if (spawnSync('promtool', ['--version']).status !== 0) return ctx.skip();
    const documents = [
      await metricsOf(vllmPod),
      await metricsOf(tgiPod),
      await scrape(demo.host.nodeMetricsUrl('prod-us-east', nodeName('prod-us-east', 'h100', 0))),
    ];
    // Real vLLM uses ':' in names, TGI has counters without _total, DCGM camelCase labels.
    const known = [
      /should not contain ':'/,
      /should have "_total" suffix/,
      /should not have "_count" suffix/,
      /snake_case/,
    ];
    for (const text of documents) {
      const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect([0, 3], result.stderr + result.stdout).toContain(result.status);
      const problems = `${result.stdout}${result.stderr}`
        .split('\n')
        .filter((l) => l && !known.some((k) => k.test(l)));
      expect(problems).toEqual([]);
    }
  });
});
