import { describe, expect, it } from 'vitest';
import { runVerdict } from '../../../../src/core/incidents/healing/healing.executor';
import type { Run, RunStepRecord } from '../../../../src/shared/contract/runbook.schema';

const step = (
  idx: number,
  kind: 'command' | 'manual',
  state: RunStepRecord['state'],
  title: string,
): RunStepRecord => ({
  idx,
  title,
  kind,
  confirm: false,
  command: kind === 'command' ? 'true' : null,
  state,
  exitCode: null,
  check: null,
  startedAt: null,
  endedAt: null,
  output: '',
  transcript: null,
  confirmedBy: null,
  rollback: null,
});

const run = (
  state: Run['state'],
  steps: RunStepRecord[],
  currentStep: number,
  message: string | null = null,
): Run => ({
  id: 'run-1',
  runbookId: 'scale-out',
  runbookTitle: 'Scale out',
  endpointId: 'prod-us-east:llm:llama-8b-chat',
  actor: 'policy:p',
  state,
  dryRun: false,
  readOnly: false,
  currentStep,
  stepCount: steps.length,
  terminalId: null,
  startedAt: 0,
  updatedAt: 0,
  endedAt: null,
  message,
  params: {},
  steps,
  notes: [],
});

describe("a healing action's result, read from its run", () => {
  it('is succeeded when the run stops at its manual step: the hand-off to a person', () => {
    const r = run(
      'waiting',
      [step(0, 'command', 'succeeded', 'Scale'), step(1, 'manual', 'waiting_manual', 'Decide')],
      1,
    );
    expect(runVerdict(r)).toEqual({
      result: 'succeeded',
      message:
        'run run-1 (scale-out) did its automatic steps and stopped at the manual step "Decide", handed to a person',
    });
  });

  it('is pending (bounded) while the run waits on a confirmation or an inconclusive check, or is paused', () => {
    const confirm = run('waiting', [step(0, 'command', 'waiting_confirm', 'Scale')], 0, 'Confirm to run it');
    expect(runVerdict(confirm)).toEqual({
      result: 'pending',
      waiting: 'waiting on step 1 "Scale" (Confirm to run it)',
    });
    expect(runVerdict(run('paused', [step(0, 'command', 'pending', 'Scale')], 0))).toEqual({
      result: 'pending',
      waiting: 'paused',
    });
    expect(runVerdict(run('running', [step(0, 'command', 'running', 'Scale')], 0))).toEqual({
      result: 'pending',
      waiting: null,
    });
  });

  it('is failed when the run failed, was aborted, rolled back or interrupted, with its message', () => {
    for (const state of ['failed', 'aborted', 'rolled_back', 'interrupted'] as const) {
      const verdict = runVerdict(run(state, [step(0, 'command', 'failed', 'Scale')], 0, 'step 1 failed'));
      expect(verdict).toEqual({
        result: 'failed',
        message: `run run-1 (scale-out) ${state.replace('_', ' ')}: step 1 failed`,
      });
    }
    expect(runVerdict(run('succeeded', [step(0, 'command', 'succeeded', 'Scale')], 1))).toMatchObject({
      result: 'succeeded',
    });
  });
});
