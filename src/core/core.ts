import type { CommandEnvelope } from '../shared/api/fleet-api';
import type { EventMessage } from '../shared/contract/index';
import { AppService } from './app/app.service';
import { CommandRegistry, type CommandContext, type HandlerMap } from './commands/registry';
import { EventBus } from './events/event-bus';
import { createLogger, type Logger } from './log/logger';
import { SettingsService } from './settings/settings.service';
import { openStore, type Store } from './store/database';
import { join, resolve } from 'node:path';
import { createFleetPlane, type ContextLister, type DemoControl } from './fleet/fleet-plane';
import type { SourceDefinition } from './fleet/sources.service';
import type { ProviderFactory } from './providers/provider';
import { createSecretStore, localFileCipher, type SecretCipher } from './secrets/secret-store';
import { listContexts, providerFactories } from './providers/registry';
import { SpendService, spendHandlers } from './spend/spend.service';
import { createTerminalPlane } from './terminal/terminal-plane';
import type { TerminalStreams } from './terminal/terminal.types';
import { createRunbookPlane } from './runbooks/runbook-plane';
import { createRolloutPlane } from './rollouts/rollout-plane';
import { createKubernetesTrafficResolver } from './rollouts/targets/kubernetes-traffic';
import { createIncidentPlane } from './incidents/incident-plane';
import { coreCaller } from './incidents/core-caller';

export interface CoreOptions {
  dataDir: string;
  host: 'desktop' | 'console';
  electronVersion?: string | null;
  log?: Logger;
  /** How often app.status is pushed even when nothing changed (the status bar's clock). */
  statusIntervalMs?: number;
  /** Electron's build of better-sqlite3, when the desktop host runs the core. */
  nativeBinding?: string;
  validateResults?: boolean;
  /** The app's resources/ folder (price tables, built-in runbooks, demo fleet). */
  resourcesDir?: string;
  /** Source kinds this build can use. */
  providers?: readonly ProviderFactory[];
  /** Sources from flags rather than the database (the demo fleet). */
  builtInSources?: Array<Omit<SourceDefinition, 'builtIn'>>;
  demo?: DemoControl;
  listContexts?: ContextLister;
  /** How secrets are sealed: Electron's safeStorage on the desktop, a local key file otherwise. */
  secretCipher?: SecretCipher;
  /** Fleet tick (health, spend, deltas); default 5 s. */
  tickMs?: number;
  /** The clock (tests drive time explicitly). */
  now?: () => number;
  /** node-pty for this runtime (the desktop host passes its Electron build); default 'node-pty'. */
  nodePtyPath?: string;
}

/** What a host holds: one call path, one event stream, one shutdown. */
export interface Core {
  call(name: unknown, args: unknown, ctx: CommandContext): Promise<CommandEnvelope>;
  subscribe(listener: (message: EventMessage) => void): () => void;
  readonly dataDir: string;
  readonly log: Logger;
  readonly store: Store;
  /** Runs one fleet pass now (health, spend, delta) instead of waiting for the timer. */
  tick(): void;
  /** How many sources the user configured; the hosts start the demo fleet when there are none. */
  userSourceCount(): number;
  /** Attaches the demo fleet: its built-in sources start at once, demo.fault reaches it. */
  useDemo(demo: { sources: Array<Omit<SourceDefinition, 'builtIn'>>; control: DemoControl }): void;
  /** Where the `fleetdeck` command line in a terminal reaches this core; hosts set it once they listen. */
  setCliAccess(access: { url: string; token: string } | null): void;
  /** Terminal session streams (the console's WebSocket, the desktop's IPC attach to them). */
  readonly terminalStreams: TerminalStreams;
  close(): Promise<void>;
}

/**
 * Starts every core service on one data directory. Throws StoreOpenError (with the file and
 * the way out) when the database cannot be used; hosts print it and stop.
 */
