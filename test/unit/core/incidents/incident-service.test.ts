import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../../src/core/events/event-bus';
import { IncidentService } from '../../../../src/core/incidents/incident.service';
import { IncidentStore } from '../../../../src/core/incidents/incident.store';
import { silentLogger } from '../../../../src/core/log/logger';
import { openStore, type Store } from '../../../../src/core/store/database';
import type { IncidentChange, IncidentEndpoint } from '../../../../src/shared/contract/incident.schema';
import { FleetError } from '../../../../src/shared/errors/fleet-error';
import { freshDir } from '../../../support/tmp';

const endpoint = (id: string, region = 'us-east-1', model = 'llama-8b-chat'): IncidentEndpoint => ({
  id,
  name: id.split(':').at(-1)!,
  model,
  version: 'v1',
  cluster: 'prod-us-east',
  region,
  namespace: 'llm',
  joinedAt: 1_000,
  health: 'critical',
  reason: 'p95 14 s > 12 s for 2 min',
});

describe('IncidentService', () => {
  let store: Store;
  let dir: ReturnType<typeof freshDir>;
  let clock: number;
  let changes: IncidentChange[];
  let incidents: IncidentService;

  beforeEach(() => {
    dir = freshDir();
    store = openStore({ dataDir: dir.dir, log: silentLogger });
    clock = 10_000;
    changes = [];
    const bus = new EventBus();
    bus.subscribe((m) => {
      if (m.event === 'incidents.changed') changes.push(m.payload as IncidentChange);
    });
    incidents = new IncidentService({
      store: new IncidentStore(store.db),
      bus,
      log: silentLogger,
      now: () => clock,
    });
  });
  afterEach(() => {
    store.close();
    dir.cleanup();
  });

  const openOne = () =>
    incidents.open(
      {
        title: 'llama-8b-chat latency critical in us-east-1',
        severity: 'sev2',
        origin: 'auto',
        groupKey: 'region us-east-1',
        signals: ['latency_p95', 'latency_p95', 'queue_depth'],
        startedAt: 9_000,
        detectedAt: 10_000,
        endpoints: [endpoint('prod-us-east:llm:llama-8b-chat')],
      },
      { actor: 'fleetdeck', summary: 'Opened: llama-8b-chat turned critical' },
    );

  it('opens with a first timeline entry, announces it, and lists it by endpoint, model and text', () => {
    const opened = openOne();
    expect(opened).toMatchObject({
      state: 'open',
      entryCount: 1,
      endpointCount: 1,
      signals: ['latency_p95', 'queue_depth'],
    });
    expect(changes.map((c) => c.change)).toEqual(['opened']);
    const s = incidents.store;
    expect(s.list({ endpointId: 'prod-us-east:llm:llama-8b-chat', limit: 10 }).map((i) => i.id)).toEqual([
      opened.id,
    ]);
    expect(s.list({ model: 'other', limit: 10 })).toEqual([]);
    expect(s.list({ query: 'LATENCY us-east', limit: 10 })).toHaveLength(1);
    expect(s.list({ query: 'turned critical', limit: 10 })).toHaveLength(1); // a timeline summary
    expect(s.list({ query: '100%', limit: 10 })).toEqual([]); // LIKE wildcards are literal
    expect(s.activeForEndpoint('prod-us-east:llm:llama-8b-chat')).toHaveLength(1);
  });

  it('moves through acknowledge, mitigate, resolve and reopen, keeping the first times and refusing a no-op', () => {
    const { id } = openOne();
    clock = 20_000;
    expect(incidents.transition(id, 'acknowledge', 'ana')).toMatchObject({
      state: 'acknowledged',
      owner: 'ana',
      acknowledgedAt: 20_000,
    });
    expect(() => incidents.transition(id, 'acknowledge', 'ana')).toThrow(FleetError);
    clock = 30_000;
    incidents.transition(id, 'mitigate', 'ana', 'scaled out');
    clock = 40_000;
    const resolved = incidents.transition(id, 'resolve', 'ana');
    expect(resolved).toMatchObject({
      state: 'resolved',
      acknowledgedAt: 20_000,
      mitigatedAt: 30_000,
      resolvedAt: 40_000,
    });
    expect(incidents.store.activeForEndpoint('prod-us-east:llm:llama-8b-chat')).toEqual([]);
    clock = 50_000;
    expect(incidents.transition(id, 'reopen', 'bo')).toMatchObject({
      state: 'open',
      resolvedAt: null,
      mitigatedAt: null,
    });
    const summaries = incidents.store.entriesAfter(id, 0, 100).map((e) => e.summary);
    expect(summaries).toEqual([
      'Opened: llama-8b-chat turned critical',
      'Acknowledged by ana',
      'Mitigated by ana: scaled out',
      'Resolved by ana',
      'Reopened by bo',
    ]);
    expect(changes.map((c) => c.change)).toContain('resolved');
  });

  it('escalates one severity step, reopens a mitigated incident, and announces it', () => {
    const { id } = openOne();
    incidents.transition(id, 'mitigate', 'ana');
    const escalated = incidents.escalate(id, 'scale-out failed at step 2', 'policy:scale-out');
    expect(escalated).toMatchObject({ severity: 'sev1', state: 'open', mitigatedAt: null });
    expect(changes.at(-1)?.change).toBe('escalated');
    expect(incidents.escalate(id, 'again', 'policy:scale-out').severity).toBe('sev1');
  });

  it('keeps entries in order with contiguous seqs and pages them', () => {
    const { id } = openOne();
    for (let i = 0; i < 25; i++)
      incidents.record(id, { at: 11_000 + i, kind: 'note', actor: 'ana', summary: `note ${i}` });
    const s = incidents.store;
    expect(s.summary(id).entryCount).toBe(26);
    const first = s.entriesAfter(id, 0, 10);
    expect(first.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(s.entriesAfter(id, 20, 100).map((e) => e.seq)).toEqual([21, 22, 23, 24, 25, 26]);
    expect(s.newestEntries(id, 3).map((e) => e.summary)).toEqual(['note 22', 'note 23', 'note 24']);
  });

  it('names the incident that does not exist', () => {
    expect(() => incidents.transition('inc-nope', 'resolve', 'ana')).toThrow(/No incident "inc-nope"/);
    expect(() => incidents.record('inc-nope', { at: 1, kind: 'note', actor: 'a', summary: 'x' })).toThrow(
      /inc-nope/,
    );
  });
});
