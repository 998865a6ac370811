import type { EventMessage } from '../../../shared/contract/index';
import type { HealingActionRecord, HealingPolicy } from '../../../shared/contract/incident.schema';
import type { Run, RunSummary } from '../../../shared/contract/runbook.schema';
import { FleetError } from '../../../shared/errors/fleet-error';
import type { EventBus } from '../../events/event-bus';
import type { Logger } from '../../log/logger';
import type { CoreCaller } from '../core-caller';
import { heldFor } from './healing.condition';
import { policyActor, type HealingJournal } from './healing.journal';

export interface ExecutorDeps {
  call: CoreCaller;
  bus: EventBus;
  log: Logger;
  journal: HealingJournal;
  /** The policy as it is now (null once deleted), for the timeline's words. */
  policy: (id: string) => HealingPolicy | null;
  /**
   * How long a run may wait on anything but its manual hand-off (an inconclusive check, a
   * confirmation, a pause) before the action counts as failed and a person is called.
   */
  waitBoundMs?: number;
}

const DEFAULT_WAIT_BOUND_MS = 10 * 60_000;
const ended = new Set(['failed', 'aborted', 'rolled_back', 'interrupted']);

type Verdict =
  { result: 'succeeded' | 'failed'; message: string } | { result: 'pending'; waiting: string | null };

/**
 * What the run tells about the action. The run's manual step is a hand-off to a person, not a
 * failure: the automatic part is done (scale-out ends with "decide whether the capacity stays").
 */
export function runVerdict(run: Run): Verdict {
  if (run.state === 'succeeded')
    return { result: 'succeeded', message: `run ${run.id} (${run.runbookId}) succeeded` };
  if (ended.has(run.state))
    return {
      result: 'failed',
      message: `run ${run.id} (${run.runbookId}) ${run.state.replace('_', ' ')}${run.message ? `: ${run.message}` : ''}`,
    };
  const step = run.steps[run.currentStep];
  if (run.state === 'waiting' && step?.kind === 'manual' && step.state === 'waiting_manual')
    return {
      result: 'succeeded',
      message: `run ${run.id} (${run.runbookId}) did its automatic steps and stopped at the manual step "${step.title}", handed to a person`,
    };
  if (run.state === 'waiting' || run.state === 'paused')
    return {
      result: 'pending',
      waiting: `${run.state === 'paused' ? 'paused' : `waiting on step ${run.currentStep + 1}${step ? ` "${step.title}"` : ''}`}${run.message ? ` (${run.message})` : ''}`,
    };
  return { result: 'pending', waiting: null };
}

interface Follow {
  actionId: string;
  policyId: string;
  endpointId: string;
  runId: string;
  bound: NodeJS.Timeout | null;
  checking: boolean;
  again: boolean;
}

/**
 * Carries out a decision to act: starts the runbook run (confirmations given, as the policy
 * owner agreed to by writing it) and follows it to a result, or aborts the endpoint's live
 * rollout. Each action is 'busy' until its result is known, so the same policy never stacks a
 * second action on the endpoint.
 */
export class HealingExecutor {
  private readonly follows = new Map<string, Follow>();
  private readonly busyKeys = new Set<string>();
  private readonly off: () => void;
  private closed = false;

  constructor(private readonly d: ExecutorDeps) {
    this.off = d.bus.subscribe((m: EventMessage) => {
      if (m.event !== 'runs.changed') return;
      const follow = this.follows.get((m.payload as RunSummary).id);
      if (follow) void this.check(follow);
    });
  }

  busy(policyId: string, endpointId: string): boolean {
    return this.busyKeys.has(`${policyId}\u0000${endpointId}`);
  }

  /** Acts on a 'ran' decision; never throws (a failure is the action's result). */
  async act(record: HealingActionRecord, policy: HealingPolicy): Promise<void> {
    const key = `${policy.id}\u0000${record.endpointId}`;
    this.busyKeys.add(key);
    const actor = policyActor(policy.id);
    try {
      if (policy.action.kind === 'abort_rollout') {
        await this.abortRollout(record, policy, actor);
        this.busyKeys.delete(key);
        return;
      }
      const run = await this.d.call(
        'runs.start',
        {
          runbookId: policy.action.runbookId ?? '',
          endpointId: record.endpointId,
          vars: policy.action.vars,
          autoConfirm: true,
        },
        actor,
      );
      this.d.journal.started(record.id, policy, { runId: run.id });
      this.follow({ actionId: record.id, policyId: policy.id, endpointId: record.endpointId, runId: run.id });
    } catch (error) {
      this.busyKeys.delete(key);
      const message = `could not ${policy.action.kind === 'abort_rollout' ? 'abort the rollout' : `start ${policy.action.runbookId}`}: ${errorText(error)}`;
      this.d.journal.started(record.id, policy, {});
      this.d.journal.finished(record.id, policy, 'failed', message);
    }
  }

