import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { generateScaleFleet } from '../../../../src/demo/scale/scale-fleet';
import { startDemoHost } from './demo-host';

/**
 * `--demo-scale 10000` must stay cheap on a 2-core machine: the 1 s tick is O(endpoints) with
 * small constants, and /metrics is rendered per scrape. The bounds are generous (CI machines are
 * noisy); the measured figures are printed for the record.
 */
let demo: Awaited<ReturnType<typeof startDemoHost>>;

beforeAll(async () => {
  demo = await startDemoHost({ fleet: generateScaleFleet(10_000, 20261126) });
}, 120_000);
afterAll(() => demo?.close());

describe('scale mode cost', () => {
  it('ticks 10,000 endpoints in well under the tick period', () => {
    for (let i = 0; i < 5; i++) demo.host.tick(1); // warm up the JIT
    const costs = Array.from({ length: 20 }, () => demo.host.tick(1)).sort((a, b) => a - b);
    const median = costs[Math.floor(costs.length / 2)]!;
    const replicas = demo.fleet.endpoints.reduce((sum, e) => sum + e.replicas, 0);
    console.log(
      `[tick-cost] ${demo.fleet.endpoints.length} endpoints, ${replicas} replicas: ` +
        `median ${median.toFixed(1)} ms, max ${costs.at(-1)!.toFixed(1)} ms per tick`,
    );
    expect(median).toBeLessThan(250);
  });

  it('renders one replica scrape in about a millisecond', async () => {
    const e = demo.fleet.endpoints.find((x) => x.runtime === 'tgi')!;
    const base = demo.host.podBaseUrl(e.cluster, e.namespace, `${e.name}-7c9f0`);
    await (await request(`${base}/metrics`)).body.text();
    const started = performance.now();
    let bytes = 0;
    for (let i = 0; i < 50; i++) bytes += (await (await request(`${base}/metrics`)).body.text()).length;
    const perScrape = (performance.now() - started) / 50;
    console.log(
      `[tick-cost] TGI /metrics: ${(bytes / 50 / 1024).toFixed(1)} KiB, ${perScrape.toFixed(2)} ms per scrape`,
    );
    expect(perScrape).toBeLessThan(50);
  });
});
