import type { Endpoint } from '../../shared/contract/fleet.schema';
import type { Incident, IncidentEndpoint } from '../../shared/contract/incident.schema';
import { FleetError } from '../../shared/errors/fleet-error';
import type { HandlerGroup } from '../commands/registry';
import type { IncidentService } from './incident.service';

export type IncidentCoreCommands =
  | 'incidents.list'
  | 'incidents.get'
  | 'incidents.timeline'
  | 'incidents.open'
  | 'incidents.control'
  | 'incidents.edit'
  | 'incidents.annotate';

export interface IncidentCommandDeps {
  incidents: IncidentService;
  endpoint: (id: string) => Endpoint | undefined;
  /** Runbooks that fit the incident's signals, bound to its endpoints. */
  suggest: (incident: Pick<Incident, 'signals' | 'endpoints'>) => Promise<Incident['suggestions']>;
  /** Ids of rollouts live on these endpoints now. */
  activeRollouts: (endpointIds: string[]) => Promise<string[]>;
}

/** An endpoint as an incident remembers it (names kept even if the endpoint goes away). */
export const incidentEndpointOf = (e: Endpoint, at: number): IncidentEndpoint => ({
  id: e.id,
  name: e.name,
  model: e.model,
  version: e.version,
  cluster: e.cluster,
  region: e.region,
  namespace: e.namespace,
  joinedAt: at,
  health: e.health.status,
  reason: e.health.reason,
});

/** The incidents.* commands a person uses every day: list, read, open, move, edit, annotate. */
export function incidentCommands(d: IncidentCommandDeps): HandlerGroup<IncidentCoreCommands> {
  const store = d.incidents.store;
  return {
    'incidents.list': (args) => store.list(args),
    'incidents.get': async ({ id, limit }) => {
      const summary = store.summary(id);
      const endpoints = store.endpoints(id);
      const timeline = store.newestEntries(id, limit);
      return {
        ...summary,
        endpoints,
        timeline,
        truncated: summary.entryCount > timeline.length,
        // Both read only local state (the runbook library, the rollout table): offline they still answer.
        suggestions: summary.importedFrom ? [] : await d.suggest({ signals: summary.signals, endpoints }),
        postmortem: store.postmortem(id)?.markdown ?? null,
        activeRollouts: summary.importedFrom ? [] : await d.activeRollouts(endpoints.map((e) => e.id)),
      };
    },
    'incidents.timeline': ({ id, afterSeq, limit }) => {
      store.summary(id);
      const entries = store.entriesAfter(id, afterSeq, limit + 1);
      return { entries: entries.slice(0, limit), more: entries.length > limit };
    },
    'incidents.open': ({ title, severity, endpointIds, note }, ctx) => {
      const at = d.incidents.now();
      const endpoints = endpointIds.map((id) => {
        const e = d.endpoint(id);
        if (!e)
          throw new FleetError({
            code: 'not_found',
            message: `No endpoint "${id}" to open the incident for`,
            where: 'incidents.open',
            hint: 'Endpoint ids look like <cluster>:<namespace>:<name>; fleet.endpoints lists them.',
          });
        return incidentEndpointOf(e, at);
      });
      const regions = [...new Set(endpoints.map((e) => e.region))];
      const incident = d.incidents.open(
        {
          title,
          severity,
          origin: 'manual',
          owner: ctx.actor,
          groupKey: regions.length === 1 ? `region ${regions[0]}` : 'manual',
          signals: [],
          startedAt: at,
          detectedAt: at,
          endpoints,
        },
        { actor: ctx.actor, summary: `Opened by ${ctx.actor}: ${title}` },
      );
      if (note)
        return d.incidents.record(incident.id, { at, kind: 'note', actor: ctx.actor, summary: note })
          .incident;
      return incident;
    },
    'incidents.control': ({ id, action, note }, ctx) => d.incidents.transition(id, action, ctx.actor, note),
    'incidents.edit': ({ id, ...patch }, ctx) => d.incidents.edit(id, patch, ctx.actor),
    'incidents.annotate': ({ id, endpointId, text }, ctx) => {
      const incidentId = id ?? pickIncident(d.incidents, endpointId);
      const { entry } = d.incidents.record(incidentId, {
        at: d.incidents.now(),
        kind: 'note',
        actor: ctx.actor,
        endpointId: endpointId ?? null,
        summary: text,
      });
      return { incidentId, entry };
    },
  };
}

/** The incident a note without an id is for: the endpoint's active one, or the only active one. */
function pickIncident(incidents: IncidentService, endpointId: string | undefined): string {
  const candidates = endpointId ? incidents.store.activeForEndpoint(endpointId) : incidents.store.active();
  if (candidates.length === 1) return candidates[0]!.id;
  const scope = endpointId ? `endpoint ${endpointId}` : 'this console';
  throw new FleetError({
    code: candidates.length === 0 ? 'not_found' : 'bad_request',
    message:
      candidates.length === 0
        ? `No active incident for ${scope} to add the note to`
        : `${candidates.length} active incidents for ${scope}: ${candidates.map((c) => c.id).join(', ')}`,
    where: 'incidents.annotate',
    hint: 'Name the incident: `fleetdeck annotate --incident <id> "text"` (fleetdeck incident list shows ids).',
  });
}
