import { z } from 'zod';
import { loginShellEnv } from '../../env/login-shell-env';
import type { InventorySnapshot } from '../../fleet/inventory.types';
import type {
  ProviderContext,
  ProviderDeps,
  ProviderFactory,
  SourceProvider,
  SourceTestResult,
} from '../provider';
import { Backoff, sleep } from './backoff';
import { checkContext } from './context-check';
import { isEmptyChange, type ContextChanges } from './context-inventory';
import { ContextSession, type SessionTuning } from './context-session';
import type { KubeClientTimeouts } from './kube-api.client';
import type { ConnectionOptions } from './kube-connection';
import { KubeconfigError, truncate } from './kube-errors';
import {
  describeUnknownContexts,
  loadKubeconfig,
  selectContexts,
  type LoadedKubeconfig,
} from './kubeconfig.loader';
import { reasonOf } from './resource-reflector';
import { withListenerRoom } from '../../abort-signals';

export { listKubeconfigContexts } from './kubeconfig.loader';

/**
 * The Kubernetes source: every chosen kubeconfig context listed, then watched, and mapped to
 * canonical clusters, GPU nodes, model endpoints and events. One full snapshot once every
 * context has listed (or failed), then partial reports batched every `batchMs`, so 10,000
 * endpoints changing at once make one report, not 10,000.
 */
export const kubernetesConfigSchema = z.object({
  /** A kubeconfig file; default: KUBECONFIG (several files), else ~/.kube/config. */
  kubeconfigPath: z.string().trim().min(1).optional(),
  /** Contexts to follow (as offered by listKubeconfigContexts); default: every context. */
  contexts: z.array(z.string().min(1)).optional(),
  /** Limit namespaced resources to these namespaces (for users without cluster-wide list). */
  namespaces: z
    .array(
      z
        .string()
        .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a namespace name: lower-case letters, digits and -'),
    )
    .optional(),
});
export type KubernetesSourceConfig = z.infer<typeof kubernetesConfigSchema>;

/** Knobs for tests and benchmarks; production uses the defaults. */
export interface KubernetesTuning {
  batchMs: number;
  /** The first full snapshot waits at most this long for slow contexts (they report later). */
  settleDeadlineMs: number;
  timeouts: KubeClientTimeouts;
  pageSize: number;
  backoff: { initialMs: number; maxMs: number; random?: () => number };
  watchTimeoutSeconds?: () => number;
  eventWindowMs: number;
  /** How often a context looks again for optional APIs it lacked (a CRD installed later). */
  rediscoverMs: number;
  /** How often aged-out events are dropped and node problems re-evaluated. */
  housekeepingMs: number;
  execTimeoutMs: number;
  /** The environment exec plugins run with (default: the login shell's, resolved once). */
  execEnv: () => Promise<NodeJS.ProcessEnv>;
  /** Where KUBECONFIG and the home directory come from (tests). */
  env?: NodeJS.ProcessEnv;
  home?: string;
}

export const defaultKubernetesTuning: KubernetesTuning = {
  batchMs: 250,
  settleDeadlineMs: 20_000,
  timeouts: { requestMs: 30_000, watchIdleMs: 15 * 60_000 },
  pageSize: 500,
  backoff: { initialMs: 1_000, maxMs: 60_000 },
  eventWindowMs: 60 * 60_000,
  rediscoverMs: 5 * 60_000,
  housekeepingMs: 60_000,
  execTimeoutMs: 30_000,
  execEnv: async () => (await loginShellEnv()).env,
};

interface StatusEntry {
  state: 'connecting' | 'ok' | 'degraded' | 'error';
  reason: string;
  retryAt: number | null;
}

export class KubernetesProvider implements SourceProvider {
  private readonly tuning: KubernetesTuning;
  private ctx: ProviderContext | null = null;
  // Every in-flight request listens on this one signal (up to the concurrency at once, each
  // removed when its request ends), so Node's default of 10 listeners is not a leak signal here.
  private readonly abort = withListenerRoom(new AbortController());
  private sessions: ContextSession[] = [];
  private loaded: LoadedKubeconfig | null = null;
  private kubeconfigFailure: StatusEntry | null = null;
  private unknownContexts: StatusEntry | null = null;
  private initialReported = false;
  private deadlinePassed = false;
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private lastStatus = '';
  private running: Promise<void> | null = null;

  constructor(
    private readonly config: KubernetesSourceConfig,
    private readonly deps: ProviderDeps,
    tuning: Partial<KubernetesTuning> = {},
  ) {
    this.tuning = { ...defaultKubernetesTuning, ...tuning };
  }

