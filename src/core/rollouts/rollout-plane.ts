import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Rollout, RolloutPlan, RolloutProblem } from '../../shared/contract/rollout.schema';
import { FleetError } from '../../shared/errors/fleet-error';
import { sloForModel } from '../../shared/fleet/slo';
import type { HandlerGroup } from '../commands/registry';
import type { EventBus } from '../events/event-bus';
import type { FleetService } from '../fleet/fleet.service';
import { SloBook } from '../fleet/slo-book';
import type { Logger } from '../log/logger';
import type { MetricsStore } from '../metrics/metrics.store';
import { RolloutEngine, stepCountOf } from './rollout.engine';
import { generateRolloutPlan } from './rollout.generate';
import { metricsReader, type RolloutMetricReader } from './rollout.metrics';
import { checkPlanAgainstFleet, parseRolloutPlan } from './rollout.parse';
import { emptyProgress, RolloutStore, toSummary, type StoredRollout } from './rollout.store';
import type { TrafficTargetResolver } from './traffic-target';

export type RolloutCommands =
  | 'rollouts.validate'
  | 'rollouts.generate'
  | 'rollouts.start'
  | 'rollouts.list'
  | 'rollouts.get'
  | 'rollouts.control';

export interface RolloutPlaneOptions {
  db: Database.Database;
  log: Logger;
  bus: EventBus;
  /** The fleet as plans are checked against and candidates found (FleetService). */
  fleet: Pick<FleetService, 'endpoint' | 'all'>;
  metrics: MetricsStore;
  /** The traffic controls (default: through the fleet's Kubernetes sources). */
  traffic?: TrafficTargetResolver;
  now?: () => number;
  /** Waits of the engine (tests drive a clock that jumps); default an unref'd timer. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Where analysis reads metrics (default: the metrics cache). */
  reader?: RolloutMetricReader;
}

export interface RolloutPlane {
  handlers: HandlerGroup<RolloutCommands>;
  /** Picks up rollouts a previous process left running (resume, or stop clearly). */
  start(): void;
  close(): Promise<void>;
}

/** Without a resolver (no Kubernetes support in this build) every start is refused clearly. */
const noTraffic: TrafficTargetResolver = {
  resolve: (plan) =>
    Promise.reject(
      new FleetError({
        code: 'unavailable',
        message: `No traffic controls for ${plan.endpointId} in this build`,
        where: 'rollouts',
        hint: 'Rollouts need a Kubernetes source (KServe InferenceService or Deployments behind one Service).',
      }),
    ),
};

const describeProblems = (problems: RolloutProblem[]) =>
  problems
    .map((p) => `${p.line !== null ? `line ${p.line}: ` : ''}${p.field ? `${p.field}: ` : ''}${p.message}`)
    .join('\n');

