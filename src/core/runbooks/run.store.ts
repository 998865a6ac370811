import type Database from 'better-sqlite3';
import type { z } from 'zod';
import type {
  Run,
  RunState,
  RunStepRecord,
  RunSummary,
  Runbook,
  RunbookCheck,
  RunbookStep,
  runsListArgsSchema,
} from '../../shared/contract/runbook.schema';

/** A step as stored: its record plus what the engine needs to run it again after a restart. */
export interface StoredStep extends RunStepRecord {
  checkDef: RunbookCheck | null;
  onFailure: RunbookStep['onFailure'];
  timeoutSeconds: number;
}

/** A run as stored: the contract's Run plus the definition snapshot and how it was started. */
export interface StoredRun extends Omit<Run, 'steps'> {
  steps: StoredStep[];
  runbook: Runbook;
  autoConfirm: boolean;
}

export type RunListArgs = z.output<typeof runsListArgsSchema>;

/** Runs in these states have (or had, before a crash) a live engine behind them. */
export const activeStates: readonly RunState[] = ['running', 'waiting', 'paused'];

interface RunRow {
  id: string;
  runbook_id: string;
  runbook_title: string;
  runbook: string;
  endpoint_id: string | null;
  actor: string;
  state: RunState;
  dry_run: number;
  read_only: number;
  auto_confirm: number;
  params: string;
  current_step: number;
  step_count: number;
  terminal_id: string | null;
  started_at: number;
  updated_at: number;
  ended_at: number | null;
  message: string | null;
}

interface StepRow {
  idx: number;
  title: string;
  kind: RunStepRecord['kind'];
  confirm: number;
  command: string | null;
  rollback_command: string | null;
  check_def: string | null;
  on_failure: RunbookStep['onFailure'];
  timeout_seconds: number;
  state: RunStepRecord['state'];
  exit_code: number | null;
  check_ok: number | null;
  check_detail: string | null;
  started_at: number | null;
  ended_at: number | null;
  output: string;
  transcript_session: string | null;
  transcript_from: number | null;
  transcript_to: number | null;
  confirmed_by: string | null;
  rollback_exit_code: number | null;
  rollback_state: RunStepRecord['state'] | null;
}

const summaryOf = (r: RunRow): RunSummary => ({
  id: r.id,
  runbookId: r.runbook_id,
  runbookTitle: r.runbook_title,
  endpointId: r.endpoint_id,
  actor: r.actor,
  state: r.state,
  dryRun: r.dry_run === 1,
  readOnly: r.read_only === 1,
  currentStep: r.current_step,
  stepCount: r.step_count,
  terminalId: r.terminal_id,
  startedAt: r.started_at,
  updatedAt: r.updated_at,
  endedAt: r.ended_at,
  message: r.message,
});

const stepOf = (s: StepRow): StoredStep => ({
  idx: s.idx,
  title: s.title,
  kind: s.kind,
  confirm: s.confirm === 1,
  command: s.command,
  state: s.state,
  exitCode: s.exit_code,
  check: s.check_ok === null ? null : { ok: s.check_ok === 1, detail: s.check_detail ?? '' },
  startedAt: s.started_at,
  endedAt: s.ended_at,
  output: s.output,
  transcript:
    s.transcript_session === null
      ? null
      : { sessionId: s.transcript_session, fromSeq: s.transcript_from ?? 0, toSeq: s.transcript_to ?? -1 },
  confirmedBy: s.confirmed_by,
  rollback:
    s.rollback_command === null
      ? null
      : { command: s.rollback_command, exitCode: s.rollback_exit_code, state: s.rollback_state ?? 'pending' },
  checkDef: s.check_def === null ? null : (JSON.parse(s.check_def) as RunbookCheck),
  onFailure: s.on_failure,
  timeoutSeconds: s.timeout_seconds,
});

/** `%`, `_` and `\` are LIKE wildcards; a search for "50%" means the text. */
const likePattern = (word: string) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The durable record of runbook runs (runbook_run, runbook_step, runbook_note; migration 7).
 * Every write is its own statement on the FULL-synchronous connection, so each state change is
 * on disk before the engine moves on; a crash loses at most the change in flight.
 */
