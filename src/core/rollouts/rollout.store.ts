import type Database from 'better-sqlite3';
import type {
  Rollout,
  RolloutComparison,
  RolloutDecision,
  RolloutPlan,
  RolloutState,
  RolloutSummary,
} from '../../shared/contract/rollout.schema';

/** A traffic action written before it is applied (write-ahead) and marked once the target confirmed it. */
export interface RolloutIntent {
  action: 'prepare' | 'setWeight' | 'promote' | 'retireOld' | 'abort';
  /** The weight it sets (setWeight), or the weight it leads to (promote 100, abort 0). */
  weight: number | null;
  /** In words, for the log and the restart message: "setWeight 25 at step 2". */
  label: string;
  applied: boolean;
}

/** Where inside the current step (or phase) the engine is; enough to carry on after a restart. */
export interface RolloutProgress {
  /** Blue-green and A/B phases: prepare, preview, awaiting, switched, warm, experiment, done. */
  phase: string | null;
  /** The end of a timed pause, the warm period or the experiment (epoch ms). */
  until: number | null;
  /** The analysis under way in this step: measurements taken and how they went. */
  analysis: { taken: number; successes: number; failures: number; inconclusive: number } | null;
  /** Background analysis counts, kept across steps (Flagger-style failed checks). */
  background: { taken: number; successes: number; failures: number; inconclusive: number } | null;
  /** Why the rollout is paused: a person, a pause step, or an inconclusive analysis. */
  pausedBy: 'person' | 'step' | 'analysis' | 'restart' | null;
  /** The A/B experiment window start. */
  experimentFrom: number | null;
}

export interface StoredRollout extends Omit<Rollout, 'decisions'> {
  intent: RolloutIntent | null;
  observedPercent: number | null;
  progress: RolloutProgress;
}

/** Rollouts in these states have (or had, before a crash) an engine loop behind them. */
export const liveStates: readonly RolloutState[] = ['progressing', 'paused', 'promoting', 'aborting'];

export const emptyProgress = (): RolloutProgress => ({
  phase: null,
  until: null,
  analysis: null,
  background: null,
  pausedBy: null,
  experimentFrom: null,
});

interface RolloutRow {
  id: string;
  name: string;
  strategy: RolloutSummary['strategy'];
  endpoint_id: string;
  candidate_endpoint_id: string | null;
  model: string;
  cluster: string;
  stable_version: string;
  candidate_version: string;
  state: RolloutState;
  weight: number;
  step_index: number;
  step_count: number;
  last_verdict: RolloutSummary['lastVerdict'];
  message: string | null;
  actor: string;
  plan: string;
  plan_text: string;
  comparison: string | null;
  intent: string | null;
  observed_percent: number | null;
  progress: string;
  started_at: number;
  updated_at: number;
  ended_at: number | null;
}

interface DecisionRow {
  at: number;
  step: string;
  kind: RolloutDecision['kind'];
  verdict: RolloutDecision['verdict'];
  message: string;
  measurements: string;
  actor: string;
  weight: number | null;
}

export const toSummary = (r: StoredRollout): RolloutSummary => ({
  id: r.id,
  name: r.name,
  strategy: r.strategy,
  endpointId: r.endpointId,
  candidateEndpointId: r.candidateEndpointId,
  model: r.model,
  cluster: r.cluster,
  stableVersion: r.stableVersion,
  candidateVersion: r.candidateVersion,
  state: r.state,
  weight: r.weight,
  stepIndex: r.stepIndex,
  stepCount: r.stepCount,
  lastVerdict: r.lastVerdict,
  message: r.message,
  actor: r.actor,
  startedAt: r.startedAt,
  updatedAt: r.updatedAt,
  endedAt: r.endedAt,
});

const fromRow = (row: RolloutRow): StoredRollout => ({
  id: row.id,
  name: row.name,
  strategy: row.strategy,
  endpointId: row.endpoint_id,
  candidateEndpointId: row.candidate_endpoint_id,
  model: row.model,
  cluster: row.cluster,
  stableVersion: row.stable_version,
  candidateVersion: row.candidate_version,
  state: row.state,
  weight: row.weight,
  stepIndex: row.step_index,
  stepCount: row.step_count,
  lastVerdict: row.last_verdict,
  message: row.message,
  actor: row.actor,
  startedAt: row.started_at,
  updatedAt: row.updated_at,
  endedAt: row.ended_at,
  plan: JSON.parse(row.plan) as RolloutPlan,
  planText: row.plan_text,
  comparison: row.comparison ? (JSON.parse(row.comparison) as RolloutComparison) : null,
  intent: row.intent ? (JSON.parse(row.intent) as RolloutIntent) : null,
  observedPercent: row.observed_percent,
  progress: { ...emptyProgress(), ...(JSON.parse(row.progress) as Partial<RolloutProgress>) },
});

/**
 * The durable record of rollouts and their decision logs (migration 8). Every write is its own
 * transaction on the synchronous=FULL connection: what the engine is about to do is on disk
 * before the target is touched.
 */
