import type Database from 'better-sqlite3';
import type { Source, SourceKind, SourceStatus } from '../../shared/contract/fleet.schema';
import { FleetError } from '../../shared/errors/fleet-error';
import { describeIssues } from '../../shared/contract/validate';
import type { Logger } from '../log/logger';
import type {
  ProviderContext,
  ProviderDeps,
  ProviderFactory,
  SourceProvider,
  SourceTestResult,
} from '../providers/provider';
import { withListenerRoom } from '../abort-signals';
import type { FleetService } from './fleet.service';
import type { InventoryCache } from './inventory.cache';

export interface SourceDefinition {
  id: string;
  kind: SourceKind;
  name: string;
  config: Record<string, unknown>;
  /** Built-in sources (the demo fleet) come from the host's flags, not the database. */
  builtIn: boolean;
}

interface Running {
  def: SourceDefinition;
  provider: SourceProvider;
  abort: AbortController;
}

export interface SourcesServiceOptions {
  db: Database.Database;
  log: Logger;
  factories: readonly ProviderFactory[];
  deps: ProviderDeps;
  inventory: InventoryCache;
  fleet: () => FleetService;
  onStatus: (source: Source) => void;
  now?: () => number;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40) || 'source';

/**
 * The configured sources: persisted definitions, one running provider each, and their status
 * (with the last time each was OK, kept in SQLite so "offline since 14:02" survives a restart).
 */
export class SourcesService {
  private readonly running = new Map<string, Running>();
  private readonly statuses = new Map<string, SourceStatus>();
  private readonly builtIns: SourceDefinition[] = [];
  private readonly now: () => number;

  constructor(private readonly o: SourcesServiceOptions) {
    this.now = o.now ?? Date.now;
    const rows = o.db
      .prepare('SELECT source_id, status, reason, last_ok_at FROM source_state')
      .all() as Array<{
      source_id: string;
      status: SourceStatus['state'];
      reason: string;
      last_ok_at: number | null;
    }>;
    for (const r of rows) {
      // Until a source reports again, it is not known to be OK: show it as connecting, with
      // the last good time from the previous run.
      this.statuses.set(r.source_id, {
        state: 'connecting',
        reason: 'starting',
        lastOkAt: r.last_ok_at,
        retryAt: null,
      });
    }
  }

  factory(kind: string): ProviderFactory {
    const f = this.o.factories.find((x) => x.kind === kind);
    if (!f) {
      throw new FleetError({
        code: 'bad_request',
        message: `Unknown source kind "${kind}"`,
        hint: `Known kinds: ${this.o.factories.map((x) => x.kind).join(', ')}.`,
      });
    }
    return f;
  }

  addBuiltIn(def: Omit<SourceDefinition, 'builtIn'>): void {
    this.builtIns.push({ ...def, builtIn: true });
    this.kinds = null;
  }

