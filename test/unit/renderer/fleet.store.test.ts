import { describe, expect, it } from 'vitest';
import type { ConnectionState, FleetApi } from '../../../src/shared/api/fleet-api';
import {
  defaultSettings,
  type AppInfo,
  type AppStatus,
  type Settings,
} from '../../../src/shared/contract/index';
import { FleetError } from '../../../src/shared/errors/fleet-error';
import { createFleetStore, selectTheme } from '../../../src/renderer/stores/fleet.store';

const info: AppInfo = {
  name: 'Fleetdeck',
  version: '0.1.0',
  host: 'console',
  platform: 'linux-x64',
  nodeVersion: '20.20.2',
  electronVersion: null,
  sqliteVersion: '3.53.2',
  dataDir: '/data',
  databaseFile: '/data/fleetdeck.db',
  startedAt: 1,
};

const status: AppStatus = {
  at: 10,
  dataDir: '/data',
  database: { status: 'ok', detail: 'fine' },
  dataFreshAt: null,
};

/** A FleetApi the test steers: command results, pushed events and connection changes. */
function fakeApi(handlers: Partial<Record<string, (args: unknown) => unknown>>) {
  const statusListeners = new Set<(p: AppStatus) => void>();
  const connectionListeners = new Set<(s: ConnectionState) => void>();
  const calls: string[] = [];
  const api: FleetApi = {
    kind: 'console',
    openTerminal: () => ({ send() {}, close() {} }),
    async call(name, args) {
      calls.push(name);
      const handler = handlers[name];
      if (!handler) throw new FleetError({ code: 'not_found', message: `no ${name}` });
      return handler(args) as never;
    },
    on(_event, listener) {
      statusListeners.add(listener as (p: AppStatus) => void);
      return () => statusListeners.delete(listener as (p: AppStatus) => void);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener('connecting');
      return () => connectionListeners.delete(listener);
    },
  };
  return {
    api,
    calls,
    push: (p: AppStatus) => statusListeners.forEach((l) => l(p)),
    connect: (s: ConnectionState) => connectionListeners.forEach((l) => l(s)),
    listenerCount: () => statusListeners.size + connectionListeners.size,
  };
}

const flush = () => new Promise<void>((done) => queueMicrotask(done));

describe('fleet store', () => {
  it('starts a session: loads info and settings, follows status and connection, and stops cleanly', async () => {
    const fake = fakeApi({ 'app.info': () => info, 'settings.get': () => defaultSettings });
    const store = createFleetStore({ api: fake.api, now: () => 5, setHash: () => {} });
    const stop = store.getState().startSession();
    await flush();
    expect(store.getState()).toMatchObject({
      info,
      settings: defaultSettings,
      connection: 'connecting',
      everConnected: false,
    });

    fake.connect('connected');
    fake.push(status);
    expect(store.getState()).toMatchObject({ connection: 'connected', everConnected: true, status });

    // Back after a drop: settings are read again (the core may have changed them meanwhile).
    fake.connect('disconnected');
    fake.connect('connected');
    await flush();
    expect(fake.calls.filter((c) => c === 'settings.get')).toHaveLength(2);

    stop();
    expect(fake.listenerCount()).toBe(0);
  });

  it('keeps what failed and what to do when the core cannot be reached', async () => {
    const unreachable = new FleetError({
      code: 'unavailable',
      message: 'Cannot reach the Fleetdeck console',
      hint: 'Start it',
    });
    const fake = fakeApi({
      'app.info': () => {
        throw unreachable;
      },
    });
    const store = createFleetStore({ api: fake.api, now: () => 5, setHash: () => {} });
    await store.getState().loadInfo();
    expect(store.getState().info).toBeNull();
    expect(store.getState().infoError).toEqual({
      code: 'unavailable',
      message: 'Cannot reach the Fleetdeck console',
      hint: 'Start it',
    });
  });

  it("saves settings, and on refusal keeps the core's reason and the old settings", async () => {
    let stored: Settings = { ...defaultSettings };
    const fake = fakeApi({
      'settings.get': () => stored,
      'settings.set': (patch) => {
        const p = patch as Partial<Settings>;
        if (p.staleAfterSeconds !== undefined && p.staleAfterSeconds > 3600) {
          throw new FleetError({
            code: 'bad_request',
            message:
              'Invalid arguments for settings.set: staleAfterSeconds: Too big: expected number to be <=3600',
          });
        }
        stored = { ...stored, ...p };
        return stored;
      },
    });
    const store = createFleetStore({ api: fake.api, now: () => 1234, setHash: () => {} });
    await store.getState().loadSettings();

    expect(await store.getState().saveSettings({ theme: 'light' })).toBe(true);
    expect(store.getState()).toMatchObject({
      settings: { theme: 'light' },
      saving: false,
      lastSavedAt: 1234,
      lastError: null,
    });

    expect(await store.getState().saveSettings({ staleAfterSeconds: 99999 })).toBe(false);
    expect(store.getState().settings?.staleAfterSeconds).toBe(60);
    expect(store.getState().lastError).toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('<=3600'),
    });
    store.getState().dismissSettingsError();
    expect(store.getState().lastError).toBeNull();
  });

  it('runs the database check once at a time', async () => {
    let runs = 0;
    const fake = fakeApi({
      'app.health': () => {
        runs += 1;
        return { status: 'ok', checkedAt: 1, checks: [], database: {} };
      },
    });
    const store = createFleetStore({ api: fake.api, now: () => 5, setHash: () => {} });
    await Promise.all([store.getState().runHealthCheck(), store.getState().runHealthCheck()]);
    expect(runs).toBe(1);
    expect(store.getState()).toMatchObject({ healthRunning: false, health: { status: 'ok' } });
  });

  it('routes through the hash and picks the theme: the setting wins, "system" follows the OS', () => {
    const hashes: string[] = [];
    const store = createFleetStore({ api: fakeApi({}).api, now: () => 5, setHash: (h) => hashes.push(h) });
    store.getState().navigate('settings');
    expect(hashes).toEqual(['#/settings']);
    expect(store.getState().route).toEqual({ view: 'settings' });
    store.getState().syncRoute('#/nowhere');
    expect(store.getState().route).toEqual({ view: 'not-found', path: '/nowhere' });

    expect(selectTheme(store.getState())).toBe('light');
    store.getState().setOsTheme('dark');
    expect(selectTheme(store.getState())).toBe('dark');
    store.setState({ settings: { ...defaultSettings, theme: 'light' } });
    expect(selectTheme(store.getState())).toBe('light');
    store.setState({ settings: { ...defaultSettings, theme: 'system' } });
    expect(selectTheme(store.getState())).toBe('dark');
  });
});
