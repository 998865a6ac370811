import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDir } from '../../../support/tmp';
import { STABLE, canaryPlan, healthy, openHarness, type Harness } from './engine-harness';

const ctx = { actor: 'alice', host: 'console' as const };

describe('rollouts.* commands', () => {
  let tmp: ReturnType<typeof freshDir>;
  let h: Harness;

  beforeEach(() => {
    tmp = freshDir();
    h = openHarness(tmp.dir, { current: healthy });
  });
  afterEach(async () => {
    await h.close();
    tmp.cleanup();
  });

  it('validates a plan against the fleet, naming the line and field of each problem', () => {
    const text = canaryPlan('        - setWeight: 120\n').replace('latency_p95 < 2s', 'latency_p99x < 2s');
    const result = h.plane.handlers['rollouts.validate']({ text }, ctx) as {
      ok: boolean;
      problems: Array<{ line: number | null; field: string | null; message: string }>;
    };
    expect(result.ok).toBe(false);
    expect(result.problems.some((p) => /latency_p99x/.test(p.message) && p.line !== null)).toBe(true);
    expect(result.problems.some((p) => /120/.test(p.message) && p.line !== null)).toBe(true);
    const good = h.plane.handlers['rollouts.validate'](
      { text: canaryPlan('        - setWeight: 20\n') },
      ctx,
    ) as { ok: boolean };
    expect(good.ok).toBe(true);
  });

  it('refuses to start an invalid plan or one naming a version the fleet does not serve, and records nothing', async () => {
    await expect(h.start(canaryPlan('        - setWeight: 120\n'))).rejects.toMatchObject({
      code: 'bad_request',
    });
    await expect(
      h.start(
        canaryPlan('        - setWeight: 20\n').replace(
          'candidate: {version: v2}',
          'candidate: {version: v9}',
        ),
      ),
    ).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining("'v9'") });
    expect(h.plane.handlers['rollouts.list']({ limit: 100 }, ctx)).toEqual([]);
    expect(h.target.calls).toEqual([]);
  });

  it('generates an editable plan for an endpoint that validates as it is', () => {
    const { text, plan } = h.plane.handlers['rollouts.generate'](
      { endpointId: STABLE, candidateVersion: 'v2', strategy: 'canary' },
      ctx,
    ) as { text: string; plan: { endpointId: string; candidateVersion: string } };
    expect(plan).toMatchObject({ endpointId: STABLE, candidateVersion: 'v2' });
    expect((h.plane.handlers['rollouts.validate']({ text }, ctx) as { ok: boolean }).ok).toBe(true);
  });

  it('lists active and past rollouts, and says which one is unknown', async () => {
    const first = await h.start(canaryPlan('        - setWeight: 20\n'));
    await h.until(first.id, 'succeeded', (r) => r.state === 'succeeded');
    const second = await h.start(canaryPlan('        - setWeight: 20\n        - pause: {}\n'));
    await h.until(second.id, 'paused', (r) => r.state === 'paused');
    const list = (args: object) =>
      (h.plane.handlers['rollouts.list']({ limit: 100, ...args }, ctx) as Array<{ id: string }>).map(
        (r) => r.id,
      );
    expect(list({})).toEqual([second.id, first.id]);
    expect(list({ active: true })).toEqual([second.id]);
    expect(list({ active: false })).toEqual([first.id]);
    expect(list({ state: 'succeeded', endpointId: STABLE })).toEqual([first.id]);
    expect(() => h.get('nope')).toThrow(expect.objectContaining({ code: 'not_found' }));
    await expect(h.control('nope', 'abort')).rejects.toMatchObject({ code: 'not_found' });
  });
});
