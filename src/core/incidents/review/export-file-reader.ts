import type { z } from 'zod';
import { incidentExportFileSchema, type IncidentExportFile } from '../../../shared/contract/incident.schema';
import { FleetError } from '../../../shared/errors/fleet-error';
import { exportDigest } from './export-digest';

const WHERE = 'incidents.import';
const EXPORT_AGAIN = 'Export the incident again on the console it came from and import that file.';

const refuse = (message: string, hint: string) =>
  new FleetError({ code: 'bad_request', message, where: WHERE, hint });

/**
 * Reads an export file's text and proves it whole and unchanged before anything is written:
 * complete JSON, the right format and version, every field as the schema says, entries
 * numbered 1..n, and the digest recomputed over the body as it stands in the file. Each
 * refusal says which check failed and what to do (issue 7: "refused with a clear reason").
 */
export function readExportFile(text: string): IncidentExportFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw notJson(text, (error as Error).message);
  }
  const head = (raw ?? {}) as { format?: unknown; version?: unknown; body?: unknown; digest?: unknown };
  if (typeof raw !== 'object' || raw === null || head.format !== 'fleetdeck-incident')
    throw refuse(
      `Not a Fleetdeck incident export (format ${JSON.stringify(head.format ?? null)}, expected "fleetdeck-incident")`,
      'Choose a .fleetdeck-incident.json file written by "Export" on an incident (or `fleetdeck incident export`).',
    );
  if (head.version !== 1)
    throw refuse(
      `Export version ${JSON.stringify(head.version ?? null)} is not one this console reads (it reads version 1)`,
      typeof head.version === 'number' && head.version > 1
        ? 'The file comes from a newer Fleetdeck: update Fleetdeck on this machine, then import it.'
        : EXPORT_AGAIN,
    );
  const parsed = incidentExportFileSchema.safeParse(raw);
  if (!parsed.success)
    throw refuse(
      `The export is not valid: ${firstIssue(parsed.error)}`,
      `The file was damaged or edited. ${EXPORT_AGAIN}`,
    );
  // Over the body as it is in the file, not as parsed: any change to it, even one the schema
  // would not notice, is a change.
  if (exportDigest(head.body) !== parsed.data.digest)
    throw refuse(
      'The digest does not match: the file was changed after export',
      `Only an export exactly as written is imported (this keeps a record from being altered on the way). ${EXPORT_AGAIN}`,
    );
  const { timeline, incident } = parsed.data.body;
  timeline.forEach((entry, i) => {
    if (entry.seq !== i + 1)
      throw refuse(
        `The export is not valid: body.timeline[${i}].seq is ${entry.seq}, expected ${i + 1} (entries are numbered 1..n in order)`,
        EXPORT_AGAIN,
      );
  });
  if (incident.entryCount !== timeline.length)
    throw refuse(
      `The export is not valid: body.incident.entryCount is ${incident.entryCount} but the timeline has ${timeline.length} entries`,
      EXPORT_AGAIN,
    );
  return parsed.data;
}

/** JSON.parse's complaint, as "cut off" when it ran out of text (the usual damage: a partial copy). */
function notJson(text: string, message: string): FleetError {
  const position = /position (\d+)/.exec(message);
  const at = position ? Number(position[1]) : null;
  const bytes = Buffer.byteLength(text, 'utf8');
  const ranOut = /end of JSON input/i.test(message) || (at !== null && at >= text.trimEnd().length);
  if (ranOut)
    return refuse(
      `The file is not complete JSON (cut off at byte ${bytes}?)`,
      'The end of the file is missing: the copy or download was interrupted. Copy it again in full (an export ends with "}}") and import that.',
    );
  const atByte = at === null ? '' : ` at byte ${Buffer.byteLength(text.slice(0, at), 'utf8')}`;
  return refuse(
    `The file is not JSON${atByte}: ${message}`,
    'Choose the .fleetdeck-incident.json file as exported, not a document that contains it.',
  );
}

/** `body.timeline[3].at: expected number, received string`: the first field that is wrong. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
  return `${path || '(the file)'}: ${issue.message}`;
}
