import { FleetError } from '../../../shared/errors/fleet-error';
import type { HandlerGroup } from '../../commands/registry';
import type { IncidentModuleDeps } from '../incident-deps';

export type HealingCommands =
  | 'healing.policies'
  | 'healing.validate'
  | 'healing.save'
  | 'healing.setEnabled'
  | 'healing.delete'
  | 'healing.actions'
  | 'healing.freezes'
  | 'healing.freeze'
  | 'healing.unfreeze';

const notYet = (where: string) => () => {
  throw new FleetError({ code: 'unavailable', message: `${where} is being built`, where });
};

/** Self-healing policies with guard rails. TODO(issue 7): being built. */
export function createHealingPlane(_o: IncidentModuleDeps): {
  handlers: HandlerGroup<HealingCommands>;
  start(): void;
  close(): Promise<void>;
} {
  return {
    handlers: {
      'healing.policies': () => [],
      'healing.validate': notYet('healing.validate'),
      'healing.save': notYet('healing.save'),
      'healing.setEnabled': notYet('healing.setEnabled'),
      'healing.delete': notYet('healing.delete'),
      'healing.actions': () => [],
      'healing.freezes': () => [],
      'healing.freeze': notYet('healing.freeze'),
      'healing.unfreeze': notYet('healing.unfreeze'),
    },
    start() {},
    close: async () => {},
  };
}
