import { describe, expect, it } from 'vitest';
import type {
  Incident,
  IncidentChange,
  IncidentSummary,
  TimelineEntry,
} from '../../../src/shared/contract/index';
import { createFleetStore } from '../../../src/renderer/stores/fleet.store';
import { fail, fakeApi, settle, storeWith } from './sources-fake-api';

const summary = (id: string, over: Partial<IncidentSummary> = {}): IncidentSummary => ({
  id,
  title: `incident ${id}`,
  severity: 'sev3',
  state: 'open',
  origin: 'manual',
  owner: null,
  groupKey: 'manual',
  signals: [],
  endpointCount: 1,
  endpointNames: ['llama'],
  models: ['llama-70b'],
  clusters: ['prod'],
  startedAt: 1000,
  detectedAt: 1000,
  acknowledgedAt: null,
  mitigatedAt: null,
  resolvedAt: null,
  updatedAt: 1000,
  entryCount: 1,
  importedFrom: null,
  ...over,
});

const entry = (seq: number, over: Partial<TimelineEntry> = {}): TimelineEntry => ({
  seq,
  at: 1000 + seq,
  kind: 'note',
  actor: 'ana',
  endpointId: null,
  summary: `entry ${seq}`,
  detail: {},
  snapshot: null,
  ref: null,
  ...over,
});

const endpoint = (id: string) => ({
  id,
  name: id,
  model: 'llama-70b',
  version: 'v1',
  cluster: 'prod',
  region: 'us-east-1',
  namespace: null,
  joinedAt: 1000,
  health: 'critical' as const,
  reason: 'p95 over',
});

const full = (s: IncidentSummary, endpoints: string[], timeline: TimelineEntry[]): Incident => ({
  ...s,
  endpoints: endpoints.map(endpoint),
  timeline,
  truncated: false,
  suggestions: [],
  postmortem: null,
  activeRollouts: [],
});

const change = (c: IncidentChange['change'], s: IncidentSummary): IncidentChange => ({
  change: c,
  incident: s,
});

