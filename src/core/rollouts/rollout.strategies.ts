import { compareVersions } from './rollout.compare';
import { emptyProgress } from './rollout.store';
import { RolloutRunner, Stop, by, stepName, type Active } from './rollout.runner';

/**
 * How each strategy moves through its steps (issue 6): canary steps, blue-green (prepare,
 * preview, switch, keep warm, retire) and the A/B experiment ending in its comparison.
 */
export class RolloutStrategies extends RolloutRunner {
  /**
   * Re-applies a canary setWeight that was intended but not confirmed before a restart (the other
   * strategies re-enter their phase, which applies its action again).
   */
  protected async reapply(a: Active): Promise<void> {
    const intent = a.r.intent!;
    if (a.r.plan.strategy.kind !== 'canary' || intent.action !== 'setWeight' || intent.weight === null)
      return;
    await this.apply(
      a,
      intent,
      () => a.target.setWeight(intent.weight!),
      () => this.advanceAfterWeight(a.r),
    );
  }

  protected async canary(a: Active): Promise<void> {
    const r = a.r;
    if (r.plan.strategy.kind !== 'canary') return;
    const steps = r.plan.strategy.steps;
    while (r.stepIndex < steps.length) {
      const step = steps[r.stepIndex]!;
      const name = stepName(r);
      await this.hold(a);
      if (step.kind === 'setWeight') {
        await this.apply(
          a,
          {
            action: 'setWeight',
            weight: step.weight,
            label: `setWeight ${step.weight} at ${name}`,
            applied: false,
          },
          () => a.target.setWeight(step.weight),
          () => this.advanceAfterWeight(r),
        );
        continue;
      } else if (step.kind === 'pause' && step.seconds === null) {
        // 'waiting' marks the step as begun: once it is set, being no longer paused means resumed.
        if (r.progress.phase !== 'waiting') {
          r.state = 'paused';
          r.progress.phase = 'waiting';
          r.progress.pausedBy = 'step';
          r.message = `Waiting at ${name} for a person to resume or promote.`;
          this.decide(r, {
            kind: 'pause',
            verdict: 'info',
            message: `${name}: waiting for a person to resume or promote`,
            step: name,
          });
        }
        await this.hold(a);
      } else if (step.kind === 'pause') {
        if (r.progress.until === null) {
          r.progress.until = this.o.now() + step.seconds! * 1000;
          this.save(r);
        }
        await this.waitWithBackground(a, r.progress.until);
      } else {
        await this.analyse(a, step.analysis, name, 'analysis');
      }
      r.stepIndex++;
      r.progress = { ...emptyProgress(), background: r.progress.background };
      this.save(r);
    }
  }

  protected async blueGreen(a: Active): Promise<void> {
    const r = a.r;
    const s = r.plan.strategy;
    if (s.kind !== 'blueGreen') return;
    if (r.progress.phase === null || r.progress.phase === 'prepare') {
      this.phase(r, 'prepare', 0);
      await this.apply(
        a,
        { action: 'prepare', weight: null, label: 'prepare the candidate at full size', applied: false },
        () => a.target.prepare({ fullSize: true }),
        () => this.phase(r, 'preview', 1, false),
      );
    }
    if (r.progress.phase === 'preview') {
      if (s.previewWeight > 0 && r.weight !== s.previewWeight)
        await this.apply(
          a,
          {
            action: 'setWeight',
            weight: s.previewWeight,
            label: `setWeight ${s.previewWeight} (preview)`,
            applied: false,
          },
          () => a.target.setWeight(s.previewWeight),
        );
      if (s.prePromotionAnalysis) await this.analyse(a, s.prePromotionAnalysis, 'pre-promotion', 'analysis');
      this.phase(r, 'awaiting', 2, false);
      if (s.autoPromote) this.save(r);
      else {
        // Paused in the same write as the phase: a restart finds it waiting, or resumed.
        r.state = 'paused';
        r.progress.pausedBy = 'step';
        r.message = 'The candidate is up and analysed; waiting for a person to promote (switch all traffic).';
        this.decide(r, {
          kind: 'pause',
          verdict: 'info',
          message: 'waiting for a person to promote (switch all traffic)',
          step: 'awaiting',
        });
      }
    }
    await this.hold(a);
  }

