import { describe, expect, it } from 'vitest';
import { harnessPerTest, T0 } from './detector-harness';

const P95_REASON = 'p95 31 s > 24 s for 2 min';

describe('the incident detector', () => {
  /** start opens the harness for a test; replaceHarness makes a restart the one closed after it. */
  const { start, replace: replaceHarness } = harnessPerTest('fleetdeck-detector-');

  it('opens one incident for one critical endpoint, titled in words, from its health since', () => {
    const h = start([
      ['prod-us-east:llm:llama-70b-chat', {}],
      ['prod-eu-west:llm:llama-70b-chat', { region: 'eu-west-1' }],
    ]);
    h.tick([
      { id: 'prod-us-east:llm:llama-70b-chat', status: 'warning', reason: 'p95 14 s > 12 s for 1 min' },
    ]);
    expect(h.incidents()).toEqual([]);
    h.clock.t += 60_000;
    h.tick([{ id: 'prod-us-east:llm:llama-70b-chat', status: 'critical', reason: P95_REASON }]);
    const [incident, ...others] = h.incidents();
    expect(others).toEqual([]);
    expect(incident).toMatchObject({
      title: 'llama-70b-chat p95 latency critical in us-east-1',
      origin: 'auto',
      state: 'open',
      groupKey: 'region us-east-1',
      signals: ['latency_p95'],
      endpointCount: 1,
      startedAt: T0 + 60_000,
      detectedAt: T0 + 60_000,
      // Another prod endpoint still serves the model: sev2, not sev1.
      severity: 'sev2',
    });
    const timeline = h.timeline(incident!.id);
    expect(timeline.map((e) => e.kind)).toEqual(['state', 'health']);
    expect(timeline[0]!.summary).toBe(`Opened: llama-70b-chat turned critical (${P95_REASON})`);
    expect(timeline[1]).toMatchObject({
      endpointId: 'prod-us-east:llm:llama-70b-chat',
      summary: `llama-70b-chat turned critical: ${P95_REASON}`,
      detail: { status: 'critical', reason: P95_REASON, joined: true },
    });
    expect(h.changes.filter((c) => c.change === 'opened')).toHaveLength(1);
    // Still critical next tick (a new reason, the same status): nothing new.
    h.clock.t += 5000;
    h.tick([{ id: 'prod-us-east:llm:llama-70b-chat', reason: 'p95 33 s > 24 s for 2 min' }]);
    expect(h.incidents()).toHaveLength(1);
    expect(h.timeline(incident!.id)).toHaveLength(2);
  });

  it('makes one incident of a regional outage: 40 endpoints over three ticks', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `prod-us-east:ns${i % 4}:model-${i}`);
    const h = start(ids.map((id, i) => [id, { model: `model-${i % 7}` }]));
    for (const slice of [ids.slice(0, 10), ids.slice(10, 30), ids.slice(30)]) {
      h.tick(slice.map((id) => ({ id, status: 'critical' as const, reason: '0 of 2 replicas ready' })));
      h.clock.t += 5000;
    }
    const incidents = h.incidents();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({
      endpointCount: 40,
      groupKey: 'region us-east-1',
      title: '40 endpoints critical in us-east-1',
      signals: ['crash_loop'],
      severity: 'sev1',
      startedAt: T0,
    });
    const timeline = h.timeline(incidents[0]!.id);
    expect(timeline.filter((e) => e.kind === 'health' && e.detail.joined)).toHaveLength(40);
    expect(
      timeline.filter((e) => e.kind === 'state' && e.detail.state === 'open').map((e) => e.summary),
    ).toEqual(['Opened: 10 endpoints critical in us-east-1']);
    // Ten at first (sev1 already: five or more), so joining never escalated it further.
    expect(h.changes.filter((c) => c.change === 'opened')).toHaveLength(1);
  });

  it('keeps different regions and models apart, and joins the same model across regions', () => {
    const h = start([
      ['prod-us-east:llm:chat', { model: 'chat-model' }],
      ['prod-eu-west:code:coder', { region: 'eu-west-1', model: 'code-model' }],
      ['prod-ap-south:llm:chat', { region: 'ap-south-1', model: 'chat-model' }],
    ]);
    h.tick([
      { id: 'prod-us-east:llm:chat', status: 'critical', reason: 'error rate 9 % > 5 % for 1 min' },
      { id: 'prod-eu-west:code:coder', status: 'critical', reason: P95_REASON },
    ]);
    expect(h.incidents()).toHaveLength(2);
    h.clock.t += 60_000;
    h.tick([{ id: 'prod-ap-south:llm:chat', status: 'critical', reason: 'error rate 7 % > 5 % for 1 min' }]);
    const incidents = h.incidents();
    expect(incidents).toHaveLength(2);
    const chat = incidents.find((i) => i.models.includes('chat-model'))!;
    expect(chat).toMatchObject({
      endpointCount: 2,
      groupKey: 'model chat-model',
      title: 'chat-model critical on 2 endpoints in 2 regions',
      // Every prod endpoint of chat-model is critical now: customers cannot use it.
      severity: 'sev1',
    });
    const coder = incidents.find((i) => i.models.includes('code-model'))!;
    expect(coder).toMatchObject({ endpointCount: 1, groupKey: 'region eu-west-1', severity: 'sev1' });
    expect(h.changes.filter((c) => c.change === 'escalated').map((c) => c.incident.id)).toEqual([chat.id]);
  });

  it('opens a new incident once the last join is older than incidentGroupMinutes', () => {
    const h = start([
      ['prod-us-east:a:one', { model: 'm1' }],
      ['prod-us-east:b:two', { model: 'm2' }],
    ]);
    h.settings.set({ incidentGroupMinutes: 10 }, 'test');
    h.tick([{ id: 'prod-us-east:a:one', status: 'critical', reason: P95_REASON }]);
    h.clock.t += 11 * 60_000;
    h.tick([{ id: 'prod-us-east:b:two', status: 'critical', reason: P95_REASON }]);
    expect(h.incidents().map((i) => i.endpointCount)).toEqual([1, 1]);
  });

  it('mitigates when every affected endpoint leaves critical, reopens on a relapse, resolves after the window', () => {
    const ids = ['prod-us-east:llm:a', 'prod-us-east:llm:b'];
    const h = start(ids.map((id) => [id, {}]));
    h.tick(ids.map((id) => ({ id, status: 'critical' as const, reason: P95_REASON })));
    const id = h.incidents()[0]!.id;
    h.clock.t += 60_000;
    h.tick([{ id: ids[0]!, status: 'warning', reason: 'p95 13 s > 12 s for 1 min' }]);
    expect(h.incidents()[0]!.state).toBe('open');
    expect(h.timeline(id).at(-1)).toMatchObject({
      kind: 'health',
      endpointId: ids[0],
      summary: 'a is warning now: p95 13 s > 12 s for 1 min',
      detail: { status: 'warning', from: 'critical' },
    });
    h.clock.t += 60_000;
    h.tick([{ id: ids[1]!, status: 'ok' }]);
    const mitigated = h.incidents()[0]!;
    expect(mitigated).toMatchObject({ state: 'mitigated', mitigatedAt: T0 + 120_000 });
    const moved = h.timeline(id).find((e) => e.kind === 'state' && e.detail.to === 'mitigated')!;
    expect(moved.actor).toBe('fleetdeck');
    expect(moved.summary).toMatch(/health recovered/);

    // A relapse while mitigated reopens it, with the reason in the timeline.
    h.clock.t += 60_000;
    h.tick([{ id: ids[1]!, status: 'critical', reason: P95_REASON }]);
    expect(h.incidents()[0]).toMatchObject({ state: 'open', mitigatedAt: null });
    expect(h.timeline(id).at(-1)).toMatchObject({ kind: 'state', detail: { from: 'mitigated', to: 'open' } });
    h.clock.t += 60_000;
    h.tick([{ id: ids[1]!, status: 'ok' }]);
    const calmFrom = h.clock.t;
    expect(h.incidents()[0]!.state).toBe('mitigated');

    // incidentResolveMinutes (30) of calm: resolved, not a minute before.
    h.advance(29 * 60_000);
    expect(h.incidents()[0]!.state).toBe('mitigated');
    h.advance(60_000);
    expect(h.incidents()[0]).toMatchObject({ state: 'resolved', resolvedAt: calmFrom + 30 * 60_000 });
    expect(h.changes.at(-1)?.change).toBe('resolved');
    // Resolved is history: the same endpoint turning critical again opens a new incident.
    h.clock.t += 60_000;
    h.tick([{ id: ids[0]!, status: 'critical', reason: P95_REASON }]);
    expect(h.incidents().map((i) => i.state)).toEqual(['open', 'resolved']);
  });

  it('does not take silence for recovery: unknown (no data) keeps it open, an endpoint gone from the fleet does not', () => {
    const ids = ['prod-us-east:llm:a', 'prod-us-east:llm:b'];
    const h = start(ids.map((id) => [id, {}]));
    h.tick(ids.map((id) => ({ id, status: 'critical' as const, reason: P95_REASON })));
    const id = h.incidents()[0]!.id;
    h.clock.t += 60_000;
    h.tick(ids.map((id) => ({ id, status: 'unknown' as const, reason: 'no metrics for 5 min' })));
    expect(h.incidents()[0]!.state).toBe('open');
    h.clock.t += 60_000;
    h.tick([{ id: ids[0]!, status: 'ok' }]);
    expect(h.incidents()[0]!.state).toBe('open');
    h.clock.t += 60_000;
    h.remove([ids[1]!]);
    expect(h.incidents()[0]!.state).toBe('mitigated');
    expect(
      h
        .timeline(id)
        .filter((e) => e.kind === 'health')
        .map((e) => e.summary)
        .slice(-2),
    ).toEqual(['a is ok now: within SLO', 'b is unknown now: removed from the fleet']);
  });

  it('never resolves by itself when incidentResolveMinutes is 0, and leaves manual incidents to people', async () => {
    const h = start([
      ['prod-us-east:llm:a', {}],
      ['prod-us-east:llm:b', {}],
    ]);
    h.settings.set({ incidentResolveMinutes: 0 }, 'test');
    h.tick([{ id: 'prod-us-east:llm:a', status: 'critical', reason: P95_REASON }]);
    h.clock.t += 60_000;
    h.tick([{ id: 'prod-us-east:llm:a', status: 'ok' }]);
    h.advance(24 * 3600_000);
    expect(h.incidents()[0]!.state).toBe('mitigated');

    const manual = (await h.call('incidents.open', {
      title: 'b looks odd',
      endpointIds: ['prod-us-east:llm:b'],
    })) as { id: string };
    h.tick([{ id: 'prod-us-east:llm:b', status: 'critical', reason: P95_REASON }]);
    h.clock.t += 60_000;
    h.tick([{ id: 'prod-us-east:llm:b', status: 'ok' }]);
    const kept = h.incidents().find((i) => i.id === manual.id)!;
    expect(kept.state).toBe('open');
    // Its endpoint's health is still followed.
    expect(
      h
        .timeline(manual.id)
        .filter((e) => e.kind === 'health')
        .map((e) => e.detail.status),
    ).toEqual(['critical', 'ok']);
  });

  it('keeps the charts around opening and mitigation, bounded, with the SLO line', () => {
    const id = 'prod-us-east:llm:llama-70b-chat';
    const h = start([[id, {}]]);
    h.samples([id], 'latency_p95', (t) => (t > h.clock.t - 5 * 60_000 ? 30 : 8));
    h.samples([id], 'error_rate', () => 0.001);
    h.samples([id], 'request_rate', () => 12);
    h.tick([{ id, status: 'critical', reason: P95_REASON }]);
    const incidentId = h.incidents()[0]!.id;
    const opening = h.timeline(incidentId).filter((e) => e.kind === 'snapshot');
    expect(opening.map((e) => e.snapshot!.metric)).toEqual(['latency_p95', 'error_rate', 'request_rate']);
    const p95 = opening[0]!.snapshot!;
    expect(p95).toMatchObject({ from: h.clock.t - 30 * 60_000, to: h.clock.t, threshold: 24 });
    expect(p95.series).toHaveLength(1);
    expect(p95.series[0]!.label).toBe('llama-70b-chat');
    expect(p95.series[0]!.points.length).toBeGreaterThan(100);
    expect(p95.series[0]!.points.length).toBeLessThanOrEqual(181);
    expect(p95.series[0]!.points.at(-1)![1]).toBe(30);
    expect(opening[0]!.summary).toBe('Latency p95 of llama-70b-chat, 30 min up to the opening');

    h.clock.t += 10 * 60_000;
    h.samples([id], 'latency_p95', (t) => (t > h.clock.t - 2 * 60_000 ? 9 : 30), 10);
    h.tick([{ id, status: 'ok' }]);
    const after = h
      .timeline(incidentId)
      .filter((e) => e.kind === 'snapshot' && e.detail.event === 'mitigation');
    expect(after.length).toBeGreaterThan(0);
    expect(after[0]!.snapshot!.series[0]!.points.at(-1)![1]).toBe(9);
  });

  it('carries on after a restart: the open incident is found again, not opened twice', () => {
    const ids = ['prod-us-east:llm:a', 'prod-us-east:llm:b'];
    let h1 = start(ids.map((id) => [id, {}]));
    h1.tick([{ id: ids[0]!, status: 'critical', reason: P95_REASON }]);
    const first = h1.incidents()[0]!;
    h1 = replaceHarness(h1.restart());
    h1.clock.t += 5000;
    h1.tick([
      { id: ids[0]!, reason: 'p95 40 s > 24 s for 3 min' },
      { id: ids[1]!, status: 'critical', reason: P95_REASON },
    ]);
    expect(h1.incidents()).toHaveLength(1);
    expect(h1.incidents()[0]).toMatchObject({ id: first.id, endpointCount: 2 });
    h1.clock.t += 60_000;
    h1.tick(ids.map((id) => ({ id, status: 'ok' as const })));
    expect(h1.incidents()[0]!.state).toBe('mitigated');
  });
});
