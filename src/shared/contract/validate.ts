import type { z } from 'zod';
import { FleetError } from '../errors/fleet-error';
import { commands, events, isCommandName, type CommandArgs, type CommandName, type EventName } from './index';

/** Turns a schema failure into one sentence a person can act on: "theme: expected one of ...". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join('.') : '(arguments)';
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

/** Validates a command's arguments; throws `bad_request` naming every field that is wrong. */
export function parseCommandArgs<N extends CommandName>(name: N, args: unknown): CommandArgs<N> {
  const parsed = commands[name].args.safeParse(args ?? {});
  if (!parsed.success) {
    throw new FleetError({
      code: 'bad_request',
      message: `Invalid arguments for ${name}: ${describeIssues(parsed.error)}`,
      where: name,
      hint: 'Check the field names and types against the command contract.',
    });
  }
  return parsed.data as CommandArgs<N>;
}

export function assertCommandName(name: unknown): asserts name is CommandName {
  if (!isCommandName(name)) {
    throw new FleetError({
      code: 'not_found',
      message: `Unknown command: ${String(name)}`,
      hint: 'See src/shared/contract for the commands this version knows.',
    });
  }
}

export function parseEventPayload(name: EventName, payload: unknown): unknown {
  const parsed = events[name].payload.safeParse(payload);
  if (!parsed.success) {
    throw new FleetError({
      code: 'internal',
      message: `Event ${name} has an invalid payload: ${describeIssues(parsed.error)}`,
      where: name,
    });
  }
  return parsed.data;
}
