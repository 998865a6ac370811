import { FleetError } from '../../shared/errors/fleet-error';
import { finalStates } from './run.record';
import type { StoredRun } from './run.store';

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
