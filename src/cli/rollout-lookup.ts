import type { Rollout } from '../shared/contract/index';
import type { CliContext } from './cli-command';
import { CliError } from './cli-error';

/** rollouts.get with the command line's wording for an unknown id. */
export async function getRollout(ctx: CliContext, id: string): Promise<Rollout> {
  try {
    return await ctx.client().call('rollouts.get', { id });
  } catch (error) {
    throw unknownRollout(error, id);
  }
}

/** A not_found refusal becomes "no rollout X"; anything else is passed on. */
export function unknownRollout(error: unknown, id: string): unknown {
  if (error instanceof CliError && error.code === 'not_found')
    return new CliError(
      'failed',
      `no rollout "${id}"`,
      '`fleetdeck rollout history` lists them (`fleetdeck rollout status` the active ones)',
      error.code,
    );
  return error;
}
