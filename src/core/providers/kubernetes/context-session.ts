import type { Logger } from '../../log/logger';
import { Backoff, sleep } from './backoff';
import { ClusterState } from './cluster-state';
import { ContextInventory } from './context-inventory';
import { KubeApiClient, type KubeClientTimeouts } from './kube-api.client';
import { KubeConnection, type ConnectionOptions } from './kube-connection';
import { KubeRequestError } from './kube-errors';
import { objectKey } from './kube-objects';
import type { LoadedKubeconfig } from './kubeconfig.loader';
import { ResourceReflector, reasonOf, type ReflectorHealth } from './resource-reflector';
import { resourceName, watchedResources, type ResourceSpec } from './watched-resources';
import { withListenerRoom } from '../../abort-signals';

/**
 * One kubeconfig context: discovery, then a reflector per resource (per namespace when the
 * source is limited to some), all feeding one ClusterState. It tells the provider when its
 * health changes and when it has something to report; the provider decides when to report.
 */
export interface SessionTuning {
  timeouts: KubeClientTimeouts;
  pageSize: number;
  backoff: { initialMs: number; maxMs: number; random?: () => number };
  watchTimeoutSeconds?: () => number;
  /** Events older than this are not kept (default one hour). */
  eventWindowMs: number;
  /** How often to look again for optional APIs the server did not have (KServe installed later). */
  rediscoverMs: number;
}

export interface SessionOptions {
  context: string;
  loaded: LoadedKubeconfig;
  namespaces: readonly string[] | undefined;
  connection: ConnectionOptions;
  tuning: SessionTuning;
  log: Logger;
  now(): number;
  onHealth(): void;
  onDirty(): void;
  /** First time every reflector has listed or failed once (whichever comes first). */
  onSettled(): void;
}

export type SessionHealth =
  | { state: 'connecting'; reason: string }
  | { state: 'ok'; reason: string }
  | { state: 'degraded' | 'error'; reason: string; retryAt: number | null };

type FailedHealth = Extract<ReflectorHealth, { state: 'error' }>;

/**
 * One line per distinct failure, at most two; seven resources timing out the same way read as
 * one reason plus the names of the others, not seven near-identical sentences.
 */
function summarize(failing: Array<{ entry: RunningReflector; health: FailedHealth }>): string {
  const reasons = [...new Set(failing.map((f) => f.health.reason))];
  if (reasons.length <= 2) return reasons.join('; ');
  const first = failing.find((f) => f.health.reason === reasons[0])!;
  const others = [
    ...new Set(failing.filter((f) => f.health.reason !== reasons[0]).map((f) => resourceName(f.entry.spec))),
  ];
  return `${first.health.reason} (also failing: ${others.join(', ')})`;
}

interface RunningReflector {
  spec: ResourceSpec;
  reflector: ResourceReflector;
  namespace: string | undefined;
  /** Listed or failed at least once. */
  settled: boolean;
}

export class ContextSession {
  readonly state = new ClusterState();
  readonly inventory: ContextInventory;
  readonly connection: KubeConnection;
  readonly client: KubeApiClient;
  // Every in-flight request listens on this one signal (up to the concurrency at once, each
  // removed when its request ends), so Node's default of 10 listeners is not a leak signal here.
  private readonly abort = withListenerRoom(new AbortController());
  private readonly reflectors: RunningReflector[] = [];
  private discoveryFailure: { reason: string; retryAt: number | null } | null = null;
  private running: Promise<void> | null = null;
  settled = false;
  /** Every required reflector has listed: the state is a whole picture of the cluster. */
  synced = false;
  /** The next collect must map everything (first sync, or a resync over cached records). */
  needsFullCollect = false;

  constructor(private readonly o: SessionOptions) {
    this.inventory = new ContextInventory(o.context, this.state);
    this.connection = new KubeConnection(o.loaded, o.context, o.connection);
    this.client = new KubeApiClient(this.connection, o.tuning.timeouts);
  }

  get context(): string {
    return this.o.context;
  }