export class RunStore {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      insertRun: db.prepare(
        `INSERT INTO runbook_run (id, runbook_id, runbook_title, runbook, endpoint_id, actor, state, dry_run,
           read_only, auto_confirm, params, current_step, step_count, terminal_id, started_at, updated_at,
           ended_at, message)
         VALUES (@id, @runbook_id, @runbook_title, @runbook, @endpoint_id, @actor, @state, @dry_run,
           @read_only, @auto_confirm, @params, @current_step, @step_count, @terminal_id, @started_at,
           @updated_at, @ended_at, @message)`,
      ),
      updateRun: db.prepare(
        `UPDATE runbook_run SET state = @state, current_step = @current_step, terminal_id = @terminal_id,
           updated_at = @updated_at, ended_at = @ended_at, message = @message
         WHERE id = @id`,
      ),
      upsertStep: db.prepare(
        `INSERT OR REPLACE INTO runbook_step (run_id, idx, title, kind, confirm, command, rollback_command,
           check_def, on_failure, timeout_seconds, state, exit_code, check_ok, check_detail, started_at,
           ended_at, output, transcript_session, transcript_from, transcript_to, confirmed_by,
           rollback_exit_code, rollback_state)
         VALUES (@run_id, @idx, @title, @kind, @confirm, @command, @rollback_command, @check_def,
           @on_failure, @timeout_seconds, @state, @exit_code, @check_ok, @check_detail, @started_at,
           @ended_at, @output, @transcript_session, @transcript_from, @transcript_to, @confirmed_by,
           @rollback_exit_code, @rollback_state)`,
      ),
      insertNote: db.prepare('INSERT INTO runbook_note (run_id, at, actor, text) VALUES (?, ?, ?, ?)'),
      getRun: db.prepare('SELECT * FROM runbook_run WHERE id = ?'),
      getSteps: db.prepare('SELECT * FROM runbook_step WHERE run_id = ? ORDER BY idx'),
      getNotes: db.prepare('SELECT at, actor, text FROM runbook_note WHERE run_id = ? ORDER BY at, id'),
      newestActive: db.prepare(
        `SELECT id FROM runbook_run WHERE state IN ('running', 'waiting', 'paused')
         ORDER BY started_at DESC, rowid DESC LIMIT 1`,
      ),
      leftovers: db.prepare(`SELECT id FROM runbook_run WHERE state IN ('running', 'waiting', 'paused')`),
    };
  }

  insert(run: StoredRun): void {
    this.db.transaction(() => {
      this.stmts.insertRun.run({
        id: run.id,
        runbook_id: run.runbookId,
        runbook_title: run.runbookTitle,
        runbook: JSON.stringify(run.runbook),
        endpoint_id: run.endpointId,
        actor: run.actor,
        state: run.state,
        dry_run: run.dryRun ? 1 : 0,
        read_only: run.readOnly ? 1 : 0,
        auto_confirm: run.autoConfirm ? 1 : 0,
        params: JSON.stringify(run.params),
        current_step: run.currentStep,
        step_count: run.stepCount,
        terminal_id: run.terminalId,
        started_at: run.startedAt,
        updated_at: run.updatedAt,
        ended_at: run.endedAt,
        message: run.message,
      });
      for (const step of run.steps) this.saveStep(run.id, step);
    })();
  }

  saveRun(run: StoredRun): void {
    this.stmts.updateRun.run({
      id: run.id,
      state: run.state,
      current_step: run.currentStep,
      terminal_id: run.terminalId,
      updated_at: run.updatedAt,
      ended_at: run.endedAt,
      message: run.message,
    });
  }

  saveStep(runId: string, s: StoredStep): void {
    this.stmts.upsertStep.run({
      run_id: runId,
      idx: s.idx,
      title: s.title,
      kind: s.kind,
      confirm: s.confirm ? 1 : 0,
      command: s.command,
      rollback_command: s.rollback?.command ?? null,
      check_def: s.checkDef ? JSON.stringify(s.checkDef) : null,
      on_failure: s.onFailure,
      timeout_seconds: s.timeoutSeconds,
      state: s.state,
      exit_code: s.exitCode,
      check_ok: s.check === null ? null : s.check.ok ? 1 : 0,
      check_detail: s.check?.detail ?? null,
      started_at: s.startedAt,
      ended_at: s.endedAt,
      output: s.output,
      transcript_session: s.transcript?.sessionId ?? null,
      transcript_from: s.transcript?.fromSeq ?? null,
      transcript_to: s.transcript?.toSeq ?? null,
      confirmed_by: s.confirmedBy,
      rollback_exit_code: s.rollback?.exitCode ?? null,
      rollback_state: s.rollback?.state ?? null,
    });
  }

  addNote(runId: string, note: { at: number; actor: string; text: string }): void {
    this.stmts.insertNote.run(runId, note.at, note.actor, note.text);
  }

  get(id: string): StoredRun | null {
    const row = this.stmts.getRun.get(id) as RunRow | undefined;
    if (!row) return null;
    return {
      ...summaryOf(row),
      params: JSON.parse(row.params) as Record<string, string>,
      runbook: JSON.parse(row.runbook) as Runbook,
      autoConfirm: row.auto_confirm === 1,
      steps: (this.stmts.getSteps.all(id) as StepRow[]).map(stepOf),
      notes: this.stmts.getNotes.all(id) as Run['notes'],
    };
  }

  /**
   * Run history, newest first. Each word of `query` must appear somewhere in the run: its
   * runbook's title or id, the endpoint, a note, or a step's rendered command.
   */
  list(args: RunListArgs): RunSummary[] {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const word of (args.query ?? '').split(/\s+/).filter(Boolean)) {
      const p = likePattern(word);
      where.push(`(r.runbook_title LIKE ? ESCAPE '\\' OR r.runbook_id LIKE ? ESCAPE '\\'
        OR r.endpoint_id LIKE ? ESCAPE '\\'
        OR EXISTS (SELECT 1 FROM runbook_note n WHERE n.run_id = r.id AND n.text LIKE ? ESCAPE '\\')
        OR EXISTS (SELECT 1 FROM runbook_step s WHERE s.run_id = r.id AND s.command LIKE ? ESCAPE '\\'))`);
      params.push(p, p, p, p, p);
    }
    if (args.runbookId) {
      where.push('r.runbook_id = ?');
      params.push(args.runbookId);
    }
    if (args.endpointId) {
      where.push('r.endpoint_id = ?');
      params.push(args.endpointId);
    }
    if (args.state) {
      where.push('r.state = ?');
      params.push(args.state);
    }
    const sql = `SELECT * FROM runbook_run r ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY r.started_at DESC, r.rowid DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params, args.limit) as RunRow[]).map(summaryOf);
  }

  /** The run a note without an id belongs to: the newest one a person is working through. */
  newestActive(): string | null {
    return (this.stmts.newestActive.get() as { id: string } | undefined)?.id ?? null;
  }

  /** Runs that claim to be live; at start-up nothing drives them any more. */
  leftovers(): string[] {
    return (this.stmts.leftovers.all() as Array<{ id: string }>).map((r) => r.id);
  }
}
