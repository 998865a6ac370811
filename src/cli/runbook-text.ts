import type { CommandResult } from '../shared/contract/index';

type Check = NonNullable<CommandResult<'runbooks.get'>['steps'][number]['check']>;

/** A step's check as one phrase: "exit code 0", "output matches /ready/", "latency_p95 < 1.2s for 2m". */
export function checkText(check: Check): string {
  switch (check.kind) {
    case 'exit_code':
      return `exit code ${check.equals}`;
    case 'output':
      return `output matches /${check.matches}/`;
    case 'metric':
      return check.expression;
  }
}
