import { flagSet, flagString } from '../cli-args';
import { printJson, type CliContext } from '../cli-command';
import { CliError, usageError } from '../cli-error';
import { getRollout, unknownRollout } from '../rollout-lookup';
import { Interrupted } from '../run-follower';
import { strategyText, versionsText, weightText } from '../rollout-text';

type Action = 'pause' | 'resume' | 'promote' | 'abort';

const done: Record<Action, string> = {
  pause: 'paused',
  resume: 'resumed',
  promote: 'promoted',
  abort: 'aborted',
};

/**
 * pause | resume | promote | abort <id>. Promote and abort move traffic at once, so a person is
 * asked first (y/N) and a script must say --yes; without a terminal and without --yes they are
 * refused before anything is sent.
 */
export async function controlRollout(ctx: CliContext, action: Action, id: string): Promise<void> {
  const { args, io, json } = ctx;
  const reason = flagString(args, 'reason');
  const asks = action === 'promote' || action === 'abort';
  if (asks && !flagSet(args, 'yes')) {
    if (!io.interactive)
      throw usageError(
        `${action} of rollout ${id} needs confirmation and there is no terminal to ask on`,
        `pass --yes to ${action} it`,
      );
    const rollout = await getRollout(ctx, id);
    const what =
      action === 'promote'
        ? `all traffic goes to ${rollout.candidateVersion} now, skipping the remaining steps`
        : `all traffic goes back to ${rollout.stableVersion} and ${rollout.candidateVersion} is scaled down`;
    let reply: string;
    try {
      reply = await io.ask(
        `${action === 'promote' ? 'Promote' : 'Abort'} rollout ${id} (${strategyText(rollout.strategy)} of ${rollout.endpointId} ${versionsText(rollout)}, now ${weightText(rollout)})? ${what}. [y/N] `,
      );
    } catch (error) {
      if (error instanceof Interrupted) reply = '';
      else throw error;
    }
    if (reply !== 'y' && reply !== 'yes')
      throw new CliError(
        'failed',
        `rollout ${id} not ${done[action]}: not confirmed`,
        `answer y to ${action} it, or pass --yes`,
      );
  }
  let rollout;
  try {
    rollout = await ctx.client().call('rollouts.control', {
      id,
      action,
      ...(reason !== undefined ? { reason } : {}),
    });
  } catch (error) {
    throw unknownRollout(error, id);
  }
  if (json) return printJson(io, rollout);
  io.out(
    `Rollout ${rollout.id} ${done[action]}: now ${rollout.state}, ${weightText(rollout)}${
      rollout.message ? ` (${rollout.message.replace(/\.+$/, '')})` : ''
    }`,
  );
}
