/**
 * Why the database could not be opened, with the file and the way out. The hosts print this
 * (console) or show it in a dialog (desktop) and stop; the file is never overwritten.
 */
export type StoreFailure = 'locked' | 'corrupt' | 'newer' | 'readonly' | 'full' | 'io';

export class StoreOpenError extends Error {
  readonly failure: StoreFailure;
  readonly file: string;
  readonly hint: string;

  constructor(failure: StoreFailure, file: string, message: string, hint: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'StoreOpenError';
    this.failure = failure;
    this.file = file;
    this.hint = hint;
  }

  /** The text a user sees: what failed, which file, what to do. */
  describe(): string {
    return `${this.message}\n  File: ${this.file}\n  What to do: ${this.hint}`;
  }
}

interface SqliteLikeError {
  code?: string;
  message?: string;
}

/** Maps a SQLite or filesystem error onto a StoreOpenError naming the file and the way out. */
export function classifyStoreError(error: unknown, file: string, dataDir: string): StoreOpenError {
  if (error instanceof StoreOpenError) return error;
  const e = (error ?? {}) as SqliteLikeError;
  const code = e.code ?? '';
  const detail = e.message ?? String(error);
  if (
    code === 'SQLITE_FULL' ||
    code === 'ENOSPC' ||
    (code === 'SQLITE_IOERR_WRITE' && /disk|space/i.test(detail))
  ) {
    return new StoreOpenError(
      'full',
      file,
      `The disk holding the Fleetdeck database is full (${detail}).`,
      `Free some space on the disk that holds ${dataDir}, or start with --data-dir pointing at another disk. Nothing was overwritten.`,
      error,
    );
  }
  if (
    code === 'SQLITE_READONLY' ||
    code.startsWith('SQLITE_READONLY') ||
    code === 'EROFS' ||
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'SQLITE_CANTOPEN'
  ) {
    return new StoreOpenError(
      'readonly',
      file,
      `The Fleetdeck database cannot be written: the file or its folder is read-only (${detail}).`,
      `Make ${dataDir} writable by this user (check its permissions and whether the disk is mounted read-only), or start with --data-dir pointing at a writable folder.`,
      error,
    );
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT')) {
    return new StoreOpenError(
      'corrupt',
      file,
      `The Fleetdeck database is damaged and cannot be opened safely (${detail}).`,
      `Quit Fleetdeck, move ${file} (and any -wal/-shm files beside it) to a safe place so it can be inspected or recovered with "sqlite3 .recover", then start again to create a fresh database. Fleetdeck never overwrites it.`,
      error,
    );
  }
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY') || code === 'SQLITE_LOCKED') {
    return new StoreOpenError(
      'locked',
      file,
      `The Fleetdeck database is locked by another process (${detail}).`,
      `Close the other Fleetdeck using ${dataDir}, or start this one with --data-dir pointing at another folder.`,
      error,
    );
  }
  return new StoreOpenError(
    'io',
    file,
    `The Fleetdeck database could not be opened (${detail}).`,
    `Check that ${dataDir} exists, is on a local disk and is writable, or start with --data-dir pointing at another folder.`,
    error,
  );
}
