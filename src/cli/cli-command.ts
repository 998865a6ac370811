import type { FlagSpec, ParsedArgs } from './cli-args';
import type { ConsoleClient } from './console-client';

/** The terminal the command talks to; tests and pipes get the same lines. */
export interface CliIo {
  /** One or more lines to stdout (a newline is added). */
  out(text: string): void;
  /** Progress and prompts: stderr, so stdout stays clean for pipes and --json. */
  err(text: string): void;
  /** Whether a person can answer a question (stdin and stderr are terminals). */
  readonly interactive: boolean;
  /** Asks on the terminal and resolves with the answer (trimmed, lower-case). */
  ask(question: string): Promise<string>;
  /** stdout and stderr when they are terminals, for displays redrawn in place (rollout status --watch). */
  readonly screens?: { out: LiveScreen | null; err: LiveScreen | null };
}

/** A terminal a live display can redraw in place with ANSI sequences. */
export interface LiveScreen {
  /** Writes as is: no newline added. */
  write(text: string): void;
  /** Its width now (lines longer than this wrap and would break the redraw). */
  columns(): number;
}

export interface CliContext {
  readonly args: ParsedArgs;
  readonly env: NodeJS.ProcessEnv;
  readonly io: CliIo;
  readonly json: boolean;
  /** Finds the console on first use, so usage errors are reported before any discovery. */
  client(): ConsoleClient;
}

/** One subcommand: its help text, its flags and what it does. */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Its own flags, on top of the global ones (--data-dir, --json, --help). */
  readonly flags: FlagSpec;
  run(ctx: CliContext): Promise<void>;
}

/** --json output: stable, two-space indented, one document per command. */
export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}
