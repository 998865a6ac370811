import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runDesktopApp, type DesktopApp } from '../../../electron/main/desktop-app';
import { startCore } from '../../../src/core/core';
import { silentLogger } from '../../../src/core/log/logger';
import { IPC_EVENTS_LISTEN, ipcCommandChannel } from '../../../src/shared/api/bridge';
import type { CommandEnvelope } from '../../../src/shared/api/fleet-api';
import { commandNames } from '../../../src/shared/contract/index';
import { freshDir } from '../../support/tmp';
import { FakeBrowserWindow, fakeElectron, fakeEvent, resetFakeElectron } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron);

let dir: string;
let cleanup: () => void;
let running: DesktopApp | null = null;

beforeEach(() => {
  resetFakeElectron();
  ({ dir, cleanup } = freshDir('fleetdeck-desktop-'));
  // The app root holds resources/ (the core reads its price tables there), as a packaged app does.
  fakeElectron.app.appPath = join(dir, 'app');
  mkdirSync(fakeElectron.app.appPath);
  symlinkSync(
    resolve(import.meta.dirname, '..', '..', '..', 'resources'),
    join(fakeElectron.app.appPath, 'resources'),
  );
});
afterEach(async () => {
  await running?.core.close();
  running = null;
  cleanup();
});

const start = (dataDir = join(dir, 'data')) =>
  runDesktopApp({
    argv: ['electron', '.', '--no-demo', '--data-dir', dataDir],
    env: {},
    handleSignals: false,
  });

describe('desktop app lifecycle', () => {
  it('starts the core on --data-dir, sets userData to it, and opens one secure window', async () => {
    running = await start();
    expect(running).not.toBeNull();
    const dataDir = join(dir, 'data');
    expect(running!.dataDir).toBe(dataDir);
    expect(fakeElectron.app.paths.get('userData')).toBe(dataDir);
    expect(fakeElectron.app.paths.get('sessionData')).toBe(join(dataDir, 'chromium'));
    expect(existsSync(join(dataDir, 'fleetdeck.db'))).toBe(true);

    expect(FakeBrowserWindow.all).toHaveLength(1);
    const win = FakeBrowserWindow.all[0]!;
    expect(win.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
    expect(win.loaded).toEqual([join(dir, 'app', 'out', 'renderer', 'index.html')]);
  });

  it('installs the session rules, hardens the window and registers the IPC commands', async () => {
    running = await start();
    const ses = fakeElectron.session.defaultSession;
    expect(ses.headersListener).not.toBeNull();
    expect(ses.permissionRequestHandler).not.toBeNull();
    expect(ses.permissionCheckHandler).not.toBeNull();
    const win = FakeBrowserWindow.all[0]!;
    expect(win.webContents.windowOpenHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    // One handler per command, plus the terminal streams' open, frame and close, and the event filter.
    expect(fakeElectron.ipcMain.handlers.size).toBe(commandNames.length + 4);
    expect(fakeElectron.ipcMain.handlers.has(IPC_EVENTS_LISTEN)).toBe(true);

    // A call from the window's own main frame reaches the core end to end.
    const event = {
      sender: win.webContents,
      senderFrame: win.webContents.mainFrame,
    } as unknown as IpcMainInvokeEvent;
    const handler = fakeElectron.ipcMain.handlers.get(ipcCommandChannel('app.info'))!;
    const info = (await handler(event, {})) as CommandEnvelope;
    expect(info).toMatchObject({ ok: true, result: { host: 'desktop', dataDir: running!.dataDir } });
  });

  it('focuses the running window when a second instance starts', async () => {
    running = await start();
    const win = FakeBrowserWindow.all[0]!;
    win.minimized = true;
    fakeElectron.app.emit('second-instance', fakeEvent({}), ['electron', '.'], dir);
    expect(win.minimized).toBe(false);
    expect(win.focused).toBe(1);
    expect(FakeBrowserWindow.all).toHaveLength(1);
  });

  it('as the second instance, quits without touching the database', async () => {
    fakeElectron.app.singleInstance = false;
    expect(await start()).toBeNull();
    expect(fakeElectron.app.quit).toHaveBeenCalled();
    expect(FakeBrowserWindow.all).toHaveLength(0);
    expect(existsSync(join(dir, 'data', 'fleetdeck.db'))).toBe(false);
  });

  it('closes the core before quitting', async () => {
    running = await start();
    const core = running!.core;
    const quitting = fakeEvent({});
    fakeElectron.app.emit('will-quit', quitting);
    expect(quitting.defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(fakeElectron.app.quit).toHaveBeenCalled());
    expect(core.store.db.open).toBe(false);
    expect(fakeElectron.ipcMain.handlers.size).toBe(0);
    // The quit that follows goes through.
    const again = fakeEvent({});
    fakeElectron.app.emit('will-quit', again);
    expect(again.defaultPrevented).toBe(false);
  });

  it('quits when the last window closes (except on macOS)', async () => {
    running = await start();
    FakeBrowserWindow.all[0]!.close();
    fakeElectron.app.emit('window-all-closed');
    if (process.platform === 'darwin') expect(fakeElectron.app.quit).not.toHaveBeenCalled();
    else expect(fakeElectron.app.quit).toHaveBeenCalled();
  });
});

describe('desktop app startup failures', () => {
  it('shows the StoreOpenError text and exits 1 when the data directory is unusable', async () => {
    const notADir = join(dir, 'file');
    writeFileSync(notADir, 'x');
    expect(await start(notADir)).toBeNull();
    expect(fakeElectron.dialog.showErrorBox).toHaveBeenCalledTimes(1);
    const [title, text] = fakeElectron.dialog.showErrorBox.mock.calls[0]!;
    expect(title).toBe('Fleetdeck cannot start');
    expect(text).toContain(join(notADir, 'fleetdeck.db'));
    expect(text).toMatch(/What to do: /);
    expect(fakeElectron.app.exit).toHaveBeenCalledWith(1);
    expect(FakeBrowserWindow.all).toHaveLength(0);
    expect(fakeElectron.ipcMain.handlers.size).toBe(0);
  });

  it('names the other running Fleetdeck when the database is locked', async () => {
    const dataDir = join(dir, 'data');
    const other = startCore({ dataDir, host: 'console', log: silentLogger });
    try {
      expect(await start(dataDir)).toBeNull();
      const [, text] = fakeElectron.dialog.showErrorBox.mock.calls[0]!;
      expect(text).toMatch(/Another Fleetdeck is already running/);
      expect(fakeElectron.app.exit).toHaveBeenCalledWith(1);
    } finally {
      await other.close();
    }
  });
});
