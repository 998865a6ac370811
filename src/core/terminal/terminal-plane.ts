// SCAFFOLD (issue 5, being replaced by the terminal service): the commands exist in the contract;
// until the PTY service lands every call is refused with a clear error.
import type Database from 'better-sqlite3';
import { FleetError } from '../../shared/errors/fleet-error';
import type { HandlerGroup } from '../commands/registry';
import type { EventBus } from '../events/event-bus';
import type { Logger } from '../log/logger';
import type { TerminalHost } from './terminal.types';

export type TerminalCommands =
  | 'terminal.open'
  | 'terminal.list'
  | 'terminal.attach'
  | 'terminal.resize'
  | 'terminal.close'
  | 'terminal.history'
  | 'terminal.transcript';

export interface TerminalPlaneOptions {
  db: Database.Database;
  log: Logger;
  bus: EventBus;
  dataDir: string;
  now?: () => number;
}

export interface TerminalPlane {
  handlers: HandlerGroup<TerminalCommands>;
  host: TerminalHost;
  /** Where the `fleetdeck` command line inside a terminal reaches this core (set by the host once it listens). */
  setCliAccess(access: { url: string; token: string } | null): void;
  close(): Promise<void>;
}

const notYet = (): never => {
  throw new FleetError({ code: 'unavailable', message: 'Terminals are not available in this build yet.' });
};

export function createTerminalPlane(_options: TerminalPlaneOptions): TerminalPlane {
  return {
    handlers: {
      'terminal.open': notYet,
      'terminal.list': notYet,
      'terminal.attach': notYet,
      'terminal.resize': notYet,
      'terminal.close': notYet,
      'terminal.history': notYet,
      'terminal.transcript': notYet,
    },
    host: {
      open: notYet,
      get: () => null,
      write: notYet,
      onOutput: notYet,
      onExit: notYet,
      transcriptSeq: () => -1,
      close: notYet,
    },
    setCliAccess: () => {},
    close: async () => {},
  };
}
