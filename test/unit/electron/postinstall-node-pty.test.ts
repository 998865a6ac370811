import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDir } from '../../support/tmp';

// scripts/postinstall.mjs checks that node-pty (the terminals) loads, in a throw-away project
// with stand-in packages, so the real node_modules are never touched.
const script = join(import.meta.dirname, '..', '..', '..', 'scripts', 'postinstall.mjs');
let root: string;
let cleanup: () => void;

function write(path: string, text: string) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

beforeEach(() => {
  ({ dir: root, cleanup } = freshDir('fleetdeck-postinstall-pty-'));
  mkdirSync(join(root, 'scripts'));
  copyFileSync(script, join(root, 'scripts', 'postinstall.mjs'));
  write('package.json', JSON.stringify({ name: 'fake-fleetdeck', type: 'module' }));
  write(
    'node_modules/better-sqlite3/package.json',
    JSON.stringify({ name: 'better-sqlite3', version: '1.0.0', main: 'index.js' }),
  );
  write('node_modules/better-sqlite3/index.js', 'module.exports = class Database { close() {} };\n');
  write(
    'node_modules/node-pty/package.json',
    JSON.stringify({ name: 'node-pty', version: '1.1.0', main: 'index.js' }),
  );
});
afterEach(() => cleanup());

function postinstall() {
  const env = { ...process.env };
  delete env.npm_execpath;
  return spawnSync(process.execPath, [join(root, 'scripts', 'postinstall.mjs')], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
}

describe('scripts/postinstall.mjs and node-pty', () => {
  it('says nothing about node-pty when it loads', () => {
    write('node_modules/node-pty/index.js', 'module.exports = { spawn() {} };\n');
    const run = postinstall();
    expect(run.status).toBe(0);
    expect(run.stderr).not.toMatch(/node-pty/);
  });

  it('warns, with the fix, when node-pty does not load, and still exits 0', () => {
    write('node_modules/node-pty/index.js', "throw new Error('pty.node: wrong ELF class');\n");
    const run = postinstall();
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/node-pty does not load \(pty\.node: wrong ELF class\).*npm rebuild node-pty/);
  });
});
