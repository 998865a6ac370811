import { describe, expect, it, vi } from 'vitest';
import type { ChangeFreeze, HealingPolicy } from '../../../src/shared/contract/index';
import { parseRoute, routeHash } from '../../../src/renderer/routing/routes';
import { railEntryOf } from '../../../src/renderer/shell/views';
import { buildPaletteIndex, searchPalette } from '../../../src/renderer/palette/palette-search';
import {
  actionWords,
  limitWords,
  matchWords,
  spanWords,
} from '../../../src/renderer/views/healing/healing-words';
import { freshPolicyId, starterPolicy } from '../../../src/renderer/views/healing/policy-template';
import { fail, fakeApi, settle, storeWith } from './sources-fake-api';

const policy = (id: string, over: Partial<HealingPolicy> = {}): HealingPolicy => ({
  id,
  title: id,
  enabled: true,
  mode: 'dry-run',
  when: {
    expression: 'latency_p95 > 12s for 2m',
    metric: 'latency_p95',
    op: '>',
    value: 12,
    forSeconds: 120,
  },
  match: { clusters: ['prod-us-east'], models: [], namespaces: [] },
  action: { kind: 'runbook', runbookId: 'scale-out', vars: { replicas: '4' } },
  limits: { perEndpointPerHour: 1, fleetPerHour: 3 },
  text: `id: ${id}`,
  updatedAt: 1,
  ...over,
});

const freeze = (id: string, from: number, to: number): ChangeFreeze => ({
  id,
  from,
  to,
  reason: 'release',
  actor: 'me',
});

describe('the self-healing route', () => {
  it('is #/incidents/policies, matched before the incidents/<id> rule, and sits under Incidents in the rail', () => {
    expect(parseRoute('#/incidents/policies')).toEqual({ view: 'healing' });
    expect(parseRoute('#/incidents/policies/')).toEqual({ view: 'healing' });
    expect(parseRoute('#/incidents/inc-12')).toEqual({ view: 'incident-detail' });
    expect(routeHash('healing')).toBe('#/incidents/policies');
    expect(railEntryOf('healing')).toBe('incidents');
  });

  it('is offered by the command palette', () => {
    const [first] = searchPalette(buildPaletteIndex([]), 'healing');
    expect(first).toMatchObject({ kind: 'view', hash: '#/incidents/policies' });
  });
});

describe('the policy template and words', () => {
  it('starts from an id no saved policy has', () => {
    expect(freshPolicyId(new Set())).toBe('scale-out-on-latency');
    expect(freshPolicyId(new Set(['scale-out-on-latency', 'scale-out-on-latency-2']))).toBe(
      'scale-out-on-latency-3',
    );
    expect(starterPolicy('x-y')).toMatch(/^id: x-y$/m);
    // Guard rails are spelled out in the starter, and it only proposes until someone says run.
    expect(starterPolicy()).toMatch(/^mode: dry-run$/m);
    expect(starterPolicy()).toMatch(/^ {2}clusters: \[prod-us-east\]$/m);
  });

  it('says what a policy does and within which limits', () => {
    expect(actionWords(policy('a').action)).toBe('runbook scale-out (replicas=4)');
    expect(actionWords({ kind: 'abort_rollout', runbookId: null, vars: {} })).toBe('abort the rollout');
    expect(
      actionWords({ kind: 'shift_traffic', runbookId: 'shift-traffic-away-from-region', vars: {} }),
    ).toBe('shift traffic: shift-traffic-away-from-region');
    expect(limitWords({ perEndpointPerHour: 0, fleetPerHour: 5 })).toBe(
      '0 per endpoint, 5 fleet-wide per hour',
    );
    expect(matchWords({ clusters: ['a', 'b'], models: ['m'], namespaces: [] })).toBe('a, b · models m');
    expect([spanWords(45 * 60_000), spanWords(2 * 3600_000), spanWords(3 * 86_400_000)]).toEqual([
      '45 min',
      '2 h',
      '3 d',
    ]);
  });
});

