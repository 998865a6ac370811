import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDir } from '../../support/tmp';

// scripts/postinstall.mjs runs in a throw-away project (a copy of the script, a fake
// better-sqlite3, a fake electron package and a fake node-gyp), so the real node_modules are
// never touched and nothing goes to the network.
const script = join(import.meta.dirname, '..', '..', '..', 'scripts', 'postinstall.mjs');
const NODE_BUILD = 'the Node build';

let root: string;
let cleanup: () => void;

function write(path: string, text: string) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

beforeEach(() => {
  ({ dir: root, cleanup } = freshDir('fleetdeck-postinstall-'));
  mkdirSync(join(root, 'scripts'));
  copyFileSync(script, join(root, 'scripts', 'postinstall.mjs'));
  write('package.json', JSON.stringify({ name: 'fake-fleetdeck', type: 'module' }));
  write(
    'node_modules/better-sqlite3/package.json',
    JSON.stringify({ name: 'better-sqlite3', version: '12.0.0-test', main: 'lib/index.js' }),
  );
  write('node_modules/better-sqlite3/lib/index.js', 'module.exports = class Database { close() {} };\n');
  write('node_modules/better-sqlite3/binding.gyp', '{}\n');
  write('node_modules/better-sqlite3/src/better_sqlite3.cpp', '// source\n');
  write('node_modules/better-sqlite3/build/Release/better_sqlite3.node', NODE_BUILD);
  // node-gyp stand-in: records how it was called, then fails or "builds".
  write(
    'fake-node-gyp.js',
    `import fs from 'node:fs';
fs.appendFileSync(process.env.FAKE_GYP_LOG, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(),
  copiedNodeBuild: fs.existsSync('build'), hasSources: fs.existsSync('binding.gyp') && fs.existsSync('src') }) + '\\n');
if (process.env.FAKE_GYP_MODE === 'fail') { console.error('gyp ERR! stack Error: getaddrinfo ENOTFOUND electronjs.org'); process.exit(1); }
fs.mkdirSync('build/Release', { recursive: true });
fs.writeFileSync('build/Release/better_sqlite3.node', 'the Electron build');
`,
  );
});
afterEach(() => cleanup());

function installElectron(binary: boolean) {
  write(
    'node_modules/electron/package.json',
    JSON.stringify({ name: 'electron', version: '40.0.0-test', main: 'index.js' }),
  );
  // Like the real package: the main export is the binary's path.
  write(
    'node_modules/electron/index.js',
    "module.exports = require('path').join(__dirname, 'dist', 'electron');\n",
  );
  if (binary) write('node_modules/electron/dist/electron', '#!/bin/sh\n');
}

function postinstall(mode: 'ok' | 'fail' = 'ok') {
  const env: NodeJS.ProcessEnv = { ...process.env, FAKE_GYP_LOG: join(root, 'gyp.log'), FAKE_GYP_MODE: mode };
  env.npm_config_node_gyp = join(root, 'fake-node-gyp.js');
  delete env.npm_execpath;
  delete env.ELECTRON_OVERRIDE_DIST_PATH;
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'postinstall.mjs')], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const gypCalls = () =>
  existsSync(join(root, 'gyp.log'))
    ? readFileSync(join(root, 'gyp.log'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
    : [];
const electronDir = () => join(root, 'node_modules', '.fleetdeck-electron', 'better-sqlite3');
const nodeBuild = () =>
  readFileSync(join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'), 'utf8');

describe('scripts/postinstall.mjs', () => {
  it('says in one line that the desktop build was skipped when electron is not installed', () => {
    const run = postinstall();
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toMatch(/no Electron binary installed.*skipped/);
    expect(run.stderr).toBe('');
    expect(gypCalls()).toEqual([]);
  });

  it('skips the same way when the electron package is there but its binary was never downloaded', () => {
    installElectron(false);
    const run = postinstall();
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/skipped/);
    expect(gypCalls()).toEqual([]);
  });

  it('builds a copy for Electron beside the Node build and stamps it', () => {
    installElectron(true);
    const run = postinstall('ok');
    expect(run.code, run.stderr).toBe(0);
    const [call] = gypCalls();
    expect(call.cwd).toBe(electronDir());
    expect(call.argv).toEqual(
      expect.arrayContaining([
        'rebuild',
        '--runtime=electron',
        '--target=40.0.0-test',
        '--dist-url=https://electronjs.org/headers',
      ]),
    );
    expect(call.hasSources).toBe(true);
    expect(call.copiedNodeBuild).toBe(false);
    expect(readFileSync(join(electronDir(), 'build/Release/better_sqlite3.node'), 'utf8')).toBe(
      'the Electron build',
    );
    expect(JSON.parse(readFileSync(join(electronDir(), 'fleetdeck-build.json'), 'utf8'))).toMatchObject({
      electron: '40.0.0-test',
      betterSqlite3: '12.0.0-test',
    });
    expect(nodeBuild()).toBe(NODE_BUILD);

    // A second install with nothing changed does not rebuild.
    const again = postinstall('ok');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already built/);
    expect(gypCalls()).toHaveLength(1);
  });

  it('warns and still exits 0 when the build fails offline, leaving no half-built copy', () => {
    installElectron(true);
    const run = postinstall('fail');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/WARNING: could not build better-sqlite3 for Electron 40\.0\.0-test/);
    expect(run.stderr).toMatch(/ENOTFOUND electronjs\.org/);
    expect(existsSync(electronDir())).toBe(false);
    expect(nodeBuild()).toBe(NODE_BUILD);
  });

  it('warns when the Node build no longer loads, and still exits 0', () => {
    write(
      'node_modules/better-sqlite3/lib/index.js',
      "throw new Error('was compiled against a different Node.js version');\n",
    );
    const run = postinstall();
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/does not load in Node.*npm rebuild better-sqlite3/);
  });
});
