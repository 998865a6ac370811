#!/usr/bin/env node
// incident-open: time to open a cached incident with 5,000 timeline entries and 20 charts, in
// Chromium (issue 7, Benchmark). Goal: at most 1 s.
//
// Setup:    a fresh data directory seeded through the core's own IncidentStore (the writer the
//           console uses, one transaction for the lot): incident A holds 5,000 entries of every
//           kind, 20 of them metric snapshots (4 series x 180 points each, the chart data kept so
//           it renders with no source), the newest entry among them so a chart is in view on
//           open; incident B holds 50 entries with one snapshot, newest too. Then the console
//           starts on it with `--no-demo` and no sources: everything comes from SQLite.
// value:    a full navigation to `#/incidents/<A>` (session cookie set once beforehand; the
//           bundle may be in the HTTP cache, as it is from disk in the desktop app) -> the
//           timeline is on screen with its rows and every snapshot chart in the page (the
//           virtualised timeline only mounts the rows in view) reports data-rendered=true; ms
//           since the navigation started, sampled every animation frame.
// figures:  `incident-open` against the goal (baseline 1000 ms), and `incident-open-vs-small`
//           against incident B opened the same way in the same run (what 4,950 more entries and
//           19 more charts cost).
// Medians of RUNS runs after one unmeasured warm-up each, in a fresh browser context.
/* global document -- openedAt runs in Chromium */
import { register } from 'tsx/esm/api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './lib/chromium.mjs';
import { startConsole } from './lib/console.mjs';
import { ensureBuilt, stop } from './lib/processes.mjs';

register();
const { openStore } = await import('../../src/core/store/database.ts');
const { IncidentStore } = await import('../../src/core/incidents/incident.store.ts');
const { silentLogger } = await import('../../src/core/log/logger.ts');

const RUNS = Number(process.env.FLEETDECK_BENCH_RUNS ?? 5);
const ENTRIES = 5_000;
const SNAPSHOTS = 20;
const SERIES = 4;
const POINTS = 180;
const GOAL_MS = 1_000;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const endpoints = Array.from({ length: 6 }, (_, i) => ({
  id: `prod-us-east/llm/model-${i}`,
  name: `model-${i}-chat`,
  model: `model-${i}`,
  version: 'v3',
  cluster: 'prod-us-east',
  region: 'us-east-1',
  namespace: 'llm',
  joinedAt: 0,
  health: i === 0 ? 'critical' : 'warning',
  reason: 'p95 19.2 s > 12 s for 2 min',
}));

/** A chart's stored data: SERIES endpoints x POINTS points (15 s apart) around `at`. */
function snapshot(at, n) {
  const from = at - POINTS * 15_000;
  return {
    metric: n % 2 ? 'error_rate' : 'latency_p95',
    from,
    to: at,
    threshold: n % 2 ? 0.05 : 12,
    series: endpoints.slice(0, SERIES).map((e, s) => ({
      endpointId: e.id,
      label: e.name,
      points: Array.from({ length: POINTS }, (_, p) => [
        from + p * 15_000,
        p === 90 + s ? null : Number((8 + 6 * Math.sin((p + s * 7 + n) / 11) + s).toFixed(3)),
      ]),
    })),
  };
}

const kinds = [
  'health',
  'k8s_event',
  'pod_restart',
  'gpu_fault',
  'rollout',
  'run',
  'note',
  'action',
  'healing',
];

/** One incident of `count` entries, `charts` of them snapshots spread evenly, the newest one a chart. */
function seedIncident(incidents, { title, count, charts, start }) {
  const summary = incidents.create({
    title,
    severity: 'sev2',
    state: 'resolved',
    origin: 'auto',
    groupKey: 'region us-east-1',
    signals: ['latency_p95', 'error_rate'],
    endpoints: endpoints.map((e) => ({ ...e, joinedAt: start })),
    startedAt: start,
    detectedAt: start + 30_000,
    acknowledgedAt: start + 120_000,
    mitigatedAt: start + 900_000,
    resolvedAt: start + count * 2_000,
  });
  const every = Math.floor(count / charts);
  incidents.transaction(() => {
    for (let i = 0; i < count; i++) {
      const at = start + i * 2_000;
      const endpoint = endpoints[i % endpoints.length];
      const isChart = i % every === every - 1;
      const kind = isChart ? 'snapshot' : kinds[i % kinds.length];
      incidents.append(summary.id, {
        at,
        kind,
        actor: kind === 'note' || kind === 'action' ? 'oncall@example.test' : 'fleetdeck',
        endpointId: endpoint.id,
        summary: isChart
          ? `${endpoint.name}: latency and errors around entry ${i}`
          : `${endpoint.name}: ${kind.replace('_', ' ')} #${i} (p95 ${(8 + (i % 9)).toFixed(1)} s)`,
        detail: { p95: 8 + (i % 9), restarts: i % 4, node: `a10g-${i % 5}` },
        snapshot: isChart ? snapshot(at, i) : null,
        ref: kind === 'run' ? { runId: `run-${i}`, stepIdx: i % 5 } : null,
      });
    }
  });
  return summary.id;
}

