import { join } from 'node:path';
import type { AppHealth, AppInfo, AppStatus, HealthCheck } from '../../shared/contract/index';
import { fileSize, type Store } from '../store/database';
import { latestSchemaVersion } from '../store/migrations';
import { version } from './version';

export interface AppServiceOptions {
  store: Store;
  host: 'desktop' | 'console';
  electronVersion: string | null;
  startedAt: number;
}

/** app.info, app.health and the app.status event: what the About/Health view and status bar show. */
export class AppService {
  private dataFreshAt: number | null = null;
  private lastDatabase: AppStatus['database'] = { status: 'ok', detail: 'not checked yet' };

  constructor(private readonly options: AppServiceOptions) {}

  info(): AppInfo {
    const { store } = this.options;
    return {
      name: 'Fleetdeck',
      version,
      host: this.options.host,
      platform: `${process.platform}-${process.arch}`,
      nodeVersion: process.versions.node,
      electronVersion: this.options.electronVersion,
      sqliteVersion: store.sqliteVersion(),
      dataDir: store.dataDir,
      databaseFile: store.file,
      startedAt: this.options.startedAt,
    };
  }

  health(): AppHealth {
    const { store } = this.options;
    const checks: HealthCheck[] = [];
    let quickCheck = 'not run';
    try {
      quickCheck = store.quickCheck();
      checks.push({
        name: 'Database integrity (quick_check)',
        status: quickCheck === 'ok' ? 'ok' : 'error',
        detail: quickCheck === 'ok' ? 'No problems found.' : quickCheck,
      });
    } catch (error) {
      quickCheck = (error as Error).message;
      checks.push({ name: 'Database integrity (quick_check)', status: 'error', detail: quickCheck });
    }
    const journalMode = String(store.db.pragma('journal_mode', { simple: true }));
    checks.push({
      name: 'Write-ahead log',
      status: journalMode === 'wal' ? 'ok' : 'warning',
      detail: journalMode === 'wal' ? 'Enabled.' : `Journal mode is ${journalMode}; expected wal.`,
    });
    const schemaVersion = store.schemaVersion();
    const latest = latestSchemaVersion();
    checks.push({
      name: 'Schema version',
      status: schemaVersion === latest ? 'ok' : 'error',
      detail: `${schemaVersion} of ${latest}.`,
    });
    const fk = store.db.pragma('foreign_key_check') as unknown[];
    checks.push({
      name: 'Foreign keys',
      status: fk.length === 0 ? 'ok' : 'warning',
      detail: fk.length === 0 ? 'Consistent.' : `${fk.length} dangling references.`,
    });
    const walBytes = fileSize(`${store.file}-wal`);
    // A WAL that keeps growing means checkpoints are starved by readers (performance-and-safety.md).
    checks.push({
      name: 'WAL size',
      status: walBytes < 64 * 1024 * 1024 ? 'ok' : 'warning',
      detail: `${(walBytes / 1024).toFixed(0)} KiB.`,
    });
    const worst = checks.some((c) => c.status === 'error')
      ? 'error'
      : checks.some((c) => c.status === 'warning')
        ? 'warning'
        : 'ok';
    this.lastDatabase = {
      status: worst,
      detail: worst === 'ok' ? 'Database healthy' : (checks.find((c) => c.status !== 'ok')?.detail ?? ''),
    };
    return {
      status: worst,
      checkedAt: Date.now(),
      database: {
        file: store.file,
        schemaVersion,
        sizeBytes: fileSize(store.file),
        walBytes,
        journalMode,
        quickCheck,
      },
      checks,
    };
  }

  /** Providers call this when live data arrives (data plane issue). */
  markFresh(at: number = Date.now()): void {
    this.dataFreshAt = Math.max(this.dataFreshAt ?? 0, at);
  }

  status(): AppStatus {
    return {
      at: Date.now(),
      dataDir: this.options.store.dataDir,
      database: this.lastDatabase,
      dataFreshAt: this.dataFreshAt,
    };
  }

  logDir(): string {
    return join(this.options.store.dataDir, 'logs');
  }
}
