import type { TrafficSplit } from './traffic-target';
import type { StoredRollout } from './rollout.store';

/** What a restarted console does with a rollout the previous process left live. */
export type Recovery =
  /** The target is as recorded: carry on from the recorded step. */
  | { kind: 'carry_on'; note: string }
  /** The intended action had reached the target before the crash: mark it applied, carry on. */
  | { kind: 'mark_applied'; note: string }
  /** The intended action did not reach the target and is safe to repeat: apply it again. */
  | { kind: 'reapply'; note: string }
  /** Unsure whether a one-way action (prepare, switch, retire) went through: a person decides. */
  | { kind: 'pause'; message: string }
  /** The target is not as the rollout left it: stop, say why, touch nothing. */
  | { kind: 'fail'; message: string };

/** The target reports whole percents; a replica ratio may differ from them by rounding only. */
const same = (a: number, b: number) => Math.abs(a - b) < 0.5;
const pct = (n: number) => `${Math.round(n * 10) / 10} %`;

/**
 * Compares the split the target reports now with what the rollout recorded (write-ahead intent
 * and the percent the target reported after the last applied action). Only idempotent actions
 * (setWeight, abort) are repeated; nothing already applied is applied again.
 */
export function planRecovery(r: StoredRollout, split: TrafficSplit): Recovery {
  const now = split.candidatePercent;
  const had = r.observedPercent ?? r.weight;
  const intent = r.intent;
  if (intent && !intent.applied) {
    const goal = intent.weight;
    if (goal !== null && same(now, goal))
      return {
        kind: 'mark_applied',
        note: `${intent.label} had reached the target before the restart (candidate ${pct(now)}).`,
      };
    if (!same(now, had))
      return {
        kind: 'fail',
        message: `The target changed underneath it: candidate weight is ${pct(now)}, the rollout had set ${pct(had)}${
          goal !== null ? ` and was applying ${pct(goal)} (${intent.label})` : ''
        }.`,
      };
    if (intent.action === 'setWeight' || intent.action === 'abort')
      return {
        kind: 'reapply',
        note: `${intent.label} was not confirmed before the restart; applying it again.`,
      };
    return {
      kind: 'pause',
      message: `The console stopped during ${intent.label} and the target shows candidate ${pct(now)}; it is not known whether it went through. Check the target, then resume (it is tried again), promote or abort.`,
    };
  }
  if (!same(now, had))
    return {
      kind: 'fail',
      message: `The target changed underneath it: candidate weight is ${pct(now)}, the rollout had set ${pct(had)}.`,
    };
  return {
    kind: 'carry_on',
    note: `Picked up after a restart: the target matches the record (candidate ${pct(now)}).`,
  };
}
