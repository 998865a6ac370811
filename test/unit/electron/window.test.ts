import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appPaths } from '../../../electron/main/app-paths';
import { createMainWindow } from '../../../electron/main/window';
import {
  DEFAULT_WINDOW_STATE,
  WINDOW_STATE_FILE,
  loadWindowState,
  parseWindowState,
} from '../../../electron/main/window-state';
import { freshDir } from '../../support/tmp';
import type { FakeBrowserWindow } from './fake-electron';
import { fakeElectron, resetFakeElectron } from './fake-electron';
import { logSpy } from './log-spy';

vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron);

const paths = appPaths('/opt/fleetdeck');
let dataDir: string;
let cleanup: () => void;

beforeEach(() => {
  resetFakeElectron();
  ({ dir: dataDir, cleanup } = freshDir('fleetdeck-window-'));
});
afterEach(() => cleanup());

function open(devServerUrl: string | null = null) {
  return createMainWindow({ paths, devServerUrl, dataDir, log: logSpy() }) as unknown as FakeBrowserWindow;
}

describe('main window', () => {
  it('uses the secure web preferences', () => {
    const prefs = open().options.webPreferences;
    expect(prefs.sandbox).toBe(true);
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.webSecurity).not.toBe(false);
    expect(prefs.allowRunningInsecureContent).not.toBe(true);
    expect(prefs.webviewTag).not.toBe(true);
    expect(prefs.preload).toMatch(/[/\\]out[/\\]preload[/\\]index\.cjs$/);
  });

  it('loads the built renderer from file:// in production', () => {
    const win = open();
    expect(win.loaded).toEqual([paths.rendererIndex]);
    expect(win.webContents.mainFrame.url).toMatch(/^file:\/\/.*\/out\/renderer\/index\.html$/);
  });

  it('loads the dev server URL when electron-vite gives one', () => {
    expect(open('http://localhost:5173/').loaded).toEqual(['http://localhost:5173/']);
  });

  it('starts hidden and shows once painted', () => {
    const win = open();
    expect(win.options.show).toBe(false);
    expect(win.listenerCount('ready-to-show')).toBe(1);
  });
});

describe('window state', () => {
  it('remembers size, position and maximized across runs in <dataDir>/window-state.json', () => {
    const first = open();
    first.bounds = { x: 200, y: 150, width: 1400, height: 900 };
    first.maximized = true;
    first.close();
    const file = join(dataDir, WINDOW_STATE_FILE);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      version: 1,
      x: 200,
      y: 150,
      width: 1400,
      height: 900,
    });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);

    resetFakeElectron();
    const second = open();
    expect(second.options).toMatchObject({ x: 200, y: 150, width: 1400, height: 900 });
    expect(second.maximized).toBe(true);
  });

  it('opens with defaults when there is no file, or it is malformed', () => {
    expect(open().options).toMatchObject({
      width: DEFAULT_WINDOW_STATE.width,
      height: DEFAULT_WINDOW_STATE.height,
    });
    writeFileSync(join(dataDir, WINDOW_STATE_FILE), '{ not json');
    const log = logSpy();
    expect(loadWindowState(dataDir, [{ x: 0, y: 0, width: 1920, height: 1080 }], log)).toEqual(
      DEFAULT_WINDOW_STATE,
    );
    expect(log.warnings()).toHaveLength(1);
  });

  const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  it('rejects values of the wrong type, size or version', () => {
    for (const bad of [
      null,
      'x',
      { version: 2, width: 1000, height: 700, maximized: false },
      { version: 1, width: '1000', height: 700, maximized: false },
      { version: 1, width: 10, height: 10, maximized: false },
      { version: 1, width: 1e9, height: 700, maximized: false },
      { version: 1, width: 1000.5, height: 700, maximized: false },
      { version: 1, width: 1000, height: 700, maximized: 'yes' },
      { version: 1, width: 1000, height: 700, x: Number.NaN, y: 0, maximized: false },
    ]) {
      expect(parseWindowState(bad, screen), JSON.stringify(bad)).toEqual(DEFAULT_WINDOW_STATE);
    }
  });

  it('drops a position that is off every display but keeps the size', () => {
    const offScreen = { version: 1, x: 5000, y: 4000, width: 1000, height: 700, maximized: false };
    expect(parseWindowState(offScreen, screen)).toEqual({ width: 1000, height: 700, maximized: false });
    // Only a sliver on screen is as good as off screen: the title bar must be reachable.
    const sliver = { ...offScreen, x: 1900, y: 100 };
    expect(parseWindowState(sliver, screen)).not.toHaveProperty('x');
    // On a second display it is kept.
    const twoScreens = [...screen, { x: 1920, y: 0, width: 2560, height: 1440 }];
    expect(parseWindowState({ ...offScreen, x: 2500, y: 100 }, twoScreens)).toMatchObject({
      x: 2500,
      y: 100,
    });
  });

  it('never opens larger than the largest display', () => {
    const huge = { version: 1, x: 0, y: 0, width: 8000, height: 5000, maximized: false };
    expect(parseWindowState(huge, screen)).toMatchObject({ width: 1920, height: 1080 });
  });

  it('ignores an off-screen position end to end', () => {
    writeFileSync(
      join(dataDir, WINDOW_STATE_FILE),
      JSON.stringify({ version: 1, x: -9000, y: -9000, width: 1100, height: 750, maximized: false }),
    );
    const win = open();
    expect(win.options).toMatchObject({ width: 1100, height: 750 });
    expect(win.options).not.toHaveProperty('x');
    expect(existsSync(join(dataDir, WINDOW_STATE_FILE))).toBe(true);
    expect(fakeElectron.screen.getAllDisplays()).toHaveLength(1);
  });
});