  start(ctx: ProviderContext): void {
    if (this.ctx) return;
    this.ctx = ctx;
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
    this.publishStatus({ state: 'connecting', reason: 'reading kubeconfig', retryAt: null });
    this.running = this.run().catch((error: unknown) => {
      this.deps.log.error('kubernetes source failed', { error: reasonOf(error) });
      this.publishStatus({ state: 'error', reason: `internal error: ${reasonOf(error)}`, retryAt: null });
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.running;
    await Promise.all(this.sessions.map((session) => session.stop()));
  }

  async test(): Promise<SourceTestResult> {
    let loaded: LoadedKubeconfig;
    try {
      loaded = this.load();
    } catch (error) {
      return { ok: false, message: reasonOf(error), details: [] };
    }
    const { contexts, unknown } = selectContexts(loaded, this.config.contexts);
    const checks = await Promise.all(
      contexts.map((context) =>
        checkContext(loaded, context.name, this.config.namespaces, this.connectionOptions(), {
          requestMs: Math.min(this.tuning.timeouts.requestMs, 10_000),
          watchIdleMs: this.tuning.timeouts.watchIdleMs,
        }),
      ),
    );
    const details = checks.map((check) => `${check.ok ? 'ok' : 'failed'}: ${check.line}`);
    if (unknown.length > 0) details.push(`failed: ${describeUnknownContexts(loaded, unknown)}`);
    const failed = checks.filter((check) => !check.ok);
    const ok = failed.length === 0 && unknown.length === 0 && checks.length > 0;
    const message = ok
      ? `${checks.length} context${checks.length === 1 ? '' : 's'} reachable and readable (${loaded.files.join(', ')})`
      : (failed[0]?.line ??
        (unknown.length ? describeUnknownContexts(loaded, unknown) : 'no contexts to check'));
    return { ok, message, details };
  }

  /** For the bench and tests: what the source holds now, per context. */
  snapshotSizes(): Record<string, { endpoints: number; nodes: number }> {
    return Object.fromEntries(this.sessions.map((session) => [session.context, session.inventory.size]));
  }

  private load(): LoadedKubeconfig {
    return loadKubeconfig({ path: this.config.kubeconfigPath, env: this.tuning.env, home: this.tuning.home });
  }

  private connectionOptions(): ConnectionOptions {
    return {
      execEnv: this.tuning.execEnv,
      execTimeoutMs: this.tuning.execTimeoutMs,
      reload: () => this.load(),
    };
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    const backoff = new Backoff({ initialMs: 2_000, maxMs: 60_000, random: this.tuning.backoff.random });
    // A missing or broken kubeconfig may be fixed while we run: keep trying, slowly.
    while (!signal.aborted && !this.loaded) {
      try {
        this.loaded = this.load();
        this.kubeconfigFailure = null;
      } catch (error) {
        if (!(error instanceof KubeconfigError)) throw error;
        const delay = backoff.next();
        this.kubeconfigFailure = { state: 'error', reason: error.message, retryAt: this.now() + delay };
        this.updateStatus();
        await sleep(delay, signal);
      }
    }
    if (!this.loaded || signal.aborted) return;
    const loaded = this.loaded;

    const { contexts, unknown } = selectContexts(loaded, this.config.contexts);
    if (unknown.length > 0)
      this.unknownContexts = {
        state: 'error',
        reason: describeUnknownContexts(loaded, unknown),
        retryAt: null,
      };
    const sessionTuning: SessionTuning = {
      timeouts: this.tuning.timeouts,
      pageSize: this.tuning.pageSize,
      backoff: this.tuning.backoff,
      watchTimeoutSeconds: this.tuning.watchTimeoutSeconds,
      eventWindowMs: this.tuning.eventWindowMs,
      rediscoverMs: this.tuning.rediscoverMs,
    };
    this.sessions = contexts.map(
      (context) =>
        new ContextSession({
          context: context.name,
          loaded,
          namespaces: this.config.namespaces,
          connection: this.connectionOptions(),
          tuning: sessionTuning,
          log: this.deps.log,
          now: () => this.now(),
          onHealth: () => this.updateStatus(),
          onDirty: () => this.scheduleFlush(),
          onSettled: () => this.onSessionSettled(),
        }),
    );
    this.updateStatus();
    this.later(this.tuning.settleDeadlineMs, () => {
      this.deadlinePassed = true;
      this.flush();
    });
    this.housekeeping();
    for (const session of this.sessions) session.start();
  }

  private onSessionSettled(): void {
    // The first full snapshot goes out as soon as every context has answered one way or another.
    if (!this.initialReported && this.sessions.every((session) => session.settled))
      setImmediate(() => this.flush());
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.abort.signal.aborted) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.flush();
    }, this.tuning.batchMs);
  }

  private flush(): void {
    const ctx = this.ctx;
    if (!ctx || this.abort.signal.aborted || this.sessions.length === 0) return;
    if (!this.initialReported) {
      if (this.deadlinePassed || this.sessions.every((session) => session.settled)) this.reportFull(ctx);
      return;
    }
    const merged: ContextChanges = { clusters: [], endpoints: [], nodes: [], events: [], deleted: [] };
    for (const session of this.sessions) {
      if (!session.synced) continue;
      const changes = session.inventory.collect(session.needsFullCollect, this.now());
      session.needsFullCollect = false;
      merged.clusters.push(...changes.clusters);
      merged.endpoints.push(...changes.endpoints);
      merged.nodes.push(...changes.nodes);
      merged.events.push(...changes.events);
      merged.deleted.push(...changes.deleted);
    }
    if (isEmptyChange(merged)) return;
    const snapshot: InventorySnapshot = { ...merged };
    if (merged.deleted.length === 0) delete snapshot.deleted;
    ctx.reportInventory(snapshot, { partial: true });
  }

  /**
   * The one full snapshot. A context that could not list yet keeps what the fleet already holds
   * for it (the cache from the last run): a full snapshot replaces everything this source
   * reported, and an unreachable cluster must not vanish from the console.
   */
  private reportFull(ctx: ProviderContext): void {
    this.initialReported = true;
    const snapshot: Required<Omit<InventorySnapshot, 'deleted'>> = {
      clusters: [],
      nodes: [],
      endpoints: [],
      events: [],
    };
    const known = ctx.inventory();
    for (const session of this.sessions) {
      if (session.synced) {
        const changes = session.inventory.collect(true, this.now());
        session.needsFullCollect = false;
        snapshot.events.push(...changes.events);
      } else {
        session.inventory.seed({
          clusters: known.clusters().filter((c) => c.id === session.context),
          endpoints: known.endpoints().filter((e) => e.cluster === session.context),
          nodes: known.nodes().filter((n) => n.cluster === session.context),
        });
        session.needsFullCollect = true;
      }
      const current = session.inventory.current();
      snapshot.clusters.push(...current.clusters);
      snapshot.endpoints.push(...current.endpoints);
      snapshot.nodes.push(...current.nodes);
    }
    ctx.reportInventory(snapshot);
  }

  private housekeeping(): void {
    this.later(this.tuning.housekeepingMs, () => {
      const cutoff = this.now() - this.tuning.eventWindowMs;
      for (const session of this.sessions) {
        session.state.forgetEventsBefore(cutoff);
        session.inventory.forgetEventsBefore(cutoff);
        for (const node of session.state.nodesWithWarnings()) session.state.dirty.nodes.add(node);
      }
      this.scheduleFlush();
      this.housekeeping();
    });
  }

  private updateStatus(): void {
    if (this.kubeconfigFailure) return this.publishStatus(this.kubeconfigFailure);
    const entries: StatusEntry[] = this.sessions.map((session) => {
      const health = session.health();
      return {
        state: health.state,
        reason: health.reason,
        retryAt: 'retryAt' in health ? health.retryAt : null,
      };
    });
    if (this.unknownContexts) entries.push(this.unknownContexts);
    if (entries.length === 0)
      return this.publishStatus({ state: 'error', reason: 'no contexts to follow', retryAt: null });

    const errors = entries.filter((e) => e.state === 'error');
    const problems = entries.filter((e) => e.state === 'error' || e.state === 'degraded');
    const retries = problems.map((e) => e.retryAt).filter((t): t is number => t !== null);
    const retryAt = retries.length ? Math.min(...retries) : null;
    const names = this.sessions.map((s) => s.context).join(', ');
    if (errors.length === entries.length) {
      return this.publishStatus({ state: 'error', reason: joinReasons(errors), retryAt });
    }
    if (problems.length > 0)
      return this.publishStatus({ state: 'degraded', reason: joinReasons(problems), retryAt });
    if (entries.some((e) => e.state === 'connecting')) {
      return this.publishStatus({
        state: 'connecting',
        reason: `listing ${this.sessions.length} context(s): ${names}`,
        retryAt: null,
      });
    }
    return this.publishStatus({
      state: 'ok',
      reason: `watching ${this.sessions.length} context${this.sessions.length === 1 ? '' : 's'}: ${truncate(names, 300)}`,
      retryAt: null,
    });
  }

  private publishStatus(entry: StatusEntry): void {
    const key = `${entry.state}\u0000${entry.reason}\u0000${entry.retryAt}`;
    if (key === this.lastStatus || !this.ctx || this.abort.signal.aborted) return;
    this.lastStatus = key;
    const okNow = entry.state === 'ok' || entry.state === 'degraded';
    this.ctx.reportStatus({ ...entry, ...(okNow ? { lastOkAt: this.now() } : {}) });
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.abort.signal.aborted) run();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private now(): number {
    return this.ctx?.now() ?? Date.now();
  }
}

function joinReasons(entries: StatusEntry[]): string {
  return truncate([...new Set(entries.map((e) => e.reason))].join('; '), 1_500);
}

export function createKubernetesProvider(
  config: KubernetesSourceConfig,
  deps: ProviderDeps,
  tuning: Partial<KubernetesTuning> = {},
): KubernetesProvider {
  return new KubernetesProvider(config, deps, tuning);
}

export const kubernetesProviderFactory: ProviderFactory<KubernetesSourceConfig> = {
  kind: 'kubernetes',
  configSchema: kubernetesConfigSchema,
  describe:
    "Kubernetes clusters from your kubeconfig (KUBECONFIG or ~/.kube/config, or a file you choose): every context or the ones you pick. Fleetdeck lists and watches nodes, pods, Deployments, StatefulSets, Services, events and KServe InferenceServices, read-only, with the kubeconfig's own credentials (certificates, tokens, exec plugins such as aws eks get-token).",
  create: (config, deps) => createKubernetesProvider(config, deps),
};
