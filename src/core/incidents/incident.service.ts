import type {
  IncidentChange,
  IncidentEndpoint,
  IncidentSeverity,
  IncidentSummary,
  TimelineEntry,
} from '../../shared/contract/incident.schema';
import { FleetError } from '../../shared/errors/fleet-error';
import type { EventBus } from '../events/event-bus';
import type { Logger } from '../log/logger';
import type { IncidentStore, NewEntry, NewIncident } from './incident.store';

export interface IncidentServiceOptions {
  store: IncidentStore;
  bus: EventBus;
  log: Logger;
  now: () => number;
}

export type IncidentAction = 'acknowledge' | 'mitigate' | 'resolve' | 'reopen';

const severities: IncidentSeverity[] = ['sev4', 'sev3', 'sev2', 'sev1'];
/** One step worse (sev1 stays sev1). */
export const worseSeverity = (s: IncidentSeverity): IncidentSeverity =>
  severities[Math.min(severities.length - 1, severities.indexOf(s) + 1)]!;
/** True when `a` is worse than `b`. */
export const isWorse = (a: IncidentSeverity, b: IncidentSeverity) =>
  severities.indexOf(a) > severities.indexOf(b);

const pastTense: Record<IncidentAction, string> = {
  acknowledge: 'acknowledged',
  mitigate: 'mitigated',
  resolve: 'resolved',
  reopen: 'reopened',
};

/**
 * The one way incidents change: opening, endpoints joining, state moves, edits and timeline
 * entries all go through here, so each is written (store), put in the timeline, and announced
 * (`incidents.changed`) the same way whether a person, a policy or the detector did it.
 */
export class IncidentService {
  constructor(private readonly o: IncidentServiceOptions) {}

  get store(): IncidentStore {
    return this.o.store;
  }

  now(): number {
    return this.o.now();
  }

  private announce(change: IncidentChange['change'], incident: IncidentSummary): void {
    this.o.bus.emit('incidents.changed', { change, incident });
  }

  /** Opens an incident and writes its first entry ("opened ..."). */
  open(input: NewIncident, by: { actor: string; summary: string }): IncidentSummary {
    const created = this.o.store.create(input);
    this.o.store.append(created.id, {
      at: input.detectedAt,
      kind: 'state',
      actor: by.actor,
      summary: by.summary,
      detail: { state: 'open', severity: input.severity, endpoints: input.endpoints.length },
    });
    const incident = this.o.store.summary(created.id);
    this.o.log.info('incident opened', { id: incident.id, title: incident.title, by: by.actor });
    this.announce('opened', incident);
    return incident;
  }

  /** Adds an endpoint (with a 'health' entry saying why it joined). */
  join(id: string, endpoint: IncidentEndpoint, summary: string): IncidentSummary {
    this.o.store.upsertEndpoint(id, endpoint);
    return this.record(id, {
      at: endpoint.joinedAt,
      kind: 'health',
      actor: 'fleetdeck',
      endpointId: endpoint.id,
      summary,
      detail: { status: endpoint.health, reason: endpoint.reason, joined: true },
    }).incident;
  }

  /** Appends an entry and announces the incident as updated. */
  record(id: string, entry: NewEntry): { entry: TimelineEntry; incident: IncidentSummary } {
    const written = this.o.store.append(id, entry);
    const incident = this.o.store.summary(id);
    this.announce('updated', incident);
    return { entry: written, incident };
  }

