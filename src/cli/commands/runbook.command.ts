import type { CommandResult } from '../../shared/contract/index';
import { flagList, flagSet, flagString, type ParsedArgs } from '../cli-args';
import { printJson, type CliCommand, type CliContext } from '../cli-command';
import { CliError, usageError } from '../cli-error';
import { orDash } from '../fleet-text';
import { followRun } from '../run-follower';
import { checkText } from '../runbook-text';
import { textTable } from '../text-table';

export const runbookCommand: CliCommand = {
  name: 'runbook',
  summary: 'Runbooks: list them, show one, or run one step by step (with a dry run).',
  help: `Usage:
  fleetdeck runbook list [--filter TEXT] [--tag T] [--endpoint ID] [--json]
  fleetdeck runbook show <id> [--json]
  fleetdeck runbook run <id> [--endpoint ID] [--var k=v]... [--yes] [--dry-run] [--read-only] [--json]

list   built-in and user runbooks (files that could not be read are listed after them, on stderr
       with --json); with --endpoint, the ones relevant to it first
show   one runbook: parameters, steps, their commands, checks and rollbacks
run    starts a run bound to an endpoint in its own Fleetdeck terminal, then follows it, printing
       each step's title, rendered command, exit code and check. A step marked for confirmation
       is asked about on this terminal (y/N); --yes confirms them all, and without a terminal
       to ask on --yes is required. Ctrl-C stops following; the run goes on in Fleetdeck.

  --endpoint ID   bind the runbook's parameters to this endpoint (its cluster, namespace, model, ...)
  --var k=v       set a parameter (repeatable); values are shell-quoted when rendered
  --yes           confirm destructive steps without asking
  --dry-run       render every command without running anything
  --read-only     refuse destructive steps
  --json          list: an array of runbook summaries; show: the runbook; run: the final run record
                  (--dry-run: the rendered runbook)`,
  flags: {
    filter: 'string',
    tag: 'string',
    endpoint: 'string',
    var: 'list',
    yes: 'boolean',
    'dry-run': 'boolean',
    'read-only': 'boolean',
  },
  async run(ctx) {
    const [action, ...rest] = ctx.args.positionals;
    switch (action) {
      case 'list':
        return list(ctx, rest);
      case 'show':
        return show(ctx, rest);
      case 'run':
        return run(ctx, rest);
      case undefined:
        throw usageError(
          'runbook needs an action',
          'run `fleetdeck runbook list`, `show <id>` or `run <id>`',
        );
      default:
        throw usageError(`unknown runbook action "${action}"`, 'use list, show <id> or run <id>');
    }
  },
};

/** Flags that only make sense with `run`, refused elsewhere so a typo is not silently ignored. */
function onlyFlags(args: ParsedArgs, action: string, allowed: readonly string[]): void {
  const runOnly = ['var', 'yes', 'dry-run', 'read-only', 'filter', 'tag', 'endpoint'];
  for (const flag of runOnly) {
    if (!allowed.includes(flag) && args.flags[flag] !== undefined)
      throw usageError(
        `--${flag} does not apply to \`fleetdeck runbook ${action}\``,
        'run `fleetdeck runbook --help`',
      );
  }
}

function oneId(rest: string[], action: string): string {
  if (rest.length === 0)
    throw usageError(`runbook ${action} needs a runbook id`, '`fleetdeck runbook list` shows the ids');
  if (rest.length > 1)
    throw usageError(
      `runbook ${action} takes one id (got also "${rest[1]}")`,
      `run \`fleetdeck runbook ${action} <id>\``,
    );
  return rest[0]!;
}

async function list(ctx: CliContext, rest: string[]): Promise<void> {
  const { args, io, json } = ctx;
  onlyFlags(args, 'list', ['filter', 'tag', 'endpoint']);
  if (rest.length)
    throw usageError(`runbook list takes no arguments (got "${rest[0]}")`, 'use --filter TEXT to search');
  const query: { query?: string; tag?: string; endpointId?: string } = {};
  const filter = flagString(args, 'filter');
  const tag = flagString(args, 'tag');
  const endpoint = flagString(args, 'endpoint');
  if (filter !== undefined) query.query = filter;
  if (tag !== undefined) query.tag = tag;
  if (endpoint !== undefined) query.endpointId = endpoint;
  const { runbooks, problems } = await ctx.client().call('runbooks.list', query);
  const problemLines = problems.map(
    (p) =>
      `${p.file}${p.line !== null ? `:${p.line}${p.column !== null ? `:${p.column}` : ''}` : ''}: ${p.message}`,
  );
  if (json) {
    printJson(io, runbooks);
    for (const line of problemLines) io.err(`fleetdeck: warning: runbook file not loaded: ${line}`);
    return;
  }
  if (runbooks.length === 0) io.out('No runbooks match.');
  else {
    const relevance = runbooks.some((r) => r.relevance);
    io.out(
      textTable(
        ['ID', 'SEVERITY', 'STEPS', 'CONFIRMS', 'TAGS', 'TITLE', ...(relevance ? ['WHY'] : [])],
        runbooks.map((r) => [
          r.id,
          r.severity,
          String(r.stepCount),
          r.destructive ? 'yes' : 'no',
          r.tags.join(',') || '—',
          r.title,
          ...(relevance ? [orDash(r.relevance)] : []),
        ]),
        ['left', 'left', 'right'],
      ),
    );
  }
  if (problemLines.length) {
    io.out(`\n${problemLines.length} runbook file${problemLines.length === 1 ? '' : 's'} could not be read:`);
    for (const line of problemLines) io.out(`  ${line}`);
  }
}

