import type { z } from 'zod';
import type { CommandEnvelope } from '../../shared/api/fleet-api';
import { commands, type CommandName, type CommandResult, type Commands } from '../../shared/contract/index';
import { assertCommandName, describeIssues, parseCommandArgs } from '../../shared/contract/validate';
import { FleetError } from '../../shared/errors/fleet-error';
import type { Logger } from '../log/logger';

/** Who is calling: recorded in the audit log with every change. */
export interface CommandContext {
  actor: string;
  host: 'desktop' | 'console';
}

export type ParsedArgs<N extends CommandName> = z.output<Commands[N]['args']>;
export type Handler<N extends CommandName> = (
  args: ParsedArgs<N>,
  ctx: CommandContext,
) => CommandResult<N> | Promise<CommandResult<N>>;

/** A handler for every command in the contract; a missing one is a type error. */
export type HandlerMap = { [N in CommandName]: Handler<N> };
export type HandlerGroup<K extends CommandName> = { [N in K]: Handler<N> };

export interface RegistryOptions {
  log: Logger;
  /** Check results against their schemas too (on in tests; catches core bugs early). */
  validateResults?: boolean;
  /**
   * Told of every command that succeeded, after it did (incidents record what people do to
   * their endpoints). Called synchronously; it must not throw, and what it throws is logged.
   */
  onCalled?: (name: CommandName, args: unknown, ctx: CommandContext, result: unknown) => void;
}

/**
 * The core's single entry point, `call(name, args)`: the same path for IPC, HTTP and the CLI.
 * Names and arguments are validated against the contract here, whatever the host did before,
 * and every failure comes back as a FleetError body, never as a thrown stack.
 */
export class CommandRegistry {
  constructor(
    private readonly handlers: HandlerMap,
    private readonly options: RegistryOptions,
  ) {}

  async call(name: unknown, args: unknown, ctx: CommandContext): Promise<CommandEnvelope> {
    try {
      assertCommandName(name);
      const parsed = parseCommandArgs(name, args);
      const handler = this.handlers[name] as Handler<CommandName>;
      const result = await handler(parsed as never, ctx);
      if (this.options.validateResults) {
        const check = commands[name].result.safeParse(result);
        if (!check.success) {
          throw new FleetError({
            code: 'internal',
            message: `${name} returned a result that breaks its contract: ${describeIssues(check.error)}`,
            where: name,
          });
        }
      }
      if (this.options.onCalled) {
        try {
          this.options.onCalled(name, parsed, ctx, result);
        } catch (error) {
          this.options.log.error('command listener failed', { command: name, error: String(error) });
        }
      }
      return { ok: true, result };
    } catch (error) {
      if (error instanceof FleetError) {
        if (error.code === 'internal')
          this.options.log.error('command failed', { command: String(name), error: error.message });
        return { ok: false, error: error.toJSON() };
      }
      const message = error instanceof Error ? error.message : String(error);
      this.options.log.error('command threw', {
        command: String(name),
        error: message,
        stack: (error as Error)?.stack,
      });
      return {
        ok: false,
        error: {
          code: 'internal',
          message: `${String(name)} failed: ${message}`,
          where: String(name),
          hint: 'This is a bug in Fleetdeck; the details are in the log file in the data directory.',
        },
      };
    }
  }
}
