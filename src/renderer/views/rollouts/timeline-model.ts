import type { Rollout, RolloutDecision } from '../../../shared/contract/index';

export type WeightPoint = [at: number, weight: number];

export interface VerdictMarker {
  at: number;
  weight: number;
  verdict: RolloutDecision['verdict'];
  message: string;
}

/**
 * The weight over time, as a step line, from the decision log: every decision that carries a
 * weight moves it; the line starts at 0 when the rollout starts and runs to its end (or now)
 * at the weight the rollout reports. Analysis results become markers at the weight of the time.
 */
export function timelineOf(
  rollout: Rollout,
  now: number,
): { weights: WeightPoint[]; markers: VerdictMarker[] } {
  const decisions = rollout.decisions.slice().sort((a, b) => a.at - b.at);
  const weights: WeightPoint[] = [[rollout.startedAt, 0]];
  const markers: VerdictMarker[] = [];
  let weight = 0;
  for (const d of decisions) {
    if (d.weight !== null && d.weight !== weight) {
      weight = d.weight;
      weights.push([d.at, weight]);
    }
    if (d.kind === 'measurement' || d.verdict === 'failure' || d.verdict === 'inconclusive')
      markers.push({ at: d.at, weight, verdict: d.verdict, message: d.message });
  }
  const end = rollout.endedAt ?? Math.max(now, rollout.updatedAt);
  if (rollout.weight !== weight) weights.push([rollout.updatedAt, rollout.weight]);
  weights.push([Math.max(end, weights[weights.length - 1]![0]), rollout.weight]);
  return { weights, markers };
}
