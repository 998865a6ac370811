import { mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runDesktopApp, type DesktopApp } from '../../../electron/main/desktop-app';
import { repoRoot } from '../../e2e/support/console-host';
import { freshDir } from '../../support/tmp';
import { fakeElectron, fakeEvent, resetFakeElectron } from '../../unit/electron/fake-electron';
import { ensureCliBuilt, expectOneLineError, runCli } from './support/fleetdeck-cli';

vi.mock('electron', async () => (await import('../../unit/electron/fake-electron')).fakeElectron);

/**
 * The desktop host offers the same /api/v1 surface on loopback (issue 5), so `fleetdeck` in any
 * shell reaches the desktop app through its data directory's console.json. The desktop host runs
 * on the fake Electron module; the core, the HTTP server and the spawned CLI are real.
 */

// Each case spawns real node processes; on a machine shared by many test runs that takes time.
vi.setConfig({ testTimeout: 120_000 });

let dir: string;
let cleanup: () => void;
let running: DesktopApp | null = null;

beforeAll(() => ensureCliBuilt());
beforeEach(() => {
  resetFakeElectron();
  ({ dir, cleanup } = freshDir('fleetdeck-cli-desktop-'));
  fakeElectron.app.appPath = join(dir, 'app');
  mkdirSync(fakeElectron.app.appPath);
  symlinkSync(join(repoRoot, 'resources'), join(fakeElectron.app.appPath, 'resources'));
});
afterEach(async () => {
  await running?.cli?.close();
  await running?.core.close();
  running = null;
  cleanup();
});

const dataDir = () => join(dir, 'data');
const start = () =>
  runDesktopApp({
    argv: ['electron', '.', '--no-demo', '--data-dir', dataDir()],
    env: {},
    handleSignals: false,
  });

describe('fleetdeck and the desktop app', () => {
  it('writes an owner-only console.json on loopback that fleetdeck uses', async () => {
    running = await start();
    expect(running?.cli).not.toBeNull();
    const file = join(dataDir(), 'console.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const info = JSON.parse(readFileSync(file, 'utf8')) as { url: string; host: string; pid: number };
    expect(info.host).toBe('127.0.0.1');
    expect(info.pid).toBe(process.pid);
    expect(new URL(info.url).origin).toBe(running!.cli!.server.origin);

    const result = await runCli(['--data-dir', dataDir(), 'status', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).app).toMatchObject({ host: 'desktop', dataDir: dataDir() });
  });

  it('keeps the console checks: a wrong token is exit 3, a foreign Origin is refused', async () => {
    running = await start();
    const { origin, token } = running!.cli!.server;
    const wrong = await runCli(['endpoints'], {
      env: { FLEETDECK_URL: origin, FLEETDECK_TOKEN: `x${token}` },
    });
    expectOneLineError(wrong, 3, /refused the token from FLEETDECK_TOKEN/);

    const foreign = await fetch(`${origin}/api/v1/app.info`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        origin: 'https://evil.example',
      },
      body: '{}',
    });
    expect(foreign.status).toBe(403);
  });

  it('removes console.json on quit, so fleetdeck says no console is running', async () => {
    running = await start();
    fakeElectron.app.emit('will-quit', fakeEvent({}));
    await vi.waitFor(() => expect(fakeElectron.app.quit).toHaveBeenCalled());
    running = null;
    const result = await runCli(['--data-dir', dataDir(), 'status']);
    expectOneLineError(result, 2, /no Fleetdeck console is running for .* \(no console.json\)/);
  });
});
