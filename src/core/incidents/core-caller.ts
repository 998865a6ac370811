import type { CommandArgs, CommandName, CommandResult } from '../../shared/contract/index';
import { FleetError } from '../../shared/errors/fleet-error';
import type { CommandEnvelope } from '../../shared/api/fleet-api';

/**
 * Calls a core command as `actor`, through the same registry people use (validation, the
 * audit trail, `onCalled`); throws the FleetError when it fails. Policies act through it so an
 * automatic action is recorded exactly like a person's.
 */
export type CoreCaller = <N extends CommandName>(
  name: N,
  args: CommandArgs<N>,
  actor: string,
) => Promise<CommandResult<N>>;

export const coreCaller =
  (call: (name: CommandName, args: unknown, actor: string) => Promise<CommandEnvelope>): CoreCaller =>
  async (name, args, actor) => {
    const envelope = await call(name, args, actor);
    if (!envelope.ok) throw FleetError.fromBody(envelope.error);
    return envelope.result as CommandResult<typeof name>;
  };
