#!/usr/bin/env node
// `npm run console -- [--host H] [--port N] [--data-dir D] [--no-open]`
// Builds when the bundles are missing or older than the sources, then runs the console host
// (out/main/console.js) on plain Node. stdout stays the host's one URL line: the build's output
// goes to stderr. Signals are forwarded and the host's exit code becomes ours.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outputs = [join(root, 'out/main/console.js'), join(root, 'out/renderer/index.html')];
const sourceDirs = ['src', 'electron'].map((d) => join(root, d));
const sourceFiles = ['electron.vite.config.ts', 'package.json'].map((f) => join(root, f));

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

/** The newest mtime under the given folders; stops early once something beats `limit`. */
function newestSource(limit) {
  let newest = 0;
  const stack = [...sourceDirs];
  for (const file of sourceFiles) newest = Math.max(newest, mtime(file) ?? 0);
  while (stack.length > 0 && newest <= limit) {
    const dir = stack.pop();
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else newest = Math.max(newest, mtime(path) ?? 0);
    }
  }
  return newest;
}

function needsBuild() {
  const built = outputs.map(mtime);
  if (built.some((t) => t === null)) return 'not built yet';
  const oldest = Math.min(...built);
  return newestSource(oldest) > oldest ? 'sources changed since the last build' : null;
}

const reason = needsBuild();
if (reason) {
  process.stderr.write(`fleetdeck console: building (${reason})...\n`);
  // The local electron-vite through this Node: no npx lookup, no shell (works on Windows too).
  const require = createRequire(import.meta.url);
  const cli = join(dirname(require.resolve('electron-vite/package.json')), 'bin/electron-vite.js');
  const build = spawnSync(process.execPath, [cli, 'build'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (build.status !== 0) {
    process.stderr.write(
      `fleetdeck console: the build failed (exit ${build.status ?? build.signal}); fix the errors above and run it again.\n`,
    );
    process.exit(1);
  }
}

const child = spawn(process.execPath, [outputs[0], ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
for (const signal of signals) {
  process.on(signal, () => {
    // The host treats a repeated signal as one, so forwarding a terminal's Ctrl-C (which it
    // already received from the process group) is harmless.
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}
child.on('error', (error) => {
  process.stderr.write(`fleetdeck console: could not start the host: ${error.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) {
    for (const s of signals) process.removeAllListeners(s);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