/** The rollout engine and the rollouts.* commands over it (issue 6). */
export function createRolloutPlane(o: RolloutPlaneOptions): RolloutPlane {
  const now = o.now ?? Date.now;
  const store = new RolloutStore(o.db);
  const traffic = o.traffic ?? noTraffic;
  const engine = new RolloutEngine({
    store,
    bus: o.bus,
    log: o.log,
    reader: o.reader ?? metricsReader(o.metrics, now),
    traffic,
    fleet: o.fleet,
    now,
    ...(o.sleep ? { sleep: o.sleep } : {}),
  });
  let recovering: Promise<void> = Promise.resolve();
  // A person's rollout actions also go to the console-wide audit log (migration 2).
  const auditStmt = o.db.prepare('INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)');
  const audit = (actor: string, action: string, detail: object) =>
    auditStmt.run(now(), actor, action, JSON.stringify(detail));

  const validate = (text: string): { plan: RolloutPlan | null; problems: RolloutProblem[] } => {
    const parsed = parseRolloutPlan(text);
    if (!parsed.plan) return parsed;
    const problems = checkPlanAgainstFleet(parsed.plan, o.fleet);
    return { plan: problems.length ? null : parsed.plan, problems };
  };

  const full = (id: string, where: string): Rollout => {
    const r = store.full(id);
    if (r) return r;
    throw new FleetError({
      code: 'not_found',
      message: `No rollout '${id}'`,
      where,
      hint: 'rollouts.list (fleetdeck rollout history) shows the rollouts.',
    });
  };

  const start = async (text: string, actor: string): Promise<Rollout> => {
    const { plan, problems } = validate(text);
    if (!plan)
      throw new FleetError({
        code: 'bad_request',
        message: `The rollout plan has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${describeProblems(problems)}`,
        where: 'rollouts.start',
        hint: 'rollouts.validate (fleetdeck rollout validate <file>) shows each problem with its line.',
      });
    const running = store.liveFor(plan.endpointId);
    const busy = (name: string, id: string) =>
      new FleetError({
        code: 'conflict',
        message: `${plan.endpointId} already has a rollout in progress: '${name}' (${id})`,
        where: 'rollouts.start',
        hint: 'Wait for it to end, or promote or abort it (rollouts.control) before starting another.',
      });
    if (running) throw busy(running.name, running.id);
    const stable = o.fleet.endpoint(plan.endpointId)!;
    // The target is read before anything is recorded: a plan whose target cannot be found or
    // read never starts, and the split it starts from is the one a restart compares against.
    const target = await traffic.resolve(plan);
    const split = await target.read();
    const at = now();
    const r: StoredRollout = {
      id: randomUUID(),
      name: plan.name,
      strategy: plan.strategy.kind,
      endpointId: plan.endpointId,
      candidateEndpointId: split.candidateEndpointId,
      model: stable.model,
      cluster: stable.cluster,
      stableVersion: plan.stableVersion,
      candidateVersion: plan.candidateVersion,
      state: 'progressing',
      weight: Math.round(split.candidatePercent),
      stepIndex: 0,
      stepCount: stepCountOf(plan),
      lastVerdict: null,
      message: null,
      actor,
      startedAt: at,
      updatedAt: at,
      endedAt: null,
      plan,
      planText: text,
      comparison: null,
      intent: null,
      observedPercent: split.candidatePercent,
      progress: emptyProgress(),
    };
    try {
      store.insert(r);
    } catch (error) {
      // Two starts racing for one endpoint: the partial unique index lets only one through.
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        const other = store.liveFor(plan.endpointId);
        throw busy(other?.name ?? '?', other?.id ?? '?');
      }
      throw error;
    }
    store.addDecision(r.id, {
      at,
      step: 'start',
      kind: 'note',
      verdict: 'info',
      message: `started by ${actor}: ${plan.strategy.kind} of ${stable.model} ${plan.stableVersion} -> ${plan.candidateVersion} on ${target.describe()} (candidate at ${Math.round(split.candidatePercent)} %)`,
      measurements: [],
      actor,
      weight: r.weight,
    });
    o.bus.emit('rollouts.changed', toSummary(r));
    o.log.info('rollout started', { rollout: r.id, endpoint: r.endpointId, actor });
    audit(actor, 'rollouts.start', {
      id: r.id,
      name: r.name,
      endpointId: r.endpointId,
      candidate: r.candidateVersion,
    });
    engine.launch(r, target);
    return full(r.id, 'rollouts.start');
  };

  const handlers: HandlerGroup<RolloutCommands> = {
    'rollouts.validate': ({ text }) => {
      const { plan, problems } = validate(text);
      return { ok: plan !== null && problems.length === 0, problems, plan };
    },
    'rollouts.generate': ({ endpointId, candidateVersion, strategy }) => {
      const endpoint = o.fleet.endpoint(endpointId);
      if (!endpoint)
        throw new FleetError({
          code: 'not_found',
          message: `No endpoint '${endpointId}' in the fleet`,
          where: 'rollouts.generate',
          hint: 'fleet.endpoints lists the endpoint ids.',
        });
      // The same per-model SLO overrides the fleet's health uses (Settings > SLOs).
      const slo = sloForModel(endpoint.model, new SloBook(o.db).all());
      return generateRolloutPlan(endpoint, candidateVersion, strategy, slo);
    },
    'rollouts.start': ({ text }, ctx) => start(text, ctx.actor),
    'rollouts.list': ({ state, endpointId, active, limit }) =>
      store
        .list({
          limit,
          ...(state ? { state } : {}),
          ...(endpointId ? { endpointId } : {}),
          ...(active !== undefined ? { active } : {}),
        })
        .map(toSummary),
    'rollouts.get': ({ id }) => full(id, 'rollouts.get'),
    'rollouts.control': async ({ id, action, reason }, ctx) => {
      // A control arriving while a restart is still reading the targets waits for it.
      await recovering;
      await engine.control(id, action, ctx.actor, reason ?? null);
      audit(ctx.actor, `rollouts.${action}`, { id, reason: reason ?? null });
      return full(id, 'rollouts.control');
    },
  };

  return {
    handlers,
    start() {
      recovering = engine.recover().catch((error: unknown) => {
        o.log.error('rollouts could not be picked up after a restart', { error: (error as Error)?.message });
      });
    },
    async close() {
      await recovering;
      await engine.close();
    },
  };
}