  protected async ab(a: Active): Promise<void> {
    const r = a.r;
    const s = r.plan.strategy;
    if (s.kind !== 'ab') return;
    const start = () => {
      r.progress = { ...emptyProgress(), phase: 'experiment', experimentFrom: this.o.now() };
      r.progress.until = r.progress.experimentFrom! + s.durationSeconds * 1000;
    };
    if (r.progress.phase === null)
      await this.apply(
        a,
        {
          action: 'setWeight',
          weight: s.weight,
          label: `setWeight ${s.weight} for the experiment`,
          applied: false,
        },
        () => a.target.setWeight(s.weight),
        start,
      );
    // A restart between the weight and the record of its window: the window starts now.
    if (r.progress.phase === 'experiment' && r.progress.until === null) start();
    if (r.progress.phase === 'experiment') {
      const until = r.progress.until!;
      if (s.abortWhen) {
        const guard = s.abortWhen;
        while (this.o.now() < until) {
          await this.waitUntil(a, Math.min(until, this.o.now() + guard.intervalSeconds * 1000));
          if (this.o.now() >= until) break;
          await this.takeMeasurement(a, guard, 'experiment', 'background', true);
        }
      } else await this.waitUntil(a, until);
      r.progress.phase = 'ending';
      r.progress.until = this.o.now();
      r.message = 'The experiment is over; sending traffic back to stable.';
      this.save(r);
    }
    // The experiment is over: traffic back on stable (safe to repeat), then the comparison.
    const to = r.progress.until ?? this.o.now();
    if (!(r.intent?.action === 'abort' && r.intent.applied))
      await this.apply(
        a,
        { action: 'abort', weight: 0, label: 'traffic back to stable after the experiment', applied: false },
        () => a.target.abort(),
      );
    this.refreshCandidate(r);
    r.comparison = compareVersions(
      this.o.reader,
      { stable: r.endpointId, candidate: r.candidateEndpointId },
      s.metrics,
      { from: r.progress.experimentFrom ?? r.startedAt, to },
    );
    const verdicts = r.comparison.metrics
      .map((m) => `${m.metric} ${m.verdict.replaceAll('_', ' ')}`)
      .join(', ');
    r.stepIndex = r.stepCount;
    this.finish(r, 'completed', `Experiment complete: ${verdicts}.`, {
      kind: 'complete',
      step: 'experiment',
    });
  }

  protected async doPromote(a: Active): Promise<void> {
    const r = a.r;
    const s = r.plan.strategy;
    if (r.progress.phase !== 'switched' && r.progress.phase !== 'warm' && r.progress.phase !== 'retired') {
      await this.apply(
        a,
        { action: 'promote', weight: 100, label: 'promote (all traffic to the candidate)', applied: false },
        () => a.target.promote(),
        () => (r.progress = { ...emptyProgress(), phase: 'switched' }),
      );
    }
    if (s.kind === 'blueGreen') {
      try {
        if (r.progress.phase === 'switched' && s.postPromotionAnalysis)
          await this.analyse(a, s.postPromotionAnalysis, 'post-promotion', 'analysis');
        if (r.progress.phase === 'switched') {
          r.progress = {
            ...emptyProgress(),
            phase: 'warm',
            until: this.o.now() + s.scaleDownDelaySeconds * 1000,
          };
          this.save(r);
        }
        // The old version stays up, warm, so a late problem can still switch back at once.
        await this.waitUntil(a, r.progress.until ?? this.o.now());
      } catch (error) {
        if (!(error instanceof Stop) || error.kind !== 'abort') throw error;
        const q = error.request!;
        this.toAborting(a, q.actor, `switched back by ${by(q.actor, q.reason)}`, 'info', []);
        try {
          await this.doAbort(a);
        } finally {
          q.done();
        }
        return;
      }
    }
    if (r.progress.phase !== 'retired')
      await this.apply(
        a,
        { action: 'retireOld', weight: null, label: 'scale down the old version', applied: false },
        async () => {
          await a.target.retireOld();
          return null;
        },
        () => (r.progress = { ...emptyProgress(), phase: 'retired' }),
      );
    r.stepIndex = r.stepCount;
    this.finish(r, 'succeeded', r.message ?? `Promoted: ${r.candidateVersion} serves all traffic.`, {
      kind: 'complete',
      step: 'promoted',
    });
  }
}
