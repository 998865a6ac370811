import { FleetError } from '../../shared/errors/fleet-error';
import type { HandlerGroup } from '../commands/registry';
import type { IncidentModuleDeps } from './incident-deps';
import { IncidentArtifacts } from './review/incident-artifacts';
import { exportBody, exportFile, exportFileName } from './review/incident-export';
import { importIncident } from './review/incident-import';
import { installId } from './review/install-id';
import { postmortemDraft } from './review/postmortem-draft';
import { reliabilityFigures } from './review/reliability-figures';

export type IncidentReviewCommands =
  | 'incidents.export'
  | 'incidents.import'
  | 'incidents.postmortem'
  | 'incidents.savePostmortem'
  | 'incidents.run'
  | 'incidents.transcript'
  | 'incidents.reliability';

/** Timeline entries a postmortem draft reads at most (the newest are kept past this). */
const POSTMORTEM_ENTRIES = 20_000;

/**
 * Offline review (issue 7): export and import as one checked file, postmortem drafts, the runs
 * and transcripts an incident refers to, and reliability figures. Everything here reads the
 * local database (or what an imported file carried), so it all works with no network at all.
 */
export function reviewCommands(o: IncidentModuleDeps): HandlerGroup<IncidentReviewCommands> {
  const store = o.incidents.store;
  const artifacts = new IncidentArtifacts(store, o.call);
  return {
    'incidents.export': async ({ id }, ctx) => {
      const body = await exportBody(store, artifacts, id, ctx.actor);
      const text = `${JSON.stringify(exportFile(body, installId(o.db), o.now()))}\n`;
      return { fileName: exportFileName(body.incident), text, bytes: Buffer.byteLength(text, 'utf8') };
    },
    'incidents.import': ({ text, asCopy }, ctx) =>
      importIncident({ store, artifacts, bus: o.bus }, text, asCopy, ctx.actor),
    'incidents.postmortem': ({ id, regenerate }) => {
      const saved = store.postmortem(id);
      if (saved && !regenerate) return { markdown: saved.markdown, saved: true };
      const markdown = postmortemDraft({
        incident: store.summary(id),
        endpoints: store.endpoints(id),
        timeline: store.newestEntries(id, POSTMORTEM_ENTRIES),
      });
      return { markdown, saved: false };
    },
    'incidents.savePostmortem': ({ id, markdown }) => {
      const savedAt = o.now();
      store.savePostmortem(id, markdown, savedAt);
      return { savedAt };
    },
    'incidents.run': async ({ id, runId }, ctx) => {
      const run = await artifacts.run(store.summary(id), runId, ctx.actor);
      if (!run) throw missing(id, `run ${runId}`);
      return run;
    },
    'incidents.transcript': async ({ id, sessionId, afterSeq, limit }, ctx) => {
      const page = await artifacts.transcriptPage(store.summary(id), sessionId, afterSeq, limit, ctx.actor);
      if (!page) throw missing(id, `terminal session ${sessionId}`);
      return page;
    },
    'incidents.reliability': ({ from, to }) => {
      if (to <= from)
        throw new FleetError({
          code: 'bad_request',
          message: `The window ends (${to}) before it starts (${from})`,
          where: 'incidents.reliability',
          hint: 'Give from < to, both in ms since the epoch.',
        });
      return reliabilityFigures(o.db, store, { from, to }, o.now(), fleetModels(o));
    },
  };
}

/** Models the fleet serves now, so a model with no incident shows as fully met, not missing. */
function fleetModels(o: IncidentModuleDeps): string[] {
  return [...new Set(o.fleet.all().map((e) => e.model))];
}

const missing = (id: string, what: string) =>
  new FleetError({
    code: 'not_found',
    message: `No ${what} for ${id}, here or in what its export carried`,
    where: 'incidents',
    hint: 'Runs and transcripts pruned before the incident was exported cannot be shown; the timeline still lists what happened.',
  });
