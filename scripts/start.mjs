#!/usr/bin/env node
// `npm start [-- --data-dir D ...]`: the desktop app when the Electron binary is installed,
// otherwise (an offline install, ELECTRON_SKIP_BINARY_DOWNLOAD) the browser console.
// Arguments pass through; SIGINT/SIGTERM are forwarded and the child's exit code is ours.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));
const args = process.argv.slice(2);

/** The installed Electron executable, or null (electron is an optionalDependency). */
function findElectron() {
  try {
    require.resolve('electron/package.json');
    const executable = require('electron'); // the binary's path; throws when it was never downloaded
    return typeof executable === 'string' && existsSync(executable) ? executable : null;
  } catch {
    return null;
  }
}

function newestMtime(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** True when a bundle is missing or any source is newer than the oldest bundle. */
function needsBuild() {
  const outputs = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'].map((p) =>
    join(root, p),
  );
  if (!outputs.every((file) => existsSync(file))) return true;
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  const sources = ['electron', 'src', 'resources', 'electron.vite.config.ts', 'package.json'].map((p) =>
    join(root, p),
  );
  return sources.some((source) => newestMtime(source) > built);
}

function build() {
  const cli = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  // Build output goes to stderr so stdout stays the app's own lines.
  const result = spawnSync(process.execPath, [cli, 'build'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) {
    console.error(
      `Fleetdeck: the build failed (electron-vite exited with ${result.status ?? result.signal}); fix it and run npm start again.`,
    );
    process.exit(result.status || 1);
  }
}

function run(command, commandArgs, { env = process.env, onFailure } = {}) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env });
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('error', (error) => {
    console.error(`Fleetdeck: could not start ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (code !== 0) onFailure?.();
    process.exit(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1));
  });
}

const electron = findElectron();
if (electron) {
  if (needsBuild()) build();
  const env = { ...process.env };
  // Set in the environment, it would turn Electron into plain Node.
  delete env.ELECTRON_RUN_AS_NODE;
  run(electron, ['.', ...args], {
    env,
    onFailure: () => {
      if (process.platform === 'linux' && process.getuid?.() === 0) {
        console.error(
          'Fleetdeck: Electron refuses to run as root with its sandbox on; run npm start as a normal user.',
        );
      }
    },
  });
} else {
  console.log(
    'Fleetdeck: no Electron binary installed (offline install); starting the browser console instead.',
  );
  run(process.execPath, [join(root, 'scripts', 'console.mjs'), ...args]);
}
