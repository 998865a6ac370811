import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src/core/log/logger';
import { openStore } from '../../../../src/core/store/database';
import { migrations } from '../../../../src/core/store/migrations';
import { spawnTs, waitForExit, waitForLine } from '../../../support/child';
import { freshDir } from '../../../support/tmp';
import { BIG_ROWS, withBigMigration } from './fixtures/migrations.fixture';

const child = join(import.meta.dirname, 'fixtures', 'open-store.child.ts');

/** Opens the database read-only and reports what a restart would find. */
function inspect(dataDir: string) {
  const db = new Database(join(dataDir, 'fleetdeck.db'));
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    const integrity = db.pragma('integrity_check', { simple: true }) as string;
    const hasBig = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'big'").get() !== undefined;
    const bigRows = hasBig ? (db.prepare('SELECT count(*) AS n FROM big').get() as { n: number }).n : 0;
    return { version, integrity, hasBig, bigRows };
  } finally {
    db.close();
  }
}

describe('a process killed during a migration', () => {
  let cleanup: () => void = () => {};
  afterEach(() => cleanup());

  it('leaves the database at the old version, consistent, when SIGKILL lands mid-migration', async () => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    // First bring it to the real latest version, with a setting that must survive.
    const store = openStore({ dataDir: tmp.dir, log: silentLogger });
    store.db.prepare("INSERT INTO settings VALUES ('theme', '\"dark\"', 1)").run();
    store.close();

    const proc = spawnTs(child, [tmp.dir, 'migrate-big'], {
      env: { ...process.env, FLEETDECK_ANNOUNCE: '1', FLEETDECK_STALL_IN_MIGRATION: '1' },
    });
    await waitForLine(proc, /IN_MIGRATION/);
    proc.kill('SIGKILL');
    expect((await waitForExit(proc)).signal).toBe('SIGKILL');

    const after = inspect(tmp.dir);
    expect(after.integrity).toBe('ok');
    expect(after.version).toBe(migrations.length);
    expect(after.hasBig).toBe(false);

    // A restart opens cleanly at the old version and the earlier data is intact.
    const reopened = openStore({ dataDir: tmp.dir, log: silentLogger });
    expect(reopened.schemaVersion()).toBe(migrations.length);
    expect(reopened.db.prepare("SELECT value FROM settings WHERE key='theme'").get()).toEqual({
      value: '"dark"',
    });
    reopened.close();

    // And the interrupted migration then runs to completion, once.
    const migrated = openStore({ dataDir: tmp.dir, log: silentLogger, migrations: withBigMigration });
    expect(migrated.schemaVersion()).toBe(withBigMigration.length);
    migrated.close();
    expect(inspect(tmp.dir).bigRows).toBe(BIG_ROWS);
  });

  it('is old-or-new, never between, whenever the kill lands (several timings)', async () => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    // Kill at increasing delays after the migration starts; some land before, some after commit.
    for (const delayMs of [0, 5, 25, 60, 120, 250, 500]) {
      const dir = join(tmp.dir, `run-${delayMs}`);
      const proc = spawnTs(child, [dir, 'migrate-big'], { env: { ...process.env, FLEETDECK_ANNOUNCE: '1' } });
      try {
        await waitForLine(proc, /IN_MIGRATION/);
      } catch {
        // It may have finished and exited before we looked; that is a valid "after" case.
      }
      await new Promise((r) => setTimeout(r, delayMs));
      proc.kill('SIGKILL');
      await waitForExit(proc);
      const state = inspect(dir);
      expect(state.integrity).toBe('ok');
      if (state.version === withBigMigration.length) {
        expect(state.bigRows).toBe(BIG_ROWS);
      } else {
        expect(state.version).toBe(migrations.length);
        expect(state.hasBig).toBe(false);
      }
    }
  });
});
