import type { StoredStep } from './run.store';

/** The shell's own status for "command not found" (POSIX: 127). */
const NOT_FOUND = 127;

/** The program that was not found, from bash's message, else the command's first word. */
function missingProgram(command: string, output: string): string {
  const said = /(?:^|\n)(?:bash: )?(?:line \d+: )?([^\s:]+): command not found/.exec(output);
  return said?.[1] ?? command.trim().split(/\s+/)[0] ?? command;
}

/**
 * Why a finished command already failed its step, before any check is looked at, or null. An
 * exit code check that expects this very code is left to the check.
 */
export function failureDetail(step: StoredStep, exitCode: number | null, output: string): string | null {
  const expects = step.checkDef?.kind === 'exit_code' ? step.checkDef.equals : null;
  if (exitCode === expects) return null;
  if (exitCode === NOT_FOUND)
    return `'${missingProgram(step.command ?? '', output)}' is not installed (or not on PATH in the run's terminal): exit 127. Install it or fix PATH, then retry the step.`;
  if (expects !== null) return null;
  if (exitCode !== 0)
    return `Exited with ${exitCode}${exitCode === 130 ? ' (interrupted)' : ''}; see the output.`;
  return null;
}

/** The verdict of an exit code or output check (metric checks wait; see metric-check.ts). */
export function evaluateCheck(
  step: StoredStep,
  exitCode: number | null,
  output: string,
): { ok: boolean; detail: string } {
  const check = step.checkDef;
  if (!check || check.kind === 'metric') return { ok: exitCode === 0, detail: `Exited with ${exitCode}.` };
  if (check.kind === 'exit_code')
    return {
      ok: exitCode === check.equals,
      detail:
        exitCode === check.equals
          ? `Exited with ${exitCode}, as expected.`
          : `Exited with ${exitCode}; expected ${check.equals}.`,
    };
  let re: RegExp;
  try {
    re = new RegExp(check.matches, 'm');
  } catch (error) {
    return {
      ok: false,
      detail: `The output check /${check.matches}/ is not a valid regular expression: ${(error as Error).message}`,
    };
  }
  return re.test(output)
    ? { ok: true, detail: `Output matched /${check.matches}/.` }
    : { ok: false, detail: `Output did not match /${check.matches}/.` };
}
