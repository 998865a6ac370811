import Database from 'better-sqlite3';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log/logger';
import { acquireInstanceLock, type InstanceLock } from './instance-lock';
import {
  latestSchemaVersion,
  migrations as defaultMigrations,
  readSchemaVersion,
  runMigrations,
  type Migration,
} from './migrations';
import { StoreOpenError, classifyStoreError } from './store-error';

export interface OpenStoreOptions {
  dataDir: string;
  log: Logger;
  /** Only tests pass their own list. */
  migrations?: readonly Migration[];
  /** Electron builds of better-sqlite3 live apart from the Node build (scripts/postinstall.mjs). */
  nativeBinding?: string;
}

export interface Store {
  readonly db: Database.Database;
  readonly file: string;
  readonly dataDir: string;
  schemaVersion(): number;
  sqliteVersion(): string;
  quickCheck(): string;
  close(): void;
}

export const DATABASE_FILE = 'fleetdeck.db';

/**
 * Opens the one writer connection: instance lock, WAL, synchronous=FULL, quick_check, refuse a
 * newer schema, then migrate. Any failure is a StoreOpenError naming the file and the way out,
 * and nothing on disk is replaced.
 */
export function openStore(options: OpenStoreOptions): Store {
  const { dataDir, log } = options;
  const file = join(dataDir, DATABASE_FILE);
  const list = options.migrations ?? defaultMigrations;

  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw classifyStoreError(error, file, dataDir);
  }

  const lock: InstanceLock = acquireInstanceLock(dataDir, options.nativeBinding);
  let db: Database.Database | null = null;
  try {
    const existed = fileSize(file) > 0;
    db = new Database(file, {
      timeout: 5000,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
    // Check an existing file before anything writes to it. (A brand-new file has nothing to
    // check, and quick_check on an empty file before the switch to WAL leaves a schema lock
    // that later fails the closing checkpoint with SQLITE_LOCKED.)
    const quick = existed ? (db.pragma('quick_check', { simple: true }) as string) : 'ok';
    if (quick !== 'ok') {
      throw new StoreOpenError(
        'corrupt',
        file,
        `The Fleetdeck database failed its integrity check: ${quick}.`,
        `Quit Fleetdeck, move ${file} (and any -wal/-shm files beside it) to a safe place so it can be inspected or recovered with "sqlite3 .recover", then start again to create a fresh database. Fleetdeck never overwrites it.`,
      );
    }
    const found = readSchemaVersion(db);
    const latest = latestSchemaVersion(list);
    if (found > latest) {
      throw new StoreOpenError(
        'newer',
        file,
        `This database was written by a newer Fleetdeck (schema ${found}; this version understands up to ${latest}).`,
        `Upgrade Fleetdeck to the version that wrote it, or start with --data-dir pointing at another folder. The database was left untouched.`,
      );
    }
    const mode = db.pragma('journal_mode = WAL', { simple: true }) as string;
    if (mode !== 'wal') log.warn('SQLite did not switch to WAL', { mode, file });
    // Durable data (audit log, incidents, runs) must survive power loss: FULL, not the
    // NORMAL that better-sqlite3 defaults WAL databases to (reference/performance-and-safety.md).
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const applied = runMigrations(db, list, (m) =>
      log.info('migration applied', { version: m.version, name: m.name }),
    );
    if (applied.length > 0) log.info('database migrated', { from: found, to: readSchemaVersion(db), file });
  } catch (error) {
    try {
      db?.close();
    } catch {
      // Already failing; the original error is what the user needs.
    }
    lock.release();
    throw classifyStoreError(error, file, dataDir);
  }

  const openDb = db;
  return {
    db: openDb,
    file,
    dataDir,
    schemaVersion: () => readSchemaVersion(openDb),
    sqliteVersion: () => (openDb.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
    quickCheck: () => openDb.pragma('quick_check', { simple: true }) as string,
    close() {
      try {
        if (openDb.open) {
          openDb.pragma('wal_checkpoint(TRUNCATE)');
          openDb.close();
        }
      } finally {
        lock.release();
      }
    },
  };
}

export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
