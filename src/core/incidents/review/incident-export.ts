import type {
  IncidentExportBody,
  IncidentExportFile,
  IncidentSummary,
} from '../../../shared/contract/incident.schema';
import type { IncidentStore } from '../incident.store';
import { exportDigest } from './export-digest';
import { referencedRuns, referencedSessions, type IncidentArtifacts } from './incident-artifacts';

/** Entries read per query while exporting: bounded memory per read, the whole timeline in the end. */
const PAGE = 5000;

/**
 * The export body of an incident: what it is, its whole timeline (chart data included), and the
 * runs and transcripts the timeline refers to, so the file renders with nothing else.
 *
 * `incident.importedFrom` is always null in the body: where a copy came from is a fact about
 * this machine's copy, not about the incident. The file says who wrote it (`exportedBy`); the
 * importing side keeps that as its `importedFrom`. So exporting an imported incident again
 * gives the same body, and the same digest, as the original export (docs/incidents.md).
 */
export async function exportBody(
  store: IncidentStore,
  artifacts: IncidentArtifacts,
  id: string,
  actor: string,
): Promise<IncidentExportBody> {
  const summary = store.summary(id);
  const timeline = [];
  for (let after = 0; ;) {
    const page = store.entriesAfter(id, after, PAGE);
    timeline.push(...page);
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.seq;
  }
  const runs = [];
  for (const runId of referencedRuns(timeline)) {
    const run = await artifacts.run(summary, runId, actor);
    // A run pruned here and never carried cannot be exported; the timeline still names it.
    if (run) runs.push(run);
  }
  const transcripts = [];
  for (const sessionId of referencedSessions(timeline, runs)) {
    const transcript = await artifacts.transcript(summary, sessionId, actor);
    if (transcript) transcripts.push(transcript);
  }
  const body: IncidentExportBody = {
    incident: {
      ...summary,
      importedFrom: null,
      endpoints: store.endpoints(id),
      postmortem: store.postmortem(id)?.markdown ?? null,
    },
    timeline,
    runs,
    transcripts,
  };
  // Through JSON once: what is digested is exactly what the file holds (no undefined fields).
  return JSON.parse(JSON.stringify(body)) as IncidentExportBody;
}

export function exportFile(
  body: IncidentExportBody,
  exportedBy: string,
  exportedAt: number,
): IncidentExportFile {
  return {
    format: 'fleetdeck-incident',
    version: 1,
    exportedAt,
    exportedBy,
    digest: exportDigest(body),
    body,
  };
}

/** `inc-1a2b3c4d-2026-11-27.fleetdeck-incident.json`: the id and the day (UTC) it started. */
export function exportFileName(summary: Pick<IncidentSummary, 'id' | 'startedAt'>): string {
  const day = new Date(summary.startedAt).toISOString().slice(0, 10);
  return `${summary.id.replace(/[^A-Za-z0-9_-]/g, '_')}-${day}.fleetdeck-incident.json`;
}
