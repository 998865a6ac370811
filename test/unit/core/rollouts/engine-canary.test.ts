import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDir } from '../../../support/tmp';
import { T0, canaryPlan, healthy, openHarness, type Harness, type Scenario } from './engine-harness';

const steps = `        - setWeight: 20
        - analysis: gate
        - setWeight: 50
        - pause: {duration: 30s}
        - analysis: gate
`;

/** The candidate fails more than stable once it gets traffic. */
const failing: Scenario = (w) => ({
  stable: { request_rate: 10, error_rate: 0.008, latency_p95: 0.9 },
  candidate: { request_rate: w / 4, error_rate: w > 0 ? 0.042 : 0, latency_p95: 0.95 },
});

describe('rollout engine: canary', () => {
  let tmp: ReturnType<typeof freshDir>;
  let h: Harness;
  const scenario = { current: healthy };

  beforeEach(() => {
    tmp = freshDir();
    scenario.current = healthy;
    h = openHarness(tmp.dir, scenario);
  });
  afterEach(async () => {
    await h.close();
    tmp.cleanup();
  });

  it('promotes a good candidate through its steps, each weight applied once', async () => {
    const started = await h.start(canaryPlan(steps));
    expect(started.state).toBe('progressing');
    const done = await h.until(started.id, 'succeeded', (r) => r.state === 'succeeded');
    expect(h.target.calls).toEqual(['setWeight 20', 'setWeight 50', 'promote', 'retireOld']);
    expect(done.weight).toBe(100);
    expect(done.endedAt).not.toBeNull();
    const passed = done.decisions.filter((d) => d.kind === 'note' && d.verdict === 'success');
    expect(passed.map((d) => d.message)).toEqual([
      'step 2 analysis passed: 3 of 3 measurements successful',
      'step 5 analysis passed: 3 of 3 measurements successful',
    ]);
    const m = done.decisions.find((d) => d.kind === 'measurement')!;
    expect(m.measurements.find((x) => x.metric === 'error_rate')).toMatchObject({
      candidate: 0.008,
      stable: 0.008,
      ok: true,
    });
    expect(m.measurements.find((x) => x.metric === 'error_rate')!.threshold).toBeCloseTo(0.0088, 12);
    // The timed pause waited its 30 s on the engine's clock.
    const at50 = done.decisions.find((d) => d.message.startsWith('setWeight 50'))!.at;
    const firstAfterPause = done.decisions.find((d) => d.step === 'step 5' && d.kind === 'measurement')!.at;
    expect(firstAfterPause - at50).toBeGreaterThanOrEqual(40_000);
    expect(h.events.some((e) => e.id === started.id && e.state === 'succeeded')).toBe(true);
  });

  it('aborts a bad candidate with the measured values in words, traffic back on stable', async () => {
    scenario.current = failing;
    const started = await h.start(canaryPlan(steps));
    const r = await h.until(started.id, 'aborted', (x) => x.state === 'aborted');
    expect(h.target.percent).toBe(0);
    expect(h.target.calls).toEqual(['setWeight 20', 'abort']);
    expect(r.weight).toBe(0);
    expect(r.message).toBe(
      'step 2 aborted: candidate error_rate 4.2 % > stable 0.8 % x 1.1, 1 of 1 measurements',
    );
    const abort = r.decisions.find((d) => d.kind === 'abort')!;
    expect(abort).toMatchObject({ verdict: 'failure', actor: 'fleetdeck' });
    expect(abort.measurements.find((m) => m.metric === 'error_rate')).toMatchObject({
      candidate: 0.042,
      stable: 0.008,
      ok: false,
    });
    expect(r.lastVerdict).toBe('failure');
    expect(r.decisions.some((d) => d.kind === 'promote')).toBe(false);
  });

  it('pauses for a person when the candidate gets too little traffic to judge', async () => {
    scenario.current = () => ({
      stable: { request_rate: 10, error_rate: 0.008, latency_p95: 0.9 },
      candidate: { request_rate: 0.2, error_rate: 0.008, latency_p95: 0.9 },
    });
    const started = await h.start(canaryPlan(steps));
    const r = await h.until(started.id, 'paused', (x) => x.state === 'paused');
    expect(r.message).toMatch(
      /^step 2 paused, inconclusive: candidate traffic 0\.2 req\/s is below minRequestRate 1 req\/s in 3 of 3 measurements/,
    );
    expect(r.lastVerdict).toBe('inconclusive');
    expect(h.target.calls).toEqual(['setWeight 20']);
    // Resumed with traffic: the analysis measures again and the rollout carries on.
    scenario.current = healthy;
    await h.control(r.id, 'resume', 'bob', 'traffic is back');
    const done = await h.until(r.id, 'succeeded', (x) => x.state === 'succeeded');
    expect(done.decisions.find((d) => d.kind === 'resume')).toMatchObject({
      actor: 'bob',
      message: 'step 2 resumed by bob: traffic is back',
    });
  });

  it('never promotes on missing data: the metrics source goes down mid-analysis', async () => {
    // The source answers until 15 s in, then is gone; its last samples count while they are no
    // older than two intervals (20 s), then every measurement is inconclusive.
    scenario.current = (w, t) => (t - T0 > 15_000 ? null : healthy(w, t));
    const started = await h.start(
      canaryPlan(`        - setWeight: 20
        - analysis:
            conditions: [error_rate <= stable * 1.1]
            interval: 10s
            count: 8
            inconclusiveLimit: 2
`),
    );
    const r = await h.until(started.id, 'paused', (x) => x.state === 'paused');
    expect(r.message).toMatch(
      /inconclusive: no fresh request_rate for the candidate in \d of \d measurements/,
    );
    expect(h.target.calls).not.toContain('promote');
    expect(h.target.percent).toBe(20);
    expect(r.decisions.filter((d) => d.kind === 'measurement').map((d) => d.verdict)).toEqual([
      'success',
      'success',
      'success',
      'inconclusive',
      'inconclusive',
      'inconclusive',
    ]);
  });

  it('promotes now on a paused rollout, recording who and why', async () => {
    const started = await h.start(
      canaryPlan(`        - setWeight: 10
        - pause: {}
        - setWeight: 50
`),
    );
    const paused = await h.until(started.id, 'paused', (x) => x.state === 'paused');
    expect(paused.message).toBe('Waiting at step 2 for a person to resume or promote.');
    const r = await h.control(started.id, 'promote', 'carol', 'looks fine in the dashboards');
    expect(['promoting', 'succeeded']).toContain(r.state);
    const done = await h.until(started.id, 'succeeded', (x) => x.state === 'succeeded');
    expect(h.target.calls).toEqual(['setWeight 10', 'promote', 'retireOld']);
    expect(done.decisions.find((d) => d.kind === 'promote')).toMatchObject({
      actor: 'carol',
      message: 'step 2: promoted now by carol: looks fine in the dashboards',
    });
  });

  it('aborts on request, and a second abort is safe and recorded', async () => {
    const started = await h.start(
      canaryPlan(`        - setWeight: 30
        - pause: {}
`),
    );
    await h.until(started.id, 'paused', (x) => x.state === 'paused');
    const first = await h.control(started.id, 'abort', 'dave', 'wrong version');
    expect(first.state).toBe('aborted');
    expect(first.message).toBe('step 2 aborted by dave: wrong version');
    expect(h.target.percent).toBe(0);
    const again = await h.control(started.id, 'abort', 'erin');
    expect(again.state).toBe('aborted');
    expect(again.decisions.at(-1)).toMatchObject({ kind: 'abort', actor: 'erin' });
    expect(again.decisions.at(-1)!.message).toMatch(/^abort repeated by erin: traffic on stable/);
    await expect(h.control(started.id, 'resume')).rejects.toMatchObject({ code: 'conflict' });
    // Every person's action is in the console's audit log too.
    const audit = h.store.db
      .prepare("SELECT actor, action, detail FROM audit_log WHERE action LIKE 'rollouts.%' ORDER BY id")
      .all() as Array<{ actor: string; action: string; detail: string }>;
    expect(audit.map((a) => `${a.actor} ${a.action}`)).toEqual([
      'alice rollouts.start',
      'dave rollouts.abort',
      'erin rollouts.abort',
    ]);
    expect(JSON.parse(audit[1]!.detail)).toEqual({ id: started.id, reason: 'wrong version' });
  });

  it('pauses and resumes on request; refuses a second rollout of the same endpoint', async () => {
    const started = await h.start(
      canaryPlan(`        - setWeight: 10
        - pause: {}
`),
    );
    await h.until(started.id, 'waiting', (x) => x.state === 'paused');
    await expect(h.start(canaryPlan('        - setWeight: 5\n'))).rejects.toMatchObject({ code: 'conflict' });
    await h.control(started.id, 'abort');
    const next = await h.start(canaryPlan('        - setWeight: 5\n'));
    expect(next.state).toBe('progressing');
    await h.until(next.id, 'succeeded', (x) => x.state === 'succeeded');
  });

  it('aborts a background analysis failure during a timed pause', async () => {
    const text = canaryPlan(
      `        - setWeight: 25
        - pause: {duration: 5m}
`,
      {
        background: `  backgroundAnalysis:
    conditions: [error_rate < 2%]
    interval: 20s
    failureLimit: 2
`,
      },
    );
    scenario.current = failing;
    const started = await h.start(text);
    const r = await h.until(started.id, 'aborted', (x) => x.state === 'aborted');
    expect(r.message).toBe('step 2 aborted: candidate error_rate 4.2 % >= 2 %, 2 of 2 measurements');
    expect(h.target.calls).toEqual(['setWeight 25', 'abort']);
  });
});
