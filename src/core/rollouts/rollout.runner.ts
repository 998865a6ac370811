import type { Endpoint } from '../../shared/contract/fleet.schema';
import type { RolloutAnalysis, RolloutDecision, RolloutPlan } from '../../shared/contract/rollout.schema';
import { FleetError } from '../../shared/errors/fleet-error';
import type { EventBus } from '../events/event-bus';
import type { Logger } from '../log/logger';
import { count, judge, measure, noCounts, type AnalysisCounts, type Measurement } from './rollout.analysis';
import type { RolloutMetricReader } from './rollout.metrics';
import {
  emptyProgress,
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
export interface Request {
  action: 'promote' | 'abort';
  actor: string;
  reason: string | null;
  done: () => void;
}

export interface Active {
  r: StoredRollout;
  target: TrafficTarget;
  wake: AbortController;
  requests: Request[];
  loop: Promise<void>;
}

/** Thrown at a checkpoint: the loop leaves the step it is in. */
export class Stop {
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

export const pct = (n: number) => `${Math.round(n * 10) / 10} %`;
export const by = (actor: string, reason: string | null) => `${actor}${reason ? `: ${reason}` : ''}`;

/**
 * The machinery under the rollout loops (issue 6): waits that a person's pause, promote or abort
 * and close() interrupt; analysis measurements; the write-ahead record of every traffic action
 * (intent, then applied); decisions with their values; `rollouts.changed` after each write.
 */
export class RolloutRunner {
  protected readonly active = new Map<string, Active>();
  protected readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  protected closing = false;

  constructor(protected readonly o: RolloutEngineOptions) {
    this.sleep = o.sleep ?? defaultSleep;
  }

  protected wake(a: Active): void {
    const old = a.wake;
    a.wake = new AbortController();
    old.abort();
  }

  /** A setWeight step's record moves on once it is applied (so a restart never applies it twice). */
  protected advanceAfterWeight(r: StoredRollout): void {
    if (r.plan.strategy.kind !== 'canary') return;
    const step = r.plan.strategy.steps[r.stepIndex];
    if (step?.kind === 'setWeight' && step.weight === r.weight) {
      r.stepIndex++;
      r.progress = { ...emptyProgress(), background: r.progress.background };
    }
  }

  /** Blocks while paused; throws Stop for a person's promote/abort or for close. */
  protected async hold(a: Active): Promise<void> {
    for (;;) {
      this.stopIfAsked(a);
      if (a.r.state !== 'paused') return;
      await this.sleepOrWake(a, null);
    }
  }

  protected stopIfAsked(a: Active): void {
    if (this.closing) throw new Stop('close');
    const q = a.requests.shift();
    if (q) throw new Stop(q.action, q);
  }

  /** Waits until `until` (epoch ms by the engine's clock), paused time included, with checkpoints. */
  protected async waitUntil(a: Active, until: number): Promise<void> {
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

  protected sleepOrWake(a: Active, ms: number | null): Promise<void> {
    const signal = a.wake.signal;
    if (ms !== null) return this.sleep(ms, signal);
    return new Promise((done) => {
      if (signal.aborted) return done();
      signal.addEventListener('abort', () => done(), { once: true });
    });
  }

  /** Runs an analysis to its end: passes, or aborts (failure) / pauses (inconclusive) the rollout. */
  protected async analyse(
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
  protected async takeMeasurement(
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
  protected async waitWithBackground(a: Active, until: number): Promise<void> {
    const bg = a.r.plan.backgroundAnalysis;
    if (!bg || a.r.weight === 0) return this.waitUntil(a, until);
    while (this.o.now() < until) {
      const next = Math.min(until, this.o.now() + bg.intervalSeconds * 1000);
      await this.waitUntil(a, next);
      if (this.o.now() >= next) await this.takeMeasurement(a, bg, stepName(a.r), 'background', true);
    }
  }

  protected toPromoting(a: Active, actor: string, reason: string | null, why: string | null): void {
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

  protected toAborting(
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

  protected async doAbort(a: Active): Promise<void> {
    const r = a.r;
    // After a restart the abort may already have reached the target (planRecovery marked it).
    if (!(r.intent?.action === 'abort' && r.intent.applied))
      await this.apply(
        a,
        { action: 'abort', weight: 0, label: 'abort (all traffic to stable)', applied: false },
        () => a.target.abort(),
      );
    this.finish(r, 'aborted', r.message ?? 'Aborted.', null);
  }

  /** A target call threw: a conflict stops the rollout as it is; anything else sends traffic back to stable. */
  protected async targetFailed(a: Active, error: unknown): Promise<void> {
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

  /** Write-ahead: the intent is on disk before the target is called, marked applied after. */
  protected async apply(
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

  protected phase(r: StoredRollout, phase: string, stepIndex: number, save = true): void {
    r.progress = { ...emptyProgress(), phase, background: r.progress.background };
    r.stepIndex = stepIndex;
    if (save) this.save(r);
  }

  /** The candidate's endpoint: as the target reported it, or the same group's endpoint of that version. */
  protected refreshCandidate(r: StoredRollout): void {
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

  protected finish(
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

  protected decide(
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
