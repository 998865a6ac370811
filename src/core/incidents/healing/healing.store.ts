import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { ChangeFreeze, HealingActionRecord } from '../../../shared/contract/incident.schema';

interface ActionRow {
  id: string;
  policy_id: string;
  endpoint_id: string;
  incident_id: string | null;
  at: number;
  outcome: string;
  result: string | null;
  why: string;
  trigger: string;
  run_id: string | null;
  rollout_id: string | null;
  message: string | null;
}

interface FreezeRow {
  id: string;
  from_at: number;
  to_at: number;
  reason: string;
  actor: string;
}

export interface StoredPolicy {
  id: string;
  text: string;
  enabled: boolean;
  updatedAt: number;
}

const toAction = (r: ActionRow): HealingActionRecord => ({
  id: r.id,
  policyId: r.policy_id,
  endpointId: r.endpoint_id,
  incidentId: r.incident_id,
  at: r.at,
  outcome: r.outcome as HealingActionRecord['outcome'],
  result: r.result as HealingActionRecord['result'],
  why: r.why,
  trigger: r.trigger,
  runId: r.run_id,
  rolloutId: r.rollout_id,
  message: r.message,
});

const toFreeze = (r: FreezeRow): ChangeFreeze => ({
  id: r.id,
  from: r.from_at,
  to: r.to_at,
  reason: r.reason,
  actor: r.actor,
});

const newId = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

export type ActionPatch = Partial<
  Pick<HealingActionRecord, 'result' | 'runId' | 'rolloutId' | 'message' | 'incidentId'>
>;

/**
 * Policies (their YAML as written, and whether they are on), the log of what they did or
 * proposed, and change freezes (migration 9). The action log is also the rate limiter's memory:
 * limits count its 'ran' rows, so they hold across restarts.
 */
