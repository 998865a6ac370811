import type { ParsedArgs } from '../cli-args';
import type { CliCommand } from '../cli-command';
import { usageError } from '../cli-error';
import { controlIncident } from './incident-control.actions';
import { exportIncident, importIncident } from './incident-file.actions';
import { listIncidents, showIncident } from './incident-view.actions';

export const incidentCommand: CliCommand = {
  name: 'incident',
  summary: 'Incidents: list and search, show one, export or import it, acknowledge, mitigate, resolve.',
  help: `Usage:
  fleetdeck incident list [--active] [--query TEXT] [--limit N]
  fleetdeck incident show <id> [--entries N]
  fleetdeck incident export <id> [-o FILE]
  fleetdeck incident import <file> [--as-copy]
  fleetdeck incident ack|mitigate|resolve <id> [--note TEXT]

list      incidents, newest first. --active: only those not resolved; --query: every word must
          appear in the id, title, owner, an endpoint, model, cluster or region, or the timeline
show      one incident: state, times, endpoints and its latest timeline entries (--entries, 20)
export    the incident as one file (timeline with chart data, runs, transcripts, a digest) to FILE,
          or ./<id>-<date>.fleetdeck-incident.json; an existing file is never overwritten.
          -o - writes it to stdout
import    reads an exported file into this console after checking it (complete, unchanged since
          export, the right format). The same incident already here: nothing is written; an
          incident with the same id but other content is refused unless --as-copy, which imports
          it under a new id. Imported incidents are read-only records
ack       acknowledge (you become the owner if it has none); mitigate; resolve

  --note TEXT   why, kept in the incident's timeline
  --json        list: array of incident summaries; show: the incident as incidents.get returns it;
                export: {"fileName","path","bytes","digest"}; import: {"outcome","incident","message"};
                ack/mitigate/resolve: the incident summary`,
  flags: {
    active: 'boolean',
    query: 'string',
    limit: 'string',
    entries: 'string',
    output: 'string',
    'as-copy': 'boolean',
    note: 'string',
  },
  async run(ctx) {
    const [action, ...rest] = ctx.args.positionals;
    switch (action) {
      case 'list':
        onlyFlags(ctx.args, action, ['active', 'query', 'limit']);
        if (rest.length)
          throw usageError(
            `incident list takes no arguments (got "${rest[0]}")`,
            'search with --query "text"',
          );
        return listIncidents(ctx);
      case 'show':
        onlyFlags(ctx.args, action, ['entries']);
        return showIncident(ctx, oneArg(rest, action, 'an incident id'));
      case 'export':
        onlyFlags(ctx.args, action, ['output']);
        return exportIncident(ctx, oneArg(rest, action, 'an incident id'));
      case 'import':
        onlyFlags(ctx.args, action, ['as-copy']);
        return importIncident(ctx, oneArg(rest, action, 'a file'));
      case 'ack':
      case 'acknowledge':
      case 'mitigate':
      case 'resolve':
        onlyFlags(ctx.args, action, ['note']);
        return controlIncident(
          ctx,
          action === 'ack' ? 'acknowledge' : action,
          oneArg(rest, action, 'an incident id'),
        );
      case undefined:
        throw usageError(
          'incident needs an action',
          'run `fleetdeck incident --help`: list, show, export, import, ack, mitigate or resolve',
        );
      default:
        throw usageError(
          `unknown incident action "${action}"`,
          'use list, show, export, import, ack, mitigate or resolve',
        );
    }
  },
};

const ownFlags = ['active', 'query', 'limit', 'entries', 'output', 'as-copy', 'note'];

/** A flag of another action is refused, so a typo (`export --as-copy`) is never silently ignored. */
function onlyFlags(args: ParsedArgs, action: string, allowed: readonly string[]): void {
  for (const flag of ownFlags) {
    if (!allowed.includes(flag) && args.flags[flag] !== undefined)
      throw usageError(
        `--${flag === 'output' ? 'output (-o)' : flag} does not apply to \`fleetdeck incident ${action}\``,
        'run `fleetdeck incident --help`',
      );
  }
}

function oneArg(rest: string[], action: string, what: string): string {
  const example = what === 'a file' ? '<file>' : '<id>';
  if (rest.length === 0)
    throw usageError(
      `incident ${action} needs ${what}`,
      what === 'a file'
        ? `run \`fleetdeck incident ${action} <file>\` with a file from \`fleetdeck incident export\``
        : `run \`fleetdeck incident ${action} <id>\`; \`fleetdeck incident list\` shows the ids`,
    );
  if (rest.length > 1)
    throw usageError(
      `incident ${action} takes one argument (got also "${rest[1]}")`,
      `run \`fleetdeck incident ${action} ${example}\``,
    );
  return rest[0]!;
}
