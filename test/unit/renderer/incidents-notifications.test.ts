import { describe, expect, it } from 'vitest';
import type { IncidentChange } from '../../../src/shared/contract/index';
import {
  notificationFor,
  type NotifyContext,
} from '../../../src/renderer/views/incidents/incident-notifications';

const change = (c: IncidentChange['change']): IncidentChange => ({
  change: c,
  incident: {
    id: 'inc-1',
    title: 'Chat is slow',
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

describe('browser notifications for incidents', () => {
  it('announces new and escalating incidents with severity and title', () => {
    expect(notificationFor(change('opened'), inConsole)).toEqual({
      title: 'SEV1: Chat is slow',
      body: 'New incident — llama-a, llama-b · prod-us',
      tag: 'fleetdeck-inc-1',
    });
    expect(notificationFor(change('escalated'), inConsole)?.body).toMatch(/^Escalated/);
  });

  it('stays quiet for updates, resolutions, do-not-disturb, no permission and the desktop host', () => {
    expect(notificationFor(change('updated'), inConsole)).toBeNull();
    expect(notificationFor(change('resolved'), inConsole)).toBeNull();
    expect(notificationFor(change('opened'), { ...inConsole, notifications: 'do-not-disturb' })).toBeNull();
    expect(notificationFor(change('opened'), { ...inConsole, notifications: null })).toBeNull();
    expect(notificationFor(change('opened'), { ...inConsole, permission: 'default' })).toBeNull();
    expect(notificationFor(change('opened'), { ...inConsole, permission: 'unsupported' })).toBeNull();
    // Electron's main process shows a native one (issue 7); two would be noise.
    expect(notificationFor(change('opened'), { ...inConsole, host: 'desktop' })).toBeNull();
  });
});
