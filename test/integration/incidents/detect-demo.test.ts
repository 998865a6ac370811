import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type Core } from '../../../src/core/core';
import { silentLogger } from '../../../src/core/log/logger';
import { demoSources, startDemoFleet, type DemoFleet } from '../../../src/demo/demo-fleet';
import type { FleetSummary } from '../../../src/shared/contract/fleet.schema';
import type { Incident, IncidentSummary } from '../../../src/shared/contract/incident.schema';
import type { Run } from '../../../src/shared/contract/runbook.schema';
import { freshDir } from '../../support/tmp';
import { until } from '../../support/until';
import { echoRunbook } from './support/echo-runbook';

const resourcesDir = fileURLToPath(new URL('../../../resources', import.meta.url));
const TARGET = 'prod-us-east:code:qwen-coder';
const MODEL = 'qwen2.5-coder-32b-instruct';

/**
 * Issue 7, end to end in one process: the real core on a fresh data directory reading the demo
 * fleet through its ordinary Kubernetes and scrape sources. An injected fault on one endpoint
 * opens exactly one incident with exactly that endpoint, charts kept with it, suggestions
 * for its signal, and a runbook run on it lands in its timeline step by step.
 */
describe('incident detection on the demo fleet', () => {
  let demo: DemoFleet;
  let core: Core;
  let cleanup = () => {};
  const call = async <T>(name: string, args: unknown = {}): Promise<T> => {
    const reply = await core.call(name, args, { actor: 'tester', host: 'console' });
    if (!reply.ok) throw new Error(`${name}: ${reply.error.message}`);
    return reply.result as T;
  };

  beforeAll(async () => {
    const tmp = freshDir('fleetdeck-incidents-demo-');
    cleanup = tmp.cleanup;
    demo = await startDemoFleet({ dataDir: tmp.dir, resourcesDir });
    core = startCore({
      dataDir: tmp.dir,
      host: 'console',
      log: silentLogger,
      validateResults: true,
      resourcesDir,
      tickMs: 2000,
    });
    core.useDemo({ sources: demoSources(demo), control: demo });
    const folder = join(tmp.dir, 'my-runbooks');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'incident-echo.yaml'), echoRunbook);
    await call('settings.set', { runbooksFolder: folder });
    await until(
      '26 live endpoints',
      async () => {
        const s = await call<FleetSummary>('fleet.summary');
        return s.endpoints.total === 26 && s.freshness.state === 'live';
      },
      120_000,
    );
  }, 180_000);

  afterAll(async () => {
    await core?.close();
    await demo?.close();
    cleanup();
  });

  it('opens one incident with exactly the faulted endpoint, charts and suggestions included', async () => {
    const before = await call<IncidentSummary[]>('incidents.list', {});
    // A short hold, so the test does not wait the default minute for the breach to count.
    await call('slos.set', { model: MODEL, slo: { forSeconds: 5 } });
    await call('demo.fault', { kind: 'error_burst', target: TARGET, durationS: 900 });
    const opened = await until(
      `an incident for ${TARGET}`,
      async () => {
        const list = await call<IncidentSummary[]>('incidents.list', { endpointId: TARGET });
        return list.length > 0 ? list : null;
      },
      150_000,
      500,
    );
    expect(opened).toHaveLength(1);
    const incident = await call<Incident>('incidents.get', { id: opened[0]!.id, limit: 500 });
    expect(incident.endpoints.map((e) => e.id)).toEqual([TARGET]);
    expect(incident).toMatchObject({
      origin: 'auto',
      state: 'open',
      groupKey: 'region us-east-1',
      title: 'qwen-coder error rate critical in us-east-1',
    });
    expect(incident.signals).toContain('error_rate');
    // No other incident came of it (the rest of the fleet is healthy).
    const after = await call<IncidentSummary[]>('incidents.list', {});
    expect(after.length - before.length).toBe(1);

    const snapshots = incident.timeline.filter((e) => e.kind === 'snapshot');
    const errors = snapshots.find((e) => e.snapshot?.metric === 'error_rate')!.snapshot!;
    expect(errors.series.map((s) => s.endpointId)).toEqual([TARGET]);
    expect(errors.series[0]!.points.length).toBeGreaterThan(0);
    expect(errors.series[0]!.points.length).toBeLessThanOrEqual(181);
    expect(errors.threshold).toBe(0.05);
    expect(errors.series[0]!.points.some(([, v]) => v !== null && v > 0.05)).toBe(true);

    expect(incident.suggestions[0]).toMatchObject({ endpointId: TARGET });
    expect(incident.suggestions.map((s) => s.runbookId)).toContain('incident-echo');
    expect(incident.suggestions.find((s) => s.runbookId === 'incident-echo')!.why).toBe('matches error_rate');

    // The fault and the SLO change, done before the incident existed, are not in it; a run is.
    const run = await call<Run>('runs.start', { runbookId: 'incident-echo', endpointId: TARGET });
    const entries = await until(
      'the run, its step and its end in the timeline',
      async () => {
        const got = await call<Incident>('incidents.get', { id: incident.id, limit: 500 });
        const runs = got.timeline.filter((e) => e.kind === 'run' && e.ref?.runId === run.id);
        return runs.some((e) => e.detail.state === 'succeeded' && e.ref?.stepIdx === undefined)
          ? got.timeline
          : null;
      },
      60_000,
    );
    const runEntries = entries.filter((e) => e.kind === 'run');
    expect(runEntries.map((e) => e.summary)).toEqual([
      'tester started runbook "Look at the error rate"',
      'Step 1 "Look" of "Look at the error rate" succeeded: Exited with 0, as expected.',
      'Runbook "Look at the error rate" succeeded',
    ]);
    const step = runEntries[1]!.ref!;
    expect(step).toMatchObject({ runId: run.id, stepIdx: 0, sessionId: run.terminalId });
    expect(step.toSeq).toBeGreaterThanOrEqual(step.fromSeq!);
    // The range points at what the terminal showed for that step.
    const transcript = await call<{ chunks: Array<{ seq: number; data: string }> }>('terminal.transcript', {
      id: step.sessionId,
      afterSeq: step.fromSeq! - 1,
      limit: 5000,
    });
    const shown = transcript.chunks.filter((c) => c.seq <= step.toSeq!).map((c) => c.data);
    expect(shown.join('')).toContain('looked-at-errors');
    const actions = entries.filter((e) => e.kind === 'action');
    expect(actions.map((e) => e.summary)).toEqual([
      'tester started runbook "Look at the error rate" on qwen-coder',
    ]);
  }, 300_000);

  it('mitigates the incident by itself once the fault is over, with the recovery charted', async () => {
    const target = 'prod-eu-west:embed:bge-embed';
    await call('slos.set', { model: 'bge-large-en-v1.5', slo: { forSeconds: 5 } });
    await call('demo.fault', { kind: 'error_burst', target, durationS: 30 });
    const [incident] = await until(
      `an incident for ${target}`,
      async () => {
        const list = await call<IncidentSummary[]>('incidents.list', { endpointId: target });
        return list.length > 0 ? list : null;
      },
      150_000,
      500,
    );
    // Another region, another model: not grouped with the first test's incident.
    expect(incident).toMatchObject({ endpointCount: 1, groupKey: 'region europe-west4' });
    const mitigated = await until(
      'the incident mitigated',
      async () => {
        const got = await call<Incident>('incidents.get', { id: incident!.id, limit: 500 });
        return got.state === 'mitigated' ? got : null;
      },
      240_000,
      1000,
    );
    const moved = mitigated.timeline.find((e) => e.kind === 'state' && e.detail.to === 'mitigated')!;
    expect(moved.actor).toBe('fleetdeck');
    expect(mitigated.timeline.some((e) => e.kind === 'health' && e.detail.status !== 'critical')).toBe(true);
    const recovery = mitigated.timeline.filter(
      (e) => e.kind === 'snapshot' && e.detail.event === 'mitigation',
    );
    const errors = recovery.find((e) => e.snapshot!.metric === 'error_rate')!.snapshot!;
    const points = errors.series[0]!.points.filter(([, v]) => v !== null);
    const peak = Math.max(...points.map(([, v]) => v!));
    expect(peak).toBeGreaterThan(errors.threshold!);
    // The last bucket averages the fall itself, so it is lower than the peak, not yet at zero.
    expect(points.at(-1)![1]).toBeLessThan(peak);
  }, 300_000);
});
