import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ELECTRON_BINDING,
  ELECTRON_BUILD_STAMP,
  chooseNativeBinding,
} from '../../../electron/main/native-binding';
import { silentLogger } from '../../../src/core/log/logger';
import { startCore } from '../../../src/core/core';
import { freshDir } from '../../support/tmp';

const require = createRequire(import.meta.url);
let root: string;
let cleanup: () => void;

beforeEach(() => {
  ({ dir: root, cleanup } = freshDir('fleetdeck-native-'));
});
afterEach(() => cleanup());

/** Lays out an "Electron build" the way scripts/postinstall.mjs does, using Node's own binary. */
function layOutBuild(stamp: Record<string, unknown> | null) {
  const binding = join(root, ELECTRON_BINDING);
  mkdirSync(dirname(binding), { recursive: true });
  const nodeBuild = join(
    dirname(require.resolve('better-sqlite3/package.json')),
    'build',
    'Release',
    'better_sqlite3.node',
  );
  copyFileSync(nodeBuild, binding);
  if (stamp) writeFileSync(join(root, ELECTRON_BUILD_STAMP), JSON.stringify(stamp));
  return binding;
}

describe('choosing the better-sqlite3 binary for the desktop core', () => {
  it('uses the in-place rebuild in a packaged app', () => {
    expect(chooseNativeBinding({ appRoot: root, isPackaged: true, electronVersion: '40.10.2' })).toEqual({
      kind: 'packaged',
    });
  });

  it('reports a missing Electron build with the way to fix it', () => {
    const choice = chooseNativeBinding({ appRoot: root, isPackaged: false, electronVersion: '40.10.2' });
    expect(choice.kind).toBe('missing');
    expect(choice.kind === 'missing' && choice.problem).toMatch(/scripts\/postinstall\.mjs/);
  });

  it('refuses a build made for another Electron version, naming both', () => {
    layOutBuild({ electron: '39.0.0' });
    const choice = chooseNativeBinding({ appRoot: root, isPackaged: false, electronVersion: '40.10.2' });
    expect(choice.kind === 'missing' && choice.problem).toMatch(/Electron 39\.0\.0.*Electron 40\.10\.2/);
    layOutBuild(null);
    expect(chooseNativeBinding({ appRoot: root, isPackaged: false, electronVersion: '40.10.2' }).kind).toBe(
      'missing',
    );
  });

  it('picks the matching build, and the core really loads that file', async () => {
    const binding = layOutBuild({ electron: '40.10.2' });
    const choice = chooseNativeBinding({ appRoot: root, isPackaged: false, electronVersion: '40.10.2' });
    expect(choice).toEqual({ kind: 'electron-build', binding });

    const data = freshDir('fleetdeck-native-data-');
    const core = startCore({ dataDir: data.dir, host: 'desktop', log: silentLogger, nativeBinding: binding });
    try {
      expect(Object.keys(require.cache)).toContain(binding);
      const info = await core.call('app.info', {}, { actor: 'test', host: 'desktop' });
      expect(info.ok).toBe(true);
    } finally {
      await core.close();
      data.cleanup();
    }
  });
});
