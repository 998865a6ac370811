import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppOrigin } from '../../../electron/main/app-origin';
import { forwardCoreEvents, registerCommandHandlers, registerEventFilters } from '../../../electron/main/ipc';
import { startCore, type Core } from '../../../src/core/core';
import { IPC_EVENT_CHANNEL, IPC_EVENTS_LISTEN, ipcCommandChannel } from '../../../src/shared/api/bridge';
import type { CommandEnvelope } from '../../../src/shared/api/fleet-api';
import { commandNames, type CommandName } from '../../../src/shared/contract/index';
import { freshDir } from '../../support/tmp';
import { FakeWebContents, FakeWebFrame, fakeElectron, resetFakeElectron } from './fake-electron';
import { logSpy } from './log-spy';

vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron);

const rendererDir = join('/opt', 'fleetdeck', 'out', 'renderer');
const appUrl = pathToFileURL(join(rendererDir, 'index.html')).href + '#/about';
const appOrigin = createAppOrigin({ rendererDir });

let core: Core;
let log: ReturnType<typeof logSpy>;
let cleanup: () => void;

beforeEach(() => {
  resetFakeElectron();
  const tmp = freshDir('fleetdeck-ipc-');
  cleanup = tmp.cleanup;
  log = logSpy();
  // A real core on a fresh data dir: the Node build of better-sqlite3 works in plain Node.
  core = startCore({ dataDir: tmp.dir, host: 'desktop', log, statusIntervalMs: 60_000 });
});

afterEach(async () => {
  await core.close();
  cleanup();
});

