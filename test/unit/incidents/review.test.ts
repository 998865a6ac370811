import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/core/events/event-bus';
import type { IncidentModuleDeps } from '../../../src/core/incidents/incident-deps';
import { reviewCommands } from '../../../src/core/incidents/incident.review';
import { IncidentService } from '../../../src/core/incidents/incident.service';
import { IncidentStore, type NewIncident } from '../../../src/core/incidents/incident.store';
import { canonicalJson, exportDigest } from '../../../src/core/incidents/review/export-digest';
import { weekStartUtc } from '../../../src/core/incidents/review/reliability-figures';
import { silentLogger } from '../../../src/core/log/logger';
import { openStore, type Store } from '../../../src/core/store/database';
import type { Endpoint } from '../../../src/shared/contract/fleet.schema';
import type { IncidentEndpoint } from '../../../src/shared/contract/incident.schema';
import { freshDir } from '../../support/tmp';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Monday 2026-11-23 00:00 UTC. */
const MONDAY = Date.UTC(2026, 10, 23);

const ep = (name: string, model: string, joinedAt: number): IncidentEndpoint => ({
  id: `c:llm:${name}`,
  name,
  model,
  version: 'v1',
  cluster: 'prod-us',
  region: 'us-east-1',
  namespace: 'llm',
  joinedAt,
  health: 'critical',
  reason: 'p95 over',
});

let tmp: ReturnType<typeof freshDir>;
let store: Store;
let incidents: IncidentStore;
let handlers: ReturnType<typeof reviewCommands>;
let now = MONDAY + 14 * 24 * HOUR;
const ctx = { actor: 'tester', host: 'console' as const };

beforeEach(() => {
  tmp = freshDir('fleetdeck-review-');
  store = openStore({ dataDir: tmp.dir, log: silentLogger });
  incidents = new IncidentStore(store.db);
  const service = new IncidentService({
    store: incidents,
    bus: new EventBus(),
    log: silentLogger,
    now: () => now,
  });
  const deps = {
    db: store.db,
    log: silentLogger,
    bus: new EventBus(),
    incidents: service,
    fleet: {
      all: () => [{ model: 'quiet-model' } as Endpoint],
      endpoint: () => undefined,
    },
    call: () => Promise.reject(new Error('no core here')),
    now: () => now,
  } as unknown as IncidentModuleDeps;
  handlers = reviewCommands(deps);
});

afterEach(() => {
  store.close();
  tmp.cleanup();
});

const create = (input: Partial<NewIncident> & Pick<NewIncident, 'startedAt'>) =>
  incidents.create({
    title: 'p95 over SLO in us-east-1',
    severity: 'sev2',
    origin: 'auto',
    groupKey: 'region us-east-1',
    signals: ['latency_p95'],
    detectedAt: input.startedAt,
    endpoints: [],
    ...input,
  }).id;

