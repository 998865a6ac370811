// SCAFFOLD (issue 5, being replaced by the runbook service): the commands exist in the contract;
// until the runbook engine lands every call is refused with a clear error.
import type Database from 'better-sqlite3';
import { FleetError } from '../../shared/errors/fleet-error';
import type { HandlerGroup } from '../commands/registry';
import type { EventBus } from '../events/event-bus';
import type { FleetService } from '../fleet/fleet.service';
import type { Logger } from '../log/logger';
import type { SettingsService } from '../settings/settings.service';
import type { TerminalHost } from '../terminal/terminal.types';

export type RunbookCommands =
  | 'runbooks.list'
  | 'runbooks.get'
  | 'runbooks.validate'
  | 'runbooks.render'
  | 'runs.start'
  | 'runs.get'
  | 'runs.list'
  | 'runs.control'
  | 'runs.annotate';

export interface RunbookPlaneOptions {
  db: Database.Database;
  log: Logger;
  bus: EventBus;
  settings: SettingsService;
  resourcesDir: string;
  fleet: FleetService;
  terminals: TerminalHost;
  now?: () => number;
}

export interface RunbookPlane {
  handlers: HandlerGroup<RunbookCommands>;
  /** Marks runs left running by a previous process as interrupted. */
  start(): void;
  close(): Promise<void>;
}

const notYet = (): never => {
  throw new FleetError({ code: 'unavailable', message: 'Runbooks are not available in this build yet.' });
};

export function createRunbookPlane(_options: RunbookPlaneOptions): RunbookPlane {
  return {
    handlers: {
      'runbooks.list': notYet,
      'runbooks.get': notYet,
      'runbooks.validate': notYet,
      'runbooks.render': notYet,
      'runs.start': notYet,
      'runs.get': notYet,
      'runs.list': notYet,
      'runs.control': notYet,
      'runs.annotate': notYet,
    },
    start: () => {},
    close: async () => {},
  };
}
