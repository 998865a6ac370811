import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCore, type Core } from '../../../../src/core/core';
import { EventBus } from '../../../../src/core/events/event-bus';
import { coreCaller } from '../../../../src/core/incidents/core-caller';
import { createHealingPlane, type HealingPlane } from '../../../../src/core/incidents/healing/healing-plane';
import { IncidentService } from '../../../../src/core/incidents/incident.service';
import { IncidentStore } from '../../../../src/core/incidents/incident.store';
import { silentLogger } from '../../../../src/core/log/logger';
import { openStore, type Store } from '../../../../src/core/store/database';
import type { Endpoint } from '../../../../src/shared/contract/fleet.schema';
import type { CommandName } from '../../../../src/shared/contract/index';
import type { HealingActionRecord } from '../../../../src/shared/contract/incident.schema';
import { freshDir } from '../../../support/tmp';
import { until } from '../../../support/until';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 27, 10, 0, 0);

function endpoint(cluster: string, name: string, p95: number, at: () => number): Endpoint {
  return {
    id: `${cluster}:llm:${name}`,
    name,
    model: 'llama-3.1-8b-instruct',
    version: 'v1',
    source: 'test',
    sourceKind: 'kubernetes',
    cluster,
    region: cluster === 'prod-us-east' ? 'us-east-1' : 'eu-west-1',
    namespace: 'llm',
    runtime: 'vllm',
    target: { kind: 'Deployment', name },
    group: null,
    trafficPercent: null,
    replicas: { desired: 3, ready: 3 },
    gpus: 3,
    gpuType: 'A10G',
    nodes: [],
    hourlyPriceUsd: null,
    spendTodayUsd: 0,
    url: null,
    health: { status: 'ok', reason: 'ok', since: null },
    // A getter: each read is a fresh sample at the test's clock, as a live fleet gives.
    metrics: {
      get latency_p95() {
        return { value: p95Of(name, p95), at: at() };
      },
    },
    missingMetrics: [],
    freshness: { state: 'live', at: at() },
  };
}
const p95s = new Map<string, number>();
const p95Of = (name: string, fallback: number) => p95s.get(name) ?? fallback;

const policy = (
  o: { id?: string; mode?: string; clusters?: string; limits?: string; when?: string; action?: string } = {},
) =>
  `apiVersion: fleetdeck.io/v1
kind: HealingPolicy
id: ${o.id ?? 'scale-out-on-latency'}
title: Scale out when p95 stays high
mode: ${o.mode ?? 'run'}
when: ${o.when ?? 'latency_p95 > 12s for 2m'}
match:
  clusters: [${o.clusters ?? 'prod-us-east'}]
  models: [llama-3.1-8b-instruct]
action:
${o.action ?? '  runbook: scale-out\n  vars: { replicas: "8" }'}
limits:
${o.limits ?? '  per_endpoint_per_hour: 1\n  fleet_per_hour: 3'}
`;

/**
 * The healing plane on a real SQLite file, a real bus and a real IncidentService, driven by a
 * test clock; the commands it calls (runbooks.get, runs.start, ...) go to a real core with no
 * fleet, so a run it starts on these endpoints is refused exactly as for an endpoint gone away.
 */
