import type { CommandResult } from '../shared/contract/index';
import type { CliContext } from './cli-command';
import { CliError } from './cli-error';
import { span } from './time-text';

type Run = CommandResult<'runs.get'>;
type Step = Run['steps'][number];

/** How often the run is read while it goes on (runs.changed is a WebSocket event; polling is simpler here). */
const POLL_MS = 400;

const finishedRun = new Set<Run['state']>(['succeeded', 'failed', 'aborted', 'rolled_back', 'interrupted']);
const finishedStep = new Set<Step['state']>(['succeeded', 'failed', 'skipped', 'rolled_back', 'interrupted']);

/** Raised by `ask` when the person presses Ctrl-C at a question. */
export class Interrupted extends Error {}

/**
 * Follows a run until it ends, printing each step once as it starts (title, rendered command)
 * and once as it ends (exit code, check, rollback), and answering the run's questions on the
 * terminal: confirm a destructive step (y/N), tick a manual step, retry/skip/abort a failed one.
 */
export async function followRun(
  ctx: CliContext,
  started: Run,
  options: { progress: (text: string) => void },
): Promise<Run> {
  const api = ctx.client();
  const say = options.progress;
  const where = `#/runs/${started.id}`;
  const begun = new Set<number>();
  const commandShown = new Set<number>();
  const ended = new Set<number>();
  const rollbackShown = new Set<number>();
  let pausedShown = false;

  say(
    `Run ${started.id}: ${started.runbookTitle}${started.endpointId ? ` on ${started.endpointId}` : ''}${
      started.readOnly ? ' (read-only)' : ''
    }`,
  );

  const stopFollowing = () => {
    process.stderr.write(
      `\nfleetdeck: stopped following run ${started.id} — it goes on in Fleetdeck under ${where}\n`,
    );
    process.exit(130);
  };
  process.once('SIGINT', stopFollowing);
  try {
    let run = started;
    for (;;) {
      for (const step of run.steps) report(step, run.stepCount);
      if (finishedRun.has(run.state)) {
        say(
          `Run ${run.id} ${run.state.replace('_', ' ')} after ${span((run.endedAt ?? run.updatedAt) - run.startedAt)}`,
        );
        return run;
      }
      if (run.state === 'paused') {
        if (!pausedShown) say(`  paused${run.message ? `: ${run.message}` : ''} (resume it in Fleetdeck)`);
        pausedShown = true;
      } else pausedShown = false;
      if (run.state === 'waiting') {
        run = await answer(run);
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      run = await api.call('runs.get', { id: run.id });
    }
  } finally {
    process.off('SIGINT', stopFollowing);
  }

  function report(step: Step, total: number): void {
    if (step.state === 'pending') return;
    const n = step.idx;
    if (!begun.has(n)) {
      begun.add(n);
      say(`[${n + 1}/${total}] ${step.title}${step.kind === 'manual' ? ' (manual)' : ''}`);
    }
    if (step.command && !commandShown.has(n)) {
      commandShown.add(n);
      say(`      $ ${step.command}`);
    }
    if (finishedStep.has(step.state) && !ended.has(n)) {
      ended.add(n);
      const parts = [step.state.replace('_', ' ')];
      if (step.exitCode !== null) parts.push(`exit ${step.exitCode}`);
      if (step.check) parts.push(`check ${step.check.ok ? 'ok' : 'failed'}: ${step.check.detail}`);
      if (step.startedAt !== null && step.endedAt !== null) parts.push(span(step.endedAt - step.startedAt));
      say(`      ${parts.join(' · ')}`);
    }
    if (
      step.rollback &&
      step.rollback.state !== 'pending' &&
      finishedStep.has(step.rollback.state) &&
      !rollbackShown.has(n)
    ) {
      rollbackShown.add(n);
      say(
        `      rollback $ ${step.rollback.command} · ${step.rollback.state.replace('_', ' ')}${
          step.rollback.exitCode !== null ? ` · exit ${step.rollback.exitCode}` : ''
        }`,
      );
    }
  }

  async function answer(run: Run): Promise<Run> {
    const step =
      run.steps.find((s) => s.state === 'waiting_confirm' || s.state === 'waiting_manual') ??
      run.steps[run.currentStep];
    const label = step ? `step ${step.idx + 1} (${step.title})` : 'a decision';
    const what =
      step?.state === 'waiting_confirm'
        ? 'confirmation'
        : step?.state === 'waiting_manual'
          ? 'someone to tick it done'
          : 'a decision';
    if (!ctx.io.interactive)
      throw new CliError(
        'failed',
        `run ${run.id} waits at ${label} for ${what}${run.message ? `: ${run.message}` : ''}`,
        step?.state === 'waiting_confirm'
          ? `confirm or abort it in Fleetdeck under ${where}; pass --yes to confirm destructive steps from a script`
          : `answer it in Fleetdeck under ${where}`,
      );

    let action: 'confirm' | 'abort' | 'done' | 'skip' | 'retry';
    try {
      if (step?.state === 'waiting_confirm') {
        const reply = await ctx.io.ask(`Run ${label}? It needs confirmation. [y/N] `);
        action = reply === 'y' || reply === 'yes' ? 'confirm' : 'abort';
      } else if (step?.state === 'waiting_manual') {
        const reply = await ctx.io.ask(`Is ${label} done? [y]es, [s]kip, [N]o: abort the run `);
        action = reply.startsWith('y') ? 'done' : reply.startsWith('s') ? 'skip' : 'abort';
      } else {
        if (run.message) say(`  ${run.message}`);
        const reply = await ctx.io.ask(
          `${label[0]!.toUpperCase()}${label.slice(1)} needs a decision: [r]etry, [s]kip or [A]bort? `,
        );
        action = reply.startsWith('r') ? 'retry' : reply.startsWith('s') ? 'skip' : 'abort';
      }
    } catch (error) {
      if (error instanceof Interrupted)
        throw new CliError(
          'failed',
          `stopped following run ${run.id}; it still waits for ${what}`,
          `answer it in Fleetdeck under ${where}`,
        );
      throw error;
    }
    if (action === 'abort') say(`  aborting run ${run.id}`);
    // A retried step runs again: print its outcome again.
    if (action === 'retry' && step) ended.delete(step.idx);
    return api.call('runs.control', { id: run.id, action });
  }
}
