import type { Run, RunState, RunSummary } from '../../shared/contract/runbook.schema';
import type { StoredRun, StoredStep } from './run.store';
import type { StartRunInput } from './run.engine';

/** States no action brings back to life (abort stays safe to repeat on them). */
export const finalStates: readonly RunState[] = ['succeeded', 'aborted', 'rolled_back'];

export const stepLabel = (s: StoredStep) => `step ${s.idx + 1} '${s.title}'`;

export const toSummary = (r: StoredRun): RunSummary => ({
  id: r.id,
  runbookId: r.runbookId,
  runbookTitle: r.runbookTitle,
  endpointId: r.endpointId,
  actor: r.actor,
  state: r.state,
  dryRun: r.dryRun,
  readOnly: r.readOnly,
  currentStep: r.currentStep,
  stepCount: r.stepCount,
  terminalId: r.terminalId,
  startedAt: r.startedAt,
  updatedAt: r.updatedAt,
  endedAt: r.endedAt,
  message: r.message,
});

export const toRun = (r: StoredRun): Run => ({
  ...toSummary(r),
  params: r.params,
  notes: r.notes,
  steps: r.steps.map(({ checkDef: _c, onFailure: _f, timeoutSeconds: _t, ...record }) => record),
});

/**
 * A new run's record: every rendered command, rollback and check as they will be sent, so the
 * record alone can show the run and resume it. A dry run's record is already finished.
 */
export function newRunRecord(input: StartRunInput, id: string, now: number): StoredRun {
  const run: StoredRun = {
    id,
    runbookId: input.runbook.id,
    runbookTitle: input.runbook.title,
    runbook: input.runbook,
    endpointId: input.endpointId,
    actor: input.actor,
    state: 'running',
    dryRun: input.dryRun,
    readOnly: input.readOnly,
    autoConfirm: input.autoConfirm,
    currentStep: 0,
    stepCount: input.rendered.steps.length,
    terminalId: null,
    startedAt: now,
    updatedAt: now,
    endedAt: null,
    message: null,
    params: Object.fromEntries(input.rendered.params.map((p) => [p.name, p.value])),
    notes: [],
    steps: input.rendered.steps.map((s) => ({
      idx: s.idx,
      title: s.title,
      kind: s.kind,
      confirm: s.confirm,
      command: s.command,
      state: input.dryRun ? 'skipped' : 'pending',
      exitCode: null,
      check: null,
      startedAt: null,
      endedAt: null,
      output: '',
      transcript: null,
      confirmedBy: null,
      rollback: s.rollback ? { command: s.rollback, exitCode: null, state: 'pending' } : null,
      checkDef: s.check,
      onFailure: s.onFailure,
      timeoutSeconds: s.timeoutSeconds,
    })),
  };
  if (input.dryRun) {
    // A dry run is a record of what would run: every command rendered, nothing sent anywhere.
    run.state = 'succeeded';
    run.currentStep = run.stepCount;
    run.endedAt = now;
    run.message = `Dry run: ${run.steps.filter((s) => s.command).length} command(s) rendered; nothing was run.`;
  }
  return run;
}

/**
 * Marks a run whose process stopped (or is stopping) as interrupted: the step that was running
 * is interrupted, a question that was pending is asked again on resume. Returns the steps changed.
 */
export function interruptRecord(run: StoredRun, now: number): StoredStep[] {
  const changed: StoredStep[] = [];
  for (const s of run.steps) {
    if (s.state === 'running' || s.state === 'checking') s.state = 'interrupted';
    else if (s.state === 'waiting_confirm' || s.state === 'waiting_manual') s.state = 'pending';
    else continue;
    changed.push(s);
  }
  const step = run.steps[run.currentStep];
  run.state = 'interrupted';
  run.updatedAt = now;
  run.message = `Fleetdeck stopped during ${step ? stepLabel(step) : 'the run'}; resume to continue from the last completed step in a new terminal.`;
  return changed;
}
