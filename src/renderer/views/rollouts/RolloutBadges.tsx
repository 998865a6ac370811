import type { RolloutDecision, RolloutState } from '../../../shared/contract/index';
import { rolloutStateWords, verdictWords } from './rollout-words';

/** A rollout's state as a glyph and words in its tone (never colour alone). */
export function RolloutStateBadge({ state, testId }: { state: RolloutState; testId?: string }) {
  const words = rolloutStateWords[state];
  return (
    <span className={`ro-state tone-${words.tone}`} data-testid={testId} data-state={state}>
      <span aria-hidden="true">{words.glyph}</span>
      {words.label}
    </span>
  );
}

export function VerdictBadge({ verdict }: { verdict: RolloutDecision['verdict'] | null }) {
  if (!verdict) return <span className="muted">—</span>;
  const words = verdictWords[verdict];
  return (
    <span className={`ro-verdict tone-${words.tone}`} data-verdict={verdict}>
      <span aria-hidden="true">{words.glyph}</span>
      {words.label}
    </span>
  );
}

/** The candidate's share of traffic: a bar with the number beside it. */
export function WeightBar({ weight, testId }: { weight: number; testId?: string }) {
  const clamped = Math.max(0, Math.min(100, weight));
  return (
    <span
      className="ro-weight"
      role="meter"
      aria-label="Traffic on the candidate"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={clamped}
      data-testid={testId}
      data-weight={clamped}
    >
      <span className="ro-weight-track">
        <span className="ro-weight-fill" style={{ width: `${clamped}%` }} />
      </span>
      <span className="ro-weight-words">{clamped} %</span>
    </span>
  );
}