async function show(ctx: CliContext, rest: string[]): Promise<void> {
  const { args, io, json } = ctx;
  onlyFlags(args, 'show', []);
  const runbook = await getRunbook(ctx, oneId(rest, 'show'));
  if (json) return printJson(io, runbook);
  const lines = [
    `${runbook.id}: ${runbook.title}`,
    `  severity ${runbook.severity} · ${runbook.source} (${runbook.file})${runbook.tags.length ? ` · tags ${runbook.tags.join(', ')}` : ''}`,
  ];
  if (runbook.description)
    lines.push(
      '',
      ...runbook.description
        .trim()
        .split('\n')
        .map((l) => `  ${l}`),
    );
  if (runbook.params.length) {
    lines.push('', 'Parameters');
    lines.push(
      textTable(
        ['NAME', 'TYPE', 'DEFAULT', 'FROM ENDPOINT', 'REQUIRED', 'DESCRIPTION'],
        runbook.params.map((p) => [
          p.name,
          p.enum ? p.enum.join('|') : p.type,
          p.default === null ? '—' : String(p.default),
          orDash(p.bind),
          p.required ? 'yes' : 'no',
          p.description,
        ]),
      )
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  }
  lines.push('', 'Steps');
  runbook.steps.forEach((step, i) => {
    const marks = [step.kind === 'manual' ? 'manual' : '', step.confirm ? 'needs confirmation' : ''].filter(
      Boolean,
    );
    lines.push(`  ${i + 1}. ${step.title}${marks.length ? ` (${marks.join(', ')})` : ''}`);
    if (step.command) lines.push(`       $ ${step.command}`);
    if (step.check) lines.push(`       check: ${checkText(step.check)}`);
    if (step.rollback) lines.push(`       rollback: ${step.rollback}`);
    if (step.onFailure !== 'stop') lines.push(`       on failure: ${step.onFailure}`);
  });
  io.out(lines.join('\n'));
}

async function getRunbook(ctx: CliContext, id: string): Promise<CommandResult<'runbooks.get'>> {
  try {
    return await ctx.client().call('runbooks.get', { id });
  } catch (error) {
    if (error instanceof CliError && error.code === 'not_found')
      throw new CliError(
        'failed',
        `no runbook "${id}"`,
        '`fleetdeck runbook list` shows the ids',
        error.code,
      );
    throw error;
  }
}

function parseVars(args: ParsedArgs): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const pair of flagList(args, 'var')) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw usageError(`--var "${pair}" is not name=value`, 'write --var replicas=4 (repeat for more)');
    vars[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return vars;
}

async function run(ctx: CliContext, rest: string[]): Promise<void> {
  const { args, io, json } = ctx;
  onlyFlags(args, 'run', ['var', 'yes', 'dry-run', 'read-only', 'endpoint']);
  const id = oneId(rest, 'run');
  const vars = parseVars(args);
  const endpointId = flagString(args, 'endpoint');
  const yes = flagSet(args, 'yes');
  const readOnly = flagSet(args, 'read-only');
  const api = ctx.client();

  if (flagSet(args, 'dry-run')) {
    await getRunbook(ctx, id);
    const rendered = await api.call('runbooks.render', { id, vars, ...(endpointId ? { endpointId } : {}) });
    if (json) return printJson(io, rendered);
    const lines = [`Dry run of ${rendered.runbook.id}: ${rendered.runbook.title} (nothing is run)`];
    if (rendered.params.length) {
      lines.push('', 'Parameters');
      for (const p of rendered.params) lines.push(`  ${p.name} = ${p.value}  (${p.from})`);
    }
    lines.push('', 'Steps');
    for (const step of rendered.steps) {
      lines.push(
        `  ${step.idx + 1}. ${step.title}${step.confirm ? ' (needs confirmation)' : ''}${step.kind === 'manual' ? ' (manual)' : ''}`,
      );
      if (step.command) lines.push(`       $ ${step.command}`);
      if (step.check) lines.push(`       check: ${checkText(step.check)}`);
      if (step.rollback) lines.push(`       rollback: ${step.rollback}`);
    }
    io.out(lines.join('\n'));
    return;
  }

  const runbook = await getRunbook(ctx, id);
  // Refuse before anything starts: a destructive step would otherwise wait for an answer nobody
  // can give (a script, a pipe, a runbook step calling fleetdeck).
  if (runbook.destructive && !yes && !readOnly && !io.interactive)
    throw usageError(
      `runbook ${id} has steps that need confirmation and there is no terminal to ask on`,
      'pass --yes to confirm them, or --read-only to refuse them',
    );
  const started = await api.call('runs.start', {
    runbookId: id,
    ...(endpointId ? { endpointId } : {}),
    vars,
    dryRun: false,
    readOnly,
    autoConfirm: yes,
  });
  const final = await followRun(ctx, started, {
    progress: (text) => (json ? io.err(text) : io.out(text)),
  });
  if (json) printJson(io, final);
  if (final.state !== 'succeeded') {
    // The run's own message names the step and why; without one, name the failed step.
    const failedStep = final.steps.find((s) => s.state === 'failed');
    const why = final.message
      ? `: ${final.message.replace(/\.+$/, '')}`
      : failedStep
        ? ` at step ${failedStep.idx + 1} (${failedStep.title})`
        : '';
    throw new CliError(
      'failed',
      `run ${final.id} of ${final.runbookId} ${final.state.replace('_', ' ')}${why}`,
      `its record (every step, command, output and note) is in Fleetdeck under #/runs/${final.id}`,
    );
  }
}
