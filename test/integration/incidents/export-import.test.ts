import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IncidentStore } from '../../../src/core/incidents/incident.store';
import type {
  Incident,
  IncidentEndpoint,
  IncidentExportFile,
  IncidentSummary,
  MetricSnapshot,
} from '../../../src/shared/contract/incident.schema';
import type { Run } from '../../../src/shared/contract/runbook.schema';
import { startRunCore, type RunCore } from '../runbooks/run-harness';

/**
 * Issue 7, offline review: "Export then import into a fresh data directory gives an identical
 * incident; a tampered or truncated export is refused with a clear reason." Real cores on real
 * SQLite files, a real runbook run in a real PTY (so the export carries a run and its
 * transcript), and a second core on a new data directory standing in for the other machine.
 */
vi.setConfig({ testTimeout: 120_000 });

type Exported = { fileName: string; text: string; bytes: number };
type Imported = { outcome: string; incident: IncidentSummary; message: string };

const endpoint = (name: string, model: string, joinedAt: number): IncidentEndpoint => ({
  id: `prod-eu:llm:${name}`,
  name,
  model,
  version: 'v3',
  cluster: 'prod-eu',
  region: 'eu-west-1',
  namespace: 'llm',
  joinedAt,
  health: 'critical',
  reason: 'p95 19.2 s > 12 s',
});

/** A chart of a few thousand points, so the file carries real chart data. */
const snapshot = (from: number): MetricSnapshot => ({
  metric: 'latency_p95',
  from,
  to: from + 600_000,
  threshold: 12,
  series: [0, 1].map((s) => ({
    endpointId: `prod-eu:llm:ep-${s}`,
    label: `ep-${s}`,
    points: Array.from({ length: 2000 }, (_, i): [number, number | null] => [
      from + i * 300,
      i % 97 === 0 ? null : 10 + Math.sin(i / 50) * 4 + s,
    ]),
  })),
});

let a: RunCore;
let b: RunCore;
let id: string;
let run: Run;
let first: Exported;

