import { FleetError } from '../../shared/errors/fleet-error';
import { finalStates } from './run.record';
import type { StoredRun } from './run.store';
import type { TerminalDriver } from './step-exec';

export type RunAction = 'pause' | 'resume' | 'abort' | 'rollback' | 'confirm' | 'skip' | 'retry' | 'done';

/**
 * What a control action does to a run that no engine loop drives: one that ended, failed at a
 * step (on_failure: stop) or was interrupted by a restart. Changes the record as the action
 * says and tells the engine what comes next; refuses what does not apply, with why.
 */
export function planIdleControl(
  run: StoredRun,
  action: RunAction,
  actor: string,
  now: number,
): 'unchanged' | 'save' | 'forward' | 'rollback' {
  const refuse = (why: string): never => {
    throw new FleetError({
      code: 'conflict',
      message: `Cannot ${action} run ${run.id}: ${why}`,
      where: 'runs.control',
      ...(run.state === 'failed' || run.state === 'interrupted'
        ? { hint: 'It can be retried (or resumed), skipped past its current step, rolled back or aborted.' }
        : {}),
    });
  };
  if (action === 'abort') {
    // Safe to repeat: an ended run stays as it ended.
    if (finalStates.includes(run.state) || run.dryRun) return 'unchanged';
    run.state = 'aborted';
    run.endedAt = now;
    run.message = `Aborted by ${actor}.`;
    return 'save';
  }
  if (run.dryRun) refuse('it is a dry run; start a real run to execute it');
  if (finalStates.includes(run.state)) refuse(`it has already ${run.state.replace('_', ' ')}`);
  const step = run.steps[run.currentStep];
  switch (action) {
    case 'resume':
    case 'retry':
      if (step && step.state !== 'succeeded' && step.state !== 'skipped') {
        step.state = 'pending';
        step.endedAt = null;
      }
      break;
    case 'skip':
      if (!step) refuse('there is no step left to skip');
      step!.state = 'skipped';
      step!.endedAt ??= now;
      run.currentStep++;
      break;
    case 'rollback':
      return 'rollback';
    default:
      refuse(`it is ${run.state}, not waiting for '${action}'`);
  }
  run.endedAt = null;
  return 'forward';
}

/** What a person is being asked for while the run waits. */
export type Ask = 'confirm' | 'manual' | 'resume';
export interface Answer {
  action: RunAction;
  actor: string;
}

/** A run with an engine loop behind it, in this process. */
export interface Active {
  run: StoredRun;
  driver: TerminalDriver | null;
  /** Aborts the command or check in flight. */
  step: AbortController;
  pauseRequested: boolean;
  stop: 'abort' | 'rollback' | null;
  stopActor: string;
  asking: { kind: Ask; answer: (a: Answer) => void } | null;
  loop: Promise<void>;
}

/**
 * What a control action does to a run whose loop is live: it stops the command in flight (abort,
 * rollback), sets a pause for after the current step, or answers the question the loop is
 * waiting on. Refuses an action that does not fit what the run is doing.
 */
export async function controlLiveRun(
  a: Active,
  action: RunAction,
  actor: string,
  save: () => void,
): Promise<void> {
  const run = a.run;
  const asking = a.asking;
  const refuse = (why: string): never => {
    throw new FleetError({
      code: 'conflict',
      message: `Cannot ${action} run ${run.id}: ${why}`,
      where: 'runs.control',
    });
  };
  switch (action) {
    case 'abort':
    case 'rollback':
      if (a.stop) return;
      a.stop = action;
      a.stopActor = actor;
      a.step.abort();
      asking?.answer({ action, actor });
      // Abort answers once the command is interrupted and the record says so.
      if (action === 'abort') await a.loop;
      return;
    case 'pause':
      if (asking?.kind === 'resume') return;
      a.pauseRequested = true;
      if (asking) asking.answer({ action, actor });
      else {
        run.message = `Pausing after the current step (asked by ${actor}).`;
        save();
      }
      return;
    case 'resume':
      if (asking?.kind !== 'resume') refuse(`it is ${run.state}, not paused`);
      break;
    case 'confirm':
      if (asking?.kind !== 'confirm') refuse('no step is waiting for confirmation');
      break;
    case 'done':
      if (asking?.kind !== 'manual') refuse('no manual step is waiting to be ticked');
      break;
    case 'skip':
      if (!asking) refuse('a step is running; pause or abort it first');
      break;
    case 'retry':
      refuse(`it is ${run.state}; retry applies to a failed step`);
  }
  asking!.answer({ action, actor });
}
