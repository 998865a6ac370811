import type { IncidentSummary, TimelineEntry } from '../../../shared/contract/incident.schema';
import type { Run } from '../../../shared/contract/runbook.schema';
import type { TerminalSession } from '../../../shared/contract/terminal.schema';
import { FleetError } from '../../../shared/errors/fleet-error';
import type { CoreCaller } from '../core-caller';
import type { IncidentStore } from '../incident.store';

/** A whole transcript as an export carries it: [seq, at, text] chunks. */
export interface TranscriptArtifact {
  session: TerminalSession;
  chunks: Array<[number, number, string]>;
}

/** One page of a transcript, in terminal.transcript's shape. */
export interface TranscriptPage {
  session: TerminalSession;
  chunks: Array<{ seq: number; at: number; data: string }>;
  more: boolean;
}

/** Pages asked of terminal.transcript while exporting (its maximum). */
const PAGE = 5000;

/**
 * Where an incident's runs and transcripts come from. A local incident reads the runbook and
 * terminal tables (through their commands, so the same redaction and shape apply); an imported
 * incident reads what its file carried (incident_artifact), and so does a local one whose run
 * or session has since been pruned here.
 */
export class IncidentArtifacts {
  constructor(
    private readonly store: IncidentStore,
    private readonly call: CoreCaller,
  ) {}

  async run(incident: IncidentSummary, runId: string, actor: string): Promise<Run | null> {
    const carried = () => this.store.artifact<Run>(incident.id, 'run', runId);
    if (incident.importedFrom) return carried();
    try {
      return await this.call('runs.get', { id: runId }, actor);
    } catch (error) {
      if (!isMissing(error)) throw error;
      return carried();
    }
  }

  async transcriptPage(
    incident: IncidentSummary,
    sessionId: string,
    afterSeq: number,
    limit: number,
    actor: string,
  ): Promise<TranscriptPage | null> {
    const carried = (): TranscriptPage | null => {
      const whole = this.store.artifact<TranscriptArtifact>(incident.id, 'transcript', sessionId);
      if (!whole) return null;
      const after = whole.chunks.filter(([seq]) => seq > afterSeq);
      return {
        session: whole.session,
        chunks: after.slice(0, limit).map(([seq, at, data]) => ({ seq, at, data })),
        more: after.length > limit,
      };
    };
    if (incident.importedFrom) return carried();
    try {
      return await this.call('terminal.transcript', { id: sessionId, afterSeq, limit }, actor);
    } catch (error) {
      if (!isMissing(error)) throw error;
      return carried();
    }
  }

  /** The whole transcript, paged until done. */
  async transcript(
    incident: IncidentSummary,
    sessionId: string,
    actor: string,
  ): Promise<TranscriptArtifact | null> {
    const chunks: TranscriptArtifact['chunks'] = [];
    let afterSeq = -1;
    for (;;) {
      const page = await this.transcriptPage(incident, sessionId, afterSeq, PAGE, actor);
      if (!page) return null;
      for (const c of page.chunks) chunks.push([c.seq, c.at, c.data]);
      if (!page.more || page.chunks.length === 0) return { session: page.session, chunks };
      afterSeq = page.chunks[page.chunks.length - 1]!.seq;
    }
  }
}

/** Not found here (or an id the terminal tables could never hold): look in the artifacts. */
const isMissing = (error: unknown) =>
  error instanceof FleetError && (error.code === 'not_found' || error.code === 'bad_request');

/** Run ids the timeline refers to, in the order they first appear. */
export function referencedRuns(timeline: readonly TimelineEntry[]): string[] {
  const ids = new Set<string>();
  for (const e of timeline) if (e.ref?.runId) ids.add(e.ref.runId);
  return [...ids];
}

/** Terminal sessions the timeline and its runs refer to, in the order they first appear. */
export function referencedSessions(timeline: readonly TimelineEntry[], runs: readonly Run[]): string[] {
  const ids = new Set<string>();
  for (const e of timeline) if (e.ref?.sessionId) ids.add(e.ref.sessionId);
  for (const run of runs) {
    if (run.terminalId) ids.add(run.terminalId);
    for (const step of run.steps) if (step.transcript) ids.add(step.transcript.sessionId);
  }
  return [...ids];
}
