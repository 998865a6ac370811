import { flagString } from '../cli-args';
import { printJson, type CliContext } from '../cli-command';
import { stateLine } from './incident-view.actions';

/** ack | mitigate | resolve <id>: moves the incident; the console refuses a move to where it already is. */
export async function controlIncident(
  ctx: CliContext,
  action: 'acknowledge' | 'mitigate' | 'resolve',
  id: string,
): Promise<void> {
  const note = flagString(ctx.args, 'note');
  const incident = await ctx.client().call('incidents.control', {
    id,
    action,
    ...(note !== undefined ? { note } : {}),
  });
  if (ctx.json) return printJson(ctx.io, incident);
  ctx.io.out(stateLine(incident));
}
