import type { Endpoint } from '../../../shared/contract/fleet.schema';
import type { HealingActionRecord, HealingPolicy } from '../../../shared/contract/incident.schema';
import type { Logger } from '../../log/logger';
import { incidentEndpointOf } from '../incident.commands';
import type { IncidentService } from '../incident.service';
import type { ActionPatch, HealingStore } from './healing.store';

export const policyActor = (policyId: string) => `policy:${policyId}`;

/** "run scale-out (replicas=8)", "abort the live rollout", in words for the timeline. */
export function describeAction(action: HealingPolicy['action']): string {
  if (action.kind === 'abort_rollout') return 'abort the live rollout';
  const vars = Object.entries(action.vars).map(([k, v]) => `${k}=${v}`);
  const what = action.kind === 'shift_traffic' ? 'shift traffic away with' : 'run';
  return `${what} ${action.runbookId}${vars.length ? ` (${vars.join(', ')})` : ''}`;
}

export interface JournalDeps {
  store: HealingStore;
  incidents: IncidentService;
  fleet: { endpoint(id: string): Endpoint | undefined };
  log: Logger;
  now: () => number;
}

/**
 * Writes what policies do: every decision to the action log, and (when the endpoint is in an
 * active incident) to the incident's timeline with its trigger values and, later, its result.
 * An incident opened after the decision still gets it: the entry is written when the incident
 * is first seen. A failed action escalates to a person.
 */
export class HealingJournal {
  /** Action ids whose decision entry is already in their incident's timeline. */
  private readonly told = new Set<string>();

  constructor(private readonly d: JournalDeps) {}

  decided(
    input: Omit<HealingActionRecord, 'id' | 'incidentId' | 'runId' | 'rolloutId' | 'message'>,
    policy: HealingPolicy,
  ): HealingActionRecord {
    const incident = this.d.incidents.store.activeForEndpoint(input.endpointId)[0] ?? null;
    const record = this.d.store.addAction({
      ...input,
      incidentId: incident?.id ?? null,
      runId: null,
      rolloutId: null,
      message: null,
    });
    this.d.log.info('healing decision', {
      policy: policy.id,
      endpoint: input.endpointId,
      outcome: input.outcome,
      why: input.why,
      trigger: input.trigger,
    });
    // A ran decision is told once its run or rollout is known (started()), so the entry links it.
    if (record.outcome === 'proposed') this.tell(record, policy);
    return record;
  }

  /** The action is under way (or could not start): the entry names the run or rollout. */
  started(id: string, policy: HealingPolicy, patch: ActionPatch): HealingActionRecord | null {
    const record = this.d.store.updateAction(id, patch);
    if (record) this.tell(record, policy);
    return record;
  }

  /** The action's outcome; a failure goes to a person (escalated, or a new incident). */
  finished(id: string, policy: HealingPolicy | null, result: 'succeeded' | 'failed', message: string): void {
    const record = this.d.store.updateAction(id, { result, message });
    if (!record) return;
    const actor = policyActor(record.policyId);
    const name = this.endpointName(record.endpointId);
    const title = policy?.title ?? record.policyId;
    let incidentId = this.incidentOf(record, policy);
    // Opening the incident is itself the hand-off to a person; escalating it as well would only raise its severity.
    const opened = result === 'failed' && incidentId === null;
    if (opened) {
      incidentId = this.openFor(record, title, message);
      if (incidentId !== null && policy) this.tell(record, policy);
    }
    if (incidentId === null) return;
    this.d.incidents.record(incidentId, {
      at: this.d.now(),
      kind: 'healing',
      actor,
      endpointId: record.endpointId,
      summary:
        result === 'succeeded'
          ? `Policy "${title}" on ${name}: ${message}`
          : `Policy "${title}" on ${name} failed: ${message}; a person takes over`,
      detail: {
        policy: record.policyId,
        result,
        trigger: record.trigger,
        message,
        ...(record.runId ? { run: record.runId } : {}),
        ...(record.rolloutId ? { rollout: record.rolloutId } : {}),
      },
      ref: refOf(record),
    });
    if (result === 'failed' && !opened) {
      try {
        this.d.incidents.escalate(
          incidentId,
          `policy ${record.policyId} failed on ${name}: ${message}`,
          actor,
        );
      } catch (error) {
        this.d.log.error('healing escalation failed', { incident: incidentId, error: String(error) });
      }
    }
  }

