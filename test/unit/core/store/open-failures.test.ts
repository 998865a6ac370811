import Database from 'better-sqlite3';
import { openSync, readFileSync, writeFileSync, writeSync, closeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src/core/log/logger';
import { openStore } from '../../../../src/core/store/database';
import { StoreOpenError, type StoreFailure } from '../../../../src/core/store/store-error';
import { spawnTs, waitForExit, waitForLine } from '../../../support/child';
import { freshDir } from '../../../support/tmp';
import { canMount, mountTmpfs } from '../../../support/tmpfs';

const holder = join(import.meta.dirname, 'fixtures', 'open-store.child.ts');

function openFailure(dataDir: string): StoreOpenError {
  try {
    openStore({ dataDir, log: silentLogger }).close();
  } catch (error) {
    if (error instanceof StoreOpenError) return error;
    throw error;
  }
  throw new Error('expected the store to refuse to open');
}

function expectClear(error: StoreOpenError, failure: StoreFailure, file: string) {
  expect(error.failure).toBe(failure);
  expect(error.file).toBe(file);
  const text = error.describe();
  expect(text).toContain(file);
  expect(text).toMatch(/What to do: .{20,}/);
}

describe('opening the database when something is wrong', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    while (cleanups.length) cleanups.pop()!();
  });
  const dir = () => {
    const tmp = freshDir();
    cleanups.push(tmp.cleanup);
    return tmp.dir;
  };

  it('refuses a second Fleetdeck on the same data directory and names the running one', async () => {
    const dataDir = dir();
    const proc = spawnTs(holder, [dataDir, 'hold']);
    cleanups.push(() => proc.kill('SIGKILL'));
    await waitForLine(proc, /^OPEN/);

    const error = openFailure(dataDir);
    expectClear(error, 'locked', join(dataDir, 'fleetdeck.db'));
    expect(error.message).toContain('Another Fleetdeck is already running');
    expect(error.message).toContain(`pid ${proc.pid}`);
    expect(error.hint).toContain('--data-dir');
  });

  it('takes over the lock at once after the holder was SIGKILLed (no stale lock)', async () => {
    const dataDir = dir();
    const proc = spawnTs(holder, [dataDir, 'hold']);
    await waitForLine(proc, /^OPEN/);
    proc.kill('SIGKILL');
    await waitForExit(proc);
    const store = openStore({ dataDir, log: silentLogger });
    expect(store.quickCheck()).toBe('ok');
    store.close();
  });

  it('refuses a file that is not a database, and never overwrites it', () => {
    const dataDir = dir();
    const file = join(dataDir, 'fleetdeck.db');
    writeFileSync(file, "this is not sqlite, but it is somebody's data ".repeat(200));
    const before = readFileSync(file);
    const error = openFailure(dataDir);
    expectClear(error, 'corrupt', file);
    expect(error.hint).toContain('move');
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a database whose pages are damaged (quick_check fails), and never overwrites it', () => {
    const dataDir = dir();
    const file = join(dataDir, 'fleetdeck.db');
    const db = new Database(file);
    db.pragma('journal_mode = DELETE');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); CREATE INDEX t_v ON t(v);');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) insert.run(`value-${i}-${'y'.repeat(50)}`);
    })();
    db.close();
    // Scribble over the middle of the file: b-tree pages, not the header.
    const fd = openSync(file, 'r+');
    const junk = Buffer.alloc(4096, 0xa5);
    writeSync(fd, junk, 0, junk.length, 4096 * 6);
    writeSync(fd, junk, 0, junk.length, 4096 * 20);
    closeSync(fd);
    const before = readFileSync(file);

    const error = openFailure(dataDir);
    expectClear(error, 'corrupt', file);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it.runIf(canMount)('says the disk is read-only and leaves the existing database as it was', () => {
    const fs = mountTmpfs(4096);
    cleanups.push(() => fs.unmount());
    const dataDir = join(fs.dir, 'data');
    const store = openStore({ dataDir, log: silentLogger });
    store.db.prepare("INSERT INTO settings VALUES ('theme', '\"dark\"', 1)").run();
    store.close();
    const before = readFileSync(join(dataDir, 'fleetdeck.db'));
    fs.remount('ro');

    const error = openFailure(dataDir);
    expectClear(error, 'readonly', join(dataDir, 'fleetdeck.db'));
    expect(error.hint).toMatch(/writable|read-only/);
    expect(readFileSync(join(dataDir, 'fleetdeck.db')).equals(before)).toBe(true);
  });

  it.runIf(canMount)('says the disk is full, keeps what was saved, and opens once space is freed', () => {
    const fs = mountTmpfs(2048);
    cleanups.push(() => fs.unmount());
    const dataDir = join(fs.dir, 'data');
    // A database at an old version with a setting, so opening it must write (migrate).
    const store = openStore({ dataDir, log: silentLogger, migrations: [] as never });
    store.close();
    const old = new Database(join(dataDir, 'fleetdeck.db'));
    old.exec("CREATE TABLE keepme (v TEXT); INSERT INTO keepme VALUES ('precious');");
    old.close();
    // Fill the disk to the last byte.
    const filler = join(fs.dir, 'filler');
    const fd = openSync(filler, 'w');
    const block = Buffer.alloc(4096, 1);
    try {
      for (;;) writeSync(fd, block);
    } catch {
      // ENOSPC: full.
    }
    try {
      for (;;) writeSync(fd, Buffer.alloc(1, 1));
    } catch {
      // ENOSPC to the byte.
    }
    closeSync(fd);

    const error = openFailure(dataDir);
    expect(['full', 'io']).toContain(error.failure);
    expect(error.failure).toBe('full');
    expect(error.describe()).toContain(join(dataDir, 'fleetdeck.db'));
    expect(error.hint).toMatch(/Free some space/);

    writeFileSync(filler, '');
    const reopened = openStore({ dataDir, log: silentLogger });
    expect(reopened.db.prepare('SELECT v FROM keepme').get()).toEqual({ v: 'precious' });
    expect(reopened.quickCheck()).toBe('ok');
    reopened.close();
    expect(existsSync(join(dataDir, 'fleetdeck.db'))).toBe(true);
  });
});
