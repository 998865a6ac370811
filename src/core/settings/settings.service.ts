import type Database from 'better-sqlite3';
import {
  defaultSettings,
  settingsSchema,
  type Settings,
  type SettingsPatch,
} from '../../shared/contract/index';
import type { Logger } from '../log/logger';

/**
 * Settings live in SQLite, one row per key with its JSON value. Reads fill in defaults; a
 * stored value that no longer fits the schema (an older version's value) falls back to the
 * default and is logged, rather than breaking start-up.
 */
export class SettingsService {
  private readonly upsert: Database.Statement<[string, string, number]>;
  private readonly audit: Database.Statement<[number, string, string, string]>;
  private cache: Settings | null = null;
  private readonly listeners = new Set<(settings: Settings) => void>();

  constructor(
    private readonly db: Database.Database,
    private readonly log: Logger,
  ) {
    this.upsert = db.prepare(
      'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
    this.audit = db.prepare('INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)');
  }

  get(): Settings {
    if (this.cache) return this.cache;
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as Array<{
      key: string;
      value: string;
    }>;
    const merged: Record<string, unknown> = { ...defaultSettings };
    for (const row of rows) {
      if (!Object.hasOwn(defaultSettings, row.key)) continue;
      try {
        const candidate = { ...merged, [row.key]: JSON.parse(row.value) };
        if (settingsSchema.safeParse(candidate).success) merged[row.key] = candidate[row.key];
        else this.log.warn('stored setting no longer valid; using the default', { key: row.key });
      } catch {
        this.log.warn('stored setting is not JSON; using the default', { key: row.key });
      }
    }
    this.cache = settingsSchema.parse(merged);
    return this.cache;
  }

  /** `patch` has already passed the contract's schema (unknown keys, wrong types refused). */
  set(patch: SettingsPatch, actor: string): Settings {
    const next = settingsSchema.parse({ ...this.get(), ...patch });
    const now = Date.now();
    this.db.transaction(() => {
      for (const [key, value] of Object.entries(patch)) {
        this.upsert.run(key, JSON.stringify(value), now);
      }
      this.audit.run(now, actor, 'settings.set', JSON.stringify(patch));
    })();
    this.cache = next;
    for (const listener of this.listeners) listener(next);
    return next;
  }

  onChange(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
