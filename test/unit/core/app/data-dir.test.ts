import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, resolveDataDir } from '../../../../src/core/app/data-dir';

describe('the data directory', () => {
  it('uses the per-OS application-data folder by default', () => {
    expect(defaultDataDir('linux', {}, '/home/ana')).toBe('/home/ana/.config/Fleetdeck');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/x/cfg' }, '/home/ana')).toBe('/x/cfg/Fleetdeck');
    expect(defaultDataDir('darwin', {}, '/Users/ana')).toBe(
      '/Users/ana/Library/Application Support/Fleetdeck',
    );
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'C:\\Users\\ana')).toBe(
      join('C:\\Users\\ana\\AppData\\Roaming', 'Fleetdeck'),
    );
  });

  it('prefers --data-dir over FLEETDECK_DATA_DIR over the default', () => {
    const env = { FLEETDECK_DATA_DIR: '/from/env' };
    expect(resolveDataDir({ argv: ['node', 'x', '--data-dir', '/from/flag'], env })).toBe('/from/flag');
    expect(resolveDataDir({ argv: ['node', 'x', '--data-dir=rel/dir'], env })).toBe(resolve('rel/dir'));
    expect(resolveDataDir({ argv: ['node', 'x'], env })).toBe('/from/env');
    expect(resolveDataDir({ argv: ['node', 'x'], env: {}, platform: 'linux', home: '/h' })).toBe(
      '/h/.config/Fleetdeck',
    );
  });
});
