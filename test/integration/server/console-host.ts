import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, watch } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import WebSocket from 'ws';

/**
 * Runs the real built console host (out/main/console.js) as a child process, the way
 * `npm run console` does, and talks to it over real HTTP and WebSocket.
 */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const consoleJs = join(repoRoot, 'out/main/console.js');
export const rendererIndex = join(repoRoot, 'out/renderer/index.html');
export const URL_LINE = /^Fleetdeck console: (http:\/\/(\S+?))\/\?token=([A-Za-z0-9_-]+)$/;

/**
 * `npm test` builds before vitest; a lone `vitest run test/integration/server` builds here if
 * the bundles are missing. A mkdir lock keeps parallel test files from building at once.
 */
export async function ensureConsoleBuilt(): Promise<void> {
  if (existsSync(consoleJs) && existsSync(rendererIndex)) return;
  const lock = join(repoRoot, 'out', '.test-build-lock');
  mkdirSync(join(repoRoot, 'out'), { recursive: true });
  try {
    // A lock left by a killed run (a build takes seconds, not minutes) must not block forever.
    if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 120_000) {
      rmSync(lock, { recursive: true, force: true });
    }
    mkdirSync(lock);
  } catch {
    // Another test file is building: wait for the lock to go away.
    await new Promise<void>((done) => {
      const watcher = watch(join(repoRoot, 'out'), () => {
        if (!existsSync(lock)) {
          watcher.close();
          done();
        }
      });
      if (!existsSync(lock)) {
        watcher.close();
        done();
      }
    });
    return;
  }
  try {
    const build = spawnSync('npx', ['electron-vite', 'build'], {
      cwd: repoRoot,
      stdio: 'pipe',
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stdout}\n${build.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A console host process and everything it printed. */
export class ConsoleProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exited>;
  private readonly waiters = new Set<() => void>();

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      this.stdout += chunk;
      this.notify();
    });
    child.stderr.on('data', (chunk: string) => {
      this.stderr += chunk;
      this.notify();
    });
    this.exited = new Promise((done) =>
      child.once('exit', (code, signal) => {
        // 'exit' can come before the pipes are drained; 'close' means all output is in.
        child.once('close', () => {
          done({ code, signal });
          this.notify();
        });
      }),
    );
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves when `test()` holds after some output (or at once); rejects if the process ends first. */
  waitFor<T>(test: () => T | undefined | null | false, what: string): Promise<T> {
    return new Promise((done, fail) => {
      const check = () => {
        const value = test();
        if (value) {
          this.waiters.delete(check);
          done(value);
        } else if (!this.running && this.child.stdout.readableEnded && this.child.stderr.readableEnded) {
          this.waiters.delete(check);
          fail(
            new Error(`console host ended before ${what}.\nstdout: ${this.stdout}\nstderr: ${this.stderr}`),
          );
        }
      };
      this.waiters.add(check);
      check();
    });
  }

  waitForStderr(pattern: RegExp): Promise<string> {
    return this.waitFor(() => pattern.exec(this.stderr)?.[0], `stderr matching ${pattern}`);
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }
}

/** Spawns `node out/main/console.js ARGS` without waiting for anything. */
export function spawnConsole(args: string[]): ConsoleProcess {
  const child = spawn(process.execPath, [consoleJs, ...args], {
    cwd: repoRoot,
    stdio: 'pipe',
    env: { ...process.env, FLEETDECK_DATA_DIR: '' },
  });
  const proc = new ConsoleProcess(child);
  running.add(proc);
  void proc.exited.then(() => running.delete(proc));
  return proc;
}

const running = new Set<ConsoleProcess>();

/** A host that printed its URL line. */
export interface ConsoleHost {
  proc: ConsoleProcess;
  dataDir: string;
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** 127.0.0.1:PORT */
  authority: string;
  port: number;
  token: string;
  stop(signal?: NodeJS.Signals): Promise<Exited>;
}

export async function startConsole(
  dataDir: string,
  extraArgs: string[] = [],
  options: { demo?: boolean } = {},
): Promise<ConsoleHost> {
  // The security rules don't need a fleet: no demo unless asked, so each test starts fast.
  const demo = options.demo ? [] : ['--no-demo'];
  const proc = spawnConsole(['--port', '0', '--no-open', ...demo, '--data-dir', dataDir, ...extraArgs]);
  const match = await proc.waitFor(() => {
    const line = proc.stdout.split('\n')[0];
    return proc.stdout.includes('\n') && line !== undefined ? (URL_LINE.exec(line) ?? false) : false;
  }, 'the URL line');
  const authority = match[2]!;
  return {
    proc,
    dataDir,
    url: match[0].slice('Fleetdeck console: '.length),
    origin: match[1]!,
    authority,
    port: Number(authority.slice(authority.lastIndexOf(':') + 1)),
    token: match[3]!,
    async stop(signal = 'SIGTERM') {
      if (proc.running) proc.child.kill(signal);
      return proc.exited;
    },
  };
}

/** afterAll: no host outlives its test file. */
export async function stopAllConsoles(): Promise<void> {
  await Promise.all(
    [...running].map((proc) => {
      if (proc.running) proc.child.kill('SIGKILL');
      return proc.exited;
    }),
  );
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): unknown;
}

/** One HTTP request with full control of the headers (Host, Origin, Cookie) and the raw path. */
export async function send(
  host: ConsoleHost,
  path: string,
  options: {
    method?: 'GET' | 'POST' | 'PUT' | 'OPTIONS' | 'HEAD';
    headers?: Record<string, string>;
    body?: string | Buffer;
  } = {},
): Promise<Reply> {
  const res = await request(`${host.origin}${path}`, {
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    body: options.body ?? null,
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    headers: res.headers,
    text,
    json: () => JSON.parse(text) as unknown,
  };
}

/** `POST /api/v1/<command>` with a JSON body and the given credentials. */
export function callApi(
  host: ConsoleHost,
  command: string,
  args: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return send(host, `/api/v1/${command}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(args),
  });
}

export const bearer = (host: ConsoleHost) => ({ authorization: `Bearer ${host.token}` });

export type SocketOutcome =
  | { kind: 'open'; ws: WebSocket; first: { event: string; payload: unknown } }
  | { kind: 'refused'; status: number; body: string };

/** Opens the events socket; resolves with its first message, or with the HTTP status it was refused with. */
export function openEvents(
  host: ConsoleHost,
  headers: Record<string, string>,
  path = '/api/v1/events',
): Promise<SocketOutcome> {
  return new Promise((done, fail) => {
    const ws = new WebSocket(`ws://${host.authority}${path}`, { headers });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done({ kind: 'refused', status: res.statusCode ?? 0, body }));
      res.on('error', fail);
    });
    ws.once('message', (data) => {
      done({ kind: 'open', ws, first: JSON.parse(String(data)) as { event: string; payload: unknown } });
    });
    ws.once('error', fail);
  });
}
