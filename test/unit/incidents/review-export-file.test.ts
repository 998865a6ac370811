import { describe, expect, it } from 'vitest';
import { exportDigest } from '../../../src/core/incidents/review/export-digest';
import { readExportFile } from '../../../src/core/incidents/review/export-file-reader';
import type { IncidentExportBody, IncidentExportFile } from '../../../src/shared/contract/incident.schema';
import { FleetError } from '../../../src/shared/errors/fleet-error';

const body: IncidentExportBody = {
  incident: {
    id: 'inc-0a0b0c0d',
    title: 'Latency in eu-west-1',
    severity: 'sev2',
    state: 'resolved',
    origin: 'auto',
    owner: 'ana',
    groupKey: 'region eu-west-1',
    signals: ['latency_p95'],
    endpointCount: 0,
    endpointNames: [],
    models: [],
    clusters: [],
    startedAt: 1_000,
    detectedAt: 2_000,
    acknowledgedAt: 3_000,
    mitigatedAt: 4_000,
    resolvedAt: 5_000,
    updatedAt: 5_000,
    entryCount: 2,
    importedFrom: null,
    endpoints: [],
    postmortem: null,
  },
  timeline: [1, 2].map((seq) => ({
    seq,
    at: 2_000 + seq,
    kind: 'note' as const,
    actor: 'ana',
    endpointId: null,
    summary: `note ${seq} ü`,
    detail: {},
    snapshot: null,
    ref: null,
  })),
  runs: [],
  transcripts: [],
};
const file = (b: IncidentExportBody = body): IncidentExportFile => ({
  format: 'fleetdeck-incident',
  version: 1,
  exportedAt: 6_000,
  exportedBy: 'fleetdeck-0011223344556677',
  digest: exportDigest(b),
  body: b,
});

const refusal = (text: string): FleetError => {
  try {
    readExportFile(text);
  } catch (error) {
    if (error instanceof FleetError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('reading an export file', () => {
  it('accepts a file as written, whatever its key order or whitespace', () => {
    const pretty = JSON.stringify(file(), null, 2);
    expect(readExportFile(pretty).body).toEqual(body);
    const { body: b, ...head } = file();
    const reordered = JSON.stringify({ body: JSON.parse(JSON.stringify(b)) as unknown, ...head });
    expect(readExportFile(reordered).digest).toBe(file().digest);
  });

  it('says a file cut off anywhere is incomplete, with its length in bytes', () => {
    const text = JSON.stringify(file());
    for (const at of [1, 40, Math.floor(text.length / 2), text.length - 1]) {
      const cut = text.slice(0, at);
      const error = refusal(cut);
      expect(error.message).toBe(
        `The file is not complete JSON (cut off at byte ${Buffer.byteLength(cut)}?)`,
      );
      expect(error.code).toBe('bad_request');
    }
  });

  it('says where a file that is not JSON goes wrong', () => {
    const text = JSON.stringify(file()).replace('"format"', '"format" oops');
    expect(refusal(text).message).toMatch(/^The file is not JSON at byte \d+: /);
  });

  it('refuses a changed body, a changed digest, and numbering that is not 1..n', () => {
    const changed = file();
    changed.body = { ...body, incident: { ...body.incident, owner: 'bob' } };
    expect(refusal(JSON.stringify(changed)).message).toBe(
      'The digest does not match: the file was changed after export',
    );
    const renumbered: IncidentExportBody = {
      ...body,
      timeline: body.timeline.map((e) => ({ ...e, seq: e.seq + 1 })),
    };
    expect(refusal(JSON.stringify(file(renumbered))).message).toMatch(
      /body\.timeline\[0\]\.seq is 2, expected 1/,
    );
    const miscounted: IncidentExportBody = { ...body, incident: { ...body.incident, entryCount: 3 } };
    expect(refusal(JSON.stringify(file(miscounted))).message).toMatch(
      /entryCount is 3 but the timeline has 2/,
    );
  });

  it('names the first field that is wrong', () => {
    const bad = JSON.parse(JSON.stringify(file())) as { body: { incident: { severity: string } } };
    bad.body.incident.severity = 'sev9';
    const f = bad as unknown as IncidentExportFile;
    f.digest = exportDigest(f.body);
    expect(refusal(JSON.stringify(f)).message).toMatch(
      /^The export is not valid: body\.incident\.severity: /,
    );
  });
});
