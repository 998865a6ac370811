import { Backoff, sleep } from './backoff';
import type { KubeApiClient, RawKubeObject } from './kube-api.client';
import {
  KubeAuthError,
  KubeRequestError,
  KubeconfigError,
  errorMessage,
  type KubeRequestScope,
} from './kube-errors';

/**
 * List, then watch from the list's resourceVersion, for one resource (in one namespace or all):
 * client-go's reflector, small. Dropped streams are re-watched from the last resourceVersion
 * seen (events or bookmarks) with backoff and jitter; 410 Gone lists again; every other
 * failure is reported with its reason and retried, and the objects already held stay held.
 */
export interface ReflectorSink {
  upsert(raw: RawKubeObject): void;
  remove(key: string): void;
  /** After each successful (re)list: the keys now held were applied. */
  listed(): void;
}

export type ReflectorHealth =
  | { state: 'connecting' }
  | { state: 'ok' }
  | { state: 'error'; reason: string; retryAt: number; error: unknown };

export interface ReflectorOptions {
  client: KubeApiClient;
  /** `/api/v1/pods`, `/apis/apps/v1/namespaces/llm/deployments`, ... */
  path: string;
  scope: Omit<KubeRequestScope, 'verb'>;
  keyOf(raw: RawKubeObject): string | null;
  sink: ReflectorSink;
  onHealth(health: ReflectorHealth): void;
  signal: AbortSignal;
  now: () => number;
  pageSize?: number;
  /** Server-side watch length; the server ends the stream cleanly after it (default 5-10 min). */
  watchTimeoutSeconds?: () => number;
  backoff?: { initialMs: number; maxMs: number; random?: () => number };
}

export class ResourceReflector {
  private readonly keys = new Set<string>();
  private readonly backoff: Backoff;
  private resourceVersion: string | null = null;
  private health: ReflectorHealth = { state: 'connecting' };
  /** Times this reflector listed (the first list, then each 410 relist). */
  lists = 0;

  constructor(private readonly o: ReflectorOptions) {
    this.backoff = new Backoff({ initialMs: 500, maxMs: 30_000, ...o.backoff });
  }

  get currentHealth(): ReflectorHealth {
    return this.health;
  }

  async run(): Promise<void> {
    const { signal } = this.o;
    while (!signal.aborted) {
      try {
        if (this.resourceVersion === null) await this.list();
        const opened = this.o.now();
        let received = false;
        await this.o.client.watch(
          this.o.path,
          {
            resourceVersion: this.resourceVersion ?? undefined,
            allowWatchBookmarks: true,
            timeoutSeconds: this.o.watchTimeoutSeconds?.() ?? 300 + Math.floor(Math.random() * 300),
          },
          { ...this.o.scope, verb: 'watch' },
          signal,
          {
            onOpen: () => this.setHealth({ state: 'ok' }),
            onEvent: (type, object) => {
              received = true;
              this.apply(type, object);
            },
          },
        );
        // A clean end (timeoutSeconds): watch again at once. One that ends as soon as it opens,
        // again and again (a proxy cutting idle streams), backs off instead of spinning.
        if (received || this.o.now() - opened > 1_000) this.backoff.reset();
        else await sleep(this.backoff.next(), signal);
      } catch (error) {
        if (signal.aborted) break;
        if (error instanceof KubeRequestError && error.isGone) {
          // Too old: the only way back is a fresh list (the objects held stay until it lands).
          this.resourceVersion = null;
          continue;
        }
        const delay = this.backoff.next(error instanceof KubeRequestError ? error.retryAfterMs : null);
        this.setHealth({ state: 'error', reason: reasonOf(error), retryAt: this.o.now() + delay, error });
        await sleep(delay, signal);
      }
    }
  }

  private async list(): Promise<void> {
    const list = await this.o.client.listAll(
      this.o.path,
      { ...this.o.scope, verb: 'list' },
      this.o.signal,
      this.o.pageSize,
    );
    const seen = new Set<string>();
    for (const item of list.items) {
      const key = this.o.keyOf(item);
      if (!key) continue;
      seen.add(key);
      this.keys.add(key);
      this.o.sink.upsert(item);
    }
    for (const key of [...this.keys]) {
      if (!seen.has(key)) {
        this.keys.delete(key);
        this.o.sink.remove(key);
      }
    }
    this.resourceVersion = list.resourceVersion || '0';
    this.lists += 1;
    this.backoff.reset();
    this.o.sink.listed();
    this.setHealth({ state: 'ok' });
  }

  private apply(type: string, object: RawKubeObject): void {
    const rv = object.metadata?.resourceVersion;
    if (type !== 'BOOKMARK') {
      const key = this.o.keyOf(object);
      if (key) {
        if (type === 'DELETED') {
          this.keys.delete(key);
          this.o.sink.remove(key);
        } else {
          this.keys.add(key);
          this.o.sink.upsert(object);
        }
      }
    }
    if (rv) this.resourceVersion = rv;
  }

  private setHealth(health: ReflectorHealth): void {
    const changed = this.health.state !== health.state;
    this.health = health;
    // Every error is passed on (new reason or new retry time); ok/connecting only on change.
    if (changed || health.state === 'error') this.o.onHealth(health);
  }
}

export function reasonOf(error: unknown): string {
  if (error instanceof KubeRequestError || error instanceof KubeAuthError || error instanceof KubeconfigError)
    return error.message;
  return errorMessage(error);
}
