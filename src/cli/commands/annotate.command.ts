import { flagString } from '../cli-args';
import { printJson, type CliCommand, type CliContext } from '../cli-command';
import { CliError, usageError } from '../cli-error';

/** What --json prints: one shape whether the note went to a run, an incident or both. */
interface Noted {
  runId: string | null;
  incidentId: string | null;
  at: number;
  actor: string;
  text: string;
}

export const annotateCommand: CliCommand = {
  name: 'annotate',
  summary:
    "Adds a note to the current runbook run and the endpoint's active incident (or --run / --incident ID).",
  help: `Usage: fleetdeck annotate <text...> [--run ID] [--incident ID] [--json]

Adds a note to a runbook run's record and to an incident's timeline. Inside a Fleetdeck
terminal the run is the current one (FLEETDECK_RUN_ID) and the incident is the active incident
of the terminal's endpoint (FLEETDECK_ENDPOINT), when there is one; elsewhere name them.

  --run ID        the run to annotate (default: $FLEETDECK_RUN_ID)
  --incident ID   the incident to annotate (default: the active incident of $FLEETDECK_ENDPOINT)
  --json          {"runId", "incidentId", "at", "actor", "text"} (null for what was not noted)`,
  flags: { run: 'string', incident: 'string' },
  async run(ctx) {
    const { args, env, io, json } = ctx;
    const text = args.positionals.join(' ').trim();
    if (!text)
      throw usageError(
        'annotate needs the text of the note',
        'run `fleetdeck annotate "what you saw or did"`',
      );
    if (text.length > 10_000)
      throw usageError(`the note is ${text.length} characters long`, 'keep it under 10,000');
    const runId = flagString(args, 'run') ?? (env.FLEETDECK_RUN_ID || undefined);
    const incidentId = flagString(args, 'incident');
    const endpointId = env.FLEETDECK_ENDPOINT || undefined;

    let noted: Noted | null = null;
    // The run first, as before; with nothing else to note, runs.annotate also says what is missing.
    if (runId !== undefined || (incidentId === undefined && endpointId === undefined)) {
      const note = await ctx.client().call('runs.annotate', { text, ...(runId ? { id: runId } : {}) });
      noted = { runId: note.runId, incidentId: null, at: note.at, actor: note.actor, text: note.text };
    }
    if (incidentId !== undefined || endpointId !== undefined) {
      const entry = await noteIncident(ctx, text, incidentId, endpointId, noted !== null);
      if (entry)
        noted = noted
          ? { ...noted, incidentId: entry.incidentId }
          : { runId: null, incidentId: entry.incidentId, at: entry.at, actor: entry.actor, text };
    }
    if (!noted)
      throw new CliError(
        'failed',
        `no note was added: endpoint ${endpointId} has no active incident and no run was named`,
        'name one: --incident ID (`fleetdeck incident list --active`) or --run ID',
      );
    if (json) return printJson(io, noted);
    const where = [
      ...(noted.runId ? [`run ${noted.runId}`] : []),
      ...(noted.incidentId ? [`incident ${noted.incidentId}`] : []),
    ];
    io.out(`Noted on ${where.join(' and ')}.`);
  },
};

/**
 * The incident named, or the endpoint's active one. When only the endpoint was implied (a note
 * in an endpoint's terminal) and a run was noted, an endpoint with no active incident is not
 * an error: there is simply no incident to note; several active ones are said on stderr.
 */
async function noteIncident(
  ctx: CliContext,
  text: string,
  id: string | undefined,
  endpointId: string | undefined,
  runNoted: boolean,
): Promise<{ incidentId: string; at: number; actor: string } | null> {
  try {
    const result = await ctx
      .client()
      .call('incidents.annotate', { text, ...(id !== undefined ? { id } : { endpointId }) });
    return { incidentId: result.incidentId, at: result.entry.at, actor: result.entry.actor };
  } catch (error) {
    if (id !== undefined || !(error instanceof CliError)) throw error;
    // No active incident for the endpoint: nothing to note there (the caller says so if nothing was noted).
    if (error.code === 'not_found') return null;
    if (runNoted) {
      ctx.io.err(
        `fleetdeck: the note was not added to an incident: ${error.message} — add it with --incident ID`,
      );
      return null;
    }
    throw error;
  }
}
