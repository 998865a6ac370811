import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StoreOpenError, classifyStoreError } from './store-error';

export interface InstanceLock {
  release(): void;
}

/**
 * One running Fleetdeck per data directory. The lock is an OS file lock that SQLite takes on
 * `instance.lock` in exclusive locking mode: the OS drops it when the process dies, so a crash
 * or SIGKILL never leaves a stale lock behind (a plain pid file would).
 */
export function acquireInstanceLock(dataDir: string, nativeBinding?: string): InstanceLock {
  const file = join(dataDir, 'instance.lock');
  const ownerFile = join(dataDir, 'instance.owner');
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { timeout: 0, ...(nativeBinding ? { nativeBinding } : {}) });
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
    db.transaction(() => {
      db!.prepare('DELETE FROM holder').run();
      db!.prepare('INSERT INTO holder VALUES (?)').run(process.pid);
    }).immediate();
  } catch (error) {
    // A half-taken lock (say, the write failed on a full disk) must not stay held by us.
    try {
      db?.close();
    } catch {
      // Closing is best effort; the error below is what the user needs.
    }
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      let owner = '';
      try {
        owner = readFileSync(ownerFile, 'utf8').trim();
      } catch {
        owner = '';
      }
      throw new StoreOpenError(
        'locked',
        join(dataDir, 'fleetdeck.db'),
        `Another Fleetdeck is already running with this data directory${owner ? ` (${owner})` : ''}.`,
        `Switch to the running Fleetdeck, or quit it first; to run a second one side by side, start it with --data-dir pointing at another folder.`,
        error,
      );
    }
    throw classifyStoreError(error, join(dataDir, 'fleetdeck.db'), dataDir);
  }
  try {
    writeFileSync(ownerFile, `pid ${process.pid}, started ${new Date().toISOString()}\n`, { mode: 0o600 });
  } catch {
    // Only used to name the holder in the message above; the lock itself is what counts.
  }
  const held = db;
  return {
    release() {
      try {
        held.close();
      } catch {
        // Closing releases the OS lock; the process exiting would too.
      }
    },
  };
}
