// SCAFFOLD (issue 6, being replaced by the rollout engine): the commands exist in the contract;
// until the engine lands every call is refused with a clear error.
import type Database from 'better-sqlite3';
import { FleetError } from '../../shared/errors/fleet-error';
import type { HandlerGroup } from '../commands/registry';
import type { EventBus } from '../events/event-bus';
import type { FleetService } from '../fleet/fleet.service';
import type { Logger } from '../log/logger';
import type { MetricsStore } from '../metrics/metrics.store';
import type { TrafficTargetResolver } from './traffic-target';

export type RolloutCommands =
  | 'rollouts.validate'
  | 'rollouts.generate'
  | 'rollouts.start'
  | 'rollouts.list'
  | 'rollouts.get'
  | 'rollouts.control';

export interface RolloutPlaneOptions {
  db: Database.Database;
  log: Logger;
  bus: EventBus;
  fleet: FleetService;
  metrics: MetricsStore;
  /** The traffic controls (default: through the fleet's Kubernetes sources). */
  traffic?: TrafficTargetResolver;
  now?: () => number;
}

export interface RolloutPlane {
  handlers: HandlerGroup<RolloutCommands>;
  /** Picks up rollouts a previous process left running (resume, or stop clearly). */
  start(): void;
  close(): Promise<void>;
}

const notYet = (): never => {
  throw new FleetError({ code: 'unavailable', message: 'Rollouts are not available in this build yet.' });
};

export function createRolloutPlane(_options: RolloutPlaneOptions): RolloutPlane {
  return {
    handlers: {
      'rollouts.validate': notYet,
      'rollouts.generate': notYet,
      'rollouts.start': notYet,
      'rollouts.list': notYet,
      'rollouts.get': notYet,
      'rollouts.control': notYet,
    },
    start: () => {},
    close: async () => {},
  };
}
