import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src/core/log/logger';
import { openStore } from '../../../../src/core/store/database';
import {
  latestSchemaVersion,
  migrations,
  readSchemaVersion,
  runMigrations,
  type Migration,
} from '../../../../src/core/store/migrations';
import { StoreOpenError } from '../../../../src/core/store/store-error';
import { freshDir } from '../../../support/tmp';

const tables = (db: Database.Database) =>
  (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{
      name: string;
    }>
  ).map((r) => r.name);

describe('schema migrations', () => {
  let cleanup: () => void = () => {};
  afterEach(() => cleanup());

  it('migrates an empty data directory to the latest version with WAL and synchronous=FULL', () => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    const store = openStore({ dataDir: tmp.dir, log: silentLogger });
    try {
      expect(store.schemaVersion()).toBe(latestSchemaVersion());
      expect(tables(store.db)).toEqual(expect.arrayContaining(['settings', 'app_meta', 'audit_log']));
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      // 2 = FULL: durable data must survive power loss.
      expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    } finally {
      store.close();
    }
  });

  it.each(Array.from({ length: latestSchemaVersion() }, (_, v) => v))(
    'upgrades a database at version %i to the latest and keeps its data',
    (from) => {
      const tmp = freshDir();
      cleanup = tmp.cleanup;
      const file = join(tmp.dir, 'fleetdeck.db');
      const old = new Database(file);
      runMigrations(old, migrations.slice(0, from));
      expect(readSchemaVersion(old)).toBe(from);
      if (from >= 1) old.prepare("INSERT INTO settings VALUES ('theme', '\"dark\"', 1)").run();
      old.close();

      const store = openStore({ dataDir: tmp.dir, log: silentLogger });
      try {
        expect(store.schemaVersion()).toBe(latestSchemaVersion());
        if (from >= 1)
          expect(store.db.prepare("SELECT value FROM settings WHERE key = 'theme'").get()).toEqual({
            value: '"dark"',
          });
      } finally {
        store.close();
      }
    },
  );

  it('refuses a database from a newer Fleetdeck and leaves the file byte for byte untouched', () => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    const file = join(tmp.dir, 'fleetdeck.db');
    const db = new Database(file);
    db.pragma('journal_mode = DELETE');
    db.exec('CREATE TABLE future_thing (x)');
    db.pragma(`user_version = ${latestSchemaVersion() + 5}`);
    db.close();
    const before = readFileSync(file);

    let caught: unknown;
    try {
      openStore({ dataDir: tmp.dir, log: silentLogger });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StoreOpenError);
    const e = caught as StoreOpenError;
    expect(e.failure).toBe('newer');
    expect(e.message).toContain(`schema ${latestSchemaVersion() + 5}`);
    expect(e.describe()).toContain(file);
    expect(e.hint).toMatch(/Upgrade Fleetdeck|--data-dir/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('rolls a failing migration back whole: no half-made tables, version unchanged', () => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    const db = new Database(join(tmp.dir, 'x.db'));
    const failing: Migration = {
      version: migrations.length + 1,
      name: 'fails half way',
      up(d) {
        d.exec('CREATE TABLE half_made (x)');
        throw new Error('boom half way');
      },
    };
    runMigrations(db, migrations);
    expect(() => runMigrations(db, [...migrations, failing])).toThrow('boom half way');
    expect(readSchemaVersion(db)).toBe(migrations.length);
    expect(tables(db)).not.toContain('half_made');
    db.close();
  });

  it('rejects a migration list with gaps, so a missing migration cannot go unnoticed', () => {
    const db = new Database(':memory:');
    const gap: Migration = { version: migrations.length + 2, name: 'gap', up() {} };
    expect(() => runMigrations(db, [...migrations, gap])).toThrow(/without gaps/);
    db.close();
  });
});
