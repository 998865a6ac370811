import { FleetError } from '../../shared/errors/fleet-error';
import type { HandlerGroup } from '../commands/registry';
import type { IncidentModuleDeps } from './incident-deps';

export type IncidentReviewCommands =
  | 'incidents.export'
  | 'incidents.import'
  | 'incidents.postmortem'
  | 'incidents.savePostmortem'
  | 'incidents.run'
  | 'incidents.transcript'
  | 'incidents.reliability';

const notYet = (where: string) => () => {
  throw new FleetError({ code: 'unavailable', message: `${where} is being built`, where });
};

/** Offline review: export/import, postmortems, runs and transcripts, reliability. TODO(issue 7). */
export function reviewCommands(_o: IncidentModuleDeps): HandlerGroup<IncidentReviewCommands> {
  return {
    'incidents.export': notYet('incidents.export'),
    'incidents.import': notYet('incidents.import'),
    'incidents.postmortem': notYet('incidents.postmortem'),
    'incidents.savePostmortem': notYet('incidents.savePostmortem'),
    'incidents.run': notYet('incidents.run'),
    'incidents.transcript': notYet('incidents.transcript'),
    'incidents.reliability': notYet('incidents.reliability'),
  };
}
