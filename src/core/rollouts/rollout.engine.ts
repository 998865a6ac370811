import type { Endpoint } from '../../shared/contract/fleet.schema';
import type { RolloutAnalysis, RolloutDecision, RolloutPlan } from '../../shared/contract/rollout.schema';
import { FleetError } from '../../shared/errors/fleet-error';
import type { EventBus } from '../events/event-bus';
import type { Logger } from '../log/logger';
import { count, judge, measure, noCounts, type AnalysisCounts, type Measurement } from './rollout.analysis';
import { compareVersions } from './rollout.compare';
import type { RolloutMetricReader } from './rollout.metrics';
import { planRecovery } from './rollout.recover';
import {
  emptyProgress,
  liveStates,
  toSummary,
  type RolloutIntent,
  type RolloutStore,
  type StoredRollout,
} from './rollout.store';
import type { TrafficSplit, TrafficTarget, TrafficTargetResolver } from './traffic-target';

export type RolloutAction = 'pause' | 'resume' | 'promote' | 'abort';

export interface RolloutEngineOptions {
  store: RolloutStore;
  bus: EventBus;
  log: Logger;
  reader: RolloutMetricReader;
  traffic: TrafficTargetResolver;
  fleet: { endpoint(id: string): Endpoint | undefined; all(): Endpoint[] };
  now: () => number;
  /** Waits `ms` or until `signal` aborts (tests pass a clock that jumps). Default: an unref'd timer. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** A person's promote or abort, handed to the loop, which acts on it at its next checkpoint. */
interface Request {
  action: 'promote' | 'abort';
  actor: string;
  reason: string | null;
  done: () => void;
}

interface Active {
  r: StoredRollout;
  target: TrafficTarget;
  wake: AbortController;
  requests: Request[];
  loop: Promise<void>;
}

/** Thrown at a checkpoint: the loop leaves the step it is in. */
class Stop {
  constructor(
    readonly kind: 'promote' | 'abort' | 'close',
    readonly request: Request | null = null,
  ) {}
}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((done) => {
    if (signal.aborted) return done();
    const timer = setTimeout(finish, ms);
    // A rollout's wait must never keep the process alive on its own.
    timer.unref();
    signal.addEventListener('abort', finish, { once: true });
    function finish() {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      done();
    }
  });

/** How often a restarted console tries again to reach a rollout's target. */
const RECOVERY_RETRY_MS = 2000;

const pct = (n: number) => `${Math.round(n * 10) / 10} %`;
const by = (actor: string, reason: string | null) => `${actor}${reason ? `: ${reason}` : ''}`;

/**
 * Runs rollouts (issue 6): one loop per live rollout, following its strategy (canary steps,
 * blue-green, A/B), measuring analyses from the metrics cache, and moving traffic only through
 * the TrafficTarget. Every traffic action is written ahead (intent) and marked applied once the
 * target confirmed it, every decision is written with the values that caused it, and
 * `rollouts.changed` goes out after each write. A restarted console carries on from the record.
 */
export class RolloutEngine {
  private readonly active = new Map<string, Active>();
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private closing = false;

  constructor(private readonly o: RolloutEngineOptions) {
    this.sleep = o.sleep ?? defaultSleep;
  }

  isActive(id: string): boolean {
    return this.active.has(id);
  }

  /** Starts a recorded (inserted) rollout's loop on its resolved target. */
  launch(r: StoredRollout, target: TrafficTarget): void {
    const a: Active = { r, target, wake: new AbortController(), requests: [], loop: Promise.resolve() };
    this.active.set(r.id, a);
    a.loop = this.drive(a)
      .catch((error: unknown) => {
        this.o.log.error('rollout failed in the engine', {
          rollout: r.id,
          error: (error as Error)?.stack ?? String(error),
        });
        this.finish(
          a.r,
          'failed',
          `Fleetdeck failed while running this rollout: ${(error as Error)?.message}`,
        );
      })
      .finally(() => {
        if (this.active.get(r.id) === a) this.active.delete(r.id);
        for (const q of a.requests.splice(0)) q.done();
      });
  }

