import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import type * as NodePty from 'node-pty';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, repoRoot } from '../../../e2e/support/console-host';

/** The real command, started through its shebang as a shell would. */
export const fleetdeckBin = join(repoRoot, 'bin', 'fleetdeck');
const cliEntry = join(repoRoot, 'out', 'main', 'cli.js');

/** `npm test` builds first; a lone `vitest run test/integration/cli` builds here when needed. */
export function ensureCliBuilt(): void {
  ensureBuilt();
  if (existsSync(cliEntry)) return;
  const result = spawnSync('npx', ['electron-vite', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0)
    throw new Error(`electron-vite build failed (exit ${result.status ?? result.signal})`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * An empty config home for every run, so "the default data directory" is never the real
 * user's ~/.config/Fleetdeck, and no FLEETDECK_* variable leaks in from the test's own shell.
 */
const emptyHome = mkdtempSync(join(tmpdir(), 'fleetdeck-cli-home-'));
export const removeEmptyHome = () => rmSync(emptyHome, { recursive: true, force: true });

export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('FLEETDECK_')) env[key] = value;
  env.XDG_CONFIG_HOME = join(emptyHome, 'config');
  env.HOME = emptyHome;
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Runs `fleetdeck ...args` to completion (stdin closed: not a terminal). */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; bin?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.bin ?? fleetdeckBin, args, {
      cwd: repoRoot,
      env: cleanEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A failure is exactly one line on stderr, `fleetdeck: <what failed> — <what to do>`, and nothing on stdout. */
export function expectOneLineError(
  result: CliResult,
  code: number,
  what: RegExp,
  options: { stdout?: boolean } = {},
): string {
  const lines = result.stderr.split('\n').filter((l) => l !== '');
  const describe = `exit ${result.code}, stdout ${JSON.stringify(result.stdout)}, stderr ${JSON.stringify(result.stderr)}`;
  if (result.code !== code) throw new Error(`expected exit ${code}: ${describe}`);
  if (lines.length !== 1) throw new Error(`expected one stderr line: ${describe}`);
  const line = lines[0]!;
  if (!/^fleetdeck: .+ — .+$/.test(line)) throw new Error(`not "fleetdeck: <what> — <todo>": ${describe}`);
  if (!what.test(line)) throw new Error(`expected ${what}: ${describe}`);
  if (!options.stdout && result.stdout !== '') throw new Error(`expected nothing on stdout: ${describe}`);
  if (/\n\s+at /.test(result.stderr)) throw new Error(`stack trace printed: ${describe}`);
  return line;
}

export { until } from '../../../support/until';

const pty = createRequire(import.meta.url)('node-pty') as typeof NodePty;

/** bin/fleetdeck on a real PTY, so it sees a terminal: it asks, and draws in place. */
export async function onPty(args: string[], size: { cols: number; rows: number } = { cols: 160, rows: 40 }) {
  const env = cleanEnv() as Record<string, string>;
  const proc: NodePty.IPty = pty.spawn(fleetdeckBin, args, { ...size, cwd: repoRoot, env });
  let output = '';
  const waiters: Array<() => void> = [];
  proc.onData((data) => {
    output += data;
    for (const wake of waiters.splice(0)) wake();
  });
  let done = false;
  const exited = new Promise<number>((resolve) =>
    proc.onExit(({ exitCode }) => {
      done = true;
      resolve(exitCode);
      for (const wake of waiters.splice(0)) wake();
    }),
  );
  const session = {
    pty: proc,
    get output() {
      return output.replace(/\r/g, '');
    },
    exited,
    /** Waits on output, not on time: every chunk of output (or the exit) re-checks the pattern. */
    async waitFor(pattern: RegExp) {
      while (!pattern.test(session.output)) {
        if (done) throw new Error(`fleetdeck exited before printing ${pattern}; output:\n${session.output}`);
        await new Promise<void>((wake) => waiters.push(wake));
      }
    },
  };
  return session;
}
