import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';

const KEY = 'install_id';

/**
 * This data directory's install id: made once, kept in app_meta, written into every export as
 * `exportedBy` and kept as `importedFrom` on the other side. Random, so it says nothing about
 * the machine or the person (no hostname, no user name).
 */
export function installId(db: Database.Database): string {
  const read = () =>
    (db.prepare('SELECT value FROM app_meta WHERE key = ?').get(KEY) as { value: string } | undefined)?.value;
  const existing = read();
  if (existing) return existing;
  // INSERT OR IGNORE: two first exports at once still agree on one id.
  db.prepare('INSERT OR IGNORE INTO app_meta (key, value) VALUES (?, ?)').run(
    KEY,
    `fleetdeck-${randomBytes(8).toString('hex')}`,
  );
  return read()!;
}
