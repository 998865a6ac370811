/**
 * The command line's exit codes, one per kind of failure, so a script can tell "I called it
 * wrong" from "nothing is running" from "it said no" from "the command itself failed".
 */
export const exitCodes = {
  usage: 1,
  unreachable: 2,
  refused: 3,
  failed: 4,
} as const;
export type FailureKind = keyof typeof exitCodes;

/**
 * A failure the user can act on: printed as ONE line, `fleetdeck: <what failed> — <what to do>`,
 * never with a stack trace, and never with the token in it.
 */
export class CliError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly todo: string,
    /** The console's error code when the console refused the call (`not_found`, ...). */
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'CliError';
  }

  get exitCode(): number {
    return exitCodes[this.kind];
  }

  line(): string {
    return `fleetdeck: ${oneLine(this.message)} — ${oneLine(this.todo)}`;
  }
}

export const usageError = (message: string, todo: string) => new CliError('usage', message, todo);

/** Messages from the console may carry newlines or control characters: keep the error one line. */
export function oneLine(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u001f\u007f]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  );
}