const count = (c: RunCore, table: string) =>
  (c.core.store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const allCounts = (c: RunCore) =>
  ['incident', 'incident_endpoint', 'incident_entry', 'incident_artifact'].map((t) => count(c, t));
/** incidents.get less what depends on the machine (live suggestions and rollouts) and its origin. */
const comparable = ({ importedFrom: _i, suggestions: _s, activeRollouts: _r, ...rest }: Incident) => rest;

beforeAll(async () => {
  a = await startRunCore();
  b = await startRunCore();
  const t0 = Date.UTC(2026, 10, 27, 9, 0, 0);
  const opened = await a.call<IncidentSummary>('incidents.open', { title: 'EU latency', severity: 'sev2' });
  id = opened.id;
  // The detector and collector belong to other parts; write their kinds of entries the way they do.
  const store = new IncidentStore(a.core.store.db);
  store.upsertEndpoint(id, endpoint('llama-70b-chat', 'llama-70b', t0));
  store.upsertEndpoint(id, endpoint('mistral-7b', 'mistral-7b', t0 + 60_000));
  store.append(id, {
    at: t0,
    kind: 'health',
    actor: 'fleetdeck',
    endpointId: 'prod-eu:llm:llama-70b-chat',
    summary: 'llama-70b-chat turned critical: p95 19.2 s > 12 s',
    detail: { status: 'critical', reason: 'p95 19.2 s > 12 s', joined: true },
  });
  store.append(id, {
    at: t0 + 1000,
    kind: 'snapshot',
    actor: 'fleetdeck',
    summary: 'latency p95 around the change',
    snapshot: snapshot(t0 - 300_000),
  });
  run = await a.call<Run>('runs.start', { runbookId: 'quoting', vars: { value: 'incident export' } });
  run = await a.waitRun(run.id, 'the run to succeed', (r) => r.state === 'succeeded');
  expect(run.terminalId).not.toBeNull();
  store.append(id, {
    at: t0 + 2000,
    kind: 'run',
    actor: 'tester',
    summary: `Run ${run.id} of quoting succeeded`,
    detail: { state: 'succeeded' },
    ref: { runId: run.id, sessionId: run.terminalId! },
  });
  await a.call('incidents.annotate', { id, text: 'rolled back the tokenizer change' });
  await a.call('incidents.control', { id, action: 'mitigate', note: 'traffic shifted' });
  await a.call('incidents.savePostmortem', { id, markdown: '# What happened\n\nThe tokenizer.' });
  first = await a.call<Exported>('incidents.export', { id });
}, 120_000);

afterAll(async () => {
  await a?.dispose();
  await b?.dispose();
});

describe('incidents.export', () => {
  it('writes one checked file with the timeline, chart data, run and transcript', async () => {
    expect(first.fileName).toMatch(new RegExp(`^${id}-\\d{4}-\\d{2}-\\d{2}\\.fleetdeck-incident\\.json$`));
    expect(first.bytes).toBe(Buffer.byteLength(first.text));
    const file = JSON.parse(first.text) as IncidentExportFile;
    expect(file).toMatchObject({ format: 'fleetdeck-incident', version: 1 });
    expect(file.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(file.exportedBy).toMatch(/^fleetdeck-[0-9a-f]{16}$/);
    const again = JSON.parse((await a.call<Exported>('incidents.export', { id })).text) as IncidentExportFile;
    expect(again.exportedBy).toBe(file.exportedBy);
    expect(again.digest).toBe(file.digest);
    const { body } = file;
    expect(body.incident).toMatchObject({ id, state: 'mitigated', importedFrom: null });
    expect(body.incident.postmortem).toContain('The tokenizer.');
    expect(body.incident.endpoints.map((e) => e.name)).toEqual(['llama-70b-chat', 'mistral-7b']);
    const local = await a.call<Incident>('incidents.get', { id });
    expect(body.timeline).toEqual(local.timeline);
    expect(body.timeline.find((e) => e.kind === 'snapshot')?.snapshot?.series[0]?.points).toHaveLength(2000);
    expect(body.runs).toEqual([await a.call<Run>('runs.get', { id: run.id })]);
    const transcript = body.transcripts.find((t) => t.session.id === run.terminalId);
    expect(transcript).toBeDefined();
    expect(transcript!.chunks.map((c) => c[2]).join('')).toContain('[incident export]');
  });
});

describe('incidents.import into a fresh data directory', () => {
  let imported: Imported;
  beforeAll(async () => {
    imported = await b.call<Imported>('incidents.import', { text: first.text });
  });

  it('gives an identical incident, marked as imported from the exporting console', async () => {
    const file = JSON.parse(first.text) as IncidentExportFile;
    expect(imported.outcome).toBe('imported');
    expect(imported.incident.importedFrom).toBe(file.exportedBy);
    const there = await a.call<Incident>('incidents.get', { id });
    const here = await b.call<Incident>('incidents.get', { id });
    expect(comparable(here)).toEqual(comparable(there));
    expect(here.importedFrom).toBe(file.exportedBy);
  });

  it('carries the run and its transcript, readable with no runbook or terminal tables behind them', async () => {
    expect(await b.call<Run>('incidents.run', { id, runId: run.id })).toEqual(
      await a.call<Run>('runs.get', { id: run.id }),
    );
    const local = await a.call<{ chunks: unknown[] }>('terminal.transcript', {
      id: run.terminalId,
      limit: 5000,
    });
    const carried = await b.call<{ chunks: unknown[]; more: boolean }>('incidents.transcript', {
      id,
      sessionId: run.terminalId,
      limit: 5000,
    });
    expect(carried.chunks).toEqual(local.chunks);
    expect(carried.more).toBe(false);
    // A page in the middle pages like terminal.transcript does.
    const page = await b.call<{ chunks: unknown[]; more: boolean }>('incidents.transcript', {
      id,
      sessionId: run.terminalId,
      limit: 1,
    });
    expect(page.chunks).toEqual(local.chunks.slice(0, 1));
    expect(page.more).toBe(local.chunks.length > 1);
    // The receiving machine never ran it: runs.get there does not know it.
    expect((await b.refusal('runs.get', { id: run.id })).code).toBe('not_found');
  });

  it('exports again to the same body and digest', async () => {
    const again = await b.call<Exported>('incidents.export', { id });
    const x = JSON.parse(first.text) as IncidentExportFile;
    const y = JSON.parse(again.text) as IncidentExportFile;
    expect(y.body).toEqual(x.body);
    expect(y.digest).toBe(x.digest);
    expect(y.exportedBy).not.toBe(x.exportedBy);
  });

  it('importing the same file again is "identical" and writes nothing', async () => {
    const before = allCounts(b);
    const again = await b.call<Imported>('incidents.import', { text: first.text });
    expect(again.outcome).toBe('identical');
    expect(again.message).toContain('nothing was imported');
    expect(allCounts(b)).toEqual(before);
  });

  it('refuses the same id with different content, and imports it as a copy when asked', async () => {
    await a.call('incidents.annotate', { id, text: 'a later note' });
    const changed = await a.call<Exported>('incidents.export', { id });
    const before = allCounts(b);
    const refusal = await b.refusal('incidents.import', { text: changed.text });
    expect(refusal.code).toBe('conflict');
    expect(refusal.message).toContain(`${id} already exists here with different content`);
    expect(refusal.hint).toMatch(/as a copy/);
    expect(allCounts(b)).toEqual(before);
    expect((await b.call<Incident>('incidents.get', { id })).timeline.map((e) => e.summary)).not.toContain(
      'a later note',
    );

    const copy = await b.call<Imported>('incidents.import', { text: changed.text, asCopy: true });
    expect(copy.outcome).toBe('copied');
    expect(copy.incident.id).not.toBe(id);
    expect(copy.incident.id).toMatch(/^inc-[0-9a-f]{8}$/);
    const copied = await b.call<Incident>('incidents.get', { id: copy.incident.id });
    const source = await a.call<Incident>('incidents.get', { id });
    expect(copied.timeline).toEqual(source.timeline);
    expect(copied.title).toBe(source.title);
    expect(await b.call<Run>('incidents.run', { id: copy.incident.id, runId: run.id })).toMatchObject({
      id: run.id,
    });
  });
});

describe('a damaged export is refused with the reason, and nothing is written', () => {
  let c: RunCore;
  beforeAll(async () => {
    c = await startRunCore();
  });
  afterAll(async () => {
    await c?.dispose();
  });

  it('a tampered file: one character of a summary changed', async () => {
    const file = JSON.parse(first.text) as IncidentExportFile;
    const entry = file.body.timeline.find((e) => e.kind === 'note')!;
    const tampered = first.text.replace(
      JSON.stringify(entry.summary),
      JSON.stringify(`R${entry.summary.slice(1)}`),
    );
    expect(tampered).not.toBe(first.text);
    const refusal = await c.refusal('incidents.import', { text: tampered });
    expect(refusal.code).toBe('bad_request');
    expect(refusal.message).toMatch(/digest does not match: the file was changed after export/);
    expect(allCounts(c)).toEqual([0, 0, 0, 0]);
  });

  it('a truncated file says where it was cut off and what to do', async () => {
    const cut = first.text.slice(0, Math.floor(first.text.length / 2));
    const refusal = await c.refusal('incidents.import', { text: cut });
    expect(refusal.message).toBe(
      `The file is not complete JSON (cut off at byte ${Buffer.byteLength(cut)}?)`,
    );
    expect(refusal.hint).toMatch(/Copy it again in full/);
    expect(allCounts(c)).toEqual([0, 0, 0, 0]);
  });

  it('a field of the wrong type is named, even with a digest recomputed to match', async () => {
    const { exportDigest } = await import('../../../src/core/incidents/review/export-digest');
    const file = JSON.parse(first.text) as IncidentExportFile;
    (file.body.timeline[1] as unknown as { at: string }).at = 'yesterday';
    file.digest = exportDigest(file.body);
    const refusal = await c.refusal('incidents.import', { text: JSON.stringify(file) });
    expect(refusal.message).toMatch(/^The export is not valid: body\.timeline\[1\]\.at: /);
    expect(allCounts(c)).toEqual([0, 0, 0, 0]);
  });

  it('another format or a newer version is refused before anything else', async () => {
    const file = JSON.parse(first.text) as IncidentExportFile;
    expect(
      (await c.refusal('incidents.import', { text: JSON.stringify({ ...file, version: 2 }) })).message,
    ).toMatch(/version 2 is not one this console reads/);
    expect(
      (await c.refusal('incidents.import', { text: JSON.stringify({ format: 'something-else' }) })).message,
    ).toMatch(/Not a Fleetdeck incident export/);
    expect(allCounts(c)).toEqual([0, 0, 0, 0]);
  });
});
