import type { RolloutPlan } from '../../../shared/contract/index';
import { SpinnerIcon } from '../../components/icons';
import { Dialog } from '../sources/Dialog';
import { planSteps } from './plan-words';
import { strategyWords } from './rollout-words';

/** Starting moves live traffic: what will happen, in words, and an explicit Start. */
export function ConfirmStartDialog({
  plan,
  endpointName,
  pending,
  onConfirm,
  onClose,
}: {
  plan: RolloutPlan;
  endpointName: string;
  pending: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog
      title={`Start rolling out ${plan.candidateVersion}?`}
      onClose={onClose}
      onSubmit={onConfirm}
      testId="confirm-start-dialog"
      actions={
        <>
          <button type="button" className="button" onClick={onClose} data-autofocus>
            Cancel
          </button>
          <button
            type="submit"
            className="button button-primary"
            disabled={pending}
            data-testid="confirm-start"
          >
            {pending ? <SpinnerIcon className="spin" /> : null}
            Start rollout
          </button>
        </>
      }
    >
      <p>
        {strategyWords[plan.strategy.kind]} of <strong>{endpointName}</strong> from {plan.stableVersion} to{' '}
        <strong>{plan.candidateVersion}</strong>. Live traffic moves as follows:
      </p>
      <ol className="ro-plan-steps">
        {planSteps(plan).map((line, i) => (
          <li key={i}>{line}</li>
        ))}
      </ol>
      <p className="muted">
        You can pause, promote or abort at any moment; an abort puts all traffic back on stable.
      </p>
    </Dialog>
  );
}
