import type { CommandName, EventPayload } from '../../shared/contract/index';
import { FleetError } from '../../shared/errors/fleet-error';
import type { CommandContext } from '../commands/registry';
import type { IncidentModuleDeps } from './incident-deps';
import { createActionCollector } from './collect/action-collector';
import { createClusterCollector } from './collect/cluster-collector';
import { CollectedTimeline } from './collect/collected-timeline';
import { createRolloutCollector } from './collect/rollout-collector';
import { createRunCollector } from './collect/run-collector';

export interface TimelineCollector {
  start(): void;
  close(): void;
  onCalled(name: CommandName, args: unknown, ctx: CommandContext, result: unknown): void;
  /** Resolves once what has been seen so far is written (tests, shutdown). */
  idle(): Promise<void>;
}

/**
 * Gathers what happens to an active incident's endpoints into its timeline: Kubernetes events,
 * pod restarts and GPU faults (polled per fleet tick, only for active incidents' endpoints),
 * rollouts and runbook runs (from their events), and what people do (every successful command).
 */
export function createTimelineCollector(o: IncidentModuleDeps): TimelineCollector {
  const timeline = new CollectedTimeline(o.incidents);
  const onError = (what: string, error: unknown) => {
    // A gone endpoint or run is expected now and then; anything else is a bug worth the log.
    if (error instanceof FleetError && error.code === 'not_found')
      o.log.debug('collector: not found', { what });
    else o.log.warn('incident collector failed', { what, error: String((error as Error)?.stack ?? error) });
  };
  const cluster = createClusterCollector({ timeline, call: o.call, now: o.now, onError });
  const runs = createRunCollector({ timeline, call: o.call, onError });
  const rollouts = createRolloutCollector({ timeline, call: o.call, onError });
  const actions = createActionCollector({
    timeline,
    call: o.call,
    endpointsOnNode: (node) => o.fleet.all().flatMap((e) => (e.nodes.includes(node) ? [e.id] : [])),
    now: o.now,
    onError,
  });
  let off: (() => void) | null = null;
  let polling: Promise<void> = Promise.resolve();

  const guard = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (error) {
      onError(what, error);
    }
  };

  return {
    start() {
      off = o.bus.subscribe((m) => {
        if (m.event === 'fleet.delta') polling = cluster.poll().catch((e: unknown) => onError('poll', e));
        else if (m.event === 'runs.changed') void runs.changed(m.payload as EventPayload<'runs.changed'>);
        else if (m.event === 'rollouts.changed')
          void rollouts.changed(m.payload as EventPayload<'rollouts.changed'>);
      });
    },
    close() {
      off?.();
      off = null;
    },
    onCalled(name, args, ctx, result) {
      guard(name, () => actions.onCalled(name, args, ctx, result));
    },
    async idle() {
      await Promise.all([polling, runs.idle(), rollouts.idle()]);
    },
  };
}
