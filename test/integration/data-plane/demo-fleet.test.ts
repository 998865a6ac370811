import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callApi,
  ensureConsoleBuilt,
  startConsole,
  stopAllConsoles,
  type ConsoleHost,
} from '../server/console-host';

const run = promisify(execFile);

/**
 * The data plane end to end, as a user meets it: the console started with the demo fleet, the
 * real kubectl against the simulated clusters, the real scrape path, and the public API.
 */
describe('the demo fleet through the console', () => {
  let dataDir: string;
  let host: ConsoleHost;

  const api = async <T>(command: string, args: unknown = {}): Promise<T> => {
    const reply = await callApi(host, command, args, { authorization: `Bearer ${host.token}` });
    const body = reply.json() as { ok: boolean; result?: T; error?: { message: string } };
    if (!body.ok) throw new Error(`${command}: ${body.error?.message}`);
    return body.result as T;
  };
  /** Polls `check` every 250 ms until it returns a value, or fails naming what it waited for. */
  const until = async <T>(
    what: string,
    check: () => Promise<T | undefined | false>,
    timeoutMs = 60_000,
  ): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        const value = await check();
        if (value !== undefined && value !== false) return value;
      } catch (error) {
        last = error;
      }
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const kubectl = (...args: string[]) =>
    run('kubectl', args, {
      env: { ...process.env, KUBECONFIG: join(dataDir, 'demo', 'kubeconfig') },
      timeout: 30_000,
    });

  interface Ep {
    id: string;
    replicas: { desired: number; ready: number };
    health: { status: string; reason: string };
    metrics: Record<string, { value: number; at: number } | undefined>;
    freshness: { state: string; at: number | null };
  }
  const endpoint = async (id: string) => (await api<{ endpoint: Ep }>('fleet.endpoint', { id })).endpoint;
  const p95Series = async (id: string, sinceMs: number) => {
    const r = await api<{ series: Array<{ points: Array<[number, number]> }> }>('metrics.series', {
      endpointIds: [id],
      metric: 'latency_p95',
      from: sinceMs,
      to: Date.now(),
      maxPoints: 1000,
    });
    return r.series[0]!.points;
  };

  beforeAll(async () => {
    await ensureConsoleBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'fleetdeck-dataplane-'));
    host = await startConsole(dataDir, [], { demo: true });
    await until('26 live endpoints', async () => {
      const s = await api<{ endpoints: { total: number }; freshness: { state: string } }>('fleet.summary');
      return s.endpoints.total === 26 && s.freshness.state === 'live';
    });
  }, 120_000);

  afterAll(async () => {
    await stopAllConsoles();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists every demo endpoint through the Kubernetes source, with replicas, GPUs and prices', async () => {
    const page = await api<{
      total: number;
      items: Array<Ep & { gpus: number; hourlyPriceUsd: number | null; source: string }>;
    }>('fleet.endpoints', {});
    expect(page.total).toBe(26);
    expect(new Set(page.items.map((e) => e.source))).toEqual(new Set(['demo']));
    for (const e of page.items) {
      if (e.replicas.desired === 0) continue;
      expect(e.replicas.ready, e.id).toBeGreaterThan(0);
      expect(e.gpus, e.id).toBeGreaterThan(0);
      expect(e.hourlyPriceUsd, e.id).toBeGreaterThan(0);
    }
    // A candidate built but not rolled out: listed, scaled to zero, costing nothing, not alarming.
    const candidate = page.items.find((e) => e.id === 'staging:support:support-bot-2024-12')!;
    expect(candidate.replicas).toEqual({ desired: 0, ready: 0 });
    expect(candidate.gpus).toBe(0);
    expect(candidate.health.status).not.toBe('critical');
    // The canary split of the KServe InferenceService is known per version.
    const v2 = page.items.find((e) => e.id === 'prod-us-east:llm:llama-70b-chat-v2') as unknown as {
      trafficPercent: number;
    };
    expect(v2.trafficPercent).toBe(10);
  });

  it('scaling a Deployment up with kubectl lowers its p95, as metrics.series shows', async () => {
    const id = 'prod-eu-west:llm:llama-8b-chat';
    // Overload it whatever the time of day: one replica, three times the traffic.
    await kubectl('--context', 'prod-eu-west', '-n', 'llm', 'scale', 'deploy/llama-8b-chat', '--replicas=1');
    await api('demo.fault', { kind: 'traffic_surge', target: id, durationS: 600 });
    await until('one ready replica', async () => (await endpoint(id)).replicas.ready === 1 || undefined);
    const overloadedAt = Date.now();
    const overloaded = await until('p95 under overload', async () => {
      const points = (await p95Series(id, overloadedAt)).map(([, v]) => v);
      return points.length >= 3 ? points.at(-1) : undefined;
    });

    await kubectl('--context', 'prod-eu-west', '-n', 'llm', 'scale', 'deploy/llama-8b-chat', '--replicas=9');
    await kubectl(
      '--context',
      'prod-eu-west',
      '-n',
      'llm',
      'rollout',
      'status',
      'deploy/llama-8b-chat',
      '--timeout=60s',
    );
    await until(
      'nine ready replicas in the fleet',
      async () => (await endpoint(id)).replicas.ready === 9 || undefined,
    );
    const scaledAt = Date.now();
    const relieved = await until('p95 after scaling out', async () => {
      const points = (await p95Series(id, scaledAt)).map(([, v]) => v);
      return points.length >= 3 ? points.at(-1) : undefined;
    });
    expect(relieved).toBeLessThan(overloaded * 0.7);
    await api('demo.faults');
  }, 180_000);

  it('an error burst turns the endpoint critical with the reason in words, and it recovers after the fault', async () => {
    const id = 'prod-us-east:llm:mixtral-chat';
    // A short hold so the test does not wait the default minute; set the way a user would.
    await api('slos.set', { model: 'mixtral-8x7b-instruct', slo: { forSeconds: 3 } });
    await api('demo.fault', { kind: 'error_burst', target: id, durationS: 20 });
    const critical = await until('critical health', async () => {
      const e = await endpoint(id);
      return e.health.status === 'critical' ? e : undefined;
    });
    expect(critical.health.reason).toMatch(/^error rate [\d.]+ % > 5 % for \d+ min/);
    const page = await api<{ items: Ep[] }>('fleet.endpoints', { health: ['critical'] });
    expect(page.items.map((e) => e.id)).toContain(id);
    await until(
      'recovery after the fault ends',
      async () => {
        const e = await endpoint(id);
        return e.health.status !== 'critical' && (e.metrics.error_rate?.value ?? 1) < 0.05 ? e : undefined;
      },
      90_000,
    );
  }, 150_000);

  it('restarted with every source gone, serves the cached fleet at once, marked offline', async () => {
    const before = await api<{ freshness: { at: number } }>('fleet.summary');
    expect((await host.stop()).code).toBe(0);
    host = await startConsole(dataDir, ['--no-demo']);
    const page = await api<{ total: number; items: Ep[] }>('fleet.endpoints', {});
    expect(page.total).toBe(26);
    for (const e of page.items) {
      expect(e.freshness.state, e.id).toBe('offline');
      expect(e.freshness.at, e.id).not.toBeNull();
      // Its figures come from the cache (one scaled to zero never had any).
      if (e.replicas.desired > 0) expect(e.metrics.request_rate, e.id).toBeDefined();
    }
    const summary = await api<{ freshness: { state: string; at: number } }>('fleet.summary');
    expect(summary.freshness.state).toBe('offline');
    expect(summary.freshness.at).toBeGreaterThanOrEqual(before.freshness.at - 10_000);
  }, 60_000);
});
