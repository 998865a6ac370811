import { describe, expect, it } from 'vitest';
import type { IncidentChange, IncidentSummary } from '../../../src/shared/contract/index';
import {
  createIncidentNotifier,
  endpointsLine,
  incidentHash,
  noticeFor,
} from '../../../src/shared/incidents/incident-notifications';

const T0 = Date.UTC(2026, 10, 27, 1, 0, 0);

function incident(id: string, over: Partial<IncidentSummary> = {}): IncidentSummary {
  return {
    id,
    title: `p95 latency critical on ${id}`,
    severity: 'sev2',
    state: 'open',
    origin: 'auto',
    owner: null,
    groupKey: 'region us-east-1',
    signals: ['latency_p95'],
    endpointCount: 2,
    endpointNames: ['llama-70b-chat', 'mistral-7b'],
    models: ['llama-70b'],
    clusters: ['prod-us-east'],
    startedAt: T0,
    detectedAt: T0,
    acknowledgedAt: null,
    mitigatedAt: null,
    resolvedAt: null,
    updatedAt: T0,
    entryCount: 1,
    importedFrom: null,
    ...over,
  };
}
const change = (kind: IncidentChange['change'], id: string, over: Partial<IncidentSummary> = {}) => ({
  change: kind,
  incident: incident(id, over),
});

describe('incident notifications: which changes notify', () => {
  it('shows opened and escalated incidents with severity, title, endpoints and a link to the incident', () => {
    const n = createIncidentNotifier();
    const opened = n.offer(change('opened', 'inc-1', { severity: 'sev1' }), 'on', T0);
    expect(opened).toEqual({
      action: 'show',
      notice: {
        title: 'SEV1 · p95 latency critical on inc-1',
        body: 'llama-70b-chat, mistral-7b (prod-us-east)',
        incidentId: 'inc-1',
        hash: '#/incidents/inc-1',
        incidentIds: ['inc-1'],
      },
    });
    const escalated = n.offer(change('escalated', 'inc-2'), 'on', T0 + 1000);
    expect(escalated.action === 'show' && escalated.notice.title).toBe(
      'Escalated: SEV2 · p95 latency critical on inc-2',
    );
  });

  it('ignores updates, resolutions and imported incidents', () => {
    const n = createIncidentNotifier();
    expect(n.offer(change('updated', 'inc-1'), 'on', T0)).toEqual({
      action: 'ignore',
      reason: 'not-notable',
    });
    expect(n.offer(change('resolved', 'inc-1'), 'on', T0)).toEqual({
      action: 'ignore',
      reason: 'not-notable',
    });
    expect(n.offer(change('opened', 'inc-2', { importedFrom: 'install-abc' }), 'on', T0)).toEqual({
      action: 'ignore',
      reason: 'not-notable',
    });
    // Ignored ones do not use up the incident's minute.
    expect(n.offer(change('opened', 'inc-1'), 'on', T0 + 1).action).toBe('show');
  });

  it('holds everything under do-not-disturb, and notifies again once it is off', () => {
    const n = createIncidentNotifier();
    expect(n.offer(change('opened', 'inc-1'), 'do-not-disturb', T0)).toEqual({
      action: 'hold',
      reason: 'do-not-disturb',
    });
    expect(n.offer(change('escalated', 'inc-1'), 'on', T0 + 5000).action).toBe('show');
  });

  it('shows at most one notification per incident per minute', () => {
    const n = createIncidentNotifier();
    expect(n.offer(change('opened', 'inc-1'), 'on', T0).action).toBe('show');
    expect(n.offer(change('escalated', 'inc-1'), 'on', T0 + 59_999)).toEqual({
      action: 'drop',
      reason: 'recently-notified',
    });
    expect(n.offer(change('escalated', 'inc-1'), 'on', T0 + 60_000).action).toBe('show');
  });
});

describe('incident notifications: a burst', () => {
  it('shows the first three on their own and the rest as one summary when the burst window ends', () => {
    const n = createIncidentNotifier();
    for (const id of ['inc-1', 'inc-2', 'inc-3'])
      expect(n.offer(change('opened', id), 'on', T0).action).toBe('show');
    const deferred = ['inc-4', 'inc-5', 'inc-6', 'inc-7', 'inc-8'].map((id, i) =>
      n.offer(change('opened', id, { severity: id === 'inc-6' ? 'sev1' : 'sev3' }), 'on', T0 + 100 + i),
    );
    expect(deferred.every((d) => d.action === 'defer' && d.dueAt === T0 + 10_100)).toBe(true);
    expect(n.dueAt()).toBe(T0 + 10_100);
    expect(n.flush(T0 + 10_099, 'on')).toBeNull();

    const summary = n.flush(T0 + 10_100, 'on');
    expect(summary).toEqual({
      title: '5 more incidents (worst SEV1)',
      body: 'p95 latency critical on inc-4; p95 latency critical on inc-5; p95 latency critical on inc-6; +2 more',
      incidentId: null,
      hash: '#/incidents',
      incidentIds: ['inc-4', 'inc-5', 'inc-6', 'inc-7', 'inc-8'],
    });
    expect(n.dueAt()).toBeNull();
    expect(n.flush(T0 + 20_000, 'on')).toBeNull();
    // The summary counts as their notification for the minute.
    expect(n.offer(change('escalated', 'inc-5'), 'on', T0 + 30_000).action).toBe('drop');
  });

  it('a deferred incident offered again stays one entry in the summary', () => {
    const n = createIncidentNotifier({ perIncidentMs: 60_000, burstWindowMs: 10_000, burstLimit: 1 });
    expect(n.offer(change('opened', 'inc-1'), 'on', T0).action).toBe('show');
    expect(n.offer(change('opened', 'inc-2'), 'on', T0 + 1).action).toBe('defer');
    expect(n.offer(change('escalated', 'inc-2', { severity: 'sev1' }), 'on', T0 + 2).action).toBe('drop');
    // Only one waits: it is shown as itself, with the newest facts.
    expect(n.flush(T0 + 10_001, 'on')?.title).toBe('Escalated: SEV1 · p95 latency critical on inc-2');
  });

  it('drops a waiting summary when do-not-disturb is switched on before it is due', () => {
    const n = createIncidentNotifier({ perIncidentMs: 60_000, burstWindowMs: 10_000, burstLimit: 1 });
    n.offer(change('opened', 'inc-1'), 'on', T0);
    n.offer(change('opened', 'inc-2'), 'on', T0);
    expect(n.flush(T0 + 10_000, 'do-not-disturb')).toBeNull();
    expect(n.dueAt()).toBeNull();
  });

  it('after the burst window passes, single incidents are shown on their own again', () => {
    const n = createIncidentNotifier();
    for (const id of ['inc-1', 'inc-2', 'inc-3']) n.offer(change('opened', id), 'on', T0);
    expect(n.offer(change('opened', 'inc-4'), 'on', T0 + 10_000).action).toBe('show');
  });
});

describe('incident notifications: words', () => {
  it('names how many more endpoints there are, and copes with none', () => {
    expect(
      endpointsLine(
        incident('inc-1', { endpointCount: 7, endpointNames: ['a', 'b'], clusters: ['c1', 'c2'] }),
      ),
    ).toBe('a, b +5 more (c1, c2)');
    expect(endpointsLine(incident('inc-1', { endpointCount: 0, endpointNames: [], clusters: [] }))).toBe(
      'No endpoints yet',
    );
    expect(noticeFor(change('opened', 'inc 1/x')).hash).toBe('#/incidents/inc%201%2Fx');
    expect(incidentHash('inc-9')).toBe('#/incidents/inc-9');
  });
});