export class HealingStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      policies: db.prepare<[], { id: string; text: string; enabled: number; updated_at: number }>(
        'SELECT id, text, enabled, updated_at FROM healing_policy ORDER BY id',
      ),
      policy: db.prepare<[string], { id: string; text: string; enabled: number; updated_at: number }>(
        'SELECT id, text, enabled, updated_at FROM healing_policy WHERE id = ?',
      ),
      savePolicy: db.prepare<[string, string, number, number]>(
        `INSERT INTO healing_policy (id, text, enabled, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET text = excluded.text, enabled = excluded.enabled, updated_at = excluded.updated_at`,
      ),
      setEnabled: db.prepare<[number, number, string]>(
        'UPDATE healing_policy SET enabled = ?, updated_at = ? WHERE id = ?',
      ),
      deletePolicy: db.prepare<[string]>('DELETE FROM healing_policy WHERE id = ?'),
      insertAction: db.prepare<
        [
          string,
          string,
          string,
          string | null,
          number,
          string,
          string | null,
          string,
          string,
          string | null,
          string | null,
          string | null,
        ]
      >(
        `INSERT INTO healing_action (id, policy_id, endpoint_id, incident_id, at, outcome, result, why, trigger, run_id, rollout_id, message)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      action: db.prepare<[string], ActionRow>('SELECT * FROM healing_action WHERE id = ?'),
      running: db.prepare<[], ActionRow>(`SELECT * FROM healing_action WHERE result = 'running' ORDER BY at`),
      ranOnEndpoint: db.prepare<[string, number], { n: number; last: number | null }>(
        `SELECT count(*) AS n, max(at) AS last FROM healing_action WHERE outcome = 'ran' AND endpoint_id = ? AND at > ?`,
      ),
      ranInFleet: db.prepare<[number], { n: number; last: number | null }>(
        `SELECT count(*) AS n, max(at) AS last FROM healing_action WHERE outcome = 'ran' AND at > ?`,
      ),
      freezes: db.prepare<[number], FreezeRow>(
        'SELECT * FROM change_freeze WHERE to_at > ? ORDER BY from_at, id',
      ),
      freeze: db.prepare<[string], FreezeRow>('SELECT * FROM change_freeze WHERE id = ?'),
      addFreeze: db.prepare<[string, number, number, string, string]>(
        'INSERT INTO change_freeze (id, from_at, to_at, reason, actor) VALUES (?, ?, ?, ?, ?)',
      ),
      endFreeze: db.prepare<[number, string]>('UPDATE change_freeze SET to_at = ? WHERE id = ?'),
      deleteFreeze: db.prepare<[string]>('DELETE FROM change_freeze WHERE id = ?'),
    };
  }

  policies(): StoredPolicy[] {
    return this.s.policies
      .all()
      .map((r) => ({ id: r.id, text: r.text, enabled: r.enabled === 1, updatedAt: r.updated_at }));
  }

  policy(id: string): StoredPolicy | null {
    const r = this.s.policy.get(id);
    return r ? { id: r.id, text: r.text, enabled: r.enabled === 1, updatedAt: r.updated_at } : null;
  }

  savePolicy(p: StoredPolicy): void {
    this.s.savePolicy.run(p.id, p.text, p.enabled ? 1 : 0, p.updatedAt);
  }

  setEnabled(id: string, enabled: boolean, at: number): boolean {
    return this.s.setEnabled.run(enabled ? 1 : 0, at, id).changes > 0;
  }

  deletePolicy(id: string): boolean {
    return this.s.deletePolicy.run(id).changes > 0;
  }

  addAction(a: Omit<HealingActionRecord, 'id'>): HealingActionRecord {
    const id = newId('heal');
    this.s.insertAction.run(
      id,
      a.policyId,
      a.endpointId,
      a.incidentId,
      a.at,
      a.outcome,
      a.result,
      a.why,
      a.trigger,
      a.runId,
      a.rolloutId,
      a.message,
    );
    return { id, ...a };
  }

  action(id: string): HealingActionRecord | null {
    const r = this.s.action.get(id);
    return r ? toAction(r) : null;
  }

  updateAction(id: string, patch: ActionPatch): HealingActionRecord | null {
    const columns: Record<keyof ActionPatch, string> = {
      result: 'result',
      runId: 'run_id',
      rolloutId: 'rollout_id',
      message: 'message',
      incidentId: 'incident_id',
    };
    const keys = (Object.keys(patch) as Array<keyof ActionPatch>).filter((k) => patch[k] !== undefined);
    if (keys.length > 0) {
      // Column names come from the fixed map above, never from the caller.
      this.db
        .prepare(`UPDATE healing_action SET ${keys.map((k) => `${columns[k]} = ?`).join(', ')} WHERE id = ?`)
        .run(...keys.map((k) => patch[k] ?? null), id);
    }
    return this.action(id);
  }

  /** Newest first. */
  actions(q: { policyId?: string; incidentId?: string; limit: number }): HealingActionRecord[] {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (q.policyId) {
      where.push('policy_id = ?');
      params.push(q.policyId);
    }
    if (q.incidentId) {
      where.push('incident_id = ?');
      params.push(q.incidentId);
    }
    const sql = `SELECT * FROM healing_action ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, rowid DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params, q.limit) as ActionRow[]).map(toAction);
  }

  /** Actions still being followed (a restart picks them up again). */
  running(): HealingActionRecord[] {
    return this.s.running.all().map(toAction);
  }

  /** Actions any policy started since `since`: on one endpoint, and across the fleet. */
  ranSince(
    endpointId: string,
    since: number,
  ): { endpoint: { n: number; last: number | null }; fleet: { n: number; last: number | null } } {
    return { endpoint: this.s.ranOnEndpoint.get(endpointId, since)!, fleet: this.s.ranInFleet.get(since)! };
  }

  /** Freezes now and planned (ending after `now`), earliest first. */
  freezes(now: number): ChangeFreeze[] {
    return this.s.freezes.all(now).map(toFreeze);
  }

  freeze(id: string): ChangeFreeze | null {
    const r = this.s.freeze.get(id);
    return r ? toFreeze(r) : null;
  }

  addFreeze(f: Omit<ChangeFreeze, 'id'>): ChangeFreeze {
    const id = newId('frz');
    this.s.addFreeze.run(id, f.from, f.to, f.reason, f.actor);
    return { id, ...f };
  }

  /** A freeze in progress ends now (kept as history); one not yet begun is removed. */
  endFreeze(id: string, now: number): void {
    const f = this.freeze(id);
    if (!f) return;
    if (f.from < now && f.to > now) this.s.endFreeze.run(now, id);
    else this.s.deleteFreeze.run(id);
  }
}