  /**
   * Picks up the rollouts a previous process left live: reads each target and compares it with
   * the record; carries on, or stops in 'failed' saying why (planRecovery). A target that cannot
   * be reached yet (its source or cluster still starting) is retried in the background; only a
   * target that answers and does not match stops the rollout. Resolves once each was tried once.
   */
  async recover(): Promise<void> {
    for (const r of this.o.store.live()) {
      if (this.closing) return;
      if (!(await this.recoverOne(r, true))) this.retries.add(this.retryRecovery(r));
    }
  }

  private readonly retries = new Set<Promise<void>>();
  private readonly closed = new AbortController();

  private async retryRecovery(r: StoredRollout): Promise<void> {
    while (!this.closing) {
      await this.sleep(RECOVERY_RETRY_MS, this.closed.signal);
      // A person may have aborted it meanwhile (rollouts.control on a rollout without a loop).
      const now = this.o.store.get(r.id);
      if (this.closing || !now || !liveStates.includes(now.state)) return;
      if (await this.recoverOne(now, false)) return;
    }
  }

  /** One attempt; false when the target could not be reached (try again later). */
  private async recoverOne(r: StoredRollout, first: boolean): Promise<boolean> {
    let target: TrafficTarget;
    let split: TrafficSplit;
    try {
      target = await this.o.traffic.resolve(r.plan);
      split = await target.read();
    } catch (error) {
      const message = (error as Error).message;
      // Only a target that answered and does not match is final; anything else (the source not
      // configured yet, its cluster still starting) may be the console coming up, so it retries.
      if (error instanceof FleetError && error.code === 'conflict') {
        this.finish(r, 'failed', `After a restart the traffic target could not be read: ${message}`);
        return true;
      }
      if (first) {
        r.message = `After a restart the traffic target cannot be reached yet (${message}); trying again every ${RECOVERY_RETRY_MS / 1000} s.`;
        this.decide(r, { kind: 'note', verdict: 'info', message: r.message, step: stepName(r) });
      }
      return false;
    }
    if (this.closing) return true;
    const plan = planRecovery(r, split);
    if (plan.kind === 'fail') {
      this.finish(r, 'failed', plan.message);
      return true;
    }
    if (plan.kind === 'mark_applied' && r.intent) {
      r.intent = { ...r.intent, applied: true };
      r.observedPercent = split.candidatePercent;
      if (r.intent.weight !== null) r.weight = r.intent.weight;
      if (r.intent.action === 'setWeight') this.advanceAfterWeight(r);
    }
    if (plan.kind === 'pause') {
      r.state = 'paused';
      r.progress.pausedBy = 'restart';
      r.message = plan.message;
    } else if (r.message?.startsWith('After a restart')) r.message = null;
    const note = plan.kind === 'pause' ? plan.message : plan.note;
    if (note) this.decide(r, { kind: 'note', verdict: 'info', message: note, step: stepName(r) });
    else this.save(r);
    this.o.log.info('rollout resumed after a restart', { rollout: r.id, recovery: plan.kind });
    this.launch(r, target);
    return true;
  }

  async control(
    id: string,
    action: RolloutAction,
    actor: string,
    reason: string | null,
  ): Promise<StoredRollout> {
    const a = this.active.get(id);
    const r = a?.r ?? this.o.store.get(id);
    if (!r)
      throw new FleetError({
        code: 'not_found',
        message: `No rollout '${id}'`,
        where: 'rollouts.control',
        hint: 'rollouts.list (fleetdeck rollout history) shows the rollouts.',
      });
    const refuse = (why: string): never => {
      throw new FleetError({
        code: 'conflict',
        message: `Cannot ${action} rollout '${r.name}': ${why}`,
        where: 'rollouts.control',
      });
    };
    const step = stepName(r);
    if (action === 'abort') {
      if (r.state === 'succeeded' || r.state === 'completed')
        refuse(
          `it has ${r.state === 'succeeded' ? 'promoted the candidate' : 'completed'}; start a new rollout to go back.`,
        );
      if (r.state === 'aborted' || r.state === 'failed' || !a) return this.abortIdle(r, actor, reason);
      return this.ask(a, 'abort', actor, reason);
    }
    if (!a)
      refuse(
        liveStates.includes(r.state)
          ? 'it is being picked up after a restart and its traffic target cannot be reached yet; try again shortly (abort works now).'
          : `it is ${r.state}.`,
      );
    const live = a!;
    if (action === 'promote') {
      if (r.state === 'promoting') return r;
      if (r.state === 'aborting') refuse('it is aborting.');
      return this.ask(live, 'promote', actor, reason);
    }
    if (action === 'pause') {
      if (r.state === 'paused') return r;
      if (r.state !== 'progressing') refuse(`it is ${r.state}.`);
      r.state = 'paused';
      r.progress.pausedBy = 'person';
      r.message = `Paused by ${by(actor, reason)}.`;
      this.decide(r, {
        kind: 'pause',
        verdict: 'info',
        message: `${step} paused by ${by(actor, reason)}`,
        step,
        actor,
      });
      this.wake(live);
      return r;
    }
    if (r.state === 'progressing') return r;
    if (r.state !== 'paused') refuse(`it is ${r.state}.`);
    r.state = 'progressing';
    r.progress.pausedBy = null;
    r.message = null;
    this.decide(r, {
      kind: 'resume',
      verdict: 'info',
      message: `${step} resumed by ${by(actor, reason)}`,
      step,
      actor,
    });
    this.wake(live);
    return r;
  }