  /** Picks up an action whose run was still going when the console stopped. */
  resume(record: HealingActionRecord): void {
    if (!record.runId) {
      this.d.journal.finished(
        record.id,
        this.d.policy(record.policyId),
        'failed',
        'the console stopped before the action was under way',
      );
      return;
    }
    this.busyKeys.add(`${record.policyId}\u0000${record.endpointId}`);
    this.follow({
      actionId: record.id,
      policyId: record.policyId,
      endpointId: record.endpointId,
      runId: record.runId,
    });
  }

  close(): void {
    this.closed = true;
    this.off();
    for (const f of this.follows.values()) if (f.bound) clearTimeout(f.bound);
    this.follows.clear();
  }

  private async abortRollout(
    record: HealingActionRecord,
    policy: HealingPolicy,
    actor: string,
  ): Promise<void> {
    const live = await this.d.call('rollouts.list', { active: true }, actor);
    const rollout = live.find(
      (r) => r.endpointId === record.endpointId || r.candidateEndpointId === record.endpointId,
    );
    if (!rollout) {
      this.d.journal.started(record.id, policy, {});
      this.d.journal.finished(
        record.id,
        policy,
        'failed',
        `no live rollout on ${record.endpointId} to abort`,
      );
      return;
    }
    this.d.journal.started(record.id, policy, { rolloutId: rollout.id });
    const aborted = await this.d.call(
      'rollouts.control',
      { id: rollout.id, action: 'abort', reason: `policy ${policy.id}: ${record.trigger}` },
      actor,
    );
    this.d.journal.finished(
      record.id,
      policy,
      'succeeded',
      `rollout ${aborted.name} (${aborted.id}) aborted: all traffic back on ${aborted.stableVersion}`,
    );
  }

  private follow(f: Omit<Follow, 'bound' | 'checking' | 'again'>): void {
    const follow: Follow = { ...f, bound: null, checking: false, again: false };
    this.follows.set(f.runId, follow);
    void this.check(follow);
  }

  /** Reads the run and settles the action when it has a result; one read at a time per run. */
  private async check(f: Follow): Promise<void> {
    if (f.checking) {
      f.again = true;
      return;
    }
    f.checking = true;
    try {
      do {
        f.again = false;
        if (this.closed || this.follows.get(f.runId) !== f) return;
        const run = await this.d.call('runs.get', { id: f.runId }, 'fleetdeck');
        const verdict = runVerdict(run);
        if (verdict.result === 'pending') {
          this.bound(f, verdict.waiting);
          continue;
        }
        this.settle(f, verdict.result, verdict.message);
      } while (f.again);
    } catch (error) {
      this.settle(f, 'failed', `run ${f.runId} could not be read: ${errorText(error)}`);
    } finally {
      f.checking = false;
    }
  }

  /** Starts the clock on a run waiting for something other than its hand-off; stops it when it moves on. */
  private bound(f: Follow, waiting: string | null): void {
    if (waiting === null) {
      if (f.bound) clearTimeout(f.bound);
      f.bound = null;
      return;
    }
    if (f.bound) return;
    const limit = this.d.waitBoundMs ?? DEFAULT_WAIT_BOUND_MS;
    f.bound = setTimeout(() => {
      f.bound = null;
      void this.d
        .call('runs.get', { id: f.runId }, 'fleetdeck')
        .then((run) => {
          const verdict = runVerdict(run);
          if (verdict.result !== 'pending') return this.settle(f, verdict.result, verdict.message);
          if (verdict.waiting === null) return;
          this.settle(f, 'failed', `run ${f.runId} was ${verdict.waiting} for ${heldFor(limit)}`);
        })
        .catch((error: unknown) =>
          this.settle(f, 'failed', `run ${f.runId} could not be read: ${errorText(error)}`),
        );
    }, limit);
    f.bound.unref();
  }

  private settle(f: Follow, result: 'succeeded' | 'failed', message: string): void {
    if (this.follows.get(f.runId) !== f) return;
    this.follows.delete(f.runId);
    if (f.bound) clearTimeout(f.bound);
    this.busyKeys.delete(`${f.policyId}\u0000${f.endpointId}`);
    try {
      this.d.journal.finished(f.actionId, this.d.policy(f.policyId), result, message);
    } catch (error) {
      this.d.log.error('healing result could not be written', { action: f.actionId, error: String(error) });
    }
  }
}

const errorText = (error: unknown) =>
  error instanceof FleetError
    ? `${error.message}${error.hint ? ` (${error.hint})` : ''}`
    : error instanceof Error
      ? error.message
      : String(error);