  /**
   * Moves an incident: acknowledge (the actor becomes the owner if there is none), mitigate,
   * resolve, reopen. Moving to the state it is in is refused with what the state is.
   */
  transition(id: string, action: IncidentAction, actor: string, note?: string): IncidentSummary {
    const current = this.o.store.summary(id);
    if (current.importedFrom)
      throw new FleetError({
        code: 'conflict',
        message: `${id} was imported from ${current.importedFrom}; it is a record, not a live incident`,
        where: 'incidents.control',
        hint: 'Imported incidents are read-only here; change it on the machine it came from.',
      });
    const at = this.o.now();
    const target = {
      acknowledge: 'acknowledged',
      mitigate: 'mitigated',
      resolve: 'resolved',
      reopen: 'open',
    } as const;
    const next = target[action];
    if (current.state === next || (action === 'acknowledge' && current.state !== 'open')) {
      throw new FleetError({
        code: 'conflict',
        message: `${id} is already ${current.state}`,
        where: 'incidents.control',
        hint:
          action === 'reopen'
            ? 'It is open: acknowledge, mitigate or resolve it instead.'
            : `Reopen it first if it needs to go back to ${next}.`,
      });
    }
    const patch =
      action === 'acknowledge'
        ? { state: next, acknowledgedAt: current.acknowledgedAt ?? at, owner: current.owner ?? actor }
        : action === 'mitigate'
          ? {
              state: next,
              mitigatedAt: current.mitigatedAt ?? at,
              acknowledgedAt: current.acknowledgedAt ?? at,
            }
          : action === 'resolve'
            ? {
                state: next,
                resolvedAt: at,
                mitigatedAt: current.mitigatedAt ?? at,
                acknowledgedAt: current.acknowledgedAt ?? at,
              }
            : { state: next, resolvedAt: null, mitigatedAt: null };
    this.o.store.update(id, patch, at);
    const { incident } = this.record(id, {
      at,
      kind: 'state',
      actor,
      summary: `${pastTense[action][0]!.toUpperCase()}${pastTense[action].slice(1)} by ${actor}${note ? `: ${note}` : ''}`,
      detail: { from: current.state, to: next, ...(note ? { note } : {}) },
    });
    if (action === 'resolve') this.announce('resolved', incident);
    return incident;
  }

  /** Title, severity, owner; each change is a timeline entry. A worse severity escalates. */
  edit(
    id: string,
    patch: { title?: string; severity?: IncidentSeverity; owner?: string },
    actor: string,
  ): IncidentSummary {
    const current = this.o.store.summary(id);
    const at = this.o.now();
    const owner = patch.owner === undefined ? undefined : patch.owner.trim() || null;
    const changes: string[] = [];
    if (patch.title !== undefined && patch.title !== current.title) changes.push(`title "${patch.title}"`);
    if (patch.severity !== undefined && patch.severity !== current.severity)
      changes.push(`severity ${current.severity} → ${patch.severity}`);
    if (owner !== undefined && owner !== current.owner) changes.push(owner ? `owner ${owner}` : 'no owner');
    if (changes.length === 0) return current;
    this.o.store.update(
      id,
      {
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.severity !== undefined ? { severity: patch.severity } : {}),
        ...(owner !== undefined ? { owner } : {}),
      },
      at,
    );
    const { incident } = this.record(id, {
      at,
      kind: 'state',
      actor,
      summary: `${actor} set ${changes.join(', ')}`,
      detail: { edited: changes.join(', ') },
    });
    if (patch.severity && isWorse(patch.severity, current.severity)) this.announce('escalated', incident);
    return incident;
  }

  /**
   * Escalates to a person: one severity worse (unless already sev1), back to open if it was
   * mitigated, an entry saying why, and an 'escalated' announcement (a notification).
   */
  escalate(id: string, why: string, actor: string): IncidentSummary {
    const current = this.o.store.summary(id);
    const at = this.o.now();
    const severity = worseSeverity(current.severity);
    this.o.store.update(
      id,
      { severity, ...(current.state === 'mitigated' ? { state: 'open' as const, mitigatedAt: null } : {}) },
      at,
    );
    const { incident } = this.record(id, {
      at,
      kind: 'state',
      actor,
      summary: `Escalated to a person (${current.severity} → ${severity}): ${why}`,
      detail: { escalated: true, from: current.severity, to: severity, why },
    });
    this.announce('escalated', incident);
    return incident;
  }
}