  start(): void {
    this.running ??= this.run().catch((error: unknown) => {
      this.o.log.error('kubernetes: context session stopped unexpectedly', {
        context: this.o.context,
        error: reasonOf(error),
      });
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    await this.connection.close();
  }

  health(): SessionHealth {
    if (this.discoveryFailure) return { state: 'error', ...this.discoveryFailure };
    if (this.reflectors.length === 0)
      return { state: 'connecting', reason: `context ${this.o.context}: connecting` };
    const failing: Array<{ entry: RunningReflector; health: FailedHealth }> = [];
    for (const entry of this.reflectors) {
      const health = entry.reflector.currentHealth;
      if (health.state === 'error') failing.push({ entry, health });
    }
    if (failing.length === 0) {
      if (!this.synced) return { state: 'connecting', reason: `context ${this.o.context}: listing` };
      return { state: 'ok', reason: `context ${this.o.context}: watching` };
    }
    const retryAt = Math.min(...failing.map((f) => f.health.retryAt));
    const reason = summarize(failing);
    const fatal = failing.some((f) => f.entry.spec.required) || failing.length === this.reflectors.length;
    return { state: fatal ? 'error' : 'degraded', reason, retryAt };
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    const backoff = new Backoff(this.o.tuning.backoff);
    let served: Set<string> | null = null;
    while (!signal.aborted && !served) {
      try {
        served = await this.discover(signal);
        this.discoveryFailure = null;
      } catch (error) {
        if (signal.aborted) return;
        const delay = backoff.next(error instanceof KubeRequestError ? error.retryAfterMs : null);
        this.discoveryFailure = { reason: reasonOf(error), retryAt: this.o.now() + delay };
        this.markSettled(); // a context that cannot even discover has settled: on error
        this.o.onHealth();
        await sleep(delay, signal);
      }
    }
    if (!served || signal.aborted) return;

    const missing = watchedResources.filter((spec) => spec.required && !served.has(resourceName(spec)));
    if (missing.length > 0) {
      this.discoveryFailure = {
        reason: `context ${this.o.context}: the API server does not serve ${missing.map(resourceName).join(', ')}; is this a Kubernetes API server?`,
        retryAt: null,
      };
      this.markSettled();
      this.o.onHealth();
      return;
    }

    for (const spec of watchedResources.filter((s) => served.has(resourceName(s)))) {
      const namespaces = spec.namespaced && this.o.namespaces?.length ? this.o.namespaces : [undefined];
      for (const namespace of namespaces) this.addReflector(spec, namespace);
    }
    this.o.onHealth();
    const loops = this.reflectors.map((r) => this.runReflector(r));
    // Optional APIs (KServe, StatefulSets) may be installed while we run: look again now and then.
    while (!signal.aborted) {
      await sleep(this.o.tuning.rediscoverMs, signal);
      const absent = watchedResources.filter((spec) => !this.reflectors.some((r) => r.spec === spec));
      if (signal.aborted || absent.length === 0) break;
      let now: Set<string>;
      try {
        now = await this.discover(signal);
      } catch {
        continue; // the reflectors report connectivity; discovery just tries again later
      }
      for (const spec of absent.filter((s) => now.has(resourceName(s)))) {
        this.o.log.info('kubernetes: an API appeared, following it', {
          context: this.o.context,
          resource: resourceName(spec),
        });
        const namespaces = spec.namespaced && this.o.namespaces?.length ? this.o.namespaces : [undefined];
        for (const namespace of namespaces) loops.push(this.runReflector(this.addReflector(spec, namespace)));
      }
    }
    await Promise.all(loops);
  }

  private runReflector(entry: RunningReflector): Promise<void> {
    return entry.reflector.run().catch((error: unknown) => {
      this.o.log.error('kubernetes: a reflector stopped unexpectedly', {
        context: this.o.context,
        resource: resourceName(entry.spec),
        error: reasonOf(error),
      });
    });
  }

  private addReflector(spec: ResourceSpec, namespace: string | undefined): RunningReflector {
    const base = spec.group ? `/apis/${spec.group}/${spec.version}` : `/api/${spec.version}`;
    const path = namespace
      ? `${base}/namespaces/${encodeURIComponent(namespace)}/${spec.resource}`
      : `${base}/${spec.resource}`;
    const sink = spec.sink(this.state, this.o.now, this.o.tuning.eventWindowMs);
    const entry: RunningReflector = {
      spec,
      namespace,
      settled: false,
      reflector: undefined as unknown as ResourceReflector,
    };
    entry.reflector = new ResourceReflector({
      client: this.client,
      path,
      scope: {
        context: this.o.context,
        resource: resourceName(spec),
        namespace,
        namespaced: spec.namespaced,
      },
      keyOf: objectKey,
      sink: {
        upsert: (raw) => {
          sink.upsert(raw);
          this.o.onDirty();
        },
        remove: (key) => {
          sink.remove(key);
          this.o.onDirty();
        },
        listed: () => {
          entry.settled = true;
          this.afterListOrFailure();
        },
      },
      onHealth: (health) => {
        if (health.state === 'error') {
          entry.settled = true;
          this.afterListOrFailure();
        }
        this.o.onHealth();
      },
      signal: this.abort.signal,
      now: this.o.now,
      pageSize: this.o.tuning.pageSize,
      watchTimeoutSeconds: this.o.tuning.watchTimeoutSeconds,
      backoff: this.o.tuning.backoff,
    });
    this.reflectors.push(entry);
    return entry;
  }

  private afterListOrFailure(): void {
    if (!this.synced) {
      const requiredListed = this.reflectors
        .filter((r) => r.spec.required)
        .every((r) => r.reflector.lists > 0);
      const allSettled = this.reflectors.every((r) => r.settled);
      if (requiredListed && allSettled) {
        this.synced = true;
        this.needsFullCollect = true;
        this.o.onHealth();
      }
    }
    if (this.reflectors.every((r) => r.settled)) this.markSettled();
    if (this.synced) this.o.onDirty();
  }

  private markSettled(): void {
    if (this.settled) return;
    this.settled = true;
    this.o.onSettled();
  }

  /** Which of our resources the server serves (`pods`, `deployments.apps`, ...). */
  private async discover(signal: AbortSignal): Promise<Set<string>> {
    const served = new Set<string>();
    const groups: Array<{ path: string; group: string; optional: boolean }> = [
      { path: '/api/v1', group: '', optional: false },
      { path: '/apis/apps/v1', group: 'apps', optional: false },
      // KServe is optional: most clusters do not have it, and that is not an error.
      { path: '/apis/serving.kserve.io/v1beta1', group: 'serving.kserve.io', optional: true },
    ];
    await Promise.all(
      groups.map(async ({ path, group, optional }) => {
        try {
          const list = await this.client.getJson<{ resources?: Array<{ name?: string }> }>(
            path,
            {},
            { context: this.o.context, verb: 'get', resource: `API discovery ${path}`, namespaced: false },
            signal,
          );
          for (const resource of list.resources ?? []) {
            if (resource.name && !resource.name.includes('/'))
              served.add(group ? `${resource.name}.${group}` : resource.name);
          }
        } catch (error) {
          if (optional && error instanceof KubeRequestError && error.status === 404) return;
          throw error;
        }
      }),
    );
    return served;
  }
}