  /** Stops every loop at its next checkpoint; live rollouts stay recorded so a restart resumes them. */
  async close(): Promise<void> {
    this.closing = true;
    this.closed.abort();
    const loops = [...this.active.values()];
    for (const a of loops) this.wake(a);
    await Promise.allSettled([...loops.map((a) => a.loop), ...this.retries]);
  }

  // ---- control helpers ---------------------------------------------------------------------

  private ask(
    a: Active,
    action: 'promote' | 'abort',
    actor: string,
    reason: string | null,
  ): Promise<StoredRollout> {
    return new Promise((resolve) => {
      a.requests.push({ action, actor, reason, done: () => resolve(a.r) });
      this.wake(a);
    });
  }

  /** Abort of a rollout without a loop (aborted, failed): traffic to stable again; safe to repeat. */
  private async abortIdle(r: StoredRollout, actor: string, reason: string | null): Promise<StoredRollout> {
    const step = stepName(r);
    const repeat = r.state === 'aborted';
    try {
      const target = await this.o.traffic.resolve(r.plan);
      const split = await target.abort();
      r.observedPercent = split.candidatePercent;
      r.weight = 0;
      r.intent = { action: 'abort', weight: 0, label: `abort at ${step}`, applied: true };
      if (!repeat) {
        r.state = 'aborted';
        r.endedAt ??= this.o.now();
        r.message = `Aborted by ${by(actor, reason)}.`;
      }
      this.decide(r, {
        kind: 'abort',
        verdict: 'info',
        message: `${repeat ? 'abort repeated' : 'aborted'} by ${by(actor, reason)}: traffic on stable (candidate ${pct(split.candidatePercent)})`,
        step,
        actor,
        weight: 0,
      });
    } catch (error) {
      this.decide(r, {
        kind: 'note',
        verdict: 'failure',
        message: `abort by ${by(actor, reason)} could not reach the target: ${(error as Error).message}`,
        step,
        actor,
      });
      throw new FleetError({
        code: 'unavailable',
        message: `Abort of rollout '${r.name}' could not reach the traffic target: ${(error as Error).message}`,
        where: r.endpointId,
        hint: 'Check the cluster is reachable, then abort again (it is safe to repeat).',
      });
    }
    return r;
  }

  private wake(a: Active): void {
    const old = a.wake;
    a.wake = new AbortController();
    old.abort();
  }

  // ---- the loop ----------------------------------------------------------------------------

  private async drive(a: Active): Promise<void> {
    for (;;) {
      try {
        if (a.r.state === 'aborting') return await this.doAbort(a);
        if (a.r.state === 'promoting') return await this.doPromote(a);
        if (a.r.intent && !a.r.intent.applied && a.r.state !== 'paused') await this.reapply(a);
        await this.hold(a);
        if (a.r.plan.strategy.kind === 'canary') await this.canary(a);
        else if (a.r.plan.strategy.kind === 'blueGreen') await this.blueGreen(a);
        else return await this.ab(a);
        this.toPromoting(a, 'fleetdeck', null, 'all steps passed');
      } catch (error) {
        if (!(error instanceof Stop)) {
          await this.targetFailed(a, error);
          return;
        }
        if (error.kind === 'close') return;
        const q = error.request!;
        if (q.action === 'abort') {
          this.toAborting(a, q.actor, `${stepName(a.r)} aborted by ${by(q.actor, q.reason)}`, 'info', []);
          try {
            await this.doAbort(a);
          } finally {
            q.done();
          }
          return;
        }
        this.toPromoting(a, q.actor, q.reason, null);
        q.done();
      }
    }
  }

