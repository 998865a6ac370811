import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDir } from '../../../support/tmp';
import { STABLE, canaryPlan, healthy, openHarness, type Harness } from './engine-harness';

const steps = `        - setWeight: 25
        - pause: {}
        - setWeight: 50
        - analysis: gate
`;

describe('rollout engine: restart', () => {
  let tmp: ReturnType<typeof freshDir>;
  let h: Harness;
  const scenario = { current: healthy };

  beforeEach(() => {
    tmp = freshDir();
    h = openHarness(tmp.dir, scenario);
  });
  afterEach(async () => {
    await h.close();
    tmp.cleanup();
  });

  it('carries on from the recorded step after a crash, never applying a step twice', async () => {
    const started = await h.start(canaryPlan(steps));
    await h.until(started.id, 'paused at step 2', (r) => r.state === 'paused');
    h = await h.restart({ crash: true });
    const paused = await h.until(
      started.id,
      'still paused',
      (r) => r.state === 'paused' && r.stepIndex === 1,
    );
    expect(paused.weight).toBe(25);
    await h.control(started.id, 'resume', 'alice');
    await h.until(started.id, 'succeeded', (r) => r.state === 'succeeded');
    expect(h.target.calls).toEqual(['setWeight 25', 'setWeight 50', 'promote', 'retireOld']);
  });

  it('re-applies a setWeight that was intended but never reached the target', async () => {
    h.target.hang = { call: 'setWeight 50', land: false };
    const started = await h.start(canaryPlan(steps));
    await h.until(started.id, 'paused', (r) => r.state === 'paused');
    await h.control(started.id, 'resume');
    await h.until(started.id, 'applying 50', () => h.target.calls.includes('setWeight 50'));
    h.target.hang = null;
    h = await h.restart({ crash: true });
    const done = await h.until(started.id, 'succeeded', (r) => r.state === 'succeeded');
    expect(h.target.calls).toEqual(['setWeight 25', 'setWeight 50', 'setWeight 50', 'promote', 'retireOld']);
    expect(
      done.decisions.some(
        (d) =>
          d.message === 'setWeight 50 at step 3 was not confirmed before the restart; applying it again.',
      ),
    ).toBe(true);
  });

  it('does not re-apply a setWeight that reached the target before the crash', async () => {
    h.target.hang = { call: 'setWeight 50', land: true };
    const started = await h.start(canaryPlan(steps));
    await h.until(started.id, 'paused', (r) => r.state === 'paused');
    await h.control(started.id, 'resume');
    await h.until(started.id, 'applying 50', () => h.target.calls.includes('setWeight 50'));
    h.target.hang = null;
    h = await h.restart({ crash: true });
    const done = await h.until(started.id, 'succeeded', (r) => r.state === 'succeeded');
    expect(h.target.calls).toEqual(['setWeight 25', 'setWeight 50', 'promote', 'retireOld']);
    expect(
      done.decisions.some((d) =>
        d.message.startsWith('setWeight 50 at step 3 had reached the target before the restart'),
      ),
    ).toBe(true);
  });

  it('stops in failed, saying why, when the target changed underneath it', async () => {
    const started = await h.start(canaryPlan(steps));
    await h.until(started.id, 'paused', (r) => r.state === 'paused');
    await h.plane.close();
    h.target.percent = 60; // someone edited the split while the console was down
    h = await h.restart({ crash: true });
    const r = await h.until(started.id, 'failed', (x) => x.state === 'failed');
    expect(r.message).toBe(
      'The target changed underneath it: candidate weight is 60 %, the rollout had set 25 %.',
    );
    expect(r.decisions.at(-1)).toMatchObject({ kind: 'fail', verdict: 'failure' });
    expect(h.target.calls).toEqual(['setWeight 25']);
    // A person can still send traffic back to stable.
    const aborted = await h.control(started.id, 'abort', 'gina', 'clean up');
    expect(aborted.state).toBe('aborted');
    expect(h.target.percent).toBe(0);
  });

  it('stops in failed when the target has disappeared', async () => {
    const started = await h.start(canaryPlan(steps));
    await h.until(started.id, 'paused', (r) => r.state === 'paused');
    h.target.gone = true;
    h = await h.restart();
    const r = await h.until(started.id, 'failed', (x) => x.state === 'failed');
    expect(r.message).toBe(
      'After a restart the traffic target could not be read: the Deployment chat-v2 is gone',
    );
  });

  it('waits for a target that cannot be reached yet after a restart, then carries on', async () => {
    const started = await h.start(canaryPlan(steps));
    await h.until(started.id, 'paused', (r) => r.state === 'paused');
    h.target.unreachable = true;
    h = await h.restart();
    const waiting = await h.until(started.id, 'waiting for the target', (r) =>
      Boolean(
        r.message?.startsWith(
          'After a restart the traffic target cannot be reached yet (connection refused)',
        ),
      ),
    );
    expect(waiting.state).toBe('paused');
    h.target.unreachable = false;
    // Picked up: the note about the unreachable target is cleared once it answers.
    await h.until(started.id, 'picked up', (r) => r.message === null);
    await h.control(started.id, 'resume');
    await h.until(started.id, 'succeeded', (r) => r.state === 'succeeded');
    expect(h.target.calls).toEqual(['setWeight 25', 'setWeight 50', 'promote', 'retireOld']);
  });

  it('asks a person when a one-way action (blue-green prepare) may or may not have gone through', async () => {
    h.target.hang = { call: 'prepare', land: false };
    const started = await h.start(`apiVersion: fleetdeck.io/v1
kind: Rollout
metadata:
  name: chat-v2-bg
spec:
  endpoint: ${STABLE}
  stable: {version: v1}
  candidate: {version: v2}
  strategy:
    blueGreen:
      scaleDownDelay: 30s
`);
    await h.until(started.id, 'preparing', () => h.target.calls.includes('prepare'));
    h.target.hang = null;
    h = await h.restart({ crash: true });
    const paused = await h.until(started.id, 'paused for a person', (r) => r.state === 'paused');
    expect(paused.message).toMatch(
      /^The console stopped during prepare the candidate at full size and the target shows candidate 0 %/,
    );
    await h.control(started.id, 'resume', 'hana', 'checked: candidate not up');
    await h.until(started.id, 'succeeded', (r) => r.state === 'succeeded');
    expect(h.target.calls).toEqual(['prepare', 'prepare', 'promote', 'retireOld']);
  });

  it('finishes an abort that reached the target before the crash without sending it again', async () => {
    h.target.hang = { call: 'abort', land: true };
    const started = await h.start(canaryPlan(steps));
    await h.until(started.id, 'paused', (r) => r.state === 'paused');
    // The answer never comes: the console dies while the abort is on its way.
    void h.control(started.id, 'abort', 'ivan', 'bad build');
    await h.until(started.id, 'aborting', () => h.target.calls.includes('abort'));
    h.target.hang = null;
    h = await h.restart({ crash: true });
    const r = await h.until(started.id, 'aborted', (x) => x.state === 'aborted');
    expect(h.target.calls).toEqual(['setWeight 25', 'abort']);
    expect(r.message).toBe('step 2 aborted by ivan: bad build');
    expect(r.weight).toBe(0);
  });
});