  definitions(): SourceDefinition[] {
    const rows = this.o.db
      .prepare('SELECT id, kind, name, config FROM sources ORDER BY created_at')
      .all() as Array<{
      id: string;
      kind: SourceKind;
      name: string;
      config: string;
    }>;
    return [
      ...this.builtIns,
      ...rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        name: r.name,
        config: JSON.parse(r.config) as Record<string, unknown>,
        builtIn: false,
      })),
    ];
  }

  startAll(): void {
    for (const def of this.definitions()) this.start(def);
  }

  startOne(id: string): void {
    const def = this.definitions().find((d) => d.id === id);
    if (def && !this.running.has(id)) this.start(def);
  }

  /** Sources the user configured (not built in). */
  userSourceCount(): number {
    return (this.o.db.prepare('SELECT count(*) AS n FROM sources').get() as { n: number }).n;
  }

  list(): Source[] {
    return this.definitions().map((def) => this.describe(def));
  }

  /**
   * The status of a source that is configured now; undefined for one that is not (its records
   * are only cache, and nothing will refresh them: they read as offline).
   */
  status(id: string): SourceStatus | undefined {
    return this.defined().has(id) ? this.statuses.get(id) : undefined;
  }

  /**
   * The kind of every configured source by id, read from SQLite once and again only after a
   * source is added or removed: the fleet asks for each endpoint's source on every tick (10,000
   * reads of the sources table a tick made a console serving a cached fleet stall ~2 s in 5).
   */
  private kinds: Map<string, string> | null = null;
  private defined(): Map<string, string> {
    this.kinds ??= new Map(this.definitions().map((d) => [d.id, d.kind]));
    return this.kinds;
  }

  kindOf(id: string): string {
    return this.running.get(id)?.def.kind ?? this.defined().get(id) ?? 'unknown';
  }

  parseConfig(kind: string, config: unknown): Record<string, unknown> {
    const parsed = this.factory(kind).configSchema.safeParse(config);
    if (!parsed.success) {
      throw new FleetError({
        code: 'bad_request',
        message: `Invalid ${kind} source settings: ${describeIssues(parsed.error)}`,
        where: 'sources.add',
      });
    }
    return parsed.data as Record<string, unknown>;
  }

  add(input: { kind: SourceKind; name: string; config: unknown }): Source {
    const config = this.parseConfig(input.kind, input.config);
    const taken = new Set(this.definitions().map((d) => d.id));
    let id = slug(input.name);
    for (let i = 2; taken.has(id); i++) id = `${slug(input.name)}-${i}`;
    const def: SourceDefinition = { id, kind: input.kind, name: input.name, config, builtIn: false };
    this.o.db
      .prepare('INSERT INTO sources (id, kind, name, config, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, def.kind, def.name, JSON.stringify(config), this.now());
    this.kinds = null;
    this.start(def);
    return this.describe(def);
  }

  async test(input: { id?: string; kind?: SourceKind; config?: unknown }): Promise<SourceTestResult> {
    let kind: string;
    let config: Record<string, unknown>;
    if (input.id) {
      const def = this.definitions().find((d) => d.id === input.id);
      if (!def)
        throw new FleetError({
          code: 'not_found',
          message: `No source "${input.id}"`,
          hint: 'sources.list shows the configured ones.',
        });
      kind = def.kind;
      config = def.config;
    } else if (input.kind) {
      kind = input.kind;
      config = this.parseConfig(input.kind, input.config ?? {});
    } else {
      throw new FleetError({
        code: 'bad_request',
        message: 'sources.test needs an id, or a kind and config',
      });
    }
    const provider = this.factory(kind).create(config, this.o.deps);
    try {
      return await provider.test();
    } finally {
      await provider.stop().catch(() => undefined);
    }
  }

  async remove(id: string): Promise<void> {
    const def = this.definitions().find((d) => d.id === id);
    if (!def)
      throw new FleetError({
        code: 'not_found',
        message: `No source "${id}"`,
        hint: 'sources.list shows the configured ones.',
      });
    if (def.builtIn) {
      throw new FleetError({
        code: 'conflict',
        message: `"${def.name}" is built in and cannot be removed here`,
        hint: 'Start Fleetdeck with --no-demo to run without the demo fleet.',
      });
    }
    await this.stop(id);
    this.o.db.transaction(() => {
      this.o.db.prepare('DELETE FROM sources WHERE id = ?').run(id);
      this.o.db.prepare('DELETE FROM source_state WHERE source_id = ?').run(id);
    })();
    this.statuses.delete(id);
    this.kinds = null;
    this.o.fleet().onInventory(this.o.inventory.dropSource(id));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
  }

  private async stop(id: string): Promise<void> {
    const r = this.running.get(id);
    if (!r) return;
    this.running.delete(id);
    r.abort.abort();
    await r.provider
      .stop()
      .catch((error: unknown) => this.o.log.warn('source stop failed', { source: id, error: String(error) }));
  }

  private start(def: SourceDefinition): void {
    const factory = this.factory(def.kind);
    const abort = withListenerRoom(new AbortController());
    let provider: SourceProvider;
    try {
      provider = factory.create(def.config, this.o.deps);
    } catch (error) {
      this.setStatus(def, {
        state: 'error',
        reason: `Could not start: ${(error as Error).message}`,
        retryAt: null,
      });
      return;
    }
    this.running.set(def.id, { def, provider, abort });
    if (!this.statuses.has(def.id))
      this.setStatus(def, { state: 'connecting', reason: 'starting', retryAt: null });
    const ctx: ProviderContext = {
      sourceId: def.id,
      sourceName: def.name,
      log: this.o.log,
      now: this.now,
      signal: abort.signal,
      reportInventory: (snapshot, options) => {
        if (abort.signal.aborted) return;
        const change = this.o.inventory.apply(def.id, snapshot, options?.partial ?? false, this.now());
        this.o.fleet().onInventory(change);
      },
      reportSamples: (samples) => {
        if (!abort.signal.aborted) this.o.fleet().onSamples(samples);
      },
      reportStatus: (status) => {
        if (!abort.signal.aborted) this.setStatus(def, status);
      },
      reportMissingMetrics: (endpointId, missing) => this.o.fleet().onMissingMetrics(endpointId, missing),
      inventory: () => this.o.inventory,
    };
    try {
      provider.start(ctx);
    } catch (error) {
      this.setStatus(def, {
        state: 'error',
        reason: `Could not start: ${(error as Error).message}`,
        retryAt: null,
      });
    }
  }

  private setStatus(
    def: SourceDefinition,
    status: Omit<SourceStatus, 'lastOkAt'> & { lastOkAt?: number | null },
  ): void {
    const prev = this.statuses.get(def.id);
    const lastOkAt = status.state === 'ok' ? this.now() : (status.lastOkAt ?? prev?.lastOkAt ?? null);
    const next: SourceStatus = {
      state: status.state,
      reason: status.reason,
      retryAt: status.retryAt,
      lastOkAt,
    };
    this.statuses.set(def.id, next);
    const changed = !prev || prev.state !== next.state || prev.reason !== next.reason;
    // Persist on every change, and at most once a minute for a steady OK (the last-good time).
    if (changed || !prev?.lastOkAt || (lastOkAt ?? 0) - prev.lastOkAt > 60_000) {
      this.o.db
        .prepare(
          'INSERT OR REPLACE INTO source_state (source_id, status, reason, last_ok_at, updated_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(def.id, next.state, next.reason, lastOkAt, this.now());
    }
    if (changed) {
      if (next.state === 'error') this.o.log.warn('source error', { source: def.id, reason: next.reason });
      this.o.onStatus(this.describe(def));
    }
  }

  private describe(def: SourceDefinition): Source {
    return {
      id: def.id,
      kind: def.kind,
      name: def.name,
      config: def.config,
      builtIn: def.builtIn,
      status: this.statuses.get(def.id) ?? {
        state: 'disabled',
        reason: 'not started',
        lastOkAt: null,
        retryAt: null,
      },
    };
  }
}
