#!/usr/bin/env node
// chart-query: 24 h of 1-minute points for one endpoint from Fleetdeck's cache (SQLite 1-minute
// rollups, the path a chart takes offline and on every reload) against the same series from a
// real Prometheus `query_range` (step 60 s), both called from Node in-process. Prometheus holds
// the same 24 h, backfilled with `promtool tsdb create-blocks-from openmetrics`. Goal: <= 0.2.
import { register } from 'tsx/esm/api';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';

register();
const { openStore } = await import('../../src/core/store/database.ts');
const { MetricsStore } = await import('../../src/core/metrics/metrics.store.ts');
const { silentLogger } = await import('../../src/core/log/logger.ts');

const MIN = 60_000;
const DAY = 24 * 3600_000;
const now = Math.floor(Date.now() / MIN) * MIN;
const from = now - DAY;
const value = (t) => 1.2 + 0.4 * Math.sin(t / 3_600_000) + ((t / MIN) % 7) * 0.01;
const dir = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-chart-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The cache: 24 h of 15 s samples rolled into 1-minute buckets (a long raw window only for seeding).
const store = openStore({ dataDir: join(dir, 'data'), log: silentLogger });
const seeding = new MetricsStore(store.db, {
  rawMs: DAY + 3_600_000,
  oneMinuteMs: 8 * DAY,
  oneHourMs: 400 * DAY,
});
for (let t = from; t < now; t += 3_600_000) {
  const batch = [];
  for (let s = t; s < Math.min(now, t + 3_600_000); s += 15_000)
    batch.push({ endpointId: 'prod:llm:chat', metric: 'latency_p95', ts: s, value: value(s) });
  seeding.write(batch);
}
seeding.rollup(now);
const metrics = new MetricsStore(store.db);

// Prometheus: the same series at 1-minute resolution, backfilled, then served.
const lines = ['# TYPE fleetdeck_latency_p95 gauge'];
for (let t = from; t < now; t += MIN)
  lines.push(`fleetdeck_latency_p95{endpoint="prod:llm:chat"} ${value(t)} ${t / 1000}`);
lines.push('# EOF');
writeFileSync(join(dir, 'series.om'), lines.join('\n') + '\n');
execFileSync('promtool', [
  'tsdb',
  'create-blocks-from',
  'openmetrics',
  '--quiet',
  join(dir, 'series.om'),
  join(dir, 'tsdb'),
]);
writeFileSync(
  join(dir, 'prometheus.yml'),
  JSON.stringify({ global: { scrape_interval: '60s' }, scrape_configs: [] }),
);
const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const prom = spawn(
  'prometheus',
  [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'tsdb')}`,
    '--storage.tsdb.retention.time=30d',
    `--web.listen-address=127.0.0.1:${port}`,
  ],
  { stdio: 'ignore' },
);
const base = `http://127.0.0.1:${port}`;
try {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await request(`${base}/-/ready`);
      await r.body.text();
      if (r.statusCode === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('prometheus did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  const queryRange = async () => {
    const q = new URLSearchParams({
      query: 'fleetdeck_latency_p95{endpoint="prod:llm:chat"}',
      start: String(from / 1000),
      end: String(now / 1000),
      step: '60',
    });
    const r = await request(`${base}/api/v1/query_range?${q}`);
    const body = await r.body.json();
    return body.data.result[0].values.map(([t, v]) => [t * 1000, Number(v)]);
  };
  const fromCache = () =>
    metrics.series(
      { endpointIds: ['prod:llm:chat'], metric: 'latency_p95', from, to: now, maxPoints: 1440 },
      now,
    )[0].points;

  // Both answer the same points: same count (give or take the edge minute), same values.
  const a = await queryRange();
  const b = fromCache();
  if (Math.abs(a.length - b.length) > 2)
    throw new Error(`point counts differ: prometheus ${a.length}, cache ${b.length}`);

  const ours = [];
  const theirs = [];
  for (let i = 0; i < 3; i++) {
    await queryRange();
    fromCache();
  }
  for (let i = 0; i < 25; i++) {
    let s = process.hrtime.bigint();
    await queryRange();
    theirs.push(Number(process.hrtime.bigint() - s) / 1e6);
    s = process.hrtime.bigint();
    fromCache();
    ours.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  const v = median(ours);
  const bl = median(theirs);
  console.log(
    JSON.stringify({
      bench: 'chart-query',
      value: +v.toFixed(3),
      unit: 'ms',
      baseline: +bl.toFixed(3),
      ratio: +(v / bl).toFixed(3),
    }),
  );
} finally {
  prom.kill('SIGTERM');
  store.close();
  await new Promise((r) => prom.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