describe('healing slice', () => {
  it('loads policies (by title), freezes and actions, and reloads once for a burst of incident changes', async () => {
    let loads = 0;
    const fake = fakeApi({
      'healing.policies': () => (loads++, [policy('b', { title: 'Zeta' }), policy('a', { title: 'Alpha' })]),
      'healing.freezes': () => [freeze('f1', 1, 2)],
      'healing.actions': () => [],
    });
    const store = storeWith(fake);
    const stop = store.getState().watchHealing();
    await settle();
    expect(store.getState().healingState).toBe('ready');
    expect(store.getState().healingPolicies?.map((p) => p.id)).toEqual(['a', 'b']);
    expect(store.getState().healingFreezes?.map((f) => f.id)).toEqual(['f1']);
    vi.useFakeTimers();
    try {
      for (let i = 0; i < 5; i++) fake.emit('incidents.changed', { change: 'updated' });
      vi.advanceTimersByTime(500);
    } finally {
      vi.useRealTimers();
    }
    await settle();
    expect(loads).toBe(2);
    stop();
    expect(fake.listeners('incidents.changed')).toBe(0);
  });

  it('keeps only the newest validation when answers arrive out of order', async () => {
    const answers: Array<(v: unknown) => void> = [];
    const fake = fakeApi({ 'healing.validate': () => new Promise((resolve) => answers.push(resolve)) });
    const store = storeWith(fake);
    const older = store.getState().validatePolicy('old');
    const newer = store.getState().validatePolicy('new');
    answers[1]!({ ok: true, problems: [], policy: policy('n') });
    await newer;
    answers[0]!({ ok: false, problems: [{ line: 3, column: 1, field: 'when', message: 'x' }], policy: null });
    await older;
    expect(store.getState().policyCheck).toMatchObject({ text: 'new', ok: true });
  });

  it('saving replaces the policy with the same id; a refused toggle keeps the policy as it was, with the reason', async () => {
    const fake = fakeApi({
      'healing.policies': () => [policy('a')],
      'healing.freezes': () => [],
      'healing.actions': () => [],
      'healing.save': () => policy('a', { mode: 'run' }),
      'healing.setEnabled': fail({
        code: 'not_found',
        message: 'No healing policy "a"',
        where: 'healing.setEnabled',
      }),
    });
    const store = storeWith(fake);
    await store.getState().loadHealing();
    expect(await store.getState().savePolicy('text')).toMatchObject({ id: 'a', mode: 'run' });
    expect(store.getState().healingPolicies?.map((p) => [p.id, p.mode])).toEqual([['a', 'run']]);
    expect(await store.getState().setPolicyEnabled('a', false)).toBe(false);
    expect(store.getState().healingPolicies?.[0]?.enabled).toBe(true);
    expect(store.getState().healingActionError).toMatchObject({
      code: 'not_found',
      where: 'healing.setEnabled',
    });
    expect(store.getState().healingPendingId).toBeNull();
  });

  it('a refused save keeps the error for the editor', async () => {
    const fake = fakeApi({
      'healing.save': fail({
        code: 'bad_request',
        message: 'The policy was not saved: 1 problem.',
        where: 'healing.save',
      }),
    });
    const store = storeWith(fake);
    expect(await store.getState().savePolicy('text')).toBeNull();
    expect(store.getState().policySaveError?.message).toContain('not saved');
    expect(store.getState().policySavePending).toBe(false);
  });

  it('adds a freeze in time order and re-reads the freezes after ending one', async () => {
    let freezes = [freeze('late', 50, 60)];
    const fake = fakeApi({
      'healing.policies': () => [],
      'healing.freezes': () => freezes,
      'healing.actions': () => [],
      'healing.freeze': (args: { from: number; to: number }) => freeze('early', args.from, args.to),
      'healing.unfreeze': () => ((freezes = []), { removed: 'late' }),
    });
    const store = storeWith(fake);
    await store.getState().loadHealing();
    expect(await store.getState().addFreeze(10, 20, 'release')).toBe(true);
    expect(store.getState().healingFreezes?.map((f) => f.id)).toEqual(['early', 'late']);
    expect(fake.named('healing.freeze')[0]?.args).toEqual({ from: 10, to: 20, reason: 'release' });
    expect(await store.getState().endFreeze('late')).toBe(true);
    await settle();
    expect(store.getState().healingFreezes).toEqual([]);
  });
});
