import { useState } from 'react';
import type { Run } from '../../../shared/contract/index';
import { useFleet } from '../../stores/fleet.store';
import { ConfirmRunActionDialog, ConfirmStepDialog } from './ConfirmDialogs';

/**
 * A run's confirmations, the same wherever the run is shown: a step waiting for confirmation opens
 * its dialog by itself, and Abort and Rollback ask first. Returns what the controls call (`ask`),
 * what "Review and confirm" calls (`review`), and the dialogs to render.
 */
export function useRunConfirmations(run: Run | null, endpointName: string | null) {
  const pending = useFleet((s) => s.runPending);
  const control = useFleet((s) => s.controlRun);
  const [asking, setAsking] = useState<'abort' | 'rollback' | null>(null);
  // The step whose confirmation dialog was put aside with "Not yet"; it opens by itself for any other.
  const [deferred, setDeferred] = useState<number | null>(null);

  const step = run ? (run.steps[run.currentStep] ?? null) : null;
  const confirming =
    run !== null && step?.state === 'waiting_confirm' && run.state === 'waiting' && deferred !== step.idx;
  const dialogs = run ? (
    <>
      {confirming && step ? (
        <ConfirmStepDialog
          step={step}
          endpoint={endpointName}
          pending={pending === 'confirm'}
          onConfirm={() => void control('confirm')}
          onClose={() => setDeferred(step.idx)}
        />
      ) : null}
      {asking ? (
        <ConfirmRunActionDialog
          action={asking}
          rollbacks={run.steps.flatMap((s) =>
            s.rollback && (s.state === 'succeeded' || s.state === 'failed') ? [s.rollback.command] : [],
          )}
          pending={pending === asking}
          onConfirm={() => {
            setAsking(null);
            void control(asking);
          }}
          onClose={() => setAsking(null)}
        />
      ) : null}
    </>
  ) : null;

  return { ask: setAsking, review: () => setDeferred(null), dialogs };
}
