import type Database from 'better-sqlite3';
import type { EventBus } from '../events/event-bus';
import type { FleetService } from '../fleet/fleet.service';
import type { Logger } from '../log/logger';
import type { MetricsStore } from '../metrics/metrics.store';
import type { SettingsService } from '../settings/settings.service';
import type { CoreCaller } from './core-caller';
import type { IncidentService } from './incident.service';

/** What every part of the incidents plane (detector, collector, review, healing) is given. */
export interface IncidentModuleDeps {
  db: Database.Database;
  log: Logger;
  bus: EventBus;
  settings: SettingsService;
  fleet: Pick<FleetService, 'endpoint' | 'all'>;
  metrics: MetricsStore;
  incidents: IncidentService;
  /** Other core commands (runs.start, rollouts.control, runbooks.list, ...), as an actor. */
  call: CoreCaller;
  now: () => number;
}
