import type { Incident } from '../../shared/contract/incident.schema';
import type { IncidentModuleDeps } from './incident-deps';

/** Runbooks that fit an incident's signals, bound to its endpoints. TODO(issue 7): being built. */
export const runbookSuggester =
  (_o: IncidentModuleDeps) =>
  async (_incident: Pick<Incident, 'signals' | 'endpoints'>): Promise<Incident['suggestions']> =>
    [];
