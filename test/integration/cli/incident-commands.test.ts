import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Endpoint } from '../../../src/shared/contract/fleet.schema';
import type {
  Incident,
  IncidentExportFile,
  IncidentSummary,
} from '../../../src/shared/contract/incident.schema';
import { startConsole, type RunningConsole } from '../../e2e/support/console-host';
import { ensureCliBuilt, expectOneLineError, removeEmptyHome, runCli, until } from './support/fleetdeck-cli';

/**
 * `fleetdeck incident ...` and `fleetdeck annotate` for incidents (issue 7), the real
 * bin/fleetdeck against two real consoles: one with the demo fleet where the incident happens,
 * and one on a fresh data directory standing in for the laptop it is reviewed on.
 */
vi.setConfig({ testTimeout: 120_000 });

let a: RunningConsole;
let b: RunningConsole;
let id: string;
let endpoint: Endpoint;
const files = mkdtempSync(join(tmpdir(), 'fleetdeck-incident-files-'));
const word = `zebra${process.pid}`;

const inA = (...args: string[]) => runCli(['--data-dir', a.dataDir, ...args]);
const inB = (...args: string[]) => runCli(['--data-dir', b.dataDir, ...args]);

beforeAll(async () => {
  ensureCliBuilt();
  [a, b] = await Promise.all([startConsole({ demo: true }), startConsole()]);
  endpoint = await until('a healthy demo endpoint', async () => {
    const page = await a.call<{ items: Endpoint[] }>('fleet.endpoints', { limit: 20_000 });
    return page.items.find((e) => e.health.status === 'ok') ?? null;
  });
  const opened = await a.call<IncidentSummary>('incidents.open', {
    title: `Tokenizer ${word} regression`,
    severity: 'sev2',
    endpointIds: [endpoint.id],
  });
  id = opened.id;
});

afterAll(async () => {
  await Promise.all([a?.dispose(), b?.dispose()]);
  rmSync(files, { recursive: true, force: true });
  removeEmptyHome();
});

describe('fleetdeck incident list and show', () => {
  it('lists and searches incidents as a table, and as JSON', async () => {
    const result = await inA('incident', 'list', '--active', '--query', word);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +SEV +STATE +STARTED +FOR +ENDPOINTS +TITLE$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      new RegExp(`^${id} +sev2 +open +\\S+ \\S+ +.+ +1 +Tokenizer ${word} regression$`),
    );

    const json = await inA('incident', 'list', '--json', '--query', word);
    expect(JSON.parse(json.stdout)).toEqual(await a.call('incidents.list', { query: word }));
    expect((await inA('incident', 'list', '--query', `${word}-nothing`)).stdout).toBe(
      'No incidents match.\n',
    );
  });

  it('shows one incident with its endpoints and timeline', async () => {
    const result = await inA('incident', 'show', id);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`${id}  Tokenizer ${word} regression`);
    expect(result.stdout).toMatch(/^Severity +sev2 · open · owner \S+ · opened by hand$/m);
    expect(result.stdout).toMatch(
      new RegExp(`^${endpoint.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +${endpoint.model} `, 'm'),
    );
    expect(result.stdout).toMatch(/^Timeline \(\d+ entries\):$/m);
    expect(result.stdout).toContain(`Opened by`);
    const json = JSON.parse((await inA('incident', 'show', id, '--json')).stdout) as Incident;
    expect(json.id).toBe(id);
    expect(json.endpoints.map((e) => e.id)).toEqual([endpoint.id]);
  });

  it('an unknown incident is one line and exit 4', async () => {
    expectOneLineError(await inA('incident', 'show', 'inc-00000000'), 4, /No incident "inc-00000000"/);
  });
});

describe('fleetdeck annotate on incidents', () => {
  it("notes the active incident of the terminal's endpoint (FLEETDECK_ENDPOINT)", async () => {
    const result = await runCli(['--data-dir', a.dataDir, 'annotate', 'saw', 'the', 'spike'], {
      env: { FLEETDECK_ENDPOINT: endpoint.id },
    });
    expect(result).toMatchObject({ code: 0, stdout: `Noted on incident ${id}.\n` });
    const incident = await a.call<Incident>('incidents.get', { id });
    expect(incident.timeline.find((e) => e.kind === 'note' && e.summary === 'saw the spike')).toMatchObject({
      endpointId: endpoint.id,
    });
  });

  it('takes --incident ID, with --json in one shape', async () => {
    const result = await inA('annotate', '--incident', id, 'by id', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ runId: null, incidentId: id, text: 'by id' });
  });

  it('an endpoint with no active incident and no run: nothing noted, said in one line', async () => {
    const result = await runCli(['--data-dir', a.dataDir, 'annotate', 'hello'], {
      env: { FLEETDECK_ENDPOINT: 'nowhere:ns:nothing' },
    });
    expectOneLineError(result, 4, /no note was added: endpoint nowhere:ns:nothing has no active incident/);
  });
});

