#!/usr/bin/env node
// ingest: canonical samples per second written by the metrics store (prepared insert, batched
// transactions, series-id cache) against a plain better-sqlite3 prepared insert of the same rows
// in one transaction, on identical databases (WAL, synchronous=FULL). Goal: ratio >= 0.5.
// Steady state: the first scrape round (which creates the series rows, once per endpoint and
// metric) runs untimed on both sides; the figure is the following rounds.
import { register } from 'tsx/esm/api';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

register();
const { openStore } = await import('../../src/core/store/database.ts');
const { MetricsStore } = await import('../../src/core/metrics/metrics.store.ts');
const { silentLogger } = await import('../../src/core/log/logger.ts');
const { canonicalMetricNames } = await import('../../src/shared/fleet/metrics.ts');

const ENDPOINTS = 1000;
const TICKS = 15; // 1,000 endpoints x 14 metrics x 15 ticks = 210,000 samples
const BATCH = ENDPOINTS * canonicalMetricNames.length; // one scrape round per transaction

const t0 = Date.UTC(2026, 10, 26, 12);
const samples = [];
for (let tick = 0; tick < TICKS; tick++) {
  for (let e = 0; e < ENDPOINTS; e++) {
    for (const metric of canonicalMetricNames)
      samples.push({
        endpointId: `cluster-${e % 6}:ns:endpoint-${e}`,
        metric,
        ts: t0 + tick * 15_000,
        value: Math.random(),
      });
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function runOurs() {
  const dir = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-ingest-'));
  const store = openStore({ dataDir: dir, log: silentLogger });
  const metrics = new MetricsStore(store.db);
  const batches = [];
  for (let i = 0; i < samples.length; i += BATCH) batches.push(samples.slice(i, i + BATCH));
  metrics.write(batches[0]);
  const start = process.hrtime.bigint();
  for (let b = 1; b < batches.length; b++) metrics.write(batches[b]);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return (samples.length - BATCH) / seconds;
}

function runBaseline() {
  const dir = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-ingest-base-'));
  const db = new Database(join(dir, 'plain.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    'CREATE TABLE metric_raw (series_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY (series_id, ts)) STRICT, WITHOUT ROWID',
  );
  // The baseline gets its series ids for free (precomputed integers): the floor we measure against.
  const ids = new Map();
  const rows = samples.map((s) => {
    const key = `${s.endpointId}\0${s.metric}`;
    if (!ids.has(key)) ids.set(key, ids.size + 1);
    return [ids.get(key), s.ts, s.value];
  });
  const insert = db.prepare('INSERT INTO metric_raw (series_id, ts, value) VALUES (?, ?, ?)');
  const insertAll = db.transaction((rs) => {
    for (const r of rs) insert.run(r[0], r[1], r[2]);
  });
  insertAll(rows.slice(0, BATCH));
  const rest = rows.slice(BATCH);
  const start = process.hrtime.bigint();
  insertAll(rest);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return rest.length / seconds;
}

// Alternate the two, three rounds each, and compare medians: the machine is shared and noisy.
const ours = [];
const base = [];
for (let round = 0; round < 3; round++) {
  base.push(runBaseline());
  ours.push(runOurs());
}
const value = median(ours);
const baseline = median(base);
console.log(
  JSON.stringify({
    bench: 'ingest',
    value: Math.round(value),
    unit: 'samples/s',
    baseline: Math.round(baseline),
    ratio: +(value / baseline).toFixed(3),
  }),
);
