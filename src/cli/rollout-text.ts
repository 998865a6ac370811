import type { Rollout, RolloutDecision, RolloutStep, RolloutSummary } from '../shared/contract/index';
import { span } from './time-text';

/** States after which nothing changes any more. */
export const finishedStates = new Set<RolloutSummary['state']>([
  'succeeded',
  'aborted',
  'failed',
  'completed',
]);
/** The end states a script may treat as success (exit 0); aborted and failed are exit 4. */
export const goodEnds = new Set<RolloutSummary['state']>(['succeeded', 'completed']);

const strategyWords: Record<RolloutSummary['strategy'], string> = {
  canary: 'canary',
  blueGreen: 'blue-green',
  ab: 'A/B',
};
export const strategyText = (strategy: RolloutSummary['strategy']) => strategyWords[strategy];

/** "v1 → v2". */
export const versionsText = (r: Pick<RolloutSummary, 'stableVersion' | 'candidateVersion'>) =>
  `${r.stableVersion} → ${r.candidateVersion}`;

/**
 * The candidate's share as a bar: Unicode blocks for a terminal, `#` and `.` for a pipe or log
 * (they survive any encoding and `grep`).
 */
export function weightBar(weight: number, width: number, ascii: boolean): string {
  const filled = Math.round((Math.max(0, Math.min(100, weight)) / 100) * width);
  const [on, off] = ascii ? ['#', '.'] : ['█', '░'];
  return `[${on.repeat(filled)}${off.repeat(width - filled)}]`;
}

/** One canary step in words: "set weight 25 %", "pause 2 min", "analysis: 3 measurements every 30 s". */
export function canaryStepText(step: RolloutStep): string {
  switch (step.kind) {
    case 'setWeight':
      return `set weight ${step.weight} %`;
    case 'pause':
      return step.seconds === null ? 'pause until promoted' : `pause ${span(step.seconds * 1000)}`;
    case 'analysis': {
      const a = step.analysis;
      return `analysis: ${a.count} measurement${a.count === 1 ? '' : 's'} every ${span(a.intervalSeconds * 1000)} (${a.conditions.map((c) => c.expression).join('; ')})`;
    }
  }
}

/**
 * Where the rollout is: "step 3/7: analysis ..." for a canary (from its plan), else the phase the
 * latest decision names ("phase pre-promotion analysis").
 */
export function currentStepText(rollout: Rollout): string {
  const { plan, stepIndex, stepCount } = rollout;
  const position = stepCount > 0 ? `step ${Math.min(stepIndex + 1, stepCount)}/${stepCount}` : 'no steps';
  if (plan.strategy.kind === 'canary') {
    const step = plan.strategy.steps[stepIndex];
    return step ? `${position}: ${canaryStepText(step)}` : position;
  }
  const phase = rollout.decisions.at(-1)?.step;
  return phase ? `${position} · phase ${phase}` : position;
}

/** A decision as one line: "12:03:04 step 2 · measurement ok · candidate error_rate ...". */
export function decisionText(decision: RolloutDecision, clockText: string): string {
  // Automatic decisions are the rule; a person's are marked, unless the message names them already.
  const who =
    decision.actor && decision.actor !== 'fleetdeck' && !decision.message.includes(decision.actor)
      ? ` (by ${decision.actor})`
      : '';
  return `${clockText} ${decision.message}${who}`;
}

/** The reason a rollout stopped or waits, for the final line and for errors. */
export function outcomeText(rollout: RolloutSummary): string {
  const took = span((rollout.endedAt ?? rollout.updatedAt) - rollout.startedAt);
  const base = `rollout ${rollout.id} ${rollout.state} after ${took}`;
  return rollout.message ? `${base}: ${rollout.message.replace(/\.+$/, '')}` : base;
}

/** What the weight means for people: "25 % on v2", "all traffic on v1". */
export function weightText(r: Pick<RolloutSummary, 'weight' | 'stableVersion' | 'candidateVersion'>): string {
  if (r.weight <= 0) return `all traffic on ${r.stableVersion}`;
  if (r.weight >= 100) return `all traffic on ${r.candidateVersion}`;
  return `${r.weight} % on ${r.candidateVersion}`;
}