function seed(dataDir) {
  const store = openStore({ dataDir, log: silentLogger });
  try {
    const incidents = new IncidentStore(store.db);
    const start = Date.now() - 3 * 24 * 3600_000;
    const big = seedIncident(incidents, {
      title: 'Regional latency (bench, 5,000 entries)',
      count: ENTRIES,
      charts: SNAPSHOTS,
      start,
    });
    const small = seedIncident(incidents, {
      title: 'Small incident (bench, 50 entries)',
      count: 50,
      charts: 1,
      start: start + 3600_000,
    });
    return { big, small };
  } finally {
    store.close();
  }
}

/** In the page: the timeline shows rows and every chart mounted has drawn; the time it first held. */
function openedAt() {
  const timeline = document.querySelector('[data-testid=incident-timeline]');
  if (!timeline || !timeline.querySelector('.inc-timeline-row')) return null;
  const charts = [...document.querySelectorAll('[data-testid=incident-snapshot-chart]')];
  if (charts.length === 0 || charts.some((c) => c.getAttribute('data-rendered') !== 'true')) return null;
  return {
    at: performance.now(),
    rows: timeline.querySelectorAll('.inc-timeline-row').length,
    charts: charts.length,
  };
}

/** One measured navigation in a fresh context: cookie first, then a full load of the incident. */
async function open(browser, running, id) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(running.url);
    await page.waitForSelector('[data-testid=shell]', { timeout: 60_000 });
    await page.goto('about:blank');
    await page.goto(`${running.origin}/#/incidents/${encodeURIComponent(id)}`, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(openedAt, null, { polling: 'raf', timeout: 120_000 });
    return await handle.jsonValue();
  } finally {
    await context.close();
  }
}

async function main() {
  ensureBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-incident-'));
  const browser = await launchChromium();
  let running;
  try {
    const seeded = performance.now();
    const { big, small } = seed(dataDir);
    process.stderr.write(
      `incident-open: seeded ${ENTRIES} + 50 entries in ${(performance.now() - seeded).toFixed(0)} ms\n`,
    );
    running = await startConsole(dataDir, ['--no-demo']);
    // Where the time goes, for stderr: the core's answer alone (query, JSON, loopback HTTP).
    const asked = performance.now();
    const served = await running.call('incidents.get', { id: big });
    const answeredMs = performance.now() - asked;
    const bytes = JSON.stringify(served).length;
    if (served.entryCount !== ENTRIES || served.timeline.filter((e) => e.snapshot).length !== SNAPSHOTS)
      throw new Error(
        `the console served ${served.entryCount} entries, ${served.timeline.filter((e) => e.snapshot).length} charts`,
      );
    await open(browser, running, big);
    await open(browser, running, small);
    const values = [];
    const baselines = [];
    let shape = null;
    for (let i = 0; i < RUNS; i++) {
      const opened = await open(browser, running, big);
      shape = opened;
      values.push(opened.at);
      baselines.push((await open(browser, running, small)).at);
    }
    const value = median(values);
    const baseline = median(baselines);
    const figure = (bench, base) =>
      `${JSON.stringify({
        bench,
        value: Number(value.toFixed(1)),
        unit: 'ms',
        baseline: Number(base.toFixed(1)),
        ratio: Number((value / base).toFixed(3)),
      })}\n`;
    process.stdout.write(figure('incident-open', GOAL_MS));
    process.stdout.write(figure('incident-open-vs-small', baseline));
    process.stderr.write(
      `incident-open: ${ENTRIES} entries, ${SNAPSHOTS} charts (${shape.rows} rows and ${shape.charts} charts mounted in view); ` +
        `open ${values.map((v) => v.toFixed(0)).join('/')} ms; 50 entries ${baselines.map((v) => v.toFixed(0)).join('/')} ms (goal <= ${GOAL_MS} ms); ` +
        `incidents.get alone ${answeredMs.toFixed(0)} ms for ${(bytes / 1e6).toFixed(2)} MB\n`,
    );
  } finally {
    await browser.close();
    if (running) await stop(running.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`incident-open bench failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
