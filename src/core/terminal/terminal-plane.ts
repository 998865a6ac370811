import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { basename, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { Endpoint } from '../../shared/contract/fleet.schema';
import { tidyTerminalName, type TerminalSession } from '../../shared/contract/terminal.schema';
import { TERMINAL_CLOSE } from '../../shared/api/terminal-stream';
import { FleetError } from '../../shared/errors/fleet-error';
import type { HandlerGroup } from '../commands/registry';
import { loginShellEnv } from '../env/login-shell-env';
import type { EventBus } from '../events/event-bus';
import type { Logger } from '../log/logger';
import { AttachTokens } from './attach-tokens';
import { PtySession, type FlowLimits, type PtySpawn } from './pty-session';
import { terminalEnv, type EndpointContext } from './terminal-env';
import { loadNodePty, loginShell, writeBashInit } from './shell-launch';
import { TerminalStore } from './terminal.store';
import type { TerminalHost, TerminalStreams } from './terminal.types';
import { DEFAULT_TRANSCRIPT_LIMITS, TranscriptRecorder, type TranscriptLimits } from './transcript.recorder';

export type TerminalCommands =
  | 'terminal.open'
  | 'terminal.list'
  | 'terminal.attach'
  | 'terminal.resize'
  | 'terminal.rename'
  | 'terminal.close'
  | 'terminal.history'
  | 'terminal.transcript';

/** Fifty sessions at the per-session cap; far more of ordinary on-call work. */
const TRANSCRIPT_BUDGET_BYTES = 256 * 1024 * 1024;

export interface TerminalPlaneOptions {
  db: Database.Database;
  log: Logger;
  bus: EventBus;
  dataDir: string;
  now?: () => number;
  /** Total size kept for all transcripts; the oldest sessions go first at start (default 256 MB). */
  transcriptBudgetBytes?: number;
  /** The `fleetdeck` command line's folder, first on PATH (default: the repo's bin/). */
  binDir?: string;
  /** Looks up the endpoint a terminal is opened from (the fleet service). */
  endpoint?: (id: string) => Endpoint | undefined;
  /** The login shell's environment (default: resolved once per process). */
  loginEnv?: () => Promise<{ env: NodeJS.ProcessEnv }>;
  /** Where node-pty is loaded from (the desktop host passes its Electron build). */
  nodePtyPath?: string;
  /** Tests shrink these to reach the limits quickly. */
  limits?: Partial<TerminalLimits>;
}

export interface TerminalLimits {
  scrollbackChars: number;
  transcript: TranscriptLimits;
  flow?: FlowLimits;
  /** After SIGHUP, how long a shell gets before SIGKILL. */
  killGraceMs: number;
  attachTtlMs: number;
  /** Exited sessions kept in memory (their scrollback can be reattached) before the oldest goes. */
  keepExited: number;
}

const DEFAULT_LIMITS: TerminalLimits = {
  scrollbackChars: 2_000_000,
  transcript: DEFAULT_TRANSCRIPT_LIMITS,
  killGraceMs: 2000,
  attachTtlMs: 60_000,
  keepExited: 20,
};

export interface TerminalPlane {
  handlers: HandlerGroup<TerminalCommands>;
  host: TerminalHost;
  /** The per-session streams, for the hosts' WebSocket and IPC transports. */
  streams: TerminalStreams;
  /** Where the `fleetdeck` command line inside a terminal reaches this core (set by the host once it listens). */
  setCliAccess(access: { url: string; token: string } | null): void;
  /** Flow-control state of a session, for diagnostics, tests and benchmarks. */
  inspect(id: string): { paused: boolean; unackedChars: number; scrollbackChars: number } | null;
  close(): Promise<void>;
}

// From src/core/terminal in a source run; the bundles in out/main pass binDir from core.ts.
const defaultBinDir = resolve(import.meta.dirname, '..', '..', '..', 'bin');

/**
 * The terminal service (issue 5): PTY sessions that live in the core, so they survive a
 * renderer reload, each started in the fleet context, streamed to one view at a time with flow
 * control, and recorded (redacted, capped) to SQLite.
 */
export function createTerminalPlane(options: TerminalPlaneOptions): TerminalPlane {
  const now = options.now ?? Date.now;
  const { log, bus, dataDir } = options;
  const limits: TerminalLimits = {
    ...DEFAULT_LIMITS,
    ...options.limits,
    transcript: { ...DEFAULT_TRANSCRIPT_LIMITS, ...options.limits?.transcript },
  };
  const binDir = options.binDir ?? defaultBinDir;
  const store = new TerminalStore(options.db);
  const recorder = new TranscriptRecorder(options.db, now, limits.transcript);
  const tokens = new AttachTokens(now, limits.attachTtlMs);
  const sessions = new Map<string, PtySession>();
  const outputListeners = new Map<string, Set<(data: string) => void>>();
  const exitListeners = new Map<string, Set<(session: TerminalSession) => void>>();
  const killTimers = new Map<string, NodeJS.Timeout>();
  let cliAccess: { url: string; token: string } | null = null;
  const cliTokens: string[] = [];
  let closing = false;

  const orphans = store.markOrphansExited();
  if (orphans > 0) log.info('terminal sessions of a previous run marked exited', { count: orphans });
  const pruned = store.pruneTranscripts(options.transcriptBudgetBytes ?? TRANSCRIPT_BUDGET_BYTES);
  if (pruned > 0) log.info('oldest terminal transcripts removed to stay within budget', { sessions: pruned });

  const bashInit = writeBashInit(dataDir, log);

  // The login shell's environment, asked once; until it answers, new sessions wait for it.
  let baseEnv: NodeJS.ProcessEnv | null = null;
  const envReady = (options.loginEnv ?? loginShellEnv)().then(
    (resolved) => (baseEnv = resolved.env),
    (error: unknown) => {
      log.warn('login shell environment unavailable; terminals use the process environment', {
        error: String(error),
      });
      return (baseEnv = process.env);
    },
  );

  let spawnPty: PtySpawn | null = null;
  const loadPty = (): PtySpawn => (spawnPty ??= loadNodePty(options.nodePtyPath));

  const snapshot = (session: PtySession): TerminalSession => {
    const transcript = recorder.state(session.info.id);
    return transcript
      ? { ...session.info, transcriptBytes: transcript.bytes, transcriptTruncated: transcript.truncated }
      : { ...session.info };
  };

  const find = (id: string, where: string): PtySession => {
    const session = sessions.get(id);
    if (session) return session;
    throw new FleetError({
      code: 'not_found',
      message: store.get(id)
        ? `Terminal ${id} has ended and is no longer open; its transcript is kept.`
        : `There is no terminal ${id}.`,
      where,
      hint: 'List the open terminals with terminal.list, or read a finished one with terminal.transcript.',
    });
  };

  const endpointContext = (id: string): EndpointContext => {
    const endpoint = options.endpoint?.(id);
    if (!endpoint) {
      throw new FleetError({
        code: 'not_found',
        message: `Cannot open a terminal for endpoint ${id}: it is not in the fleet.`,
        where: 'terminal.open',
        hint: 'Pick the endpoint again from the Endpoints view; it may have been removed or its source is not loaded yet.',
      });
    }
    return {
      id: endpoint.id,
      cluster: endpoint.cluster,
      // A Kubernetes source names its clusters by kubeconfig context (the kubernetes provider).
      context: endpoint.sourceKind === 'kubernetes' ? endpoint.cluster : null,
      namespace: endpoint.namespace,
      deployment: endpoint.target.kind === 'Deployment' ? endpoint.target.name : null,
      target: endpoint.target,
      model: endpoint.model,
    };
  };

  const forget = (id: string) => {
    sessions.delete(id);
    outputListeners.delete(id);
    exitListeners.delete(id);
    tokens.forget(id);
    const timer = killTimers.get(id);
    if (timer) clearTimeout(timer);
    killTimers.delete(id);
  };

  /** Keeps the newest `keepExited` exited sessions in memory; older ones live on in SQLite only. */
  const pruneExited = () => {
    const exited = [...sessions.values()].filter((s) => !s.running);
    for (const s of exited.slice(0, Math.max(0, exited.length - limits.keepExited))) forget(s.info.id);
  };

  const host: TerminalHost = {
    open(args, actor) {
      if (closing) {
        throw new FleetError({
          code: 'unavailable',
          message: 'Fleetdeck is shutting down; no new terminals.',
          where: 'terminal.open',
        });
      }
      const spawn = loadPty();
      const endpoint = args.endpointId !== undefined ? endpointContext(args.endpointId) : null;
      const cwd = homedir();
      const argv = args.argv && args.argv.length > 0 ? args.argv : null;
      const shell = argv
        ? { file: argv[0]!, args: argv.slice(1), name: basename(argv[0]!) }
        : loginShell(process.env, bashInit);
      const id = randomBytes(12).toString('base64url');
      const info: TerminalSession = {
        id,
        title: args.title ?? (args.runId ? `run ${args.runId}` : endpoint ? endpoint.id : shell.name),
        name: null,
        shell: shell.file,
        cwd,
        cols: args.cols,
        rows: args.rows,
        createdAt: now(),
        endpointId: endpoint?.id ?? null,
        runId: args.runId ?? null,
        state: 'running',
        exitCode: null,
        signal: null,
        exitedAt: null,
        transcriptBytes: 0,
        transcriptTruncated: false,
      };
      store.insert(info);
      recorder.begin(id, { bytes: 0, truncated: false, nextSeq: 0 });
      const session: PtySession = new PtySession({
        info,
        scrollbackChars: limits.scrollbackChars,
        ...(limits.flow ? { flow: limits.flow } : {}),
        now,
        onOutput: (text) => {
          recorder.append(id, text);
          for (const listener of [...(outputListeners.get(id) ?? [])]) listener(text);
        },
        onExit: (exitCode, signal) => {
          const timer = killTimers.get(id);
          if (timer) clearTimeout(timer);
          killTimers.delete(id);
          recorder.flush({ force: true, only: id });
          const transcript = recorder.state(id);
          if (transcript) {
            session.info.transcriptBytes = transcript.bytes;
            session.info.transcriptTruncated = transcript.truncated;
          }
          recorder.end(id);
          store.exited(id, session.info.exitedAt ?? now(), exitCode, signal);
          const ended = snapshot(session);
          log.info('terminal exited', { id, exitCode, signal });
          bus.emit('terminal.session', ended);
          for (const listener of [...(exitListeners.get(id) ?? [])]) listener(ended);
          pruneExited();
        },
      });
      sessions.set(id, session);
      const start = (base: NodeJS.ProcessEnv) => {
        if (!session.running) return;
        const env = terminalEnv({ base, dataDir, binDir, cliAccess, endpoint, runId: args.runId ?? null });
        session.start(spawn, { file: shell.file, args: shell.args, env, cwd });
      };
      if (baseEnv) start(baseEnv);
      else void envReady.then(start);
      log.info('terminal opened', {
        id,
        actor,
        shell: shell.file,
        endpointId: info.endpointId,
        runId: info.runId,
      });
      bus.emit('terminal.session', snapshot(session));
      return snapshot(session);
    },
    get: (id) => {
      const session = sessions.get(id);
      return session ? snapshot(session) : store.get(id);
    },
    write: (id, data) => find(id, 'terminal.write').write(data),
    onOutput(id, listener) {
      find(id, 'terminal.onOutput');
      let set = outputListeners.get(id);
      if (!set) outputListeners.set(id, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    onExit(id, listener) {
      find(id, 'terminal.onExit');
      let set = exitListeners.get(id);
      if (!set) exitListeners.set(id, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    viewed: (id) => sessions.get(id)?.viewed ?? false,
    transcriptSeq: (id) => recorder.lastSeq(id) ?? store.lastSeq(id),
    close(id) {
      const session = sessions.get(id);
      if (!session) return;
      if (!session.running) return forget(id);
      // SIGHUP, as a closed terminal window sends; SIGKILL for a shell that ignores it.
      session.kill('SIGHUP');
      if (!killTimers.has(id)) {
        const timer = setTimeout(() => session.kill('SIGKILL'), limits.killGraceMs);
        timer.unref();
        killTimers.set(id, timer);
      }
    },
  };

  /** Resolves once the session has exited (immediately when it has). */
  const exited = (session: PtySession) =>
    new Promise<void>((done) => {
      if (!session.running) return done();
      const set = exitListeners.get(session.info.id) ?? new Set();
      exitListeners.set(session.info.id, set);
      set.add(() => done());
    });

  const handlers: HandlerGroup<TerminalCommands> = {
    'terminal.open': async (args, ctx) => {
      await envReady;
      const session = host.open(args, ctx.actor);
      return session;
    },
    'terminal.list': () => [...sessions.values()].map(snapshot).sort((a, b) => a.createdAt - b.createdAt),
    'terminal.attach': ({ id }) => {
      const session = find(id, 'terminal.attach');
      return { session: snapshot(session), attachToken: tokens.issue(id) };
    },
    'terminal.resize': ({ id, cols, rows }) => {
      const session = find(id, 'terminal.resize');
      // Exited, or exiting: its shell is gone and node-pty has not said so yet.
      if (!session.resize(cols, rows)) {
        throw new FleetError({
          code: 'conflict',
          message: `Terminal ${id} has exited; it cannot be resized.`,
          where: 'terminal.resize',
        });
      }
      store.resized(id, cols, rows);
      const info = snapshot(session);
      bus.emit('terminal.session', info);
      return info;
    },
    'terminal.rename': ({ id, name }) => {
      const trimmed = tidyTerminalName(name ?? '') || null;
      const session = sessions.get(id);
      if (!store.renamed(id, trimmed)) {
        throw new FleetError({
          code: 'not_found',
          message: `There is no terminal ${id}, running or recorded.`,
          where: 'terminal.rename',
        });
      }
      if (!session) return store.get(id) as TerminalSession;
      session.info.name = trimmed;
      const info = snapshot(session);
      bus.emit('terminal.session', info);
      return info;
    },
    'terminal.close': async ({ id }) => {
      const session = find(id, 'terminal.close');
      if (session.running) {
        session.detachView(TERMINAL_CLOSE.closed, 'This terminal was closed.');
        host.close(id);
        await exited(session);
      }
      const info = snapshot(session);
      forget(id);
      return info;
    },
    'terminal.history': (args) => store.history(args),
    'terminal.transcript': ({ id, afterSeq, limit }) => {
      if (sessions.has(id)) recorder.lastSeq(id);
      const session = host.get(id);
      if (!session) {
        throw new FleetError({
          code: 'not_found',
          message: `There is no terminal ${id}, running or recorded.`,
          where: 'terminal.transcript',
        });
      }
      return { session, ...store.chunks(id, afterSeq, limit) };
    },
  };

  const streams: TerminalStreams = {
    connect(sessionId, attachToken, peer) {
      const check = tokens.consume(attachToken, sessionId);
      if (!check.ok) return { ok: false, code: TERMINAL_CLOSE.refused, reason: check.reason };
      const session = sessions.get(sessionId);
      if (!session)
        return { ok: false, code: TERMINAL_CLOSE.notFound, reason: 'no such terminal (it was closed)' };
      return { ok: true, connection: session.attach(peer) };
    },
  };

  return {
    handlers,
    host,
    streams,
    setCliAccess: (access) => {
      // Earlier tokens stay redacted: shells opened before a change still hold them.
      if (access && !cliTokens.includes(access.token)) cliTokens.push(access.token);
      recorder.setKnownSecrets(cliTokens);
      cliAccess = access;
    },
    inspect(id) {
      const session = sessions.get(id);
      if (!session) return null;
      return {
        paused: session.isPaused,
        unackedChars: session.unackedChars,
        scrollbackChars: session.scrollbackChars,
      };
    },
    async close() {
      if (closing) return;
      closing = true;
      const running = [...sessions.values()].filter((s) => s.running);
      for (const session of running) {
        session.detachView(TERMINAL_CLOSE.shutdown, 'Fleetdeck is shutting down.');
        host.close(session.info.id);
      }
      // Everything ends within the kill grace plus a moment for SIGKILL to land.
      await Promise.race([
        Promise.all(running.map(exited)),
        new Promise<void>((done) => setTimeout(done, limits.killGraceMs + 1000).unref()),
      ]);
      recorder.close();
      const stuck = running.filter((s) => s.running).length;
      if (stuck > 0) log.warn('terminals did not exit before shutdown', { count: stuck });
      store.markOrphansExited();
      for (const id of [...sessions.keys()]) forget(id);
    },
  };
}
