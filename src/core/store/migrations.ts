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
    if (m.version !== i + 1) throw new Error(`Migrations must be numbered 1..n without gaps; found ${m.version} at ${i + 1}`);
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
