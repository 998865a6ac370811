import type { Rollout } from '../shared/contract/index';
import type { CliContext } from './cli-command';
import { CliError } from './cli-error';
import { lineDisplay, screenDisplay, type RolloutDisplay } from './rollout-display';
import { finishedStates, goodEnds, outcomeText } from './rollout-text';

/**
 * How often the rollout is read while it goes on. rollouts.changed is a WebSocket event, but
 * polling rollouts.get gives the decision log too and needs no socket; the core's analysis
 * intervals are tens of seconds, so half a second adds nothing a person or a script would notice.
 */
const POLL_MS = 500;

/** Where the live display goes: stdout, or stderr when stdout carries --json. */
export type DisplayStream = 'out' | 'err';

function displayFor(ctx: CliContext, stream: DisplayStream): RolloutDisplay {
  const screen = ctx.io.screens?.[stream] ?? null;
  if (screen) return screenDisplay(screen);
  return lineDisplay((text) => (stream === 'out' ? ctx.io.out(text) : ctx.io.err(text)));
}

/**
 * Follows a rollout until it ends, showing it live. Resolves with its final record; Ctrl-C stops
 * following (exit 130) and leaves the rollout running in the console.
 */
export async function followRollout(
  ctx: CliContext,
  first: Rollout,
  stream: DisplayStream,
): Promise<Rollout> {
  const api = ctx.client();
  const display = displayFor(ctx, stream);
  const stopFollowing = () => {
    process.stderr.write(
      `\nfleetdeck: stopped following rollout ${first.id} — it goes on in Fleetdeck under #/rollouts/${first.id}\n`,
    );
    process.exit(130);
  };
  process.once('SIGINT', stopFollowing);
  try {
    let rollout = first;
    for (;;) {
      display.show(rollout);
      if (finishedStates.has(rollout.state)) {
        const line = outcomeText(rollout);
        const say = stream === 'out' ? ctx.io.out : ctx.io.err;
        say(`${line[0]!.toUpperCase()}${line.slice(1)}`);
        return rollout;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      rollout = await api.call('rollouts.get', { id: rollout.id });
    }
  } finally {
    process.off('SIGINT', stopFollowing);
  }
}

/** Exit 4 for a rollout that ended aborted or failed, with its reason; nothing for a good end. */
export function failUnlessGood(rollout: Rollout): void {
  if (goodEnds.has(rollout.state)) return;
  throw new CliError(
    'failed',
    outcomeText(rollout),
    `its decision log (every measurement and action) is in Fleetdeck under #/rollouts/${rollout.id}, or \`fleetdeck rollout status ${rollout.id}\``,
  );
}
