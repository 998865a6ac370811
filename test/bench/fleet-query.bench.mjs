#!/usr/bin/env node
// fleet-query: top 50 endpoints by p95 over the last hour across 10,000 endpoints, from the
// cache (1-minute rollups). Reported in milliseconds (median of 7). The baseline is the floor:
// SQLite touching every row the query must consider (10,000 series x 60 minutes of the metric)
// and summing them, with no grouping or ranking; the ratio is what ranking adds on top.
import { register } from 'tsx/esm/api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

register();
const { openStore } = await import('../../src/core/store/database.ts');
const { MetricsStore } = await import('../../src/core/metrics/metrics.store.ts');
const { silentLogger } = await import('../../src/core/log/logger.ts');

const ENDPOINTS = 10_000;
const HOUR = 3_600_000;
const now = Date.UTC(2026, 10, 26, 12, 30);
const dir = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-fleetq-'));
const store = openStore({ dataDir: dir, log: silentLogger });
const metrics = new MetricsStore(store.db);

// An hour of 15 s samples for every endpoint, rolled up into 1-minute buckets.
for (let t = now - HOUR; t < now; t += 15_000) {
  const batch = [];
  for (let e = 0; e < ENDPOINTS; e++)
    batch.push({
      endpointId: `c${e % 6}:ns:ep-${e}`,
      metric: 'latency_p95',
      ts: t,
      value: 0.2 + ((e * 7919) % 1000) / 400 + Math.random() * 0.05,
    });
  metrics.write(batch);
}
metrics.rollup(now);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (fn) => {
  const s = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - s) / 1e6;
};
const scan = store.db.prepare(
  `SELECT count(*), sum(r.sum) FROM metric_1m r JOIN metric_series s ON s.id = r.series_id
   WHERE s.metric = 'latency_p95' AND r.bucket >= ? AND r.bucket <= ?`,
);
const ours = [];
const base = [];
let top = [];
for (let i = 0; i < 7; i++) {
  base.push(time(() => scan.get(now - HOUR, now)));
  ours.push(time(() => (top = metrics.top('latency_p95', now - HOUR, now, 50))));
}
if (top.length !== 50 || !(top[0].value >= top[49].value))
  throw new Error('fleet-query returned a wrong ranking');
store.close();
rmSync(dir, { recursive: true, force: true });
const value = median(ours);
const baseline = median(base);
console.log(
  JSON.stringify({
    bench: 'fleet-query',
    value: +value.toFixed(1),
    unit: 'ms',
    baseline: +baseline.toFixed(1),
    ratio: +(value / baseline).toFixed(3),
  }),
);
