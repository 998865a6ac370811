#!/usr/bin/env node
// postinstall: build better-sqlite3 for Electron, beside (not over) its Node build.
//
// npm has already built node_modules/better-sqlite3 for Node; the tests and the browser console
// host use that build, so it is left alone. When the Electron binary is installed, a copy of
// the package is rebuilt for Electron in node_modules/.fleetdeck-electron/better-sqlite3 and the
// desktop main process loads that file (electron/main/native-binding.ts; keep the paths in step).
// Where Electron is absent (ELECTRON_SKIP_BINARY_DOWNLOAD, offline) this says so and stops.
//
// node-pty (the terminals) needs no Electron build: since 1.0 it is a Node-API addon
// (node-addon-api), whose binary is ABI-stable across Node and Electron, so the desktop core
// loads the same node_modules/node-pty as the tests and the console. This only checks that it
// loads in Node, so a broken install is named here rather than at the first terminal.
// It never fails `npm install`: every problem is a warning and exit code 0.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';

const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));
const nodeModules = join(root, 'node_modules');
const source = join(nodeModules, 'better-sqlite3');
const target = join(nodeModules, '.fleetdeck-electron', 'better-sqlite3');
const binding = join(target, 'build', 'Release', 'better_sqlite3.node');
const stampFile = join(target, 'fleetdeck-build.json');
const HEADERS_URL = 'https://electronjs.org/headers';

const say = (line) => console.log(`Fleetdeck postinstall: ${line}`);
const warn = (line) => console.warn(`Fleetdeck postinstall: WARNING: ${line}`);

/** The installed Electron executable and its version, or null when there is none. */
function findElectron() {
  let packageFile;
  try {
    packageFile = require.resolve('electron/package.json');
  } catch {
    return null; // electron is an optionalDependency: it may not be installed at all.
  }
  let executable;
  try {
    // The electron package's main export is the path of its binary; it throws when the
    // download was skipped.
    executable = require('electron');
  } catch {
    return null;
  }
  if (typeof executable !== 'string' || !existsSync(executable)) return null;
  return { executable, version: JSON.parse(readFileSync(packageFile, 'utf8')).version };
}

/** npm's bundled node-gyp (the one `npm rebuild` uses), else the project's own copy. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath) {
    candidates.push(
      join(dirname(dirname(process.env.npm_execpath)), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    );
  }
  const nodeBin = dirname(process.execPath);
  candidates.push(
    join(nodeBin, '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  );
  candidates.push(join(nodeBin, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // Not a direct dependency; npm's copy is the usual one.
  }
  return candidates.find((file) => file.endsWith('.js') && existsSync(file)) ?? null;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** The Node build must keep loading: tests and the console host use it. */
function checkNodeBuild() {
  try {
    const Database = require('better-sqlite3');
    new Database(':memory:').close();
  } catch (error) {
    warn(
      `better-sqlite3 does not load in Node (${String(error.message ?? error).split('\n')[0]}). ` +
        'If it was rebuilt for Electron in place (electron-builder does this when packaging), run "npm rebuild better-sqlite3".',
    );
  }
}

function tail(text, lines = 15) {
  return String(text ?? '')
    .trimEnd()
    .split('\n')
    .slice(-lines)
    .map((line) => `    ${line}`)
    .join('\n');
}

function buildForElectron(electron) {
  const sqliteVersion = readJson(join(source, 'package.json'))?.version;
  if (!sqliteVersion) {
    warn('node_modules/better-sqlite3 is missing; skipped the Electron build of it.');
    return;
  }
  const wanted = {
    electron: electron.version,
    betterSqlite3: sqliteVersion,
    platform: process.platform,
    arch: process.arch,
  };
  const stamp = readJson(stampFile);
  if (existsSync(binding) && stamp && Object.entries(wanted).every(([key, value]) => stamp[key] === value)) {
    say(`better-sqlite3 ${sqliteVersion} is already built for Electron ${electron.version}.`);
    return;
  }
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) {
    warn(
      'could not find node-gyp (npm normally bundles it); the desktop app will not open its database until this runs again.',
    );
    return;
  }

  say(
    `building better-sqlite3 ${sqliteVersion} for Electron ${electron.version} in ${relative(root, target)} ...`,
  );
  rmSync(target, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  // Sources only: the copy of the Node build is not needed and would only confuse a rebuild.
  const nodeBuild = join(source, 'build');
  cpSync(source, target, {
    recursive: true,
    filter: (file) => file !== nodeBuild && !file.startsWith(nodeBuild + sep),
  });

  const result = spawnSync(
    process.execPath,
    [
      nodeGyp,
      'rebuild',
      '--release',
      '--runtime=electron',
      `--target=${electron.version}`,
      `--dist-url=${HEADERS_URL}`,
      `--arch=${process.arch}`,
    ],
    { cwd: target, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 20 * 60 * 1000 },
  );
  if (result.status !== 0 || !existsSync(binding)) {
    const why = result.error
      ? result.error.message
      : `node-gyp exited with ${result.status ?? result.signal}`;
    warn(
      `could not build better-sqlite3 for Electron ${electron.version} (${why}). ` +
        `It needs the Electron headers from ${HEADERS_URL} and a C++ toolchain. ` +
        'The browser console ("npm run console") works without it; run "node scripts/postinstall.mjs" again once online.',
    );
    const output = tail(`${result.stdout ?? ''}\n${result.stderr ?? ''}`);
    if (output.trim()) console.warn(output);
    rmSync(target, { recursive: true, force: true });
    return;
  }
  writeFileSync(stampFile, JSON.stringify({ ...wanted, builtAt: new Date().toISOString() }, null, 2) + '\n');
  say(`built ${relative(root, binding)} for Electron ${electron.version}.`);
}

/** The terminals' PTY addon; a failure here is what terminal.open would report later. */
function checkNodePty() {
  try {
    require.resolve('node-pty');
  } catch {
    return; // Not installed (a partial install or this script's own tests): nothing to check.
  }
  try {
    require('node-pty');
  } catch (error) {
    warn(
      `node-pty does not load (${String(error.message ?? error).split('\n')[0]}); terminals will not open. Run "npm rebuild node-pty".`,
    );
  }
}

try {
  checkNodeBuild();
  checkNodePty();
  const electron = findElectron();
  if (!electron) {
    say(
      'no Electron binary installed, so the desktop build of better-sqlite3 was skipped (the browser console works as is).',
    );
  } else {
    buildForElectron(electron);
  }
} catch (error) {
  warn(`unexpected failure, ignored so that npm install still succeeds: ${error?.stack ?? error}`);
}
process.exit(0);
