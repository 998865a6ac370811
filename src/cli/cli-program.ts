import { version } from '../core/app/version';
import { globalFlags, parseArgs, type ParsedArgs } from './cli-args';
import type { CliCommand, CliContext, CliIo } from './cli-command';
import { CliError, usageError } from './cli-error';
import { findConsole } from './console-access';
import { ConsoleClient } from './console-client';
import { annotateCommand } from './commands/annotate.command';
import { endpointCommand } from './commands/endpoint.command';
import { endpointsCommand } from './commands/endpoints.command';
import { incidentCommand } from './commands/incident.command';
import { metricsCommand } from './commands/metrics.command';
import { rolloutCommand } from './commands/rollout.command';
import { runbookCommand } from './commands/runbook.command';
import { statusCommand } from './commands/status.command';

const commandList: readonly CliCommand[] = [
  statusCommand,
  endpointsCommand,
  endpointCommand,
  metricsCommand,
  runbookCommand,
  rolloutCommand,
  incidentCommand,
  annotateCommand,
];
const byName = new Map(commandList.map((c) => [c.name, c]));

export const overview = `Usage: fleetdeck <command> [options]

The Fleetdeck command line: the same calls as the console's UI, from any shell.

Commands:
${commandList.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}
  help       This text, or \`fleetdeck help <command>\` for one command

Options for every command:
  --data-dir D   use the console running on data directory D (its console.json)
  --json         machine-readable output (stable; lists are arrays of objects with an "id")
  -h, --help     help for the command
  --version      the version of this command line

Finding the console: --data-dir D, else FLEETDECK_URL and FLEETDECK_TOKEN (set in Fleetdeck
terminals), else console.json in the default data directory (FLEETDECK_DATA_DIR or the OS one).

Exit codes: 0 ok, 1 usage, 2 console not reachable, 3 refused (token), 4 command failed.`;

/** The command word: the first argument that is neither a flag nor the value of --data-dir. */
function splitCommand(argv: readonly string[]): { name: string | undefined; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === '--data-dir') {
      i++;
      continue;
    }
    if (!arg.startsWith('-')) return { name: arg, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { name: undefined, rest: [...argv] };
}

/** Runs one command line; resolves with the exit code. Every failure becomes one line on stderr. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  try {
    await dispatch(argv, env, io);
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      io.err(error.line());
      return error.exitCode;
    }
    // A bug of ours: still one line, and where to look, never a stack trace.
    io.err(
      `fleetdeck: unexpected failure: ${(error as Error)?.message ?? String(error)} — this is a bug in fleetdeck; please report it with the command you ran`,
    );
    return 4;
  }
}

async function dispatch(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<void> {
  const { name, rest } = splitCommand(argv);
  // A command with a --version flag of its own (`rollout generate --version V`) keeps it.
  const ownVersion = name !== undefined && byName.get(name)?.flags.version !== undefined;
  if ((argv.includes('--version') && !ownVersion) || argv.includes('-V')) {
    io.out(`fleetdeck ${version}`);
    return;
  }
  if (name === undefined || name === 'help') {
    const topic = name === 'help' ? parseArgs(rest, globalFlags, 'help').positionals[0] : undefined;
    if (topic !== undefined) {
      const command = byName.get(topic);
      if (!command) throw usageError(`no command "${topic}"`, 'run `fleetdeck help` for the list');
      io.out(command.help);
    } else io.out(overview);
    return;
  }
  const command = byName.get(name);
  if (!command) throw usageError(`unknown command "${name}"`, 'run `fleetdeck help` for the list');
  const args: ParsedArgs = parseArgs(rest, { ...globalFlags, ...command.flags }, command.name);
  if (args.flags.help) {
    io.out(command.help);
    return;
  }
  let client: ConsoleClient | null = null;
  const ctx: CliContext = {
    args,
    env,
    io,
    json: args.flags.json === true,
    client: () =>
      (client ??= new ConsoleClient(
        findConsole({ dataDir: args.flags['data-dir'] as string | undefined, env }),
      )),
  };
  await command.run(ctx);
}