export class RolloutStore {
  private readonly insertStmt: Database.Statement;
  private readonly saveStmt: Database.Statement;
  private readonly decisionStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO rollout (id, name, strategy, endpoint_id, candidate_endpoint_id, model, cluster,
         stable_version, candidate_version, state, weight, step_index, step_count, last_verdict, message,
         actor, plan, plan_text, comparison, intent, observed_percent, progress, started_at, updated_at, ended_at)
       VALUES (@id, @name, @strategy, @endpoint_id, @candidate_endpoint_id, @model, @cluster,
         @stable_version, @candidate_version, @state, @weight, @step_index, @step_count, @last_verdict, @message,
         @actor, @plan, @plan_text, @comparison, @intent, @observed_percent, @progress, @started_at, @updated_at, @ended_at)`,
    );
    this.saveStmt = db.prepare(
      `UPDATE rollout SET candidate_endpoint_id = @candidate_endpoint_id, state = @state, weight = @weight,
         step_index = @step_index, last_verdict = @last_verdict, message = @message, comparison = @comparison,
         intent = @intent, observed_percent = @observed_percent, progress = @progress,
         updated_at = @updated_at, ended_at = @ended_at
       WHERE id = @id`,
    );
    this.decisionStmt = db.prepare(
      `INSERT INTO rollout_decision (rollout_id, at, step, kind, verdict, message, measurements, actor, weight)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Throws SQLITE_CONSTRAINT_UNIQUE when the endpoint already has a live rollout. */
  insert(r: StoredRollout): void {
    this.insertStmt.run(toRow(r));
  }

  save(r: StoredRollout): void {
    this.saveStmt.run(toRow(r));
  }

  /** The rollout and a decision in one transaction: the log never disagrees with the state. */
  saveWithDecision(r: StoredRollout, d: RolloutDecision): void {
    this.db.transaction(() => {
      this.addDecision(r.id, d);
      this.save(r);
    })();
  }

  addDecision(id: string, d: RolloutDecision): void {
    this.decisionStmt.run(
      id,
      d.at,
      d.step,
      d.kind,
      d.verdict,
      d.message,
      JSON.stringify(d.measurements),
      d.actor,
      d.weight,
    );
  }

  get(id: string): StoredRollout | undefined {
    const row = this.db.prepare('SELECT * FROM rollout WHERE id = ?').get(id) as RolloutRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  decisions(id: string): RolloutDecision[] {
    const rows = this.db
      .prepare(
        'SELECT at, step, kind, verdict, message, measurements, actor, weight FROM rollout_decision WHERE rollout_id = ? ORDER BY id',
      )
      .all(id) as DecisionRow[];
    return rows.map((d) => ({
      ...d,
      measurements: JSON.parse(d.measurements) as RolloutDecision['measurements'],
    }));
  }

  /** The whole rollout as the contract shows it, decision log included. */
  full(id: string): Rollout | undefined {
    const r = this.get(id);
    if (!r) return undefined;
    const { intent: _intent, observedPercent: _observed, progress: _progress, ...rest } = r;
    return { ...rest, decisions: this.decisions(id) };
  }

  list(filter: {
    state?: RolloutState;
    endpointId?: string;
    active?: boolean;
    limit: number;
  }): StoredRollout[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.state) {
      where.push('state = ?');
      params.push(filter.state);
    }
    if (filter.endpointId) {
      where.push('endpoint_id = ?');
      params.push(filter.endpointId);
    }
    if (filter.active !== undefined)
      where.push(`state ${filter.active ? '' : 'NOT '}IN (${liveStates.map((s) => `'${s}'`).join(', ')})`);
    const sql = `SELECT * FROM rollout ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY started_at DESC, rowid DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params, filter.limit) as RolloutRow[]).map(fromRow);
  }

  /** Rollouts a previous process left live, oldest first. */
  live(): StoredRollout[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM rollout WHERE state IN (${liveStates.map((s) => `'${s}'`).join(', ')}) ORDER BY started_at`,
        )
        .all() as RolloutRow[]
    ).map(fromRow);
  }

  liveFor(endpointId: string): StoredRollout | undefined {
    return this.live().find((r) => r.endpointId === endpointId);
  }
}

function toRow(r: StoredRollout): RolloutRow {
  return {
    id: r.id,
    name: r.name,
    strategy: r.strategy,
    endpoint_id: r.endpointId,
    candidate_endpoint_id: r.candidateEndpointId,
    model: r.model,
    cluster: r.cluster,
    stable_version: r.stableVersion,
    candidate_version: r.candidateVersion,
    state: r.state,
    weight: r.weight,
    step_index: r.stepIndex,
    step_count: r.stepCount,
    last_verdict: r.lastVerdict,
    message: r.message,
    actor: r.actor,
    plan: JSON.stringify(r.plan),
    plan_text: r.planText,
    comparison: r.comparison ? JSON.stringify(r.comparison) : null,
    intent: r.intent ? JSON.stringify(r.intent) : null,
    // A replica ratio reads as 33.3 %; the column is INTEGER (STRICT), so whole percent.
    observed_percent: r.observedPercent === null ? null : Math.round(r.observedPercent),
    progress: JSON.stringify(r.progress),
    started_at: r.startedAt,
    updated_at: r.updatedAt,
    ended_at: r.endedAt,
  };
}
