import type { HealingPolicy } from '../../../shared/contract/incident.schema';
import type { HandlerGroup } from '../../commands/registry';
import type { IncidentModuleDeps } from '../incident-deps';
import { healingCommands, type HealingCommands } from './healing.commands';
import { HealingEvaluator } from './healing.evaluator';
import { HealingExecutor } from './healing.executor';
import { decide, HOUR_MS } from './healing.guard';
import { HealingJournal } from './healing.journal';
import { parseHealingPolicy } from './healing.parse';
import { HealingStore } from './healing.store';

export type { HealingCommands } from './healing.commands';

export interface HealingPlaneOptions {
  /** See ExecutorDeps.waitBoundMs (default 10 min). */
  waitBoundMs?: number;
  /** Fleet deltas closer together than this are evaluated once (default 1 s). */
  minEvaluateGapMs?: number;
  /** Evaluated at least this often even with no fleet delta, so episodes end (default 10 s). */
  evaluateEveryMs?: number;
}

export interface HealingPlane {
  handlers: HandlerGroup<HealingCommands>;
  start(): void;
  close(): Promise<void>;
  /** One evaluation pass now (the fleet tick does this by itself; tests drive it with their clock). */
  evaluate(): void;
}

/**
 * Self-healing policies with guard rails (issue 7, docs/healing.md): on each fleet tick every
 * enabled policy's trigger is checked on the endpoints it watches; once it has held for its
 * `for`, the guard rails decide (cluster, change freeze, dry-run, hourly limits), the decision
 * is written to the action log and the incident's timeline, and an allowed action runs through
 * the same commands a person uses, as `policy:<id>`.
 */
export function createHealingPlane(
  o: Pick<IncidentModuleDeps, 'db' | 'log' | 'bus' | 'fleet' | 'incidents' | 'call' | 'now'>,
  options: HealingPlaneOptions = {},
): HealingPlane {
  const store = new HealingStore(o.db);
  let policies: HealingPolicy[] = [];
  const load = () => {
    policies = store.policies().flatMap((row) => {
      const parsed = parseHealingPolicy(row.text, row.updatedAt);
      if (!parsed.policy) {
        // Saved texts were valid when saved; one that no longer parses is kept, but never acts.
        o.log.warn('healing policy cannot be read; it does not act', {
          id: row.id,
          problem: parsed.problems[0]?.message,
        });
        return [];
      }
      return [{ ...parsed.policy, enabled: row.enabled }];
    });
  };
  load();
  const policy = (id: string) => policies.find((p) => p.id === id) ?? null;
  const evaluator = new HealingEvaluator();
  const journal = new HealingJournal({
    store,
    incidents: o.incidents,
    fleet: o.fleet,
    log: o.log,
    now: o.now,
  });
  let executor: HealingExecutor | null = null;

  const evaluate = () => {
    if (!executor) return;
    const ex = executor;
    const now = o.now();
    // fleet.all() builds every endpoint's record (tens of ms at 10,000): not on each tick for no
    // policy at all, the default. With none enabled there is no episode to keep either.
    const enabled = policies.filter((p) => p.enabled);
    const triggers = evaluator.tick(enabled, enabled.length > 0 ? o.fleet.all() : [], now, (p, e) =>
      ex.busy(p, e),
    );
    for (const t of triggers) {
      try {
        const decision = decide({
          policy: t.policy,
          endpoint: t.endpoint,
          now,
          freezes: store.freezes(now),
          ran: store.ranSince(t.endpoint.id, now - HOUR_MS),
        });
        const record = journal.decided(
          {
            policyId: t.policy.id,
            endpointId: t.endpoint.id,
            at: now,
            outcome: decision.outcome,
            result: decision.outcome === 'ran' ? 'running' : null,
            why: decision.why,
            trigger: t.words,
          },
          t.policy,
        );
        if (decision.outcome === 'ran') void ex.act(record, t.policy);
      } catch (error) {
        o.log.error('healing decision failed', {
          policy: t.policy.id,
          endpoint: t.endpoint.id,
          error: String(error),
        });
      }
    }
  };

  let off: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;
  let lastAt = 0;
  return {
    handlers: healingCommands({
      store,
      call: o.call,
      now: o.now,
      policies: () => policies,
      changed: (id) => {
        load();
        evaluator.forget(id);
      },
    }),
    evaluate,
    start() {
      load();
      executor = new HealingExecutor({
        call: o.call,
        bus: o.bus,
        log: o.log,
        journal,
        policy,
        ...(options.waitBoundMs !== undefined ? { waitBoundMs: options.waitBoundMs } : {}),
      });
      const ex = executor;
      for (const record of store.running()) ex.resume(record);
      const gap = options.minEvaluateGapMs ?? 1000;
      const guarded = () => {
        lastAt = Date.now();
        try {
          evaluate();
        } catch (error) {
          o.log.error('healing evaluation failed', { error: String(error) });
        }
      };
      off = o.bus.subscribe((m) => {
        if (m.event === 'fleet.delta' && Date.now() - lastAt >= gap) guarded();
      });
      timer = setInterval(guarded, options.evaluateEveryMs ?? 10_000);
      timer.unref();
    },
    async close() {
      off?.();
      off = null;
      if (timer) clearInterval(timer);
      timer = null;
      executor?.close();
      executor = null;
    },
  };
}