describe('incidents slice: the open incident', () => {
  it('follows a live incident by asking only for entries after the newest one it holds', async () => {
    const fake = fakeApi({
      'incidents.get': () => full(summary('inc-1'), ['ep-a'], [entry(1), entry(2)]),
      'incidents.timeline': (args: { afterSeq: number }) => ({
        entries: args.afterSeq === 2 ? [entry(3, { kind: 'state', summary: 'Acknowledged by ana' })] : [],
        more: false,
      }),
    });
    const store = storeWith(fake);
    const stop = store.getState().openIncident('inc-1');
    await settle();
    expect(store.getState().incident?.timeline.map((e) => e.seq)).toEqual([1, 2]);

    // Another incident changing is none of this page's business.
    fake.emit('incidents.changed', change('updated', summary('inc-2')));
    await settle();
    expect(fake.named('incidents.timeline')).toHaveLength(0);

    fake.emit(
      'incidents.changed',
      change('updated', summary('inc-1', { state: 'acknowledged', entryCount: 3 })),
    );
    await settle();
    expect(fake.named('incidents.timeline')[0]?.args).toMatchObject({ id: 'inc-1', afterSeq: 2 });
    const held = store.getState().incident!;
    expect(held.timeline.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(held.state).toBe('acknowledged');
    expect(fake.named('incidents.get')).toHaveLength(1);

    // An endpoint joined: the endpoints are not in the event, so the incident is read whole.
    fake.emit('incidents.changed', change('updated', summary('inc-1', { endpointCount: 2 })));
    await settle();
    expect(fake.named('incidents.get')).toHaveLength(2);
    stop();
    expect(fake.listeners('incidents.changed')).toBe(0);
  });

  it('says not found for an unknown id, and keeps the core reason of a refused action', async () => {
    const fake = fakeApi({
      'incidents.get': fail({ code: 'not_found', message: 'No incident "inc-x"' }),
    });
    const store = storeWith(fake);
    store.getState().openIncident('inc-x');
    await settle();
    expect(store.getState().incidentState).toBe('not-found');

    const fake2 = fakeApi({
      'incidents.get': () => full(summary('inc-1'), [], [entry(1)]),
      'incidents.control': fail({
        code: 'conflict',
        message: 'inc-1 is already acknowledged',
        where: 'incidents.control',
      }),
    });
    const store2 = storeWith(fake2);
    store2.getState().openIncident('inc-1');
    await settle();
    expect(await store2.getState().controlIncident('acknowledge')).toBe(false);
    expect(store2.getState().incidentActionError?.message).toBe('inc-1 is already acknowledged');
    expect(store2.getState().incidentPending).toBeNull();
  });

  it('opens an incident by hand and goes to it', async () => {
    const hashes: string[] = [];
    const fake = fakeApi({ 'incidents.open': () => summary('inc-7') });
    const store = createFleetStore({ api: fake.api, now: () => 42, setHash: (h) => hashes.push(h) });
    const ok = await store
      .getState()
      .openIncidentByHand({ title: 'x', severity: 'sev2', endpointIds: ['ep-a'] });
    expect(ok).toBe(true);
    expect(hashes).toEqual(['#/incidents/inc-7']);
    expect(fake.named('incidents.open')[0]?.args).toEqual({
      title: 'x',
      severity: 'sev2',
      endpointIds: ['ep-a'],
    });
  });
});

describe('incidents slice: active incidents (rail count, badges, notifications)', () => {
  it('maps each endpoint to the worst active incident it is in, and reloads only when a badge could change', async () => {
    let active = [summary('inc-1', { severity: 'sev3' }), summary('inc-2', { severity: 'sev1' })];
    const fake = fakeApi({
      'incidents.list': () => active,
      'incidents.get': (args: { id: string }) =>
        args.id === 'inc-1'
          ? full(
              active.find((a) => a.id === 'inc-1')!,
              ['ep-a', 'ep-b'],
              [],
            )
          : full(
              active.find((a) => a.id === 'inc-2')!,
              ['ep-b'],
              [],
            ),
    });
    const store = storeWith(fake);
    const seen: string[] = [];
    const stop = store.getState().watchActiveIncidents((c) => seen.push(`${c.change}:${c.incident.id}`));
    await settle();
    const map = store.getState().endpointIncidents;
    expect(map.get('ep-a')?.id).toBe('inc-1');
    expect(map.get('ep-b')?.id).toBe('inc-2');
    expect(store.getState().activeIncidents).toHaveLength(2);
    expect(fake.named('incidents.list')[0]?.args).toMatchObject({ active: true });

    // A timeline entry on a known incident changes no badge: no reload.
    fake.emit('incidents.changed', change('updated', active[0]!));
    await settle();
    expect(fake.named('incidents.list')).toHaveLength(1);

    // Resolved: it leaves the count and its badges.
    active = [active[1]!];
    fake.emit('incidents.changed', change('resolved', summary('inc-1', { state: 'resolved' })));
    await settle();
    expect(fake.named('incidents.list')).toHaveLength(2);
    expect(store.getState().activeIncidents?.map((a) => a.id)).toEqual(['inc-2']);
    expect(store.getState().endpointIncidents.get('ep-a')).toBeUndefined();
    expect(seen).toEqual(['updated:inc-1', 'resolved:inc-1']);
    stop();
  });
});

describe('incidents slice: the searched list', () => {
  it('patches a row in place for a timeline entry, and reads the list again for a new incident or one leaving the filter', async () => {
    let rows = [summary('inc-1'), summary('inc-2')];
    const fake = fakeApi({ 'incidents.list': () => rows });
    const store = storeWith(fake);
    const stop = store.getState().watchIncidents({ state: ['open'] });
    await settle();
    expect(store.getState().incidentList?.map((r) => r.id)).toEqual(['inc-1', 'inc-2']);

    fake.emit('incidents.changed', change('updated', summary('inc-1', { owner: 'ana', entryCount: 9 })));
    await settle();
    expect(fake.named('incidents.list')).toHaveLength(1);
    expect(store.getState().incidentList?.[0]?.owner).toBe('ana');

    rows = [summary('inc-2')];
    fake.emit('incidents.changed', change('updated', summary('inc-1', { state: 'acknowledged' })));
    await settle();
    expect(fake.named('incidents.list')).toHaveLength(2);
    expect(store.getState().incidentList?.map((r) => r.id)).toEqual(['inc-2']);

    rows = [summary('inc-3'), summary('inc-2')];
    fake.emit('incidents.changed', change('opened', summary('inc-3')));
    await settle();
    expect(fake.named('incidents.list')).toHaveLength(3);
    expect(store.getState().incidentList?.map((r) => r.id)).toEqual(['inc-3', 'inc-2']);
    stop();
  });
});
