import type { z } from 'zod';
import type {
  IncidentExportFile,
  incidentsImportResultSchema,
} from '../../../shared/contract/incident.schema';
import { FleetError } from '../../../shared/errors/fleet-error';
import type { EventBus } from '../../events/event-bus';
import { newIncidentId, type IncidentStore } from '../incident.store';
import { exportDigest } from './export-digest';
import type { IncidentArtifacts } from './incident-artifacts';
import { exportBody } from './incident-export';
import { readExportFile } from './export-file-reader';

type ImportResult = z.infer<typeof incidentsImportResultSchema>;

export interface ImportDeps {
  store: IncidentStore;
  artifacts: IncidentArtifacts;
  bus: EventBus;
}

/**
 * Imports an export file (checked whole by readExportFile first). Local data is never
 * overwritten: the same id with the same content is 'identical' (nothing written), with other
 * content it is refused unless `asCopy`, which imports it under a new id. Everything is written
 * in one transaction, so a failed import leaves nothing behind.
 */
export async function importIncident(
  d: ImportDeps,
  text: string,
  asCopy: boolean,
  actor: string,
): Promise<ImportResult> {
  const file = readExportFile(text);
  const original = file.body.incident;
  let id = original.id;
  let outcome: ImportResult['outcome'] = 'imported';
  if (d.store.exists(id)) {
    const local = await exportBody(d.store, d.artifacts, id, actor);
    if (exportDigest(local) === file.digest)
      return {
        outcome: 'identical',
        incident: d.store.summary(id),
        message: `${id} is already here with the same content; nothing was imported.`,
      };
    if (!asCopy)
      throw new FleetError({
        code: 'conflict',
        message: `${id} already exists here with different content; the import would overwrite it`,
        where: 'incidents.import',
        hint: 'Import it as a copy under a new id (asCopy, or `fleetdeck incident import <file> --as-copy`); the local incident is kept as it is.',
      });
    do id = newIncidentId();
    while (d.store.exists(id));
    outcome = 'copied';
  }
  write(d.store, file, id);
  const incident = d.store.summary(id);
  // 'updated', not 'opened': a record of the past must not raise a "new incident" notification.
  d.bus.emit('incidents.changed', { change: 'updated', incident });
  const from = `exported by ${file.exportedBy} on ${new Date(file.exportedAt).toISOString()}`;
  return {
    outcome,
    incident,
    message:
      outcome === 'copied'
        ? `Imported as ${id}, a copy: ${original.id} here has different content (${from}).`
        : `Imported ${id} (${from}).`,
  };
}

function write(store: IncidentStore, file: IncidentExportFile, id: string): void {
  const { incident, timeline, runs, transcripts } = file.body;
  store.transaction(() => {
    store.create({
      id,
      title: incident.title,
      severity: incident.severity,
      state: incident.state,
      origin: incident.origin,
      owner: incident.owner,
      groupKey: incident.groupKey,
      signals: incident.signals,
      startedAt: incident.startedAt,
      detectedAt: incident.detectedAt,
      acknowledgedAt: incident.acknowledgedAt,
      mitigatedAt: incident.mitigatedAt,
      resolvedAt: incident.resolvedAt,
      endpoints: incident.endpoints,
      importedFrom: file.exportedBy,
    });
    for (const entry of timeline) {
      const written = store.append(id, {
        at: entry.at,
        kind: entry.kind,
        actor: entry.actor,
        endpointId: entry.endpointId,
        summary: entry.summary,
        detail: entry.detail,
        snapshot: entry.snapshot,
        ref: entry.ref,
      });
      // readExportFile proved the seqs are 1..n, and a new incident numbers from 1: they agree.
      if (written.seq !== entry.seq) throw new Error(`entry ${entry.seq} was written as ${written.seq}`);
    }
    // The counters moved with each append; put the last change back to when it really was.
    store.update(id, {}, incident.updatedAt);
    if (incident.postmortem !== null) store.savePostmortem(id, incident.postmortem, file.exportedAt);
    for (const run of runs) store.putArtifact(id, 'run', run.id, run);
    for (const t of transcripts) store.putArtifact(id, 'transcript', t.session.id, t);
  });
}
