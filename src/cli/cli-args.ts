import { usageError } from './cli-error';

/** boolean: `--yes`; string: `--since 1h` or `--since=1h`; list: repeatable, commas split too. */
export type FlagKind = 'boolean' | 'string' | 'list';
export type FlagSpec = Readonly<Record<string, FlagKind>>;

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean | string[] | undefined>;
}

/** Flags every command takes. */
export const globalFlags: FlagSpec = { 'data-dir': 'string', json: 'boolean', help: 'boolean' };

/** Short forms, for the commands that have the long flag: `-o FILE` is `--output FILE`. */
const shortFlags: Readonly<Record<string, string>> = { '-o': 'output' };

/** Flags whose values keep their commas (`--var k=a,b` is one variable, not two). */
const keepCommas = new Set(['var']);

/**
 * A deliberately small parser: the flags of one command, `--` ends options, `-h` is `--help`.
 * An unknown flag is a usage error naming the command's help, never silently ignored.
 */
export function parseArgs(argv: readonly string[], spec: FlagSpec, command: string): ParsedArgs {
  const flags: ParsedArgs['flags'] = {};
  const positionals: string[] = [];
  const help = `run \`fleetdeck ${command} --help\` for its options`;
  for (let i = 0; i < argv.length; i++) {
    const given = argv[i]!;
    const long = shortFlags[given];
    const arg = long !== undefined && spec[long] ? `--${long}` : given;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h') {
      flags.help = true;
      continue;
    }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg.startsWith('-') && arg !== '-' && !/^-\d/.test(arg))
        throw usageError(`unknown option ${arg} for \`fleetdeck ${command}\``, help);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const kind = spec[name];
    if (!kind) throw usageError(`unknown option --${name} for \`fleetdeck ${command}\``, help);
    if (kind === 'boolean') {
      if (eq >= 0) throw usageError(`--${name} takes no value`, `write just --${name}`);
      flags[name] = true;
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--'))
        throw usageError(`--${name} needs a value`, `write --${name} <value>; ${help}`);
      i++;
    }
    if (kind === 'string') flags[name] = value;
    else {
      const values = keepCommas.has(name) ? [value] : value.split(',').filter((v) => v !== '');
      flags[name] = [...((flags[name] as string[] | undefined) ?? []), ...values];
    }
  }
  return { positionals, flags };
}

export const flagString = (args: ParsedArgs, name: string) => args.flags[name] as string | undefined;
export const flagList = (args: ParsedArgs, name: string) => (args.flags[name] as string[] | undefined) ?? [];
export const flagSet = (args: ParsedArgs, name: string) => args.flags[name] === true;
