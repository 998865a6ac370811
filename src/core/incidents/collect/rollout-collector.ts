import type { RolloutDecision, RolloutSummary } from '../../../shared/contract/rollout.schema';
import type { CoreCaller } from '../core-caller';
import type { CollectedTimeline } from './collected-timeline';

/** Decisions older than this before the incident started are not part of it. */
const DECISIONS_BEFORE_MS = 30 * 60_000;

/** A passing measurement comes every interval; only those that change something are kept. */
const worthKeeping = (d: RolloutDecision) =>
  d.kind !== 'measurement' || d.verdict === 'failure' || d.verdict === 'inconclusive';

/**
 * Rollouts on affected endpoints (stable or candidate), from `rollouts.changed`: each state it
 * moves to and each decision (weights, pauses, failed measurements, promote, abort), linked by
 * rollout id. One rollout's changes are handled one after the other.
 */
export function createRolloutCollector(o: {
  timeline: CollectedTimeline;
  call: CoreCaller;
  onError: (what: string, error: unknown) => void;
}) {
  const chains = new Map<string, Promise<void>>();

  const handle = async (s: RolloutSummary) => {
    const byId = new Map(
      [s.endpointId, s.candidateEndpointId]
        .filter((id): id is string => id !== null)
        .flatMap((id) => o.timeline.activeFor(id))
        .map((i) => [i.id, i]),
    );
    const incidents = [...byId.values()];
    if (incidents.length === 0) return;
    const what = `Rollout ${s.name} (${s.strategy}, ${s.stableVersion} → ${s.candidateVersion})`;
    const ref = { rolloutId: s.id };
    for (const i of incidents)
      o.timeline.write(i.id, `rollout:${s.id}:state:${s.state}`, {
        at: s.updatedAt,
        kind: 'rollout',
        actor: s.state === 'progressing' ? s.actor : 'fleetdeck',
        endpointId: s.endpointId,
        summary: `${what} ${s.state}, weight ${s.weight} %${s.message ? `: ${s.message}` : ''}`,
        detail: { state: s.state, weight: s.weight, step: s.stepIndex, steps: s.stepCount },
        ref,
      });
    const rollout = await o.call('rollouts.get', { id: s.id }, 'fleetdeck');
    for (const d of rollout.decisions) {
      if (!worthKeeping(d)) continue;
      for (const i of incidents) {
        if (d.at < i.startedAt - DECISIONS_BEFORE_MS) continue;
        o.timeline.write(i.id, `rollout:${s.id}:decision:${d.at}:${d.kind}:${d.step}`, {
          at: d.at,
          kind: 'rollout',
          actor: d.actor,
          endpointId: s.endpointId,
          summary: `${s.name}: ${d.message}`,
          detail: { decision: d.kind, verdict: d.verdict, weight: d.weight, step: d.step },
          ref,
        });
      }
    }
  };

  return {
    changed(s: RolloutSummary): Promise<void> {
      const next = (chains.get(s.id) ?? Promise.resolve())
        .then(() => handle(s))
        .catch((error: unknown) => o.onError(`rollout ${s.id}`, error));
      chains.set(s.id, next);
      void next.then(() => {
        if (chains.get(s.id) === next) chains.delete(s.id);
      });
      return next;
    },
    async idle(): Promise<void> {
      await Promise.all([...chains.values()]);
    },
  };
}
