import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src/core/log/logger';
import { SettingsService } from '../../../../src/core/settings/settings.service';
import { openStore } from '../../../../src/core/store/database';
import { defaultSettings } from '../../../../src/shared/contract/index';
import { freshDir } from '../../../support/tmp';

describe('settings', () => {
  let cleanup: () => void = () => {};
  afterEach(() => cleanup());

  it('starts from the defaults, persists a change across a restart, and audits who changed what', () => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    let store = openStore({ dataDir: tmp.dir, log: silentLogger });
    const first = new SettingsService(store.db, silentLogger);
    expect(first.get()).toEqual(defaultSettings);
    const seen: unknown[] = [];
    first.onChange((s) => seen.push(s.theme));
    expect(first.set({ theme: 'dark', staleAfterSeconds: 120 }, 'alice')).toEqual({
      ...defaultSettings,
      theme: 'dark',
      staleAfterSeconds: 120,
    });
    expect(seen).toEqual(['dark']);
    store.close();

    store = openStore({ dataDir: tmp.dir, log: silentLogger });
    const again = new SettingsService(store.db, silentLogger);
    expect(again.get()).toEqual({ ...defaultSettings, theme: 'dark', staleAfterSeconds: 120 });
    const audit = store.db.prepare('SELECT actor, action, detail FROM audit_log').all();
    expect(audit).toEqual([
      { actor: 'alice', action: 'settings.set', detail: '{"theme":"dark","staleAfterSeconds":120}' },
    ]);
    store.close();
  });

  it('falls back to the default for a stored value that no longer fits the schema, and ignores unknown keys', () => {
    const tmp = freshDir();
    cleanup = tmp.cleanup;
    const store = openStore({ dataDir: tmp.dir, log: silentLogger });
    const insert = store.db.prepare('INSERT INTO settings VALUES (?, ?, 1)');
    insert.run('theme', '"sepia"');
    insert.run('timeFormat', '"12h"');
    insert.run('staleAfterSeconds', 'not json');
    insert.run('removedInV2', '"x"');
    const settings = new SettingsService(store.db, silentLogger).get();
    expect(settings).toEqual({ ...defaultSettings, timeFormat: '12h' });
    store.close();
  });
});
