import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitForExit, waitForLine } from '../../support/child';
import { freshDir } from '../../support/tmp';

// scripts/start.mjs runs in a throw-away project with a fake console host, a fake electron
// package and a fake electron-vite, so no real build, window or server is involved.
const script = join(import.meta.dirname, '..', '..', '..', 'scripts', 'start.mjs');
const FALLBACK_LINE =
  'Fleetdeck: no Electron binary installed (offline install); starting the browser console instead.';

let root: string;
let cleanup: () => void;

function write(path: string, text: string) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

beforeEach(() => {
  ({ dir: root, cleanup } = freshDir('fleetdeck-start-'));
  write('package.json', JSON.stringify({ name: 'fake-fleetdeck', type: 'module' }));
  write(
    'scripts/console.mjs',
    `if (process.argv.includes('--wait')) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { console.log('console got ' + signal); process.exit(0); });
  setInterval(() => {}, 1000);
}
console.log('console args: ' + JSON.stringify(process.argv.slice(2)));
if (!process.argv.includes('--wait')) process.exit(7);
`,
  );
  copyFileSync(script, join(root, 'scripts', 'start.mjs'));
});
afterEach(() => cleanup());

function installElectron() {
  write(
    'node_modules/electron/package.json',
    JSON.stringify({ name: 'electron', version: '40.0.0-test', main: 'index.js' }),
  );
  write(
    'node_modules/electron/index.js',
    "module.exports = require('path').join(__dirname, 'dist', 'electron');\n",
  );
  write(
    'node_modules/electron/dist/electron',
    '#!/bin/sh\necho "electron args: $*"\necho "run as node: ${ELECTRON_RUN_AS_NODE:-unset}"\necho "cwd: $(pwd)"\nexit 3\n',
  );
  chmodSync(join(root, 'node_modules/electron/dist/electron'), 0o755);
}

function writeBundles() {
  for (const file of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
    write(file, '// built');
    const future = new Date(Date.now() + 60_000);
    utimesSync(join(root, file), future, future);
  }
}

function start(args: string[], env: NodeJS.ProcessEnv = {}) {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete merged.ELECTRON_OVERRIDE_DIST_PATH;
  return spawn(process.execPath, [join(root, 'scripts', 'start.mjs'), ...args], {
    cwd: root,
    env: merged,
    stdio: 'pipe',
  });
}

async function finish(child: ReturnType<typeof start>) {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const { code } = await waitForExit(child);
  return { code, stdout, stderr };
}

describe('scripts/start.mjs', () => {
  it('without Electron, says so in exactly one line and runs the console with the same args', async () => {
    const run = await finish(start(['--data-dir', '/tmp/x', '--no-open']));
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe(FALLBACK_LINE);
    expect(lines[1]).toBe('console args: ["--data-dir","/tmp/x","--no-open"]');
    expect(lines).toHaveLength(2);
    expect(run.code).toBe(7);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`forwards ${signal} to the console and exits with its code`, async () => {
      const child = start(['--wait']);
      await waitForLine(child, /^console args:/);
      const exit = waitForExit(child);
      const got = waitForLine(child, new RegExp(`console got ${signal}`));
      child.kill(signal);
      await got;
      expect((await exit).code).toBe(0);
    });
  }

  it('with Electron, runs it on the app with the same args, without ELECTRON_RUN_AS_NODE', async () => {
    installElectron();
    writeBundles();
    const run = await finish(start(['--data-dir', '/tmp/x'], { ELECTRON_RUN_AS_NODE: '1' }));
    expect(run.stdout).toContain('electron args: . --data-dir /tmp/x');
    expect(run.stdout).toContain('run as node: unset');
    expect(run.stdout).toContain(`cwd: ${root}`);
    expect(run.stdout).not.toContain(FALLBACK_LINE);
    expect(run.code).toBe(3);
  });

  it('with Electron, builds first when the bundles are missing, keeping build output off stdout', async () => {
    installElectron();
    write(
      'node_modules/electron-vite/bin/electron-vite.js',
      `import fs from 'node:fs';
console.log('fake electron-vite ' + process.argv.slice(2).join(' '));
for (const f of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
  fs.mkdirSync(f.slice(0, f.lastIndexOf('/')), { recursive: true });
  fs.writeFileSync(f, '// built');
}
`,
    );
    const run = await finish(start([]));
    expect(run.stderr).toContain('fake electron-vite build');
    expect(run.stdout).not.toContain('fake electron-vite');
    expect(existsSync(join(root, 'out/preload/index.cjs'))).toBe(true);
    expect(run.stdout).toContain('electron args: .');
  });

  it('stops with the build failure instead of starting a stale app', async () => {
    installElectron();
    write('node_modules/electron-vite/bin/electron-vite.js', 'process.exit(2);\n');
    const run = await finish(start([]));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/the build failed/);
    expect(run.stdout).not.toContain('electron args');
  });
});
