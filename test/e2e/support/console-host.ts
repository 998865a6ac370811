import { execFileSync, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../../..');
export const consoleEntry = join(repoRoot, 'out/main/console.js');
export const rendererIndex = join(repoRoot, 'out/renderer/index.html');

/** `npm test` builds first; a lone `vitest run test/e2e` builds here when out/ is missing. */
export function ensureBuilt(): void {
  if (existsSync(consoleEntry) && existsSync(rendererIndex)) return;
  const result = spawnSync('npx', ['electron-vite', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0)
    throw new Error(`electron-vite build failed (exit ${result.status ?? result.signal})`);
}

export interface RunningConsole {
  /** The printed URL, `http://127.0.0.1:PORT/?token=...`. */
  url: string;
  origin: string;
  port: number;
  token: string;
  dataDir: string;
  child: ChildProcessWithoutNullStreams;
  /** Calls a command the way the CLI does: Bearer token, no Origin; throws on a refusal. */
  call<T = unknown>(command: string, args?: unknown): Promise<T>;
  /** The same, returning the refusal's body instead of throwing (fails if it succeeds). */
  refusal(
    command: string,
    args?: unknown,
  ): Promise<{ code: string; message: string; where?: string; hint?: string }>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  /** Stops (if running) and removes the data directory. */
  dispose(): Promise<void>;
}

const URL_LINE = /^Fleetdeck console: (http:\/\/\S+)$/;

/**
 * Starts `node out/main/console.js --port 0 --no-open` on a fresh data directory, with the demo
 * fleet when `demo` is set. `port` is only for restarting a console where an earlier one (now
 * stopped) was.
 */
export async function startConsole(
  options: { port?: number; demo?: boolean; dataDir?: string } = {},
): Promise<RunningConsole> {
  // `dataDir` restarts a console on an earlier one's data (a crash and restart).
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'fleetdeck-e2e-'));
  const port = String(options.port ?? 0);
  const child = spawn(
    process.execPath,
    [
      consoleEntry,
      '--port',
      port,
      '--no-open',
      ...(options.demo ? [] : ['--no-demo']),
      '--data-dir',
      dataDir,
    ],
    {
      cwd: repoRoot,
      stdio: 'pipe',
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  const url = await new Promise<string>((done, fail) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const match = URL_LINE.exec(line.trim());
        if (match?.[1]) {
          child.stdout.off('data', onData);
          return done(match[1]);
        }
      }
    };
    child.stdout.on('data', onData);
    void exited.then((code) =>
      fail(new Error(`console exited (${code}) before printing its URL; stderr:\n${stderr}`)),
    );
  });

  const parsed = new URL(url);
  const token = parsed.searchParams.get('token') ?? '';
  const origin = parsed.origin;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };

  const send = async (command: string, args: unknown) => {
    let response: Response;
    try {
      response = await fetch(`${origin}/api/v1/${command}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(args),
      });
    } catch (error) {
      // "fetch failed" alone does not say whether the console died or stopped answering.
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      const state =
        child.exitCode !== null || child.signalCode !== null
          ? `the console exited (${child.exitCode ?? child.signalCode})`
          : 'the console is still running';
      throw new Error(
        `${command}: ${String(error)}${cause}; ${state}; its last stderr:\n${stderr.slice(-2000)}`,
        { cause: error },
      );
    }
    return (await response.json()) as { ok: boolean; result?: unknown; error?: unknown };
  };
  return {
    url,
    origin,
    port: Number(parsed.port),
    token,
    dataDir,
    child,
    async call<T>(command: string, args: unknown = {}) {
      const body = await send(command, args);
      if (!body.ok) throw new Error(`${command} failed: ${JSON.stringify(body.error)}`);
      return body.result as T;
    },
    async refusal(command: string, args: unknown = {}) {
      const body = await send(command, args);
      if (body.ok) throw new Error(`${command} was expected to be refused`);
      return body.error as { code: string; message: string; where?: string; hint?: string };
    },
    stop,
    async dispose() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The real kubectl against one simulated cluster of a demo console (`startConsole({ demo: true })`),
 * through the kubeconfig the demo writes into its data directory; returns kubectl's output.
 */
export function demoKubectl(c: Pick<RunningConsole, 'dataDir'>, context: string, ...args: string[]): string {
  const kubeconfig = join(c.dataDir, 'demo', 'kubeconfig');
  return execFileSync('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, '--context', context, ...args], {
    encoding: 'utf8',
  });
}
