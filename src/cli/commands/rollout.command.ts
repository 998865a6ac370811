import type { ParsedArgs } from '../cli-args';
import type { CliCommand } from '../cli-command';
import { usageError } from '../cli-error';
import { controlRollout } from './rollout-control.action';
import { generatePlan, startRollout, validatePlan } from './rollout-plan.actions';
import { rolloutHistory, rolloutStatus } from './rollout-view.actions';

export const rolloutCommand: CliCommand = {
  name: 'rollout',
  summary: 'Rollouts: validate or generate a plan, start it, watch it live, pause, promote, abort.',
  help: `Usage:
  fleetdeck rollout validate <file>
  fleetdeck rollout generate --endpoint ID --version V [--strategy canary|blueGreen|ab]
                             [--interval D] [--count N] [--output FILE]
  fleetdeck rollout start <file> [--wait]
  fleetdeck rollout status [id] [--watch]
  fleetdeck rollout pause|resume|promote|abort <id> [--reason TEXT] [--yes]
  fleetdeck rollout history [--endpoint ID] [--limit N]

validate  checks a plan (YAML, apiVersion fleetdeck.io/v1, kind Rollout; - reads stdin) against the
          fleet without starting it; each problem is one line, file:line:col field: message.
          Exit 1 when the plan is invalid.
generate  a ready-to-edit plan rolling out version V of endpoint ID (the endpoint serving the stable
          version), to stdout or to FILE (missing folders are made). --interval and --count set
          every analysis's pace (default 5 measurements 30 s apart), e.g. for a staging endpoint
start     starts the plan and prints the rollout id; --wait follows it like status --watch
status    no id: the active rollouts; with an id: its weight, state, step and latest decisions.
          --watch follows it live until it ends: redrawn in place on a terminal, appended lines
          otherwise; with no id it follows the one active rollout
pause     holds the rollout at its current weight; resume carries on
promote   sends all traffic to the candidate now, skipping the remaining steps
abort     all traffic back to the stable version and the candidate scaled down; safe to repeat.
          promote and abort ask y/N on a terminal; without one they need --yes
history   past and active rollouts, newest first

  --wait / --watch   follow until the rollout ends; exit 0 when it succeeded (A/B: completed),
                     4 when it was aborted or failed (the reason is printed). Ctrl-C stops
                     following; the rollout goes on in Fleetdeck
  --reason TEXT      why, kept in the rollout's decision log
  --yes              promote or abort without asking
  --json             validate: {"ok","problems","plan"}; generate: {"text","plan"}; start, status <id>
                     and the controls: the rollout record (with --wait/--watch the final one, the
                     live display on stderr); status and history: arrays of rollout summaries`,
  flags: {
    endpoint: 'string',
    version: 'string',
    strategy: 'string',
    output: 'string',
    interval: 'string',
    count: 'string',
    wait: 'boolean',
    watch: 'boolean',
    reason: 'string',
    yes: 'boolean',
    limit: 'string',
  },
  async run(ctx) {
    const [action, ...rest] = ctx.args.positionals;
    switch (action) {
      case 'validate':
        onlyFlags(ctx.args, action, []);
        return validatePlan(ctx, oneArg(rest, action, 'a plan file'));
      case 'generate':
        onlyFlags(ctx.args, action, ['endpoint', 'version', 'strategy', 'output', 'interval', 'count']);
        if (rest.length)
          throw usageError(
            `rollout generate takes no arguments (got "${rest[0]}")`,
            'write `fleetdeck rollout generate --endpoint ID --version V`',
          );
        return generatePlan(ctx);
      case 'start':
        onlyFlags(ctx.args, action, ['wait']);
        return startRollout(ctx, oneArg(rest, action, 'a plan file'));
      case 'status':
        onlyFlags(ctx.args, action, ['watch']);
        if (rest.length > 1)
          throw usageError(
            `rollout status takes one id (got also "${rest[1]}")`,
            'run `fleetdeck rollout status [id]`',
          );
        return rolloutStatus(ctx, rest[0]);
      case 'pause':
      case 'resume':
      case 'promote':
      case 'abort':
        onlyFlags(ctx.args, action, ['reason', 'yes']);
        return controlRollout(ctx, action, oneArg(rest, action, 'a rollout id'));
      case 'history':
        onlyFlags(ctx.args, action, ['endpoint', 'limit']);
        if (rest.length)
          throw usageError(
            `rollout history takes no arguments (got "${rest[0]}")`,
            'use --endpoint ID to narrow it',
          );
        return rolloutHistory(ctx);
      case undefined:
        throw usageError(
          'rollout needs an action',
          'run `fleetdeck rollout --help`: validate, generate, start, status, pause, resume, promote, abort or history',
        );
      default:
        throw usageError(
          `unknown rollout action "${action}"`,
          'use validate, generate, start, status, pause, resume, promote, abort or history',
        );
    }
  },
};

const ownFlags = [
  'endpoint',
  'version',
  'strategy',
  'output',
  'interval',
  'count',
  'wait',
  'watch',
  'reason',
  'yes',
  'limit',
];

/** A flag of another action is refused, so a typo (`start --watch`) is never silently ignored. */
function onlyFlags(args: ParsedArgs, action: string, allowed: readonly string[]): void {
  for (const flag of ownFlags) {
    if (!allowed.includes(flag) && args.flags[flag] !== undefined)
      throw usageError(
        `--${flag} does not apply to \`fleetdeck rollout ${action}\``,
        'run `fleetdeck rollout --help`',
      );
  }
}

function oneArg(rest: string[], action: string, what: string): string {
  const example = what === 'a rollout id' ? '<id>' : '<file>';
  if (rest.length === 0)
    throw usageError(
      `rollout ${action} needs ${what}`,
      what === 'a rollout id'
        ? `run \`fleetdeck rollout ${action} <id>\`; \`fleetdeck rollout status\` lists the active ones`
        : `run \`fleetdeck rollout ${action} <file>\`; \`fleetdeck rollout generate\` writes one`,
    );
  if (rest.length > 1)
    throw usageError(
      `rollout ${action} takes one argument (got also "${rest[1]}")`,
      `run \`fleetdeck rollout ${action} ${example}\``,
    );
  return rest[0]!;
}
