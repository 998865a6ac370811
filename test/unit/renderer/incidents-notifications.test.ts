import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IncidentChange } from '../../../src/shared/contract/index';
import {
  createBrowserNotifications,
  type NotifyContext,
} from '../../../src/renderer/views/incidents/incident-notifications';

const change = (c: IncidentChange['change'], id = 'inc-1', title = 'Chat is slow'): IncidentChange => ({
  change: c,
  incident: {
    id,
    title,
    severity: 'sev1',
    state: 'open',
    origin: 'auto',
    owner: null,
    groupKey: 'region us-east-1',
    signals: ['latency_p95'],
    endpointCount: 2,
    endpointNames: ['llama-a', 'llama-b'],
    models: ['llama-70b'],
    clusters: ['prod-us'],
    startedAt: 0,
    detectedAt: 0,
    acknowledgedAt: null,
    mitigatedAt: null,
    resolvedAt: null,
    updatedAt: 0,
    entryCount: 1,
    importedFrom: null,
  },
});

const inConsole: NotifyContext = { notifications: 'on', host: 'console', permission: 'granted' };

/** What the page's Notification constructor was asked to show (the browser API, recorded). */
let shown: Array<{ title: string; body: string; tag: string }>;

beforeEach(() => {
  shown = [];
  vi.useFakeTimers();
  vi.stubGlobal(
    'Notification',
    class {
      onclick: (() => void) | null = null;
      constructor(title: string, options: { body: string; tag: string }) {
        shown.push({ title, body: options.body, tag: options.tag });
      }
      close() {}
    },
  );
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('browser notifications for incidents', () => {
  it('announces new and escalating incidents with severity, title and who is hurt', () => {
    const n = createBrowserNotifications(() => inConsole);
    n.offer(change('opened'));
    expect(shown).toEqual([
      { title: 'SEV1 · Chat is slow', body: 'llama-a, llama-b (prod-us)', tag: 'fleetdeck-inc-1' },
    ]);
    vi.advanceTimersByTime(61_000);
    n.offer(change('escalated'));
    expect(shown.at(-1)?.title).toBe('Escalated: SEV1 · Chat is slow');
  });

  it('stays quiet for updates, resolutions, do-not-disturb, no permission and the desktop host', () => {
    const quiet = (ctx: NotifyContext, c: IncidentChange['change'] = 'opened') =>
      createBrowserNotifications(() => ctx).offer(change(c));
    expect(quiet(inConsole, 'updated')).toBeNull();
    expect(quiet(inConsole, 'resolved')).toBeNull();
    expect(quiet({ ...inConsole, notifications: 'do-not-disturb' })).toBeNull();
    expect(quiet({ ...inConsole, notifications: null })).toBeNull();
    expect(quiet({ ...inConsole, permission: 'default' })).toBeNull();
    expect(quiet({ ...inConsole, permission: 'unsupported' })).toBeNull();
    // Electron's main process shows a native one (issue 7); two would be noise.
    expect(quiet({ ...inConsole, host: 'desktop' })).toBeNull();
    expect(shown).toEqual([]);
  });

  it('is one alert per incident per minute, and a burst of incidents ends in one summary', () => {
    const n = createBrowserNotifications(() => inConsole);
    n.offer(change('opened'));
    n.offer(change('escalated'));
    expect(shown).toHaveLength(1);
    for (let i = 2; i <= 6; i++) n.offer(change('opened', `inc-${i}`, `Outage ${i}`));
    // The first three of a burst on their own, the rest wait for the summary.
    expect(shown.map((s) => s.tag)).toEqual(['fleetdeck-inc-1', 'fleetdeck-inc-2', 'fleetdeck-inc-3']);
    vi.advanceTimersByTime(11_000);
    expect(shown).toHaveLength(4);
    expect(shown[3]).toMatchObject({ title: '3 more incidents (worst SEV1)', tag: 'fleetdeck-incidents' });
    n.dispose();
  });
});
