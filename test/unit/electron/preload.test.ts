import { describe, expect, it, vi } from 'vitest';
import {
  BRIDGE_GLOBAL,
  IPC_EVENT_CHANNEL,
  IPC_EVENTS_LISTEN,
  ipcCommandChannel,
  type FleetBridge,
} from '../../../src/shared/api/bridge';
import { commandNames, type EventMessage } from '../../../src/shared/contract/index';
import { resetFakeElectron, type FakeElectron } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron);

let fakeElectron: FakeElectron;

/**
 * Runs the real preload entry (electron/preload/index.ts) in a fresh module registry, so its
 * top-level exposeInMainWorld runs again, and returns what it exposed.
 */
async function loadPreload(): Promise<FleetBridge> {
  vi.resetModules();
  fakeElectron = resetFakeElectron((await import('electron')) as unknown as FakeElectron);
  await import('../../../electron/preload/index');
  const expose = fakeElectron.contextBridge.exposeInMainWorld;
  expect(expose).toHaveBeenCalledTimes(1);
  const [name, bridge] = expose.mock.calls[0]!;
  expect(name).toBe(BRIDGE_GLOBAL);
  return bridge as FleetBridge;
}

const status: EventMessage = {
  event: 'app.status',
  payload: { at: 1, dataDir: '/d', database: { status: 'ok', detail: 'ok' }, dataFreshAt: null },
};

describe('preload bridge', () => {
  it('exposes only commands, subscribe, listen and the terminal streams: no ipcRenderer, no generic send', async () => {
    const bridge = await loadPreload();
    expect(Object.keys(bridge).sort()).toEqual(['commands', 'listen', 'subscribe', 'terminal']);
    expect(Object.keys(bridge.terminal!).sort()).toEqual(['close', 'frame', 'listen', 'open']);
    const exposed = JSON.stringify(Object.keys(bridge.commands)) + Object.keys(bridge).join();
    expect(exposed).not.toMatch(/ipcRenderer|send|invoke|on\b/);
  });

  it('has exactly one function per contract command, each invoking its own channel', async () => {
    const bridge = await loadPreload();
    expect(Object.keys(bridge.commands).sort()).toEqual([...commandNames].sort());
    for (const name of commandNames) {
      const call = bridge.commands[name];
      expect(call).toBeTypeOf('function');
      fakeElectron.ipcRenderer.invoke.mockClear();
      await expect(call({ probe: name })).resolves.toEqual({
        ok: true,
        result: { channel: ipcCommandChannel(name), args: { probe: name } },
      });
      expect(fakeElectron.ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith(ipcCommandChannel(name), {
        probe: name,
      });
    }
    expect(Object.isFrozen(bridge.commands)).toBe(true);
  });

  it('delivers contract events and drops everything else', async () => {
    const bridge = await loadPreload();
    const received: unknown[] = [];
    bridge.subscribe((message) => received.push(message));
    const ipc = fakeElectron.ipcRenderer;
    const ipcEvent = { sender: ipc, senderId: 0 };

    ipc.emit(IPC_EVENT_CHANNEL, ipcEvent, status);
    ipc.emit(IPC_EVENT_CHANNEL, ipcEvent, { event: 'shell.exec', payload: { cmd: 'rm -rf /' } });
    ipc.emit(IPC_EVENT_CHANNEL, ipcEvent, { event: 'toString', payload: {} });
    ipc.emit(IPC_EVENT_CHANNEL, ipcEvent, null);
    ipc.emit(IPC_EVENT_CHANNEL, ipcEvent, 'app.status');
    ipc.emit('some-other-channel', ipcEvent, status);

    expect(received).toEqual([status]);
  });

  it('never hands the page the IPC event (its sender is ipcRenderer) or extra fields', async () => {
    const bridge = await loadPreload();
    const listener = vi.fn();
    bridge.subscribe(listener);
    fakeElectron.ipcRenderer.emit(
      IPC_EVENT_CHANNEL,
      { sender: fakeElectron.ipcRenderer },
      { ...status, extra: 'x' },
    );
    expect(listener).toHaveBeenCalledExactlyOnceWith(status);
  });

  it('sends the names the page listens to on their own channel, as a plain array', async () => {
    const bridge = await loadPreload();
    const names = Object.freeze(['app.status', 'fleet.pulse'] as const);
    bridge.listen(names);
    expect(fakeElectron.ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith(IPC_EVENTS_LISTEN, [
      'app.status',
      'fleet.pulse',
    ]);
  });

  it('unsubscribes', async () => {
    const bridge = await loadPreload();
    const listener = vi.fn();
    const off = bridge.subscribe(listener);
    expect(fakeElectron.ipcRenderer.listenerCount(IPC_EVENT_CHANNEL)).toBe(1);
    off();
    expect(fakeElectron.ipcRenderer.listenerCount(IPC_EVENT_CHANNEL)).toBe(0);
    fakeElectron.ipcRenderer.emit(IPC_EVENT_CHANNEL, {}, status);
    expect(listener).not.toHaveBeenCalled();
  });
});
