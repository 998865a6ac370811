import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/log/logger';
import { startCore, type Core } from '../../../src/core/core';
import type { EventMessage } from '../../../src/shared/contract/index';
import { freshDir } from '../../support/tmp';

describe('the core, started on a fresh data directory', () => {
  let core: Core | null = null;
  let cleanup: () => void = () => {};
  afterEach(async () => {
    await core?.close();
    core = null;
    cleanup();
  });

  it('answers app.info with the real SQLite version and its data directory', async () => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    core = startCore({ dataDir: tmp.dir, host: 'console', log: silentLogger });
    const reply = await core.call('app.info', {}, { actor: 't', host: 'console' });
    const mem = new Database(':memory:');
    const sqlite = (mem.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    mem.close();
    expect(reply).toMatchObject({
      ok: true,
      result: { name: 'Fleetdeck', host: 'console', sqliteVersion: sqlite, dataDir: tmp.dir },
    });
    // better-sqlite3 >= 12.8 bundles SQLite 3.51.3 with the WAL-reset fix (performance-and-safety.md).
    const [maj, min, patch] = sqlite.split('.').map(Number) as [number, number, number];
    expect(maj * 1e6 + min * 1e3 + patch).toBeGreaterThanOrEqual(3_051_003);
  });

  it('reports a healthy database and pushes app.status to a new subscriber at once', async () => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    core = startCore({ dataDir: tmp.dir, host: 'console', log: silentLogger });
    const health = await core.call('app.health', {}, { actor: 't', host: 'console' });
    expect(health).toMatchObject({
      ok: true,
      result: { status: 'ok', database: { quickCheck: 'ok', journalMode: 'wal' } },
    });
    const first = await new Promise<EventMessage>((resolve) => {
      const off = core!.subscribe((m) => {
        off();
        resolve(m);
      });
    });
    expect(first).toMatchObject({
      event: 'app.status',
      payload: { dataDir: tmp.dir, database: { status: 'ok' }, dataFreshAt: null },
    });
  });
});
