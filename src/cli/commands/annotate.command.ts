import { flagString } from '../cli-args';
import { printJson, type CliCommand } from '../cli-command';
import { usageError } from '../cli-error';

export const annotateCommand: CliCommand = {
  name: 'annotate',
  summary: 'Adds a note to the current runbook run (or --run ID).',
  help: `Usage: fleetdeck annotate <text...> [--run ID] [--json]

Adds a note to a runbook run's record. Inside a runbook's terminal the run is the current one
(FLEETDECK_RUN_ID); elsewhere name it with --run.

  --run ID   the run to annotate (default: $FLEETDECK_RUN_ID)
  --json     the note as the API returns it: {"runId", "at", "actor", "text"}`,
  flags: { run: 'string' },
  async run({ args, env, io, json, client }) {
    const text = args.positionals.join(' ').trim();
    if (!text)
      throw usageError(
        'annotate needs the text of the note',
        'run `fleetdeck annotate "what you saw or did"`',
      );
    if (text.length > 10_000)
      throw usageError(`the note is ${text.length} characters long`, 'keep it under 10,000');
    const id = flagString(args, 'run') ?? (env.FLEETDECK_RUN_ID || undefined);
    const note = await client().call('runs.annotate', { text, ...(id ? { id } : {}) });
    if (json) return printJson(io, note);
    io.out(`Noted on run ${note.runId}.`);
  },
};
