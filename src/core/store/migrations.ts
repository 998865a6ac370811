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
        -- Settled hours of 1-minute data, one row per series and hour: 60 (sum, count) float64
        -- pairs, count 0 where a minute has no data. A day's chart reads 24 rows, not 1,440.
        CREATE TABLE metric_1m_chunk (
          series_id   INTEGER NOT NULL,
          hour        INTEGER NOT NULL,
          data        BLOB NOT NULL,
          PRIMARY KEY (series_id, hour)
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
    name: 'spend: GPU-hours by GPU type',
    up(db) {
      // GPU time cannot be read back from spend_per_hour once prices change, and the canonical
      // metric list stays fixed, so the spend service accrues allocated GPUs x tick time per
      // hour and GPU type here (issue 4, "GPU-hours by GPU type"). A rebuildable cache.
      db.exec(`
        CREATE TABLE spend_gpu_hours (
          hour        INTEGER NOT NULL,
          gpu_type    TEXT NOT NULL,
          gpu_hours   REAL NOT NULL,
          PRIMARY KEY (hour, gpu_type)
        ) STRICT, WITHOUT ROWID;
      `);
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
