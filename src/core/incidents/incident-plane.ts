import type { CommandName } from '../../shared/contract/index';
import type { CommandContext, HandlerGroup } from '../commands/registry';
import { createHealingPlane, type HealingCommands } from './healing/healing-plane';
import type { IncidentModuleDeps } from './incident-deps';
import { createTimelineCollector } from './incident.collector';
import { incidentCommands, type IncidentCoreCommands } from './incident.commands';
import { createIncidentDetector } from './incident.detector';
import { reviewCommands, type IncidentReviewCommands } from './incident.review';
import { IncidentService } from './incident.service';
import { IncidentStore } from './incident.store';
import { runbookSuggester } from './incident.suggest';

/**
 * What every part of the plane is given (incident-deps.ts), but the incident service it makes
 * itself; `now` defaults to the clock.
 */
export type IncidentPlaneOptions = Omit<IncidentModuleDeps, 'incidents' | 'now'> & { now?: () => number };

export interface IncidentPlane {
  handlers: HandlerGroup<IncidentCoreCommands | IncidentReviewCommands | HealingCommands>;
  incidents: IncidentService;
  /** For the command registry's `onCalled`: what people do lands in the incidents it touches. */
  onCalled(name: CommandName, args: unknown, ctx: CommandContext, result: unknown): void;
  start(): void;
  close(): Promise<void>;
}

/** Incidents (detection, timelines, review) and self-healing policies (issue 7). */
export function createIncidentPlane(o: IncidentPlaneOptions): IncidentPlane {
  const now = o.now ?? Date.now;
  const incidents = new IncidentService({ store: new IncidentStore(o.db), bus: o.bus, log: o.log, now });
  const deps: IncidentModuleDeps = { ...o, incidents, now };
  const detector = createIncidentDetector(deps);
  const collector = createTimelineCollector(deps);
  const healing = createHealingPlane(deps);
  const handlers = {
    ...incidentCommands({
      incidents,
      endpoint: (id) => o.fleet.endpoint(id),
      suggest: runbookSuggester(deps),
      activeRollouts: async (endpointIds) => {
        const live = await o.call('rollouts.list', { active: true }, 'fleetdeck');
        const ids = new Set(endpointIds);
        return live.filter((r) => ids.has(r.endpointId)).map((r) => r.id);
      },
    }),
    ...reviewCommands(deps),
    ...healing.handlers,
  };
  return {
    handlers,
    incidents,
    onCalled: (name, args, ctx, result) => collector.onCalled(name, args, ctx, result),
    start() {
      detector.start();
      collector.start();
      healing.start();
    },
    async close() {
      detector.close();
      collector.close();
      await healing.close();
    },
  };
}