export function startCore(options: CoreOptions): Core {
  const log =
    options.log ?? createLogger({ dir: join(options.dataDir, 'logs'), stderr: options.host === 'console' });
  const store = openStore({
    dataDir: options.dataDir,
    log,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  const bus = new EventBus();
  const resourcesDir = options.resourcesDir ?? resolve(import.meta.dirname, '..', '..', 'resources');
  const app = new AppService({
    store,
    host: options.host,
    electronVersion: options.electronVersion ?? null,
    startedAt: Date.now(),
  });
  const settings = new SettingsService(store.db, log);
  // Every window (and the desktop and browser consoles at once) follows a change made in one.
  settings.onChange((next) => bus.emit('settings.changed', next));
  const secrets = createSecretStore(
    options.dataDir,
    options.secretCipher ?? localFileCipher(options.dataDir),
  );
  const plane = createFleetPlane({
    db: store.db,
    log,
    bus,
    settings,
    dataDir: options.dataDir,
    resourcesDir,
    factories: options.providers ?? providerFactories,
    secrets,
    ...(options.builtInSources ? { builtInSources: options.builtInSources } : {}),
    ...(options.demo ? { demo: options.demo } : {}),
    listContexts: options.listContexts ?? listContexts,
    ...(options.tickMs ? { tickMs: options.tickMs } : {}),
    ...(options.now ? { now: options.now } : {}),
  });

  const spend = new SpendService({
    db: store.db,
    fleet: plane.fleet,
    subscribe: (listener) => bus.subscribe(listener),
    sourceName: (id) => plane.sources.list().find((s) => s.id === id)?.name,
    ...(options.now ? { now: options.now } : {}),
  });

  const terminals = createTerminalPlane({
    db: store.db,
    log,
    bus,
    dataDir: options.dataDir,
    // Beside resources/: the repo's bin/ (the `fleetdeck` command line), first on a terminal's PATH.
    binDir: resolve(resourcesDir, '..', 'bin'),
    endpoint: (id) => plane.fleet.endpoint(id),
    ...(options.nodePtyPath ? { nodePtyPath: options.nodePtyPath } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const runbooks = createRunbookPlane({
    db: store.db,
    log,
    bus,
    settings,
    resourcesDir,
    fleet: plane.fleet,
    terminals: terminals.host,
    ...(options.now ? { now: options.now } : {}),
  });

  // Rollouts move traffic through the Kubernetes source that found the endpoint (its kubeconfig).
  const traffic = createKubernetesTrafficResolver({
    endpoint: (id) => plane.fleet.endpoint(id),
    kubernetesSource: (id) => {
      const def = plane.sources.definitions().find((d) => d.id === id && d.kind === 'kubernetes');
      if (!def) return undefined;
      const path = def.config.kubeconfigPath;
      return typeof path === 'string' && path ? { kubeconfigPath: path } : {};
    },
  });
  const rollouts = createRolloutPlane({
    db: store.db,
    log,
    bus,
    fleet: plane.fleet,
    metrics: plane.metrics,
    traffic,
    ...(options.now ? { now: options.now } : {}),
  });

  // Incidents and policies act through the registry like a person (bound once it exists below).
  let registry: CommandRegistry | null = null;
  const incidents = createIncidentPlane({
    db: store.db,
    log,
    bus,
    settings,
    fleet: plane.fleet,
    metrics: plane.metrics,
    call: coreCaller((name, args, actor) => registry!.call(name, args, { actor, host: options.host })),
    ...(options.now ? { now: options.now } : {}),
  });

  const handlers: HandlerMap = {
    ...plane.handlers,
    ...incidents.handlers,
    ...terminals.handlers,
    ...runbooks.handlers,
    ...rollouts.handlers,
    ...spendHandlers(spend),
    'app.info': () => app.info(),
    'app.health': () => {
      const health = app.health();
      bus.emit('app.status', app.status());
      return health;
    },
    'settings.get': () => settings.get(),
    'settings.set': (patch, ctx) => settings.set(patch, ctx.actor),
  };
  const commandRegistry = new CommandRegistry(handlers, {
    log,
    validateResults: options.validateResults ?? Boolean(process.env.VITEST),
    onCalled: (name, args, ctx, result) => incidents.onCalled(name, args, ctx, result),
  });
  registry = commandRegistry;

  app.health();
  plane.start();
  runbooks.start();
  rollouts.start();
  incidents.start();
  const timer = setInterval(() => {
    const fresh = plane.dataFreshAt();
    if (fresh !== null) app.markFresh(fresh);
    bus.emit('app.status', app.status());
  }, options.statusIntervalMs ?? 5000);
  timer.unref();

  let closed = false;
  log.info('core started', { dataDir: options.dataDir, host: options.host, pid: process.pid });
  return {
    call: (name, args, ctx) => commandRegistry.call(name, args, ctx),
    subscribe: (listener) => {
      const off = bus.subscribe(listener);
      // A new subscriber gets the current status at once instead of waiting for the timer.
      queueMicrotask(() => listener({ event: 'app.status', payload: app.status() }));
      return off;
    },
    dataDir: options.dataDir,
    log,
    store,
    tick: () => void plane.fleet.tick(),
    userSourceCount: () => plane.sources.userSourceCount(),
    useDemo: (demo) => plane.useDemo(demo),
    setCliAccess: (access) => terminals.setCliAccess(access),
    terminalStreams: terminals.streams,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      spend.stop();
      await incidents.close();
      await rollouts.close();
      await traffic.close();
      await runbooks.close();
      await terminals.close();
      await plane.stop();
      store.close();
      log.info('core stopped', { dataDir: options.dataDir });
    },
  };
}

export { StoreOpenError } from './store/store-error';
export { resolveDataDir } from './app/data-dir';
export type { CommandContext } from './commands/registry';