describe('self-healing guard rails', () => {
  let core: Core;
  let store: Store;
  let dirs: Array<ReturnType<typeof freshDir>>;
  let clock: number;
  let endpoints: Endpoint[];
  let incidents: IncidentService;
  let plane: HealingPlane;
  /** Another plane on the same database and deps: the console after a restart. */
  let newPlane: () => HealingPlane;
  const calls: Array<{ name: CommandName; actor: string }> = [];
  const ctx = { actor: 'alice', host: 'console' as const };

  beforeEach(() => {
    dirs = [freshDir(), freshDir()];
    core = startCore({ dataDir: dirs[0]!.dir, host: 'console', log: silentLogger });
    store = openStore({ dataDir: dirs[1]!.dir, log: silentLogger });
    clock = T0;
    p95s.clear();
    calls.length = 0;
    const now = () => clock;
    endpoints = [
      endpoint('prod-us-east', 'llama-8b-chat', 14.1, now),
      endpoint('prod-us-east', 'llama-8b-batch', 3, now),
      endpoint('prod-eu-west', 'llama-8b-chat', 15, now),
    ];
    const bus = new EventBus();
    incidents = new IncidentService({ store: new IncidentStore(store.db), bus, log: silentLogger, now });
    const call = coreCaller((name, args, actor) => {
      calls.push({ name, actor });
      return core.call(name, args, { actor, host: 'console' });
    });
    newPlane = () =>
      createHealingPlane(
        {
          db: store.db,
          log: silentLogger,
          bus,
          fleet: { endpoint: (id) => endpoints.find((e) => e.id === id), all: () => endpoints },
          incidents,
          call,
          now,
        },
        { evaluateEveryMs: 3_600_000 },
      );
    plane = newPlane();
    plane.start();
  });
  afterEach(async () => {
    await plane.close();
    await core.close();
    store.close();
    for (const d of dirs) d.cleanup();
  });

  const save = (text: string) => plane.handlers['healing.save']({ text }, ctx);
  const actions = async () =>
    (await plane.handlers['healing.actions']({ limit: 100 }, ctx)) as HealingActionRecord[];
  /** Evaluates at each minute from now until `minutes` later (the fleet ticks more often; enough here). */
  const runFor = (minutes: number) => {
    for (let i = 0; i <= minutes; i++) {
      if (i > 0) clock += MIN;
      plane.evaluate();
    }
  };
  const openIncident = (endpointId: string) => {
    const e = endpoints.find((x) => x.id === endpointId)!;
    return incidents.open(
      {
        title: 'latency',
        severity: 'sev3',
        origin: 'auto',
        groupKey: `region ${e.region}`,
        signals: ['latency_p95'],
        startedAt: clock,
        detectedAt: clock,
        endpoints: [{ ...e, joinedAt: clock, health: 'critical', reason: 'p95' }],
      },
      { actor: 'fleetdeck', summary: 'opened' },
    );
  };

  it('proposes once per episode in dry-run, with the trigger values, in the incident timeline', async () => {
    await save(policy({ mode: 'dry-run', clusters: 'prod-us-east, prod-eu-west' }));
    const incident = openIncident('prod-us-east:llm:llama-8b-chat');
    runFor(1);
    expect(await actions()).toEqual([]);
    runFor(5);
    const first = await actions();
    expect(first.map((a) => [a.endpointId, a.outcome, a.result, a.trigger])).toEqual(
      expect.arrayContaining([
        ['prod-us-east:llm:llama-8b-chat', 'proposed', null, 'latency_p95 14.1 s > 12 s for 2 min'],
        ['prod-eu-west:llm:llama-8b-chat', 'proposed', null, 'latency_p95 15 s > 12 s for 2 min'],
      ]),
    );
    expect(first).toHaveLength(2);
    expect(first[0]!.why).toBe('dry-run: the policy only proposes; set mode: run to let it act');
    expect(calls.filter((c) => c.name === 'runs.start')).toEqual([]);

    const timeline = incidents.store.newestEntries(incident.id, 50).filter((e) => e.kind === 'healing');
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toMatchObject({
      actor: 'policy:scale-out-on-latency',
      endpointId: 'prod-us-east:llm:llama-8b-chat',
      detail: { outcome: 'proposed', trigger: 'latency_p95 14.1 s > 12 s for 2 min', mode: 'dry-run' },
      ref: { policyId: 'scale-out-on-latency' },
    });
    expect(timeline[0]!.summary).toMatch(
      /proposes to run scale-out \(replicas=8\) on llama-8b-chat, because latency_p95 14.1 s/,
    );

    // Cleared, then back: a new episode, a new proposal (after `for` again).
    p95s.set('llama-8b-chat', 5);
    runFor(1);
    p95s.set('llama-8b-chat', 20);
    runFor(1);
    expect(await actions()).toHaveLength(2);
    runFor(2);
    const again = await actions();
    expect(again).toHaveLength(4);
    expect(again[0]!.trigger).toMatch(/^latency_p95 20 s > 12 s for 2 min$/);
  });

  it('never acts outside its clusters, says so, and starts nothing', async () => {
    await save(policy());
    runFor(2);
    const byEndpoint = Object.fromEntries((await actions()).map((a) => [a.endpointId, a]));
    expect(byEndpoint['prod-eu-west:llm:llama-8b-chat']).toMatchObject({
      outcome: 'proposed',
      result: null,
      runId: null,
      why: 'cluster prod-eu-west is not one this policy may act in (prod-us-east); add it to match.clusters to allow it',
    });
    expect(byEndpoint['prod-us-east:llm:llama-8b-batch']).toBeUndefined();
  });

  it('holds back during a change freeze, and acts again once it is ended', async () => {
    await save(policy());
    p95s.set('llama-8b-chat', 13);
    const freeze = await plane.handlers['healing.freeze'](
      { from: clock - MIN, to: clock + 3 * 60 * MIN, reason: 'quarter-end release' },
      ctx,
    );
    expect(await plane.handlers['healing.freezes'](undefined as never, ctx)).toEqual([freeze]);
    runFor(2);
    const [held] = (await actions()).filter((a) => a.endpointId.startsWith('prod-us-east'));
    expect(held).toMatchObject({ outcome: 'proposed' });
    expect(held!.why).toBe(
      'change freeze until 13:00 UTC (quarter-end release, set by alice); no policy acts during one',
    );

    // Ended now, it is history (no longer listed); a planned one does not hold back today.
    await plane.handlers['healing.unfreeze']({ id: freeze.id }, ctx);
    const planned = await plane.handlers['healing.freeze'](
      { from: clock + 60 * MIN, to: clock + 120 * MIN, reason: 'tomorrow' },
      ctx,
    );
    expect(await plane.handlers['healing.freezes'](undefined as never, ctx)).toEqual([planned]);
    p95s.set('llama-8b-chat', 5);
    runFor(1);
    p95s.set('llama-8b-chat', 13);
    runFor(2);
    const [next] = (await actions()).filter((a) => a.endpointId.startsWith('prod-us-east'));
    expect(next).toMatchObject({ outcome: 'ran' });
    expect(next!.why).toMatch(
      /^every guard rail passed: cluster prod-us-east, no change freeze, 0\/1 this hour/,
    );
    await plane.handlers['healing.unfreeze']({ id: planned.id }, ctx);
    expect(await plane.handlers['healing.freezes'](undefined as never, ctx)).toEqual([]);
    expect(store.db.prepare('SELECT count(*) AS n FROM change_freeze').get()).toEqual({ n: 1 });
    await expect(
      Promise.resolve().then(() =>
        plane.handlers['healing.freeze']({ from: clock, to: clock - 1, reason: 'x' }, ctx),
      ),
    ).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/^A freeze must end after it starts/),
    });
  });

  it('keeps to the hourly limits per endpoint and per fleet, counted from the action log', async () => {
    await save(
      policy({
        clusters: 'prod-us-east, prod-eu-west',
        limits: '  per_endpoint_per_hour: 1\n  fleet_per_hour: 2',
      }),
    );
    const insert = store.db.prepare(
      `INSERT INTO healing_action (id, policy_id, endpoint_id, incident_id, at, outcome, result, why, trigger)
       VALUES (?, 'other-policy', ?, NULL, ?, 'ran', 'succeeded', 'x', 'y')`,
    );
    // Earlier actions by any policy: on the chat endpoint 30 min ago, and one elsewhere 70 min ago (outside the hour).
    insert.run('a1', 'prod-us-east:llm:llama-8b-chat', clock - 30 * MIN);
    insert.run('a0', 'prod-us-east:llm:llama-8b-batch', clock - 70 * MIN);
    p95s.set('llama-8b-chat', 13);
    endpoints = endpoints.filter((e) => e.cluster === 'prod-us-east');
    runFor(2);
    const [limited] = await actions();
    expect(limited).toMatchObject({ endpointId: 'prod-us-east:llm:llama-8b-chat', outcome: 'proposed' });
    expect(limited!.why).toBe(
      'limit: 1 action per hour on llama-8b-chat already taken (last at 09:30 UTC); a person decides this one',
    );

    // 31 minutes on, the earlier action is over an hour old: a new episode may act.
    clock += 31 * MIN;
    p95s.set('llama-8b-chat', 5);
    runFor(1);
    p95s.set('llama-8b-chat', 13);
    runFor(2);
    const [ran] = await actions();
    expect(ran).toMatchObject({ outcome: 'ran', endpointId: 'prod-us-east:llm:llama-8b-chat' });

    // The fleet limit: that action plus one more elsewhere in the hour make two.
    insert.run('a2', 'prod-us-east:llm:mistral-7b', clock - MIN);
    p95s.set('llama-8b-batch', 30);
    runFor(2);
    const [fleet] = await actions();
    expect(fleet).toMatchObject({ endpointId: 'prod-us-east:llm:llama-8b-batch', outcome: 'proposed' });
    expect(fleet!.why).toMatch(
      /^limit: 2 actions per hour across the fleet already taken \(last at \d\d:\d\d UTC\)$/,
    );
  });

  it('escalates an action that fails to a person: the incident goes one severity worse, with why', async () => {
    await save(policy());
    const incident = openIncident('prod-us-east:llm:llama-8b-chat');
    runFor(2);
    const failed = await until('the action to fail', async () => {
      const [a] = (await actions()).filter((x) => x.outcome === 'ran');
      return a?.result === 'failed' ? a : null;
    });
    expect(calls).toContainEqual({ name: 'runs.start', actor: 'policy:scale-out-on-latency' });
    expect(failed.message).toMatch(/^could not start scale-out: No endpoint/);
    expect(failed.incidentId).toBe(incident.id);
    const after = incidents.store.summary(incident.id);
    expect(after.severity).toBe('sev2');
    const entries = incidents.store.newestEntries(incident.id, 50);
    expect(
      entries.filter((e) => e.kind === 'healing').map((e) => e.detail.result ?? e.detail.outcome),
    ).toEqual(['ran', 'failed']);
    expect(entries.at(-1)).toMatchObject({
      kind: 'state',
      actor: 'policy:scale-out-on-latency',
      detail: { escalated: true, from: 'sev3', to: 'sev2' },
    });
  });

  it('opens an incident for a failed action when none is open', async () => {
    await save(policy());
    runFor(2);
    const failed = await until('the action to fail', async () => {
      const [a] = (await actions()).filter((x) => x.outcome === 'ran');
      return a?.result === 'failed' && a.incidentId ? a : null;
    });
    const opened = incidents.store.summary(failed.incidentId!);
    expect(opened).toMatchObject({ origin: 'auto', state: 'open', endpointCount: 1 });
    expect(opened.title).toBe('Self-healing failed on llama-8b-chat: Scale out when p95 stays high');
  });

  it('abort_rollout looks for the live rollout on the endpoint; with none, the action fails to a person', async () => {
    await save(policy({ id: 'abort-on-errors', action: '  abort_rollout: true' }));
    const incident = openIncident('prod-us-east:llm:llama-8b-chat');
    runFor(2);
    const failed = await until('the abort to fail', async () => {
      const [a] = (await actions()).filter((x) => x.outcome === 'ran');
      return a?.result === 'failed' ? a : null;
    });
    expect(calls).toContainEqual({ name: 'rollouts.list', actor: 'policy:abort-on-errors' });
    expect(failed).toMatchObject({
      rolloutId: null,
      message: 'no live rollout on prod-us-east:llm:llama-8b-chat to abort',
      incidentId: incident.id,
    });
    const healing = incidents.store.newestEntries(incident.id, 50).filter((e) => e.kind === 'healing');
    expect(healing.map((e) => e.summary)).toEqual([
      expect.stringMatching(
        /acted on llama-8b-chat: abort the live rollout, because latency_p95 14.1 s > 12 s for 2 min$/,
      ),
      expect.stringMatching(/failed: no live rollout on .* to abort; a person takes over$/),
    ]);
    expect(incidents.store.summary(incident.id).severity).toBe('sev2');
  });

  it('after a restart, follows actions still running; one whose run is gone fails and a person is called', async () => {
    await plane.close();
    store.db
      .prepare(
        `INSERT INTO healing_action (id, policy_id, endpoint_id, incident_id, at, outcome, result, why, trigger, run_id)
         VALUES ('heal-1', 'scale-out-on-latency', 'prod-us-east:llm:llama-8b-chat', NULL, ?, 'ran', 'running', 'x', 'latency_p95 14 s > 12 s for 2 min', 'run-gone')`,
      )
      .run(clock - MIN);
    plane = newPlane();
    plane.start();
    const failed = await until('the resumed action to fail', async () => {
      const [a] = await actions();
      return a?.result === 'failed' ? a : null;
    });
    expect(failed.message).toMatch(/^run run-gone could not be read: /);
    expect(incidents.store.summary(failed.incidentId!).title).toMatch(
      /^Self-healing failed on llama-8b-chat/,
    );
  });

  it('validates against the runbook library: a missing runbook or an unknown variable is a problem with its line', async () => {
    const missing = await plane.handlers['healing.validate'](
      { text: policy({ action: '  runbook: scale-uot' }) },
      ctx,
    );
    expect(missing.ok).toBe(false);
    expect(missing.problems).toEqual([
      {
        line: 11,
        column: 12,
        field: 'action.runbook',
        message: expect.stringMatching(
          /^There is no runbook 'scale-uot' in this console\. Did you mean 'scale-out'\?/,
        ),
      },
    ]);
    const unknownVar = await plane.handlers['healing.validate'](
      { text: policy({ action: '  runbook: scale-out\n  vars: { replica: "8" }' }) },
      ctx,
    );
    expect(unknownVar.problems).toEqual([
      {
        line: 12,
        column: 11,
        field: 'action.vars.replica',
        message: expect.stringMatching(
          /^runbook scale-out has no parameter 'replica'\. Did you mean 'replicas'\?/,
        ),
      },
    ]);
    await expect(save(policy({ action: '  runbook: scale-uot' }))).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(
        /^The policy was not saved: 1 problem\. line 11, column 12 \(action.runbook\)/,
      ),
    });
  });

  it('accepts every example policy shipped in resources/policies, each in dry-run', async () => {
    const folder = join(import.meta.dirname, '../../../../resources/policies');
    const files = readdirSync(folder).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const checked = await plane.handlers['healing.validate'](
        { text: readFileSync(join(folder, file), 'utf8') },
        ctx,
      );
      expect({ file, problems: checked.problems }).toEqual({ file, problems: [] });
      expect(checked.policy).toMatchObject({ id: file.replace(/\.yaml$/, ''), mode: 'dry-run' });
    }
  });

  it('saves, lists, switches off (then never acts) and deletes policies', async () => {
    const saved = await save(policy());
    expect(await plane.handlers['healing.policies'](undefined as never, ctx)).toEqual([saved]);
    const off = await plane.handlers['healing.setEnabled']({ id: saved.id, enabled: false }, ctx);
    expect(off.enabled).toBe(false);
    runFor(3);
    expect(await actions()).toEqual([]);
    expect(await plane.handlers['healing.delete']({ id: saved.id }, ctx)).toEqual({ deleted: saved.id });
    expect(await plane.handlers['healing.policies'](undefined as never, ctx)).toEqual([]);
    await expect(
      Promise.resolve().then(() =>
        plane.handlers['healing.setEnabled']({ id: saved.id, enabled: true }, ctx),
      ),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});