/** An invoke event as Electron builds it: the sending WebContents and the frame that sent it. */
function invokeEvent(
  options: {
    url?: string;
    subFrame?: boolean;
    noFrame?: boolean;
    otherWindow?: boolean;
    detached?: boolean;
    disposed?: boolean;
    /** The window that sends it (a new one, showing `url`, unless given). */
    contents?: FakeWebContents;
  } = {},
) {
  const contents = options.contents ?? new FakeWebContents();
  if (!options.contents) contents.mainFrame.url = options.url ?? appUrl;
  let senderFrame: FakeWebFrame | null = contents.mainFrame;
  if (options.subFrame) senderFrame = new FakeWebFrame(options.url ?? appUrl, contents.mainFrame);
  // A top-level frame that is not this WebContents' main frame.
  if (options.otherWindow) senderFrame = new FakeWebFrame(options.url ?? appUrl);
  if (options.detached) senderFrame.detached = true;
  if (options.noFrame) senderFrame = null;
  const event = { sender: contents, senderFrame };
  if (options.disposed) {
    Object.defineProperty(event, 'senderFrame', {
      get() {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    });
  }
  return event as unknown as IpcMainInvokeEvent;
}

function invoke(name: CommandName, event: IpcMainInvokeEvent, args: unknown): Promise<CommandEnvelope> {
  const handler = fakeElectron.ipcMain.handlers.get(ipcCommandChannel(name));
  if (!handler) throw new Error(`no handler for ${name}`);
  return handler(event, args) as Promise<CommandEnvelope>;
}

describe('IPC command handlers', () => {
  it('registers exactly one handler per contract command and nothing else', () => {
    registerCommandHandlers(core, appOrigin);
    expect([...fakeElectron.ipcMain.handlers.keys()].sort()).toEqual(
      commandNames.map(ipcCommandChannel).sort(),
    );
    // The fake, like Electron, throws on a second handler for a channel: so each was registered once.
    expect(fakeElectron.ipcMain.handlers.size).toBe(commandNames.length);
  });

  it('removes its handlers when disposed', () => {
    const dispose = registerCommandHandlers(core, appOrigin);
    dispose();
    expect(fakeElectron.ipcMain.handlers.size).toBe(0);
  });

  it('passes a call from our own main frame through to the core, as the desktop user', async () => {
    registerCommandHandlers(core, appOrigin);
    const spy = vi.spyOn(core, 'call');
    const info = await invoke('app.info', invokeEvent(), {});
    expect(spy).toHaveBeenCalledExactlyOnceWith('app.info', {}, { actor: 'desktop-user', host: 'desktop' });
    expect(info.ok).toBe(true);
    expect(info.ok && (info.result as { host: string; dataDir: string }).host).toBe('desktop');
    expect(info.ok && (info.result as { dataDir: string }).dataDir).toBe(core.dataDir);

    const set = await invoke('settings.set', invokeEvent(), { theme: 'dark' });
    expect(set).toMatchObject({ ok: true, result: { theme: 'dark' } });
    const get = await invoke('settings.get', invokeEvent(), undefined);
    expect(get).toMatchObject({ ok: true, result: { theme: 'dark' } });
  });

  it('accepts the dev server origin in development', async () => {
    registerCommandHandlers(core, createAppOrigin({ rendererDir, devServerUrl: 'http://localhost:5173' }));
    const result = await invoke('app.info', invokeEvent({ url: 'http://localhost:5173/#/about' }), {});
    expect(result.ok).toBe(true);
  });

  const refusals: Array<[string, Parameters<typeof invokeEvent>[0], RegExp]> = [
    ['a foreign origin', { url: 'https://evil.example/page' }, /not Fleetdeck/],
    ['a file outside out/renderer', { url: pathToFileURL('/tmp/evil.html').href }, /not Fleetdeck/],
    ['a sub-frame of our own page', { subFrame: true }, /sub-frame/],
    ['a frame that is gone', { noFrame: true }, /navigated away or been destroyed/],
    ['a disposed frame', { disposed: true }, /navigated away or been destroyed/],
    ['a frame still unloading after navigating', { detached: true }, /being unloaded/],
    ['a top-level frame that is not the window main frame', { otherWindow: true }, /not the main frame/],
  ];
  for (const [what, options, reason] of refusals) {
    it(`refuses ${what} with a forbidden envelope and logs it`, async () => {
      registerCommandHandlers(core, appOrigin);
      const spy = vi.spyOn(core, 'call');
      const result = await invoke('settings.set', invokeEvent(options), { theme: 'dark' });
      expect(result).toMatchObject({
        ok: false,
        error: { code: 'forbidden', where: ipcCommandChannel('settings.set') },
      });
      expect(!result.ok && result.error.message).toMatch(reason);
      expect(spy).not.toHaveBeenCalled();
      const warning = log.warnings().find((line) => line.message === 'IPC call rejected');
      expect(warning?.fields).toMatchObject({
        channel: ipcCommandChannel('settings.set'),
        reason: expect.stringMatching(reason),
      });
      expect(warning?.fields.origin).toBeTypeOf('string');
    });
  }

  it('logs the foreign origin without its query string', async () => {
    registerCommandHandlers(core, appOrigin);
    await invoke('app.info', invokeEvent({ url: 'https://evil.example/x?token=abc' }), {});
    const warning = log.warnings().find((line) => line.message === 'IPC call rejected');
    expect(warning?.fields.origin).toBe('https://evil.example');
  });

  it('returns bad_request with the reason for arguments that break the contract', async () => {
    registerCommandHandlers(core, appOrigin);
    const wrongType = await invoke('settings.set', invokeEvent(), { theme: 'purple' });
    expect(wrongType).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(!wrongType.ok && wrongType.error.message).toContain('theme');

    const unknownKey = await invoke('settings.set', invokeEvent(), { colour: 'red' });
    expect(unknownKey).toMatchObject({ ok: false, error: { code: 'bad_request' } });

    const notAnObject = await invoke('app.info', invokeEvent(), 'rm -rf /');
    expect(notAnObject).toMatchObject({ ok: false, error: { code: 'bad_request' } });

    // Nothing was changed by the refused calls.
    const settings = await invoke('settings.get', invokeEvent(), {});
    expect(settings).toMatchObject({ ok: true, result: { theme: 'system' } });
  });
});

describe('core event forwarding', () => {
  async function nextEvent(contents: FakeWebContents, count = 1) {
    await vi.waitFor(() => expect(contents.sent.length).toBeGreaterThanOrEqual(count));
    return contents.sent[count - 1]!;
  }

  it('sends core events to the window once our page has loaded', async () => {
    const contents = new FakeWebContents();
    forwardCoreEvents(
      core,
      contents as unknown as WebContents,
      appOrigin,
      registerEventFilters(core, appOrigin),
    );
    contents.finishLoad(appUrl);
    const [channel, message] = await nextEvent(contents);
    expect(channel).toBe(IPC_EVENT_CHANNEL);
    expect(message).toMatchObject({ event: 'app.status', payload: { dataDir: core.dataDir } });

    // Another event from the core (app.health pushes a status) arrives too.
    await core.call('app.health', {}, { actor: 'test', host: 'desktop' });
    await nextEvent(contents, 2);
  });

  it('never sends to a page that is not ours', async () => {
    const contents = new FakeWebContents();
    forwardCoreEvents(
      core,
      contents as unknown as WebContents,
      appOrigin,
      registerEventFilters(core, appOrigin),
    );
    contents.finishLoad('https://evil.example/');
    await core.call('app.health', {}, { actor: 'test', host: 'desktop' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(contents.sent).toEqual([]);
  });

  it('resubscribes on reload without doubling events, and stops when the window is destroyed', async () => {
    const contents = new FakeWebContents();
    forwardCoreEvents(
      core,
      contents as unknown as WebContents,
      appOrigin,
      registerEventFilters(core, appOrigin),
    );
    contents.finishLoad(appUrl);
    await nextEvent(contents, 1);
    contents.finishLoad(appUrl); // reload: a fresh status for the new page
    await nextEvent(contents, 2);
    contents.sent.length = 0;

    await core.call('app.health', {}, { actor: 'test', host: 'desktop' });
    await nextEvent(contents, 1);
    expect(contents.sent).toHaveLength(1);

    contents.destroy();
    await core.call('app.health', {}, { actor: 'test', host: 'desktop' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(contents.sent).toHaveLength(1);
  });
});

describe('event filters (the window says which events it listens to)', () => {
  const health = () => core.call('app.health', {}, { actor: 'test', host: 'desktop' });
  const setTheme = (theme: 'dark' | 'light') =>
    core.call('settings.set', { theme }, { actor: 'test', host: 'desktop' });
  const sentEvents = (contents: FakeWebContents) =>
    contents.sent.map(([, message]) => (message as { event: string }).event);

  /** A window showing our page, forwarding events through the filters, after its first status. */
  async function loadedWindow() {
    const contents = new FakeWebContents();
    const filters = registerEventFilters(core, appOrigin);
    forwardCoreEvents(core, contents as unknown as WebContents, appOrigin, filters);
    contents.finishLoad(appUrl);
    await vi.waitFor(() => expect(sentEvents(contents)).toEqual(['app.status']));
    contents.sent.length = 0;
    return { contents, filters };
  }

  function listen(event: IpcMainInvokeEvent, names: unknown): unknown {
    const handler = fakeElectron.ipcMain.handlers.get(IPC_EVENTS_LISTEN);
    if (!handler) throw new Error('no handler for the event filter');
    return handler(event, names);
  }

  /**
   * Emits app.status, then settings.changed, and waits for settings.changed: anything the window
   * was sent is then in `contents.sent`, with no waiting on a clock.
   */
  async function statusThenSettings(contents: FakeWebContents, theme: 'dark' | 'light' = 'dark') {
    await health();
    await setTheme(theme);
    await vi.waitFor(() => expect(sentEvents(contents)).toContain('settings.changed'));
    const seen = sentEvents(contents);
    contents.sent.length = 0;
    return seen;
  }

  it('sends every event until the window says, then only the events it listens to', async () => {
    const { contents } = await loadedWindow();
    expect(await statusThenSettings(contents, 'dark')).toEqual(['app.status', 'settings.changed']);

    listen(invokeEvent({ contents }), ['settings.changed', 'fleet.delta']);
    expect(await statusThenSettings(contents, 'light')).toEqual(['settings.changed']);

    // A later list replaces the first.
    listen(invokeEvent({ contents }), ['app.status', 'settings.changed']);
    expect(await statusThenSettings(contents, 'dark')).toEqual(['app.status', 'settings.changed']);
  });

  it('keeps the filters of two windows apart', async () => {
    const a = await loadedWindow();
    const b = new FakeWebContents();
    forwardCoreEvents(core, b as unknown as WebContents, appOrigin, a.filters);
    b.finishLoad(appUrl);
    await vi.waitFor(() => expect(sentEvents(b)).toEqual(['app.status']));
    b.sent.length = 0;

    listen(invokeEvent({ contents: a.contents }), ['settings.changed']);
    expect(await statusThenSettings(a.contents)).toEqual(['settings.changed']);
    await vi.waitFor(() => expect(sentEvents(b)).toEqual(['app.status', 'settings.changed']));
  });

  it('ignores a list from a sender the commands would refuse, and logs it', async () => {
    const { contents } = await loadedWindow();
    listen(invokeEvent({ contents, subFrame: true }), ['settings.changed']);
    expect(await statusThenSettings(contents)).toEqual(['app.status', 'settings.changed']);
    const warning = log.warnings().find((line) => line.message === 'IPC call rejected');
    expect(warning?.fields).toMatchObject({
      channel: IPC_EVENTS_LISTEN,
      reason: expect.stringMatching(/sub-frame/),
    });
  });

  const malformed: Array<[string, unknown, RegExp]> = [
    ['an unknown event name', ['app.status', 'fleet.everything'], /unknown event "fleet\.everything"/],
    ['a list that is not an array', 'app.status', /not an array/],
    ['a name that is not a string', ['app.status', 7], /event name 1 is not a string/],
    ['more than 64 names', Array.from({ length: 65 }, () => 'app.status'), /65 event names \(at most 64\)/],
  ];
  for (const [what, names, problem] of malformed) {
    it(`ignores ${what}, keeping the list the window had, and says what was wrong`, async () => {
      const { contents } = await loadedWindow();
      listen(invokeEvent({ contents }), ['settings.changed']);
      listen(invokeEvent({ contents }), names);
      expect(await statusThenSettings(contents)).toEqual(['settings.changed']);
      const warning = log.warnings().find((line) => line.fields.channel === IPC_EVENTS_LISTEN);
      expect(warning?.message).toMatch(problem);
    });
  }

  it('starts again from every event when the page navigates or reloads, but not on did-finish-load alone', async () => {
    const { contents } = await loadedWindow();
    listen(invokeEvent({ contents }), ['settings.changed']);
    // did-finish-load comes after the new page's scripts ran, so they may have sent their list
    // already: it must not be forgotten there.
    contents.finishLoad(appUrl);
    expect(await statusThenSettings(contents, 'light')).toEqual(['settings.changed']);

    // A reload: the navigation commits (did-navigate), then the page loads.
    contents.emit('did-navigate');
    contents.finishLoad(appUrl);
    await vi.waitFor(() => expect(sentEvents(contents)).toEqual(['app.status']));
    contents.sent.length = 0;
    expect(await statusThenSettings(contents, 'dark')).toEqual(['app.status', 'settings.changed']);
    expect(contents.listenerCount('did-navigate')).toBe(0);
  });

  it('forgets a window when it is destroyed and everything when disposed', async () => {
    const { contents, filters } = await loadedWindow();
    listen(invokeEvent({ contents }), ['settings.changed']);
    expect(contents.listenerCount('render-process-gone')).toBe(1);
    contents.destroy();
    expect(contents.listenerCount('render-process-gone')).toBe(0);

    const other = new FakeWebContents();
    other.mainFrame.url = appUrl;
    listen(invokeEvent({ contents: other }), ['settings.changed']);
    expect(other.listenerCount('did-navigate')).toBe(1);
    filters.dispose();
    expect(other.listenerCount('did-navigate')).toBe(0);
    expect(fakeElectron.ipcMain.handlers.has(IPC_EVENTS_LISTEN)).toBe(false);
  });
});
