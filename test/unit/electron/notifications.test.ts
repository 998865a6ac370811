import { afterEach, describe, expect, it, vi } from 'vitest';
import { startCore, type Core } from '../../../src/core/core';
import { silentLogger } from '../../../src/core/log/logger';
import type { IncidentNotice, NoticeDecision } from '../../../src/shared/incidents/incident-notifications';
import { createAppOrigin } from '../../../electron/main/app-origin';
import { showDesktopNotice, watchIncidentNotifications } from '../../../electron/main/incident-notifications';
import { freshDir } from '../../support/tmp';
import { logSpy } from './log-spy';

/** Electron's Notification, recorded: what was shown, and a click the test can make. */
const shownNotices = vi.hoisted(() => [] as Array<{ title: string; body: string; click(): void }>);
vi.mock('electron', async () => {
  const { fakeElectron, FakeEmitter } = await import('./fake-electron');
  class FakeNotification extends FakeEmitter {
    static isSupported = () => true;
    constructor(readonly options: { title: string; body: string }) {
      super();
    }
    show() {
      shownNotices.push({ ...this.options, click: () => this.emit('click') });
    }
  }
  return { ...fakeElectron, Notification: FakeNotification };
});

const CTX = { actor: 'oncall@example.test', host: 'desktop' } as const;

/** The desktop host's notification wiring, on a real core: incidents opened and edited through its commands. */
describe('desktop incident notifications (main process wiring)', () => {
  let core: Core | null = null;
  let stop: () => void = () => {};
  let cleanup: () => void = () => {};
  afterEach(async () => {
    stop();
    await core?.close();
    core = null;
    cleanup();
  });

  function start() {
    const tmp = freshDir('fleetdeck-notify-');
    cleanup = tmp.cleanup;
    core = startCore({ dataDir: tmp.dir, host: 'desktop', log: silentLogger, tickMs: 3_600_000 });
    const shown: IncidentNotice[] = [];
    const decisions: NoticeDecision['action'][] = [];
    let arrived: () => void = () => {};
    stop = watchIncidentNotifications({
      core,
      log: logSpy(),
      show: (notice) => {
        shown.push(notice);
        arrived();
      },
      onDecision: (decision) => {
        decisions.push(decision.action);
        arrived();
      },
      // A window wide enough that five opens in a row on a busy machine are one burst.
      rules: { perIncidentMs: 60_000, burstWindowMs: 1500, burstLimit: 2 },
    });
    const until = (done: () => boolean) =>
      new Promise<void>((resolve) => {
        arrived = () => done() && resolve();
        arrived();
      });
    const next = (count: number) => until(() => shown.length >= count);
    return { core, shown, decisions, next, until };
  }

  const call = async (c: Core, name: string, args: unknown) => {
    const envelope = await c.call(name, args, CTX);
    if (!envelope.ok) throw new Error(envelope.error.message);
    return envelope.result as { id: string };
  };

  it('notifies an opened incident and its escalation once the minute allows, with its link', async () => {
    const { core, shown, next } = start();
    const opened = await call(core, 'incidents.open', { title: 'Checkout model down', severity: 'sev2' });
    await next(1);
    expect(shown[0]).toMatchObject({
      title: 'SEV2 · Checkout model down',
      incidentId: opened.id,
      hash: `#/incidents/${opened.id}`,
    });
    // A severity rise is an escalation, but it is the same incident within the minute: no second toast.
    await call(core, 'incidents.edit', { id: opened.id, severity: 'sev1' });
    const other = await call(core, 'incidents.open', { title: 'GPU Xid on node a10g-3', severity: 'sev3' });
    await next(2);
    expect(shown.map((n) => n.incidentId)).toEqual([opened.id, other.id]);
  });

  it('holds notifications under do-not-disturb', async () => {
    const { core, shown, decisions, next, until } = start();
    await call(core, 'settings.set', { notifications: 'do-not-disturb' });
    await call(core, 'incidents.open', { title: 'Held while I sleep', severity: 'sev1' });
    await until(() => decisions.includes('hold'));
    await call(core, 'settings.set', { notifications: 'on' });
    const later = await call(core, 'incidents.open', { title: 'After waking up', severity: 'sev3' });
    await next(1);
    expect(shown.map((n) => n.incidentId)).toEqual([later.id]);
  });

  it('a burst ends in one summary that links to the incidents list', async () => {
    const { core, shown, decisions, next } = start();
    for (const title of ['a', 'b', 'c', 'd', 'e'])
      await call(core, 'incidents.open', { title: `outage ${title}`, severity: 'sev2' });
    await next(3);
    expect(decisions).toEqual(['show', 'show', 'defer', 'defer', 'defer']);
    expect(shown).toHaveLength(3);
    expect(shown[2]).toMatchObject({
      title: '3 more incidents (worst SEV2)',
      incidentId: null,
      hash: '#/incidents',
    });
  });
});

describe('a desktop notice', () => {
  const appOrigin = createAppOrigin({ rendererDir: '/opt/fleetdeck/out/renderer' });
  const notice: IncidentNotice = {
    title: 'SEV1 · Checkout model down',
    body: 'checkout-llm (prod-us-east)',
    incidentId: 'inc-7',
    hash: '#/incidents/inc-7',
    incidentIds: ['inc-7'],
  };

  /** Enough of a BrowserWindow for the click: what it was asked to do, in order. */
  function fakeWindow(url: string, state: { minimized?: boolean } = {}) {
    const did: string[] = [];
    const win = {
      isDestroyed: () => false,
      isMinimized: () => state.minimized ?? false,
      restore: () => did.push('restore'),
      show: () => did.push('show'),
      focus: () => did.push('focus'),
      webContents: {
        getURL: () => url,
        isLoading: () => false,
        once: () => {},
        loadURL: async (to: string) => void did.push(`load ${to}`),
      },
    };
    return { win, did };
  }

  it('is shown with its words; a click brings the window forward on the incident', async () => {
    shownNotices.length = 0;
    const { win, did } = fakeWindow('file:///opt/fleetdeck/out/renderer/index.html#/fleet', {
      minimized: true,
    });
    showDesktopNotice(notice, {
      window: () => win as never,
      openWindow: () => {},
      appOrigin,
      log: logSpy(),
    });
    expect(shownNotices.map((n) => [n.title, n.body])).toEqual([[notice.title, notice.body]]);
    shownNotices[0]!.click();
    await Promise.resolve();
    expect(did).toEqual([
      'restore',
      'show',
      'focus',
      'load file:///opt/fleetdeck/out/renderer/index.html#/incidents/inc-7',
    ]);
  });

  it('never points a window that is not showing Fleetdeck anywhere', () => {
    shownNotices.length = 0;
    const { win, did } = fakeWindow('https://example.test/');
    const log = logSpy();
    showDesktopNotice(notice, { window: () => win as never, openWindow: () => {}, appOrigin, log });
    shownNotices[0]!.click();
    expect(did).toEqual(['show', 'focus']);
    expect(log.warnings().map((l) => l.message)).toEqual([
      'notifications: the window is not showing Fleetdeck; not navigating',
    ]);
  });
});
