import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../../..');

/** Builds once when out/ is missing; build output goes to stderr so stdout stays JSON lines. */
export function ensureBuilt() {
  if (
    existsSync(join(repoRoot, 'out/main/console.js')) &&
    existsSync(join(repoRoot, 'out/renderer/index.html'))
  )
    return;
  const result = spawnSync('npx', ['electron-vite', 'build'], { cwd: repoRoot, stdio: ['ignore', 2, 2] });
  if (result.status !== 0)
    throw new Error(`electron-vite build failed (exit ${result.status ?? result.signal})`);
}

/**
 * Spawns `node ...args` and resolves with the first stdout match of `pattern` (group 1) and the
 * child. `spawnedAt` is taken immediately before spawn() and `printedAt` when the line arrived,
 * both on performance.now()'s clock.
 */
export function spawnAndWait(args, pattern, { timeoutMs = 30_000 } = {}) {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((done, fail) => {
    let buffered = '';
    const timer = setTimeout(
      () => fail(new Error(`timed out waiting for ${pattern}; stderr:\n${stderr}`)),
      timeoutMs,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${args.join(' ')} exited (${code}) before printing ${pattern}; stderr:\n${stderr}`));
    });
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const match = pattern.exec(buffered);
      if (!match) return;
      clearTimeout(timer);
      done({ child, spawnedAt, printedAt: performance.now(), url: match[1] });
    });
  });
}

/** SIGTERM and wait for the exit, so the next run starts on a quiet machine. */
export function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}
