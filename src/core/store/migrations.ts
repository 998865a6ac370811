import type Database from 'better-sqlite3';

/**
 * Forward-only schema migrations keyed on `PRAGMA user_version` (CONVENTIONS.md 6).
 * Each runs in one transaction together with the version bump, so a crash leaves the database
 * at the old version or the new one, never between. Never edit a released migration: add one.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'settings and app metadata',
    up(db) {
      db.exec(`
        CREATE TABLE settings (
          key        TEXT PRIMARY KEY,
          value      TEXT NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE app_meta (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 2,
    name: 'audit log',
    up(db) {
      // Every change a person makes (settings now, later rollouts and runbook steps) is
      // recorded with who and when; durable data, written with synchronous=FULL.
      db.exec(`
        CREATE TABLE audit_log (
          id      INTEGER PRIMARY KEY,
          at      INTEGER NOT NULL,
          actor   TEXT NOT NULL,
          action  TEXT NOT NULL,
          detail  TEXT NOT NULL
        ) STRICT;
        CREATE INDEX audit_log_at ON audit_log(at);
      `);
    },
  },
  {
    version: 3,
    name: 'fleet inventory and metrics cache',
    up(db) {
      // Sources are user configuration (durable); everything else here is a cache that a live
      // source rebuilds, kept so the console paints from disk first and works offline.
      db.exec(`
        CREATE TABLE sources (
          id          TEXT PRIMARY KEY,
          kind        TEXT NOT NULL,
          name        TEXT NOT NULL,
          config      TEXT NOT NULL,
          created_at  INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE source_state (
          source_id   TEXT PRIMARY KEY,
          status      TEXT NOT NULL,
          reason      TEXT NOT NULL,
          last_ok_at  INTEGER,
          updated_at  INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE inventory (
          kind        TEXT NOT NULL,
          id          TEXT NOT NULL,
          source_id   TEXT NOT NULL,
          record      TEXT NOT NULL,
          updated_at  INTEGER NOT NULL,
          PRIMARY KEY (kind, id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX inventory_source ON inventory(source_id, kind);
        CREATE TABLE metric_series (
          id          INTEGER PRIMARY KEY,
          endpoint_id TEXT NOT NULL,
          metric      TEXT NOT NULL,
          UNIQUE (endpoint_id, metric)
        ) STRICT;
        CREATE INDEX metric_series_metric ON metric_series(metric);
        CREATE TABLE metric_raw (
          series_id   INTEGER NOT NULL,
          ts          INTEGER NOT NULL,
          value       REAL NOT NULL,
          PRIMARY KEY (series_id, ts)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE metric_1m (
          series_id   INTEGER NOT NULL,
          bucket      INTEGER NOT NULL,
          sum         REAL NOT NULL,
          count       INTEGER NOT NULL,
          min         REAL NOT NULL,
          max         REAL NOT NULL,
          PRIMARY KEY (series_id, bucket)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE spend_daily (
          day         TEXT NOT NULL,
          endpoint_id TEXT NOT NULL,
          usd         REAL NOT NULL,
          PRIMARY KEY (day, endpoint_id)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE slo_overrides (
          model       TEXT PRIMARY KEY,
          slo         TEXT NOT NULL,
          updated_at  INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE metric_1h (
          series_id   INTEGER NOT NULL,
          bucket      INTEGER NOT NULL,
          sum         REAL NOT NULL,
          count       INTEGER NOT NULL,
          min         REAL NOT NULL,
          max         REAL NOT NULL,
          PRIMARY KEY (series_id, bucket)
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
  {
    version: 4,
    name: 'spend rollups by dimension and GPU-hours by GPU type',
    up(db) {
      // Issue 4, Spend, "fast at 10,000 endpoints": grouping 10,000 endpoints' hourly rows in
      // SQL reads 7.2 M rows for 30 days (seconds on the core's only thread), so the spend
      // service accrues each tick's spend, tokens and requests per group instead, in 5-minute
      // and 1-hour buckets: the Spend view reads hundreds of rows. `dim` is source, cluster,
      // model, version, or "fleet" (the whole fleet, whose covered_ms is the time ticked).
      // GPU time cannot be read back from spend_per_hour once prices change, so allocated GPUs x
      // tick time accrue per hour and GPU type. Both are rebuildable caches.
      db.exec(`
        CREATE TABLE spend_rollup (
          width       INTEGER NOT NULL,
          dim         TEXT NOT NULL,
          bucket      INTEGER NOT NULL,
          key         TEXT NOT NULL,
          usd         REAL NOT NULL,
          tokens      REAL NOT NULL,
          requests    REAL NOT NULL,
          covered_ms  INTEGER NOT NULL,
          endpoints   INTEGER NOT NULL,
          PRIMARY KEY (width, dim, bucket, key)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE spend_gpu_hours (
          hour        INTEGER NOT NULL,
          gpu_type    TEXT NOT NULL,
          gpu_hours   REAL NOT NULL,
          PRIMARY KEY (hour, gpu_type)
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
  {
    version: 5,
    name: 'metrics: settled hours of 1-minute data as chunks',
    up(db) {
      // One row per series and hour: 60 (sum, count) float64 pairs, count 0 where a minute has no
      // data. A day's chart reads 24 rows, not 1,440 (chart-query benchmark).
      db.exec(`
        CREATE TABLE metric_1m_chunk (
          series_id   INTEGER NOT NULL,
          hour        INTEGER NOT NULL,
          data        BLOB NOT NULL,
          PRIMARY KEY (series_id, hour)
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
  {
    version: 6,
    name: 'terminal sessions and their transcripts',
    up(db) {
      // Transcripts are redacted before they are written and capped per session
      // (transcript_bytes / transcript_truncated); chunks are timestamped for incident review.
      db.exec(`
        CREATE TABLE terminal_session (
          id                    TEXT PRIMARY KEY,
          title                 TEXT NOT NULL,
          shell                 TEXT NOT NULL,
          cwd                   TEXT NOT NULL,
          cols                  INTEGER NOT NULL,
          rows                  INTEGER NOT NULL,
          endpoint_id           TEXT,
          run_id                TEXT,
          created_at            INTEGER NOT NULL,
          exited_at             INTEGER,
          exit_code             INTEGER,
          signal                INTEGER,
          transcript_bytes      INTEGER NOT NULL DEFAULT 0,
          transcript_truncated  INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        CREATE INDEX terminal_session_endpoint ON terminal_session (endpoint_id, created_at);
        CREATE INDEX terminal_session_run ON terminal_session (run_id);
        CREATE TABLE terminal_transcript (
          session_id  TEXT NOT NULL REFERENCES terminal_session (id) ON DELETE CASCADE,
          seq         INTEGER NOT NULL,
          at          INTEGER NOT NULL,
          data        TEXT NOT NULL,
          PRIMARY KEY (session_id, seq)
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
  {
    version: 7,
    name: 'runbook runs, their steps and notes',
    up(db) {
      // Issue 5, guided execution: the run's record is written as it happens. The run row keeps
      // the runbook definition as it was when the run started (`runbook`, JSON) and the resolved
      // parameters, and each step row keeps its rendered command, so a run can be shown and
      // resumed after the file changed or vanished.
      db.exec(`
        CREATE TABLE runbook_run (
          id            TEXT PRIMARY KEY,
          runbook_id    TEXT NOT NULL,
          runbook_title TEXT NOT NULL,
          runbook       TEXT NOT NULL,
          endpoint_id   TEXT,
          actor         TEXT NOT NULL,
          state         TEXT NOT NULL,
          dry_run       INTEGER NOT NULL,
          read_only     INTEGER NOT NULL,
          auto_confirm  INTEGER NOT NULL,
          params        TEXT NOT NULL,
          current_step  INTEGER NOT NULL,
          step_count    INTEGER NOT NULL,
          terminal_id   TEXT,
          started_at    INTEGER NOT NULL,
          updated_at    INTEGER NOT NULL,
          ended_at      INTEGER,
          message       TEXT
        ) STRICT;
        CREATE INDEX runbook_run_started ON runbook_run (started_at);
        CREATE INDEX runbook_run_state ON runbook_run (state);
        CREATE INDEX runbook_run_endpoint ON runbook_run (endpoint_id, started_at);
        CREATE TABLE runbook_step (
          run_id             TEXT NOT NULL REFERENCES runbook_run (id) ON DELETE CASCADE,
          idx                INTEGER NOT NULL,
          title              TEXT NOT NULL,
          kind               TEXT NOT NULL,
          confirm            INTEGER NOT NULL,
          command            TEXT,
          rollback_command   TEXT,
          check_def          TEXT,
          on_failure         TEXT NOT NULL,
          timeout_seconds    REAL NOT NULL,
          state              TEXT NOT NULL,
          exit_code          INTEGER,
          check_ok           INTEGER,
          check_detail       TEXT,
          started_at         INTEGER,
          ended_at           INTEGER,
          output             TEXT NOT NULL DEFAULT '',
          transcript_session TEXT,
          transcript_from    INTEGER,
          transcript_to      INTEGER,
          confirmed_by       TEXT,
          rollback_exit_code INTEGER,
          rollback_state     TEXT,
          PRIMARY KEY (run_id, idx)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE runbook_note (
          id      INTEGER PRIMARY KEY,
          run_id  TEXT NOT NULL REFERENCES runbook_run (id) ON DELETE CASCADE,
          at      INTEGER NOT NULL,
          actor   TEXT NOT NULL,
          text    TEXT NOT NULL
        ) STRICT;
        CREATE INDEX runbook_note_run ON runbook_note (run_id, at);
      `);
    },
  },
  {
    version: 8,
    name: 'rollouts and their decisions',
    up(db) {
      // Issue 6: a rollout's record is written ahead of what it does. `intent` is the traffic
      // action about to be applied (JSON, with `applied` set once the target confirmed it) and
      // `observed_percent` what the target reported after the last applied action, so a restart
      // can tell a step applied from one only intended, and notice a target changed by someone
      // else. `progress` holds where in the current step the engine is (pause deadline,
      // measurement counts). One live rollout per endpoint, enforced by the partial index.
      db.exec(`
        CREATE TABLE rollout (
          id                    TEXT PRIMARY KEY,
          name                  TEXT NOT NULL,
          strategy              TEXT NOT NULL,
          endpoint_id           TEXT NOT NULL,
          candidate_endpoint_id TEXT,
          model                 TEXT NOT NULL,
          cluster               TEXT NOT NULL,
          stable_version        TEXT NOT NULL,
          candidate_version     TEXT NOT NULL,
          state                 TEXT NOT NULL,
          weight                INTEGER NOT NULL,
          step_index            INTEGER NOT NULL,
          step_count            INTEGER NOT NULL,
          last_verdict          TEXT,
          message               TEXT,
          actor                 TEXT NOT NULL,
          plan                  TEXT NOT NULL,
          plan_text             TEXT NOT NULL,
          comparison            TEXT,
          intent                TEXT,
          observed_percent      INTEGER,
          progress              TEXT NOT NULL,
          started_at            INTEGER NOT NULL,
          updated_at            INTEGER NOT NULL,
          ended_at              INTEGER
        ) STRICT;
        CREATE INDEX rollout_started ON rollout (started_at);
        CREATE UNIQUE INDEX rollout_live_endpoint ON rollout (endpoint_id)
          WHERE state IN ('progressing', 'paused', 'promoting', 'aborting');
        CREATE TABLE rollout_decision (
          id           INTEGER PRIMARY KEY,
          rollout_id   TEXT NOT NULL REFERENCES rollout (id) ON DELETE CASCADE,
          at           INTEGER NOT NULL,
          step         TEXT NOT NULL,
          kind         TEXT NOT NULL,
          verdict      TEXT NOT NULL,
          message      TEXT NOT NULL,
          measurements TEXT NOT NULL,
          actor        TEXT NOT NULL,
          weight       INTEGER
        ) STRICT;
        CREATE INDEX rollout_decision_rollout ON rollout_decision (rollout_id, id);
      `);
    },
  },
  {
    version: 9,
    name: 'incidents, their timelines, and self-healing policies',
    up(db) {
      // Issue 7. An incident and each timeline entry are durable (synchronous=FULL). An entry is
      // written with the incident's counters in one transaction, so a crash leaves it whole or
      // absent. `snapshot` holds a chart's data as JSON so it renders with no source at all.
      // `incident_artifact` carries the runs and transcripts of an imported incident (local
      // incidents read them from the runbook and terminal tables).
      db.exec(`
        CREATE TABLE incident (
          id              TEXT PRIMARY KEY,
          title           TEXT NOT NULL,
          severity        TEXT NOT NULL,
          state           TEXT NOT NULL,
          origin          TEXT NOT NULL,
          owner           TEXT,
          group_key       TEXT NOT NULL,
          signals         TEXT NOT NULL,
          started_at      INTEGER NOT NULL,
          detected_at     INTEGER NOT NULL,
          acknowledged_at INTEGER,
          mitigated_at    INTEGER,
          resolved_at     INTEGER,
          updated_at      INTEGER NOT NULL,
          entry_count     INTEGER NOT NULL DEFAULT 0,
          next_seq        INTEGER NOT NULL DEFAULT 1,
          postmortem      TEXT,
          postmortem_at   INTEGER,
          imported_from   TEXT
        ) STRICT;
        CREATE INDEX incident_started ON incident (started_at);
        CREATE INDEX incident_state ON incident (state);
        CREATE TABLE incident_endpoint (
          incident_id TEXT NOT NULL REFERENCES incident (id) ON DELETE CASCADE,
          endpoint_id TEXT NOT NULL,
          name        TEXT NOT NULL,
          model       TEXT NOT NULL,
          version     TEXT NOT NULL,
          cluster     TEXT NOT NULL,
          region      TEXT NOT NULL,
          namespace   TEXT,
          joined_at   INTEGER NOT NULL,
          health      TEXT NOT NULL,
          reason      TEXT NOT NULL,
          PRIMARY KEY (incident_id, endpoint_id)
        ) STRICT;
        CREATE INDEX incident_endpoint_endpoint ON incident_endpoint (endpoint_id);
        CREATE TABLE incident_entry (
          incident_id TEXT NOT NULL REFERENCES incident (id) ON DELETE CASCADE,
          seq         INTEGER NOT NULL,
          at          INTEGER NOT NULL,
          kind        TEXT NOT NULL,
          actor       TEXT NOT NULL,
          endpoint_id TEXT,
          summary     TEXT NOT NULL,
          detail      TEXT NOT NULL,
          snapshot    TEXT,
          ref         TEXT,
          PRIMARY KEY (incident_id, seq)
        ) STRICT;
        CREATE TABLE incident_artifact (
          incident_id TEXT NOT NULL REFERENCES incident (id) ON DELETE CASCADE,
          kind        TEXT NOT NULL,
          key         TEXT NOT NULL,
          body        TEXT NOT NULL,
          PRIMARY KEY (incident_id, kind, key)
        ) STRICT;
        CREATE TABLE healing_policy (
          id         TEXT PRIMARY KEY,
          text       TEXT NOT NULL,
          enabled    INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE healing_action (
          id          TEXT PRIMARY KEY,
          policy_id   TEXT NOT NULL,
          endpoint_id TEXT NOT NULL,
          incident_id TEXT,
          at          INTEGER NOT NULL,
          outcome     TEXT NOT NULL,
          result      TEXT,
          why         TEXT NOT NULL,
          trigger     TEXT NOT NULL,
          run_id      TEXT,
          rollout_id  TEXT,
          message     TEXT
        ) STRICT;
        CREATE INDEX healing_action_at ON healing_action (at);
        CREATE INDEX healing_action_endpoint ON healing_action (endpoint_id, at);
        CREATE TABLE change_freeze (
          id      TEXT PRIMARY KEY,
          from_at INTEGER NOT NULL,
          to_at   INTEGER NOT NULL,
          reason  TEXT NOT NULL,
          actor   TEXT NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 10,
    name: 'a name people give a terminal',
    up(db) {
      // Issue 5: a renamed tab keeps its name across reloads and in the history; null for none.
      db.exec('ALTER TABLE terminal_session ADD COLUMN name TEXT');
    },
  },
];

export const latestSchemaVersion = (list: readonly Migration[] = migrations) =>
  list.reduce((max, m) => Math.max(max, m.version), 0);

export function readSchemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies every migration above the current version, each in its own transaction.
 * Returns the versions applied. The caller refuses databases newer than `latestSchemaVersion`.
 */
export function runMigrations(
  db: Database.Database,
  list: readonly Migration[] = migrations,
  onApplied?: (m: Migration) => void,
): number[] {
  const sorted = [...list].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`Migrations must be numbered 1..n without gaps; found ${m.version} at ${i + 1}`);
  });
  const applied: number[] = [];
  for (const m of sorted) {
    if (m.version <= readSchemaVersion(db)) continue;
    db.transaction(() => {
      m.up(db);
      // user_version lives in the database header and is written inside this transaction.
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
    applied.push(m.version);
    onApplied?.(m);
  }
  return applied;
}