  /**
   * Re-applies a canary setWeight that was intended but not confirmed before a restart (the other
   * strategies re-enter their phase, which applies its action again).
   */
  private async reapply(a: Active): Promise<void> {
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

  /** A setWeight step's record moves on once it is applied (so a restart never applies it twice). */
  private advanceAfterWeight(r: StoredRollout): void {
    if (r.plan.strategy.kind !== 'canary') return;
    const step = r.plan.strategy.steps[r.stepIndex];
    if (step?.kind === 'setWeight' && step.weight === r.weight) {
      r.stepIndex++;
      r.progress = { ...emptyProgress(), background: r.progress.background };
    }
  }

  /** Blocks while paused; throws Stop for a person's promote/abort or for close. */
  private async hold(a: Active): Promise<void> {
    for (;;) {
      this.stopIfAsked(a);
      if (a.r.state !== 'paused') return;
      await this.sleepOrWake(a, null);
    }
  }

  private stopIfAsked(a: Active): void {
    if (this.closing) throw new Stop('close');
    const q = a.requests.shift();
    if (q) throw new Stop(q.action, q);
  }

  /** Waits until `until` (epoch ms by the engine's clock), paused time included, with checkpoints. */
  private async waitUntil(a: Active, until: number): Promise<void> {
    for (;;) {
      this.stopIfAsked(a);
      if (a.r.state === 'paused') {
        await this.sleepOrWake(a, null);
        continue;
      }
      const left = until - this.o.now();
      if (left <= 0) return;
      await this.sleepOrWake(a, left);
    }
  }

  private sleepOrWake(a: Active, ms: number | null): Promise<void> {
    const signal = a.wake.signal;
    if (ms !== null) return this.sleep(ms, signal);
    return new Promise((done) => {
      if (signal.aborted) return done();
      signal.addEventListener('abort', () => done(), { once: true });
    });
  }

  // ---- strategies --------------------------------------------------------------------------

  private async canary(a: Active): Promise<void> {
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

  private async blueGreen(a: Active): Promise<void> {
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

  private async ab(a: Active): Promise<void> {
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

  // ---- analysis ----------------------------------------------------------------------------

  /** Runs an analysis to its end: passes, or aborts (failure) / pauses (inconclusive) the rollout. */
  private async analyse(
    a: Active,
    analysis: RolloutAnalysis,
    name: string,
    key: 'analysis' | 'background',
  ): Promise<void> {
    const r = a.r;
    for (;;) {
      const counts = r.progress[key] ?? noCounts();
      const verdict = judge(analysis, counts);
      if (verdict === 'success') {
        this.decide(r, {
          kind: 'note',
          verdict: 'success',
          message: `${name} analysis passed: ${counts.successes} of ${counts.taken} measurements successful${
            counts.inconclusive ? ` (${counts.inconclusive} inconclusive, taken again)` : ''
          }`,
          step: name,
        });
        return;
      }
      if (verdict !== 'continue') throw new Error(`analysis ended ${verdict} without acting`);
      await this.waitUntil(a, this.o.now() + analysis.intervalSeconds * 1000);
      await this.takeMeasurement(a, analysis, name, key, false);
    }
  }

  /** One measurement: recorded as a decision; a failed or inconclusive analysis acts at once. */
  private async takeMeasurement(
    a: Active,
    analysis: RolloutAnalysis,
    name: string,
    key: 'analysis' | 'background',
    endless: boolean,
  ): Promise<void> {
    const r = a.r;
    this.refreshCandidate(r);
    const result = measure(
      analysis,
      { candidate: r.candidateEndpointId, stable: r.endpointId },
      this.o.reader,
      this.o.now(),
    );
    const counts: AnalysisCounts = count(r.progress[key] ?? noCounts(), result.verdict);
    r.progress[key] = counts;
    r.lastVerdict = result.verdict;
    const label = endless
      ? `measurement ${counts.taken}`
      : `measurement ${counts.taken} (${counts.successes + counts.failures} of ${analysis.count} conclusive)`;
    this.decide(r, {
      kind: 'measurement',
      verdict: result.verdict,
      message: `${name} ${key === 'background' ? 'background ' : ''}${label}: ${result.verdict}${
        result.reasons.length ? ` (${result.reasons.join('; ')})` : ''
      }`,
      step: name,
      measurements: result.measurements,
    });
    const verdict = judge(analysis, counts, { endless });
    if (verdict === 'failure') {
      const message = `${name} aborted: ${result.reasons[0] ?? 'analysis failed'}, ${counts.failures} of ${counts.taken} measurements`;
      this.toAborting(a, 'fleetdeck', message, 'failure', result.measurements);
      await this.doAbort(a);
      throw new Stop('close');
    }
    if (verdict === 'inconclusive') {
      const why = result.reasons[0] ?? 'no measurement succeeded';
      r.state = 'paused';
      r.progress.pausedBy = 'analysis';
      r.progress[key] = null;
      r.message = `${name} paused, inconclusive: ${why} in ${counts.inconclusive} of ${counts.taken} measurements. Resume to measure again, promote or abort.`;
      this.decide(r, {
        kind: 'pause',
        verdict: 'inconclusive',
        message: `${name} inconclusive: ${why} in ${counts.inconclusive} of ${counts.taken} measurements`,
        step: name,
        measurements: result.measurements,
      });
      await this.hold(a);
    }
  }

  /** A timed pause; with background analysis, measurements at its interval while it lasts. */
  private async waitWithBackground(a: Active, until: number): Promise<void> {
    const bg = a.r.plan.backgroundAnalysis;
    if (!bg || a.r.weight === 0) return this.waitUntil(a, until);
    while (this.o.now() < until) {
      const next = Math.min(until, this.o.now() + bg.intervalSeconds * 1000);
      await this.waitUntil(a, next);
      if (this.o.now() >= next) await this.takeMeasurement(a, bg, stepName(a.r), 'background', true);
    }
  }

  // ---- promotion and abort -----------------------------------------------------------------

  private toPromoting(a: Active, actor: string, reason: string | null, why: string | null): void {
    const r = a.r;
    r.state = 'promoting';
    r.progress.pausedBy = null;
    r.message = actor === 'fleetdeck' ? null : `Promoted by ${by(actor, reason)}.`;
    this.decide(r, {
      kind: 'promote',
      verdict: actor === 'fleetdeck' ? 'success' : 'info',
      message:
        actor === 'fleetdeck' ? `promoting: ${why}` : `${stepName(r)}: promoted now by ${by(actor, reason)}`,
      step: stepName(r),
      actor,
    });
  }

  private toAborting(
    a: Active,
    actor: string,
    message: string,
    verdict: RolloutDecision['verdict'],
    measurements: Measurement[],
  ): void {
    const r = a.r;
    r.state = 'aborting';
    r.message = message;
    if (verdict === 'failure') r.lastVerdict = 'failure';
    this.decide(r, { kind: 'abort', verdict, message, step: stepName(r), actor, measurements });
  }

  private async doPromote(a: Active): Promise<void> {
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

  private async doAbort(a: Active): Promise<void> {
    const r = a.r;
    await this.apply(
      a,
      { action: 'abort', weight: 0, label: 'abort (all traffic to stable)', applied: false },
      () => a.target.abort(),
    );
    this.finish(r, 'aborted', r.message ?? 'Aborted.', null);
  }

  /** A target call threw: a conflict stops the rollout as it is; anything else sends traffic back to stable. */
  private async targetFailed(a: Active, error: unknown): Promise<void> {
    const r = a.r;
    const message = (error as Error)?.message ?? String(error);
    if (error instanceof FleetError && error.code === 'conflict') {
      this.finish(r, 'failed', `${stepName(r)}: the target changed underneath it: ${message}`, null);
      return;
    }
    this.toAborting(
      a,
      'fleetdeck',
      `${stepName(r)} aborted: the traffic target failed: ${message}`,
      'failure',
      [],
    );
    try {
      await this.doAbort(a);
    } catch (again) {
      this.finish(
        r,
        'failed',
        `${r.message} The abort failed as well: ${(again as Error).message}. Check the target, then abort again.`,
        null,
      );
    }
  }

  // ---- record keeping ----------------------------------------------------------------------

  /** Write-ahead: the intent is on disk before the target is called, marked applied after. */
  private async apply(
    a: Active,
    intent: RolloutIntent,
    call: () => Promise<TrafficSplit | null>,
    after?: () => void,
  ): Promise<void> {
    const r = a.r;
    r.intent = { ...intent, applied: false };
    this.save(r);
    const split = await call();
    r.intent = { ...intent, applied: true };
    if (split) {
      r.observedPercent = split.candidatePercent;
      if (split.candidateEndpointId) r.candidateEndpointId = split.candidateEndpointId;
    }
    if (intent.weight !== null) r.weight = intent.weight;
    // What the action completes (the step index, the phase) is written with "applied", in one
    // write: a crash can never leave an applied step looking unapplied.
    after?.();
    const kind = intent.action === 'prepare' || intent.action === 'retireOld' ? 'note' : 'weight';
    this.decide(r, {
      kind,
      verdict: 'info',
      message: split ? `${intent.label}: candidate ${pct(split.candidatePercent)} of traffic` : intent.label,
      step: stepName(r),
      weight: intent.weight,
    });
  }

  private phase(r: StoredRollout, phase: string, stepIndex: number, save = true): void {
    r.progress = { ...emptyProgress(), phase, background: r.progress.background };
    r.stepIndex = stepIndex;
    if (save) this.save(r);
  }

  /** The candidate's endpoint: as the target reported it, or the same group's endpoint of that version. */
  private refreshCandidate(r: StoredRollout): void {
    if (r.candidateEndpointId !== null) return;
    const stable = this.o.fleet.endpoint(r.endpointId);
    const found = this.o.fleet
      .all()
      .find(
        (e) =>
          e.id !== r.endpointId &&
          e.version === r.candidateVersion &&
          e.cluster === r.cluster &&
          stable?.group != null &&
          e.group === stable.group,
      );
    if (found) r.candidateEndpointId = found.id;
  }

  private finish(
    r: StoredRollout,
    state: 'succeeded' | 'aborted' | 'failed' | 'completed',
    message: string,
    decision: { kind: RolloutDecision['kind']; step: string } | null = null,
  ): void {
    r.state = state;
    r.message = message;
    r.endedAt = this.o.now();
    r.progress.pausedBy = null;
    const d = decision ?? {
      kind: state === 'failed' ? ('fail' as const) : ('abort' as const),
      step: stepName(r),
    };
    if (state === 'failed' || decision)
      this.decide(r, {
        kind: d.kind,
        verdict:
          state === 'failed'
            ? 'failure'
            : state === 'succeeded' || state === 'completed'
              ? 'success'
              : 'info',
        message: state === 'failed' ? `stopped: ${message}` : message,
        step: d.step,
      });
    else this.save(r);
  }

  private decide(
    r: StoredRollout,
    d: Pick<RolloutDecision, 'kind' | 'verdict' | 'message' | 'step'> & Partial<RolloutDecision>,
  ): void {
    const at = this.o.now();
    r.updatedAt = at;
    this.o.store.saveWithDecision(r, {
      at,
      step: d.step,
      kind: d.kind,
      verdict: d.verdict,
      message: d.message,
      measurements: d.measurements ?? [],
      actor: d.actor ?? 'fleetdeck',
      weight: d.weight ?? r.weight,
    });
    this.o.bus.emit('rollouts.changed', toSummary(r));
  }

  save(r: StoredRollout): void {
    r.updatedAt = this.o.now();
    this.o.store.save(r);
    this.o.bus.emit('rollouts.changed', toSummary(r));
  }
}

/** "step 3" (canary, 1-based) or the blue-green / A/B phase. */
export function stepName(r: Pick<StoredRollout, 'plan' | 'stepIndex' | 'progress'>): string {
  const s = r.plan.strategy;
  if (s.kind === 'canary') return `step ${Math.min(r.stepIndex + 1, s.steps.length)}`;
  return r.progress.phase ?? (s.kind === 'ab' ? 'experiment' : 'prepare');
}

export const stepCountOf = (plan: RolloutPlan): number =>
  plan.strategy.kind === 'canary' ? plan.strategy.steps.length : plan.strategy.kind === 'blueGreen' ? 3 : 1;