describe('fleetdeck incident export and import', () => {
  let file: string;

  it('exports to a file, never over an existing one, or to stdout with -o -', async () => {
    file = join(files, 'first.json');
    const result = await inA('incident', 'export', id, '-o', file);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Exported ${id} to ${file} \\(\\d+ bytes\\)\\.\n$`));
    const written = JSON.parse(readFileSync(file, 'utf8')) as IncidentExportFile;
    expect(written.body.incident.id).toBe(id);
    expectOneLineError(await inA('incident', 'export', id, '-o', file), 4, /already exists/);

    const piped = await inA('incident', 'export', id, '-o', '-');
    expect(piped.code).toBe(0);
    expect((JSON.parse(piped.stdout) as IncidentExportFile).digest).toBe(written.digest);
    expect(piped.stdout.endsWith('}\n')).toBe(true);
  });

  it('imports into another console; the same file again writes nothing', async () => {
    const result = await inB('incident', 'import', file);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^Imported ${id} \\(exported by fleetdeck-[0-9a-f]+ on .+\\)\\.\n$`),
    );
    const here = await b.call<Incident>('incidents.get', { id });
    const there = await a.call<Incident>('incidents.get', { id });
    expect(here.timeline).toEqual(there.timeline);
    expect(here.importedFrom).toMatch(/^fleetdeck-/);
    expect((await inB('incident', 'list')).stdout).toMatch(
      new RegExp(`^${id} +sev2 +open \\(imported\\)`, 'm'),
    );

    const again = await inB('incident', 'import', file, '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ outcome: 'identical' });
  });

  it('refuses changed content under the same id unless --as-copy', async () => {
    await a.call('incidents.annotate', { id, text: 'after the first export' });
    const second = join(files, 'second.json');
    expect((await inA('incident', 'export', id, '-o', second)).code).toBe(0);
    expectOneLineError(
      await inB('incident', 'import', second),
      4,
      /already exists here with different content/,
    );
    const copy = await inB('incident', 'import', second, '--as-copy', '--json');
    expect(copy.code, copy.stderr).toBe(0);
    const result = JSON.parse(copy.stdout) as { outcome: string; incident: IncidentSummary };
    expect(result.outcome).toBe('copied');
    expect(result.incident.id).not.toBe(id);
  });

  it('refuses a truncated or tampered file with the reason', async () => {
    const text = readFileSync(file, 'utf8');
    const cut = join(files, 'cut.json');
    writeFileSync(cut, text.slice(0, 300));
    expectOneLineError(
      await inB('incident', 'import', cut),
      1,
      /not complete JSON \(cut off at byte 300\?\)/,
    );
    const tampered = join(files, 'tampered.json');
    writeFileSync(tampered, text.replace(`Tokenizer ${word}`, `Tokenizer ${word.toUpperCase()}`));
    expectOneLineError(
      await inB('incident', 'import', tampered),
      1,
      /digest does not match: the file was changed after export/,
    );
    expectOneLineError(await inB('incident', 'import', join(files, 'missing.json')), 4, /no such file/);
  });
});

describe('fleetdeck incident ack, mitigate, resolve', () => {
  it('moves the incident and refuses a move to where it already is', async () => {
    const ack = await inA('incident', 'ack', id, '--note', 'on it');
    expect(ack.code, ack.stderr).toBe(0);
    expect(ack.stdout).toMatch(new RegExp(`^${id} is acknowledged`));
    expectOneLineError(await inA('incident', 'ack', id), 4, /already acknowledged/);
    expect((await inA('incident', 'mitigate', id)).stdout).toMatch(new RegExp(`^${id} is mitigated`));
    const resolved = await inA('incident', 'resolve', id, '--json');
    expect(JSON.parse(resolved.stdout)).toMatchObject({ id, state: 'resolved' });
    expect((await inA('incident', 'list', '--active', '--query', word)).stdout).toBe('No incidents match.\n');
    // Imported incidents are records: they do not move.
    expectOneLineError(await inB('incident', 'resolve', id), 4, /imported from/);
  });

  it('is in the help, with its own --help', async () => {
    expect((await runCli(['help'])).stdout).toMatch(/^ {2}incident +Incidents: list and search/m);
    const help = await runCli(['incident', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}fleetdeck incident import <file> \[--as-copy\]$/m);
  });

  it('usage mistakes are exit 1 with what to do', async () => {
    expectOneLineError(await inA('incident'), 1, /incident needs an action/);
    expectOneLineError(await inA('incident', 'export'), 1, /incident export needs an incident id/);
    expectOneLineError(await inA('incident', 'export', id, '--as-copy'), 1, /--as-copy does not apply/);
    expectOneLineError(await inA('incident', 'explode', id), 1, /unknown incident action "explode"/);
    expect(existsSync(join(files, 'first.json'))).toBe(true);
  });
});
