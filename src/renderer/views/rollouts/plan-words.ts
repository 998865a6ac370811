import type { RolloutAnalysis, RolloutPlan, RolloutStep } from '../../../shared/contract/index';
import { formatDuration } from '../runbooks/run-words';

const seconds = (s: number) => formatDuration(s * 1000);

export const analysisWords = (a: RolloutAnalysis): string =>
  `analyse ${a.count} × every ${seconds(a.intervalSeconds)} (${a.conditions.map((c) => c.expression).join(', ') || 'no conditions'}; abort at ${a.failureLimit} failure${a.failureLimit === 1 ? '' : 's'})`;

const stepWords = (step: RolloutStep): string =>
  step.kind === 'setWeight'
    ? `send ${step.weight} % to the candidate`
    : step.kind === 'pause'
      ? step.seconds === null
        ? 'pause until a person promotes'
        : `wait ${seconds(step.seconds)}`
      : analysisWords(step.analysis);

/** What the plan will do, in words, one line each: the start confirmation shows these. */
export function planSteps(plan: RolloutPlan): string[] {
  const s = plan.strategy;
  if (s.kind === 'canary') return s.steps.map(stepWords);
  if (s.kind === 'blueGreen')
    return [
      'bring the candidate up at full size beside the stable version',
      ...(s.prePromotionAnalysis
        ? [
            `${s.previewWeight > 0 ? `send ${s.previewWeight} % preview traffic, ` : ''}${analysisWords(s.prePromotionAnalysis)}`,
          ]
        : []),
      s.autoPromote ? 'switch all traffic to the candidate' : 'wait for a person, then switch all traffic',
      ...(s.postPromotionAnalysis ? [`then ${analysisWords(s.postPromotionAnalysis)}`] : []),
      `keep the old version warm for ${seconds(s.scaleDownDelaySeconds)}`,
    ];
  return [
    `send ${s.weight} % to the candidate for ${seconds(s.durationSeconds)}`,
    ...(s.abortWhen ? [`stop early if: ${analysisWords(s.abortWhen)}`] : []),
    `compare ${s.metrics.join(', ')}, then put all traffic back on stable`,
  ];
}
