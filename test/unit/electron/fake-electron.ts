/**
 * A small stand-in for the 'electron' module, enough for the main-process and preload modules
 * to run in plain Node under vitest. Test files install it with
 *   vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron);
 * and call resetFakeElectron() before each test.
 */
import { pathToFileURL } from 'node:url';
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { vi } from 'vitest';

type Listener = (...args: any[]) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

export class FakeEmitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    const wrapped: Listener = (...args) => {
      this.removeListener(event, wrapped);
      return listener(...args);
    };
    return this.on(event, wrapped);
  }
  removeListener(event: string, listener: Listener): this {
    this.listeners.set(
      event,
      (this.listeners.get(event) ?? []).filter((l) => l !== listener),
    );
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener(...args);
  }
  listenerCount(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

export class FakeWebFrame {
  detached = false;
  constructor(
    public url: string,
    public parent: FakeWebFrame | null = null,
  ) {}
}

/** An Electron-style event: preventDefault() is recorded. */
export function fakeEvent<T extends object>(
  fields: T,
): T & { defaultPrevented: boolean; preventDefault(): void } {
  const event = {
    ...fields,
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

export class FakeWebContents extends FakeEmitter {
  readonly mainFrame = new FakeWebFrame('about:blank');
  readonly sent: Array<[string, unknown]> = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  destroyed = false;
  send(channel: string, message: unknown): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push([channel, message]);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getURL(): string {
    return this.mainFrame.url;
  }
  /** What a page load looks like from main: the URL changes, then did-finish-load. */
  finishLoad(url: string): void {
    this.mainFrame.url = url;
    this.emit('did-finish-load');
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export class FakeBrowserWindow extends FakeEmitter {
  static all: FakeBrowserWindow[] = [];
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.all.filter((w) => !w.destroyed);
  }
  readonly webContents = new FakeWebContents();
  readonly loaded: string[] = [];
  bounds: { x: number; y: number; width: number; height: number };
  maximized = false;
  minimized = false;
  destroyed = false;
  focused = 0;

  constructor(readonly options: BrowserWindowConstructorOptions & { webPreferences: WebPreferences }) {
    super();
    this.bounds = {
      x: options.x ?? 100,
      y: options.y ?? 100,
      width: options.width ?? 800,
      height: options.height ?? 600,
    };
    FakeBrowserWindow.all.push(this);
    fakeElectron.app.emit('web-contents-created', {}, this.webContents);
  }
  loadFile(file: string): Promise<void> {
    this.loaded.push(file);
    this.webContents.mainFrame.url = pathToFileURL(file).href;
    return Promise.resolve();
  }
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  getNormalBounds() {
    return { ...this.bounds };
  }
  isMaximized() {
    return this.maximized;
  }
  maximize() {
    this.maximized = true;
  }
  isMinimized() {
    return this.minimized;
  }
  restore() {
    this.minimized = false;
  }
  isDestroyed() {
    return this.destroyed;
  }
  show() {}
  focus() {
    this.focused++;
  }
  close() {
    this.emit('close');
    this.destroyed = true;
    this.webContents.destroy();
    this.emit('closed');
  }
}

type HeadersListener = (
  details: { responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
) => void;
type PermissionRequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: { requestingUrl: string; isMainFrame: boolean },
) => void;
type PermissionCheckHandler = (
  contents: unknown,
  permission: string,
  requestingOrigin: string,
  details: { requestingUrl?: string; isMainFrame: boolean },
) => boolean;

class FakeSession {
  headersListener: HeadersListener | null = null;
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: PermissionCheckHandler | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener) => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(handler: PermissionRequestHandler) {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler) {
    this.permissionCheckHandler = handler;
  }
}

class FakeApp extends FakeEmitter {
  isPackaged = false;
  appPath = '/nonexistent/fleetdeck';
  singleInstance = true;
  readonly paths = new Map<string, string>();
  readonly quit = vi.fn();
  readonly exit = vi.fn();
  getAppPath() {
    return this.appPath;
  }
  setPath(name: string, value: string) {
    this.paths.set(name, value);
  }
  requestSingleInstanceLock() {
    return this.singleInstance;
  }
  whenReady() {
    return Promise.resolve();
  }
  getVersion() {
    return '0.0.0-test';
  }
}

class FakeIpcMain {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, handler: Listener) {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
}

class FakeIpcRenderer extends FakeEmitter {
  readonly invoke = vi.fn(async (channel: string, args: unknown) => ({
    ok: true,
    result: { channel, args },
  }));
}

function build() {
  return {
    app: new FakeApp(),
    BrowserWindow: FakeBrowserWindow,
    ipcMain: new FakeIpcMain(),
    session: { defaultSession: new FakeSession() },
    dialog: { showErrorBox: vi.fn() },
    shell: { openExternal: vi.fn(async (_url: string) => {}) },
    screen: {
      getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
    },
    nativeTheme: { shouldUseDarkColors: false },
    contextBridge: { exposeInMainWorld: vi.fn() },
    ipcRenderer: new FakeIpcRenderer(),
  };
}

export type FakeElectron = ReturnType<typeof build>;

/** The module object vi.mock returns; its members are swapped in place by resetFakeElectron. */
export const fakeElectron: FakeElectron = build();

/**
 * Fresh fakes for the next test. `target` is for tests that call vi.resetModules(): they pass
 * the module they get from `await import('electron')`, which may be another instance.
 */
export function resetFakeElectron(target: FakeElectron = fakeElectron): FakeElectron {
  Object.assign(target, build());
  FakeBrowserWindow.all = [];
  return target;
}
