import { join } from 'node:path';
import { app, BrowserWindow, dialog, session } from 'electron';
import { StoreOpenError, resolveDataDir, startCore, type Core } from '../../src/core/core';
import { demoSources, startDemoFleet, type DemoFleet } from '../../src/demo/demo-fleet';
import { createAppOrigin } from './app-origin';
import { appPaths, devServerUrl } from './app-paths';
import { startCliAccess, type CliAccess } from './cli-access';
import { showDesktopNotice, watchIncidentNotifications } from './incident-notifications';
import {
  forwardCoreEvents,
  registerCommandHandlers,
  registerEventFilters,
  registerTerminalStreams,
} from './ipc';
import { chooseNativeBinding } from './native-binding';
import { hardenWebContents, installSessionSecurity } from './security';
import { createMainWindow } from './window';

export interface DesktopAppOptions {
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Quit cleanly on SIGINT/SIGTERM (scripts/start.mjs forwards them). Tests turn it off. */
  handleSignals?: boolean;
}

export interface DesktopApp {
  readonly core: Core;
  readonly dataDir: string;
  /** The loopback /api/v1 surface for the fleetdeck command line; null if it could not start. */
  readonly cli: CliAccess | null;
  mainWindow(): BrowserWindow | null;
}

function showStartupFailure(text: string): void {
  dialog.showErrorBox('Fleetdeck cannot start', text);
  app.exit(1);
}

/**
 * The desktop host's lifecycle: one instance per data directory, the core, the session's
 * security rules, the IPC bridge, the window, and an orderly shutdown that closes the core.
 * Returns null when this process should not run (second instance, or startup failed).
 */
export async function runDesktopApp(options: DesktopAppOptions = {}): Promise<DesktopApp | null> {
  try {
    return await startDesktopApp(options);
  } catch (error) {
    showStartupFailure(
      `Fleetdeck could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return null;
  }
}

async function startDesktopApp(options: DesktopAppOptions): Promise<DesktopApp | null> {
  const env = options.env ?? process.env;
  const dataDir = resolveDataDir({ argv: options.argv ?? process.argv, env });
  // Set before the single-instance lock: Electron keys that lock on userData, so each data
  // directory gets its own instance, matching the core's per-data-directory database lock.
  app.setPath('userData', dataDir);
  // Chromium's caches, cookies and local storage go in a subfolder, not beside fleetdeck.db.
  app.setPath('sessionData', join(dataDir, 'chromium'));
  if (!app.requestSingleInstanceLock()) {
    // The running instance gets 'second-instance' and comes to the front.
    app.quit();
    return null;
  }

  let mainWindow: BrowserWindow | null = null;
  let openMainWindow: (() => void) | null = null;
  app.on('second-instance', () => {
    if (!mainWindow || mainWindow.isDestroyed()) return openMainWindow?.();
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  });

  await app.whenReady();

  const paths = appPaths(app.getAppPath());
  const devUrl = devServerUrl(app.isPackaged, env);
  const electronVersion = process.versions.electron ?? null;
  const native = chooseNativeBinding({
    appRoot: paths.appRoot,
    isPackaged: app.isPackaged,
    electronVersion: electronVersion ?? 'unknown',
  });

  let core: Core;
  try {
    // The core runs in the main process for now. It only talks to this host through
    // call/subscribe/close, so it can move to a utilityProcess (ARCHITECTURE.md) once long
    // queries would otherwise stall the window.
    core = startCore({
      dataDir,
      host: 'desktop',
      electronVersion,
      // Explicit, because the core's own default is relative to its source file, which moves
      // when main is bundled into out/main.
      resourcesDir: paths.resources,
      ...(native.kind === 'electron-build' ? { nativeBinding: native.binding } : {}),
    });
  } catch (error) {
    const text =
      error instanceof StoreOpenError
        ? error.describe()
        : `Fleetdeck could not start its core: ${error instanceof Error ? error.message : String(error)}`;
    showStartupFailure(native.kind === 'missing' ? `${text}\n\n${native.problem}` : text);
    return null;
  }
  const log = core.log;
  if (native.kind === 'missing')
    log.warn('no Electron build of better-sqlite3; used the default one', { problem: native.problem });

  const appOrigin = createAppOrigin({ rendererDir: paths.rendererDir, devServerUrl: devUrl });
  installSessionSecurity(session.defaultSession, { appOrigin, log });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, { appOrigin, log }));
  const removeCommandHandlers = registerCommandHandlers(core, appOrigin);
  const removeTerminalStreams = registerTerminalStreams(core, appOrigin);
  const eventFilters = registerEventFilters(core, appOrigin);
  // Without it the app still works; only `fleetdeck` in terminals and shells cannot reach it.
  const cli = await startCliAccess({ core, dataDir, rendererDir: paths.rendererDir }).catch(
    (error: unknown) => {
      log.warn('the fleetdeck command line cannot reach this app: no loopback API', { error: String(error) });
      return null;
    },
  );

  openMainWindow = () => {
    const win = createMainWindow({ paths, devServerUrl: devUrl, dataDir, log });
    forwardCoreEvents(core, win.webContents, appOrigin, eventFilters);
    win.on('closed', () => {
      if (mainWindow === win) mainWindow = null;
    });
    mainWindow = win;
  };

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openMainWindow?.();
  });
  // New and escalating incidents, as desktop notifications (issue 7); a click opens the incident.
  const stopNotifications = watchIncidentNotifications({
    core,
    log,
    show: (notice) =>
      showDesktopNotice(notice, {
        window: () => mainWindow,
        openWindow: () => openMainWindow?.(),
        appOrigin,
        log,
      }),
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // The demo fleet, as in the console: when no source is configured, unless --no-demo.
  const argv = options.argv ?? process.argv;
  const scaleAt = argv.indexOf('--demo-scale');
  const demoScale = scaleAt >= 0 ? Number(argv[scaleAt + 1]) : undefined;
  let demo: DemoFleet | null = null;
  if (!argv.includes('--no-demo') && (demoScale !== undefined || core.userSourceCount() === 0)) {
    startDemoFleet({
      dataDir,
      resourcesDir: paths.resources,
      ...(demoScale !== undefined && Number.isInteger(demoScale) && demoScale > 0
        ? { scale: demoScale }
        : {}),
    })
      .then((started) => {
        demo = started;
        core.useDemo({ sources: demoSources(started), control: started });
      })
      .catch((error: unknown) => log.error('demo fleet failed to start', { error: String(error) }));
  }

  let coreClosed = false;
  let closing = false;
  app.on('will-quit', (event) => {
    if (coreClosed) return;
    // Hold the quit until the database is checkpointed and closed.
    event.preventDefault();
    if (closing) return;
    closing = true;
    removeCommandHandlers();
    removeTerminalStreams();
    eventFilters.dispose();
    stopNotifications();
    (cli ? cli.close() : Promise.resolve())
      .then(() => core.close())
      .then(() => demo?.close())
      .catch((error: unknown) => log.error('core did not close cleanly', { error: String(error) }))
      .finally(() => {
        coreClosed = true;
        app.quit();
      });
  });
  if (options.handleSignals ?? true) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit());
  }

  openMainWindow();
  return { core, dataDir, cli, mainWindow: () => mainWindow };
}
