import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startConsole, type RunningConsole } from '../../e2e/support/console-host';
import { freshDir } from '../../support/tmp';
import {
  ensureCliBuilt,
  expectOneLineError,
  fleetdeckBin,
  removeEmptyHome,
  runCli,
} from './support/fleetdeck-cli';

/**
 * What the command line says when it cannot do its job: no console, a stale console.json, a
 * wrong token. Each is one line on stderr, a distinct exit code, and never the token.
 */

// Each case spawns real node processes; on a machine shared by many test runs that takes time.
vi.setConfig({ testTimeout: 120_000 });

let fleet: RunningConsole;
let dir: string;
let cleanup: () => void;

beforeAll(async () => {
  ensureCliBuilt();
  fleet = await startConsole({ demo: false });
});
afterAll(async () => {
  await fleet?.dispose();
  removeEmptyHome();
});
afterEach(() => cleanup?.());

const fresh = () => ({ dir, cleanup } = freshDir('fleetdeck-cli-'));
const consoleJson = () =>
  JSON.parse(readFileSync(join(fleet.dataDir, 'console.json'), 'utf8')) as Record<string, unknown>;
const writeConsoleJson = (dataDir: string, info: Record<string, unknown>) =>
  writeFileSync(join(dataDir, 'console.json'), JSON.stringify(info), { mode: 0o600 });

describe('console not running', () => {
  it('no console.json in --data-dir: exit 2, says how to start one', async () => {
    fresh();
    const result = await runCli(['--data-dir', dir, 'status']);
    expectOneLineError(
      result,
      2,
      new RegExp(`no Fleetdeck console is running for ${dir} \\(no console.json\\) — start Fleetdeck`),
    );
  });

  it('no console.json in the default data directory either', async () => {
    fresh();
    const result = await runCli(['endpoints'], { env: { XDG_CONFIG_HOME: dir } });
    expectOneLineError(
      result,
      2,
      new RegExp(`no Fleetdeck console is running for ${join(dir, 'Fleetdeck')}`),
    );
  });

  it('a console.json left by a console that is gone: exit 2, called stale', async () => {
    fresh();
    // A process that has exited: its pid is free (and not reused within this test).
    const gone = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    writeConsoleJson(dir, { ...consoleJson(), pid: Number(gone) });
    const result = await runCli(['--data-dir', dir, 'status']);
    expectOneLineError(
      result,
      2,
      new RegExp(
        `the console recorded in ${join(dir, 'console.json')} is not running \\(process ${gone} is gone; the file is stale\\)`,
      ),
    );
  });

  it('a console.json whose console does not answer: exit 2, cannot reach', async () => {
    fresh();
    // A port nobody listens on: the one of a console that was started and stopped.
    const stopped = await startConsole({ demo: false });
    const info = JSON.parse(readFileSync(join(stopped.dataDir, 'console.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    await stopped.dispose();
    writeConsoleJson(dir, { ...info, pid: process.pid });
    const result = await runCli(['--data-dir', dir, 'endpoints', '--json']);
    const line = expectOneLineError(
      result,
      2,
      new RegExp(
        `cannot reach the Fleetdeck console at http://127\\.0\\.0\\.1:${stopped.port} \\(ECONNREFUSED; from ${join(dir, 'console.json')}\\) — is it running\\?`,
      ),
    );
    expect(line).not.toContain(String(info.token));
  });

  it('FLEETDECK_URL pointing nowhere, or without its token', async () => {
    const nowhere = await runCli(['status'], {
      env: { FLEETDECK_URL: 'http://127.0.0.1:9', FLEETDECK_TOKEN: 'x' },
    });
    expectOneLineError(
      nowhere,
      2,
      /cannot reach the Fleetdeck console at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED; from FLEETDECK_URL\)/,
    );
    const half = await runCli(['status'], { env: { FLEETDECK_URL: fleet.origin } });
    expectOneLineError(half, 2, /FLEETDECK_URL is set but FLEETDECK_TOKEN is not — set both/);
  });
});

describe('refused', () => {
  it('a wrong FLEETDECK_TOKEN: exit 3, names the variable, never prints a token', async () => {
    const wrong = `wrong-${Date.now()}`;
    const result = await runCli(['status'], { env: { FLEETDECK_URL: fleet.origin, FLEETDECK_TOKEN: wrong } });
    const line = expectOneLineError(
      result,
      3,
      new RegExp(`the console at ${fleet.origin} refused the token from FLEETDECK_TOKEN — `),
    );
    expect(line).not.toContain(wrong);
    expect(line).not.toContain(fleet.token);
  });

  it('a console.json with an old token: exit 3, names the file', async () => {
    fresh();
    writeConsoleJson(dir, { ...consoleJson(), token: `old-${Date.now()}` });
    const result = await runCli(['--data-dir', dir, 'endpoints']);
    const line = expectOneLineError(
      result,
      3,
      new RegExp(`refused the token from ${join(dir, 'console.json')} — .*restart the console`),
    );
    expect(line).not.toContain(fleet.token);
  });

  // Root reads every file, so the refusal cannot happen there.
  it.skipIf(process.getuid?.() === 0)(
    'an unreadable console.json: exit 3, says it is owner-only',
    async () => {
      fresh();
      writeConsoleJson(dir, consoleJson());
      chmodSync(join(dir, 'console.json'), 0o000);
      expectOneLineError(await runCli(['--data-dir', dir, 'status']), 3, /permission denied/);
    },
  );
});

describe('installation', () => {
  it('without a build, says in one line to run npm run build', async () => {
    fresh();
    mkdirSync(join(dir, 'bin'));
    const bin = join(dir, 'bin', 'fleetdeck');
    copyFileSync(fleetdeckBin, bin);
    chmodSync(bin, 0o755);
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    const result = await runCli(['status'], { bin });
    expectOneLineError(result, 4, /the command line is not built .* — run `npm run build`/);
  });
});