  /** The incident the action belongs to now, telling it the decision if it has not heard yet. */
  incidentOf(record: HealingActionRecord, policy: HealingPolicy | null): string | null {
    if (record.incidentId && this.d.incidents.store.exists(record.incidentId)) {
      if (policy && !this.told.has(record.id)) this.tell(record, policy);
      return record.incidentId;
    }
    const active = this.d.incidents.store.activeForEndpoint(record.endpointId)[0];
    if (!active) return null;
    const updated = this.d.store.updateAction(record.id, { incidentId: active.id }) ?? record;
    if (policy) this.tell(updated, policy);
    return active.id;
  }

  private tell(record: HealingActionRecord, policy: HealingPolicy): void {
    const incidentId = record.incidentId ?? this.attach(record);
    if (!incidentId || this.told.has(record.id)) return;
    this.told.add(record.id);
    const name = this.endpointName(record.endpointId);
    const action = describeAction(policy.action);
    const summary =
      record.outcome === 'ran'
        ? `Policy "${policy.title}" acted on ${name}: ${action}${record.runId ? ` (run ${record.runId})` : ''}${record.rolloutId ? ` (rollout ${record.rolloutId})` : ''}, because ${record.trigger}`
        : `Policy "${policy.title}" proposes to ${action} on ${name}, because ${record.trigger}; not run: ${record.why}`;
    this.d.incidents.record(incidentId, {
      at: record.at,
      kind: 'healing',
      actor: policyActor(policy.id),
      endpointId: record.endpointId,
      summary,
      detail: {
        policy: policy.id,
        outcome: record.outcome,
        why: record.why,
        trigger: record.trigger,
        action,
        mode: policy.mode,
        ...(record.runId ? { run: record.runId } : {}),
        ...(record.rolloutId ? { rollout: record.rolloutId } : {}),
      },
      ref: refOf(record),
    });
  }

  private attach(record: HealingActionRecord): string | null {
    const active = this.d.incidents.store.activeForEndpoint(record.endpointId)[0];
    if (!active) return null;
    this.d.store.updateAction(record.id, { incidentId: active.id });
    record.incidentId = active.id;
    return active.id;
  }

  /** With no incident to escalate, the failure opens one: a person must look. */
  private openFor(record: HealingActionRecord, title: string, message: string): string | null {
    const endpoint = this.d.fleet.endpoint(record.endpointId);
    if (!endpoint) {
      this.d.log.error('healing action failed on an endpoint no longer in the fleet', {
        action: record.id,
        message,
      });
      return null;
    }
    const at = this.d.now();
    const incident = this.d.incidents.open(
      {
        title: `Self-healing failed on ${endpoint.name}: ${title}`,
        severity: 'sev2',
        origin: 'auto',
        groupKey: `endpoint ${endpoint.id}`,
        signals: [],
        startedAt: record.at,
        detectedAt: at,
        endpoints: [incidentEndpointOf(endpoint, at)],
      },
      {
        actor: policyActor(record.policyId),
        summary: `Opened because policy ${record.policyId} failed on ${endpoint.name} (${message}); a person takes over`,
      },
    );
    const updated = this.d.store.updateAction(record.id, { incidentId: incident.id });
    if (updated) record.incidentId = incident.id;
    return incident.id;
  }

  private endpointName(id: string): string {
    return this.d.fleet.endpoint(id)?.name ?? id;
  }
}

const refOf = (r: HealingActionRecord) => ({
  policyId: r.policyId,
  ...(r.runId ? { runId: r.runId } : {}),
  ...(r.rolloutId ? { rolloutId: r.rolloutId } : {}),
});
