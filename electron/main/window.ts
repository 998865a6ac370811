import { BrowserWindow, nativeTheme, screen, type WebPreferences } from 'electron';
import type { Logger } from '../../src/core/log/logger';
import type { AppPaths } from './app-paths';
import { MIN_WINDOW_SIZE, loadWindowState, rememberWindowState } from './window-state';

/**
 * The renderer runs as an ordinary sandboxed web page (ARCHITECTURE.md, electron/): no Node,
 * an isolated preload world, same-origin rules on. Everything it can do goes through the
 * preload's one-function-per-command bridge.
 */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

export interface MainWindowOptions {
  paths: AppPaths;
  /** The Vite dev server in development; null loads the built files. */
  devServerUrl: string | null;
  dataDir: string;
  log: Logger;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const { paths, devServerUrl, dataDir, log } = options;
  const state = loadWindowState(
    dataDir,
    screen.getAllDisplays().map((display) => display.workArea),
    log,
  );
  const win = new BrowserWindow({
    width: state.width,
    height: state.height,
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: 'Fleetdeck',
    // Shown once painted, on the theme's background, so there is no white flash.
    show: false,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#0f1419' : '#ffffff',
    ...(process.platform === 'linux' ? { icon: paths.icon } : {}),
    webPreferences: secureWebPreferences(paths.preload),
  });
  if (state.maximized) win.maximize();
  rememberWindowState(win, dataDir, log);
  win.once('ready-to-show', () => win.show());

  const loading = devServerUrl ? win.loadURL(devServerUrl) : win.loadFile(paths.rendererIndex);
  loading.catch((error: unknown) => {
    log.error('the window could not load the Fleetdeck UI', {
      from: devServerUrl ?? paths.rendererIndex,
      error: String(error),
      hint: devServerUrl ? 'Is the dev server still running?' : 'Run "npm run build" to create out/renderer.',
    });
  });
  return win;
}
