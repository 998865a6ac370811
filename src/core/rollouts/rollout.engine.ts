import { FleetError } from '../../shared/errors/fleet-error';
import { planRecovery } from './rollout.recover';
import { liveStates, type StoredRollout } from './rollout.store';
import type { TrafficSplit, TrafficTarget } from './traffic-target';
import { RolloutStrategies } from './rollout.strategies';
import { Stop, by, pct, stepName, type Active, type RolloutAction } from './rollout.runner';

export type { RolloutAction, RolloutEngineOptions } from './rollout.runner';
export { stepCountOf, stepName } from './rollout.runner';

/** How often a restarted console tries again to reach a rollout's target. */
const RECOVERY_RETRY_MS = 2000;

/**
 * Runs rollouts (issue 6): one loop per live rollout, following its strategy (canary steps,
 * blue-green, A/B), measuring analyses from the metrics cache, and moving traffic only through
 * the TrafficTarget. Every traffic action is written ahead (intent) and marked applied once the
 * target confirmed it, every decision is written with the values that caused it, and
 * `rollouts.changed` goes out after each write. A restarted console carries on from the record.
 */
export class RolloutEngine extends RolloutStrategies {
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
      // A blue-green rollout that switched can switch back while the old version is warm; a
      // promotion under way is one traffic change that is not interrupted half done.
      const switchedBack =
        r.strategy === 'blueGreen' && ['switched', 'warm'].includes(r.progress.phase ?? '');
      if (r.state === 'promoting' && !switchedBack)
        refuse('it is promoting the candidate; once promoted, start a new rollout to go back.');
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
}