describe('canonical JSON and the export digest', () => {
  it('is the same whatever order keys were built in, and changes with any value', () => {
    const a = { b: 1, a: { d: [1, { y: 2, x: null }], c: 'é' }, u: undefined };
    const b = { a: { c: 'é', d: [1, { x: null, y: 2 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"é","d":[1,{"x":null,"y":2}]},"b":1}');
    expect(exportDigest(a)).toBe(exportDigest(b));
    expect(exportDigest({ ...b, b: 2 })).not.toBe(exportDigest(b));
    expect(exportDigest(b)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('incidents.postmortem', () => {
  it('drafts TTD, TTM and TTR from the timestamps, the impact window and key events', async () => {
    const t0 = Date.UTC(2026, 10, 27, 14, 0, 0);
    const id = create({
      startedAt: t0,
      detectedAt: t0 + 90_000,
      endpoints: [ep('llama-70b-chat', 'llama-70b', t0 + 90_000)],
      state: 'resolved',
      owner: 'ana',
      acknowledgedAt: t0 + 5 * MIN,
      mitigatedAt: t0 + 12 * MIN + 30_000,
      resolvedAt: t0 + 2 * HOUR + 5 * MIN,
    });
    incidents.append(id, { at: t0 + 90_000, kind: 'state', actor: 'fleetdeck', summary: 'Opened: p95 19 s' });
    incidents.append(id, {
      at: t0 + 100_000,
      kind: 'snapshot',
      actor: 'fleetdeck',
      summary: 'chart that must not be listed',
      snapshot: { metric: 'latency_p95', from: t0, to: t0 + 1, threshold: 12, series: [] },
    });
    incidents.append(id, { at: t0 + 5 * MIN, kind: 'state', actor: 'ana', summary: 'Acknowledged by ana' });
    incidents.append(id, {
      at: t0 + 6 * MIN,
      kind: 'healing',
      actor: 'policy:scale',
      summary: 'Ran scale-out',
    });
    incidents.append(id, {
      at: t0 + 7 * MIN,
      kind: 'note',
      actor: 'ana',
      summary: 'looks like the *tokenizer*',
    });

    const draft = await handlers['incidents.postmortem']({ id, regenerate: false }, ctx);
    expect(draft.saved).toBe(false);
    const md = draft.markdown;
    expect(md).toMatch(/^# Postmortem: p95 over SLO in us-east-1$/m);
    expect(md).toContain('| Time to detect (TTD) | 1 min 30 s | 2026-11-27 14:01:30 UTC |');
    expect(md).toContain('| Time to mitigate (TTM) | 12 min 30 s | 2026-11-27 14:12:30 UTC |');
    expect(md).toContain('| Time to resolve (TTR) | 2 h 5 min | 2026-11-27 16:05:00 UTC |');
    expect(md).toContain('- Start: 2026-11-27 14:00:00 UTC');
    expect(md).toContain('- End: 2026-11-27 14:12:30 UTC (mitigated)');
    expect(md).toContain('- Models: llama-70b');
    expect(md).toContain('- Clusters: prod-us');
    expect(md).toContain('2026-11-27 14:07:00 UTC · note · ana: looks like the \\*tokenizer\\*');
    expect(md).not.toContain('chart that must not be listed');
    const actions = md.slice(md.indexOf('## Actions taken'), md.indexOf('## Follow-ups'));
    expect(actions).toContain('2026-11-27 14:05:00 UTC, ana: Acknowledged by ana');
    expect(actions).toContain('policy:scale: Ran scale-out');
    expect(actions).not.toContain('Opened: p95');
    expect(md).toContain('## Follow-ups');

    // Saved: returned as saved until a regenerate is asked for.
    await handlers['incidents.savePostmortem']({ id, markdown: '# Edited' }, ctx);
    expect(await handlers['incidents.postmortem']({ id, regenerate: false }, ctx)).toEqual({
      markdown: '# Edited',
      saved: true,
    });
    expect((await handlers['incidents.postmortem']({ id, regenerate: true }, ctx)).markdown).toBe(md);
  });

  it('says what is not reached yet for an open incident', async () => {
    const t0 = Date.UTC(2026, 10, 27, 8, 0, 0);
    const id = create({ startedAt: t0, detectedAt: t0 + 45_000 });
    const { markdown } = await handlers['incidents.postmortem']({ id, regenerate: false }, ctx);
    expect(markdown).toContain('| Time to detect (TTD) | 45 s |');
    expect(markdown).toContain('| Time to mitigate (TTM) | not mitigated yet | – |');
    expect(markdown).toContain('- End: ongoing (not mitigated yet)');
  });
});

describe('incidents.reliability', () => {
  it('weeks start Monday 00:00 UTC', () => {
    expect(weekStartUtc(MONDAY)).toBe(MONDAY);
    expect(weekStartUtc(MONDAY + 6 * 24 * HOUR + 23 * HOUR)).toBe(MONDAY);
    expect(weekStartUtc(MONDAY - 1)).toBe(MONDAY - 7 * 24 * HOUR);
  });

  it('counts incidents per week with MTTD/MTTM/MTTR, and SLO attainment per model', async () => {
    // Week 1: two incidents of model A. Week 2: one of model B, still open.
    const a1 = MONDAY + 10 * HOUR;
    create({
      startedAt: a1,
      detectedAt: a1 + 60_000,
      mitigatedAt: a1 + 10 * MIN,
      resolvedAt: a1 + 30 * MIN,
      state: 'resolved',
      endpoints: [ep('a-1', 'model-a', a1 + 60_000), ep('a-2', 'model-a', a1 + 60_000)],
    });
    const a2 = MONDAY + 2 * 24 * HOUR;
    const second = create({
      startedAt: a2,
      detectedAt: a2 + 3 * MIN,
      resolvedAt: a2 + HOUR,
      mitigatedAt: a2 + HOUR,
      state: 'resolved',
      endpoints: [ep('a-1', 'model-a', a2 + 3 * MIN)],
    });
    // Health entries cut the critical time: ok after 20 min.
    incidents.append(second, {
      at: a2 + 20 * MIN,
      kind: 'health',
      actor: 'fleetdeck',
      endpointId: 'c:llm:a-1',
      summary: 'a-1 is ok again',
      detail: { status: 'ok' },
    });
    const b1 = MONDAY + 7 * 24 * HOUR + 5 * HOUR;
    create({ startedAt: b1, detectedAt: b1 + 2 * MIN, endpoints: [ep('b-1', 'model-b', b1 + 2 * MIN)] });
    // Open, so critical until "now".
    now = b1 + 3 * HOUR;

    const from = MONDAY;
    const to = MONDAY + 14 * 24 * HOUR;
    const r = await handlers['incidents.reliability']({ from, to }, ctx);
    expect(r.weeks.map((w) => w.weekStart)).toEqual([MONDAY, MONDAY + 7 * 24 * HOUR]);
    expect(r.weeks[0]).toEqual({
      weekStart: MONDAY,
      incidents: 2,
      mttdS: (60 + 180) / 2,
      mttmS: (600 + 3600) / 2,
      mttrS: (1800 + 3600) / 2,
    });
    expect(r.weeks[1]).toEqual({
      weekStart: MONDAY + 7 * 24 * HOUR,
      incidents: 1,
      mttdS: 120,
      mttmS: null,
      mttrS: null,
    });
    expect(r.totals).toEqual({
      incidents: 3,
      mttdS: (60 + 180 + 120) / 3,
      mttmS: (600 + 3600) / 2,
      mttrS: (1800 + 3600) / 2,
    });

    const length = to - from;
    const byModel = Object.fromEntries(r.sloAttainment.map((s) => [s.model, s]));
    // model-a: 10 min (first incident, both endpoints at once counted once) + 20 min (second).
    expect(byModel['model-a']!.breachS).toBe(30 * 60);
    expect(byModel['model-a']!.attainment).toBeCloseTo(1 - (30 * MIN) / length, 12);
    // model-b: from its start until now, 3 h.
    expect(byModel['model-b']!.breachS).toBe(3 * 3600);
    // A model of the fleet with no incident has met its SLO the whole window.
    expect(byModel['quiet-model']).toEqual({ model: 'quiet-model', attainment: 1, breachS: 0 });
    expect(r.sloAttainment[0]!.model).toBe('model-b');
  });

  it('refuses a window that ends before it starts', async () => {
    expect(() => handlers['incidents.reliability']({ from: 10, to: 5 }, ctx)).toThrow(
      /ends \(5\) before it starts/,
    );
  });
});
