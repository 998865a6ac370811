import type Database from 'better-sqlite3';
import type { TerminalSession } from '../../shared/contract/terminal.schema';

interface SessionRow {
  id: string;
  title: string;
  name: string | null;
  shell: string;
  cwd: string;
  cols: number;
  rows: number;
  endpoint_id: string | null;
  run_id: string | null;
  created_at: number;
  exited_at: number | null;
  exit_code: number | null;
  signal: number | null;
  transcript_bytes: number;
  transcript_truncated: number;
}

const toSession = (row: SessionRow): TerminalSession => ({
  id: row.id,
  title: row.title,
  name: row.name,
  shell: row.shell,
  cwd: row.cwd,
  cols: row.cols,
  rows: row.rows,
  createdAt: row.created_at,
  endpointId: row.endpoint_id,
  runId: row.run_id,
  state: row.exited_at === null ? 'running' : 'exited',
  exitCode: row.exit_code,
  signal: row.signal,
  exitedAt: row.exited_at,
  transcriptBytes: row.transcript_bytes,
  transcriptTruncated: row.transcript_truncated === 1,
});

/** The terminal_session and terminal_transcript tables (migration 6). */
export class TerminalStore {
  constructor(private readonly db: Database.Database) {}

  insert(session: TerminalSession): void {
    this.db
      .prepare(
        `INSERT INTO terminal_session (id, title, name, shell, cwd, cols, rows, endpoint_id, run_id, created_at)
         VALUES (@id, @title, @name, @shell, @cwd, @cols, @rows, @endpointId, @runId, @createdAt)`,
      )
      .run({
        id: session.id,
        title: session.title,
        name: session.name,
        shell: session.shell,
        cwd: session.cwd,
        cols: session.cols,
        rows: session.rows,
        endpointId: session.endpointId,
        runId: session.runId,
        createdAt: session.createdAt,
      });
  }

  /** False when no such session was ever recorded. */
  renamed(id: string, name: string | null): boolean {
    return this.db.prepare('UPDATE terminal_session SET name = ? WHERE id = ?').run(name, id).changes > 0;
  }

  resized(id: string, cols: number, rows: number): void {
    this.db.prepare('UPDATE terminal_session SET cols = ?, rows = ? WHERE id = ?').run(cols, rows, id);
  }

  exited(id: string, at: number, exitCode: number | null, signal: number | null): void {
    this.db
      .prepare('UPDATE terminal_session SET exited_at = ?, exit_code = ?, signal = ? WHERE id = ?')
      .run(at, exitCode, signal, id);
  }

  /**
   * Sessions a previous process left 'running' died with it (one process per data directory holds
   * the instance lock). They are marked exited at their last sign of life, with no exit code:
   * nobody saw how they ended. Returns how many.
   */
  markOrphansExited(): number {
    return this.db
      .prepare(
        `UPDATE terminal_session
           SET exited_at = COALESCE(
             (SELECT MAX(t.at) FROM terminal_transcript t WHERE t.session_id = terminal_session.id),
             created_at),
             exit_code = NULL, signal = NULL
         WHERE exited_at IS NULL`,
      )
      .run().changes;
  }

  /**
   * Keeps recorded transcripts under a total size: whole sessions go, the longest-exited first,
   * so the database does not grow with every shell ever opened. A runbook run keeps each step's
   * own (capped) output in its record; only the full transcript of an old session is dropped.
   * Returns how many sessions were removed.
   */
  pruneTranscripts(maxTotalBytes: number): number {
    const total = (
      this.db.prepare('SELECT COALESCE(SUM(transcript_bytes), 0) AS bytes FROM terminal_session').get() as {
        bytes: number;
      }
    ).bytes;
    if (total <= maxTotalBytes) return 0;
    const oldest = this.db
      .prepare(
        `SELECT id, transcript_bytes AS bytes FROM terminal_session
          WHERE exited_at IS NOT NULL ORDER BY exited_at, created_at`,
      )
      .all() as Array<{ id: string; bytes: number }>;
    const remove = this.db.prepare('DELETE FROM terminal_session WHERE id = ?');
    let left = total;
    let removed = 0;
    this.db.transaction(() => {
      for (const row of oldest) {
        if (left <= maxTotalBytes) break;
        remove.run(row.id);
        left -= row.bytes;
        removed++;
      }
    })();
    return removed;
  }

  get(id: string): TerminalSession | null {
    const row = this.db.prepare('SELECT * FROM terminal_session WHERE id = ?').get(id) as
      SessionRow | undefined;
    return row ? toSession(row) : null;
  }

  history(filter: {
    endpointId?: string | undefined;
    runId?: string | undefined;
    includeRunning: boolean;
    limit: number;
  }): TerminalSession[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit };
    if (filter.endpointId !== undefined) {
      where.push('endpoint_id = @endpointId');
      params.endpointId = filter.endpointId;
    }
    if (filter.runId !== undefined) {
      where.push('run_id = @runId');
      params.runId = filter.runId;
    }
    if (!filter.includeRunning) where.push('exited_at IS NOT NULL');
    const rows = this.db
      .prepare(
        `SELECT * FROM terminal_session ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY created_at DESC, rowid DESC LIMIT @limit`,
      )
      .all(params) as SessionRow[];
    return rows.map(toSession);
  }

  chunks(
    id: string,
    afterSeq: number,
    limit: number,
  ): { chunks: Array<{ seq: number; at: number; data: string }>; more: boolean } {
    const rows = this.db
      .prepare(
        'SELECT seq, at, data FROM terminal_transcript WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      )
      .all(id, afterSeq, limit + 1) as Array<{ seq: number; at: number; data: string }>;
    const more = rows.length > limit;
    return { chunks: more ? rows.slice(0, limit) : rows, more };
  }

  lastSeq(id: string): number {
    const row = this.db
      .prepare('SELECT MAX(seq) AS seq FROM terminal_transcript WHERE session_id = ?')
      .get(id) as { seq: number | null };
    return row.seq ?? -1;
  }
}
