import type { ReactNode } from 'react';
import type { Run, Runbook } from '../../../shared/contract/index';
import { useFleet } from '../../stores/fleet.store';
import { CurrentStepPanel } from './CurrentStepPanel';
import { RunStepList } from './RunStepList';

/**
 * The column beside a run's terminal: the step being worked on (with its runbook's guidance) over
 * the list of steps. Shared by `#/runs/<id>` and the incident page's run panel.
 */
export function RunStepsColumn({
  run,
  runbook,
  now,
  onReview,
  children,
}: {
  run: Run;
  /** The run's runbook, once read: the current step's guidance comes from it. */
  runbook: Runbook | null;
  now: number;
  /** "Review and confirm": opens the confirmation put aside. */
  onReview: () => void;
  /** Anything the page adds under the steps (the run page's notes). */
  children?: ReactNode;
}) {
  const pending = useFleet((s) => s.runPending);
  const control = useFleet((s) => s.controlRun);
  const step = run.steps[run.currentStep] ?? null;
  return (
    <div className="rb-run-side">
      {step ? (
        <CurrentStepPanel
          run={run}
          step={step}
          guidance={runbook?.steps[step.idx]?.guidance ?? null}
          pending={pending}
          onAction={(action) => void control(action)}
          onReview={onReview}
        />
      ) : null}
      <RunStepList run={run} now={now} />
      {children}
    </div>
  );
}
