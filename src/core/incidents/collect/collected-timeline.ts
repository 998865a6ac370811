import type { IncidentSummary } from '../../../shared/contract/incident.schema';
import type { IncidentService } from '../incident.service';
import type { NewEntry } from '../incident.store';

/** Entries are read back in pages this long when an incident's keys are first needed. */
const PAGE = 1000;

/**
 * Where the collectors write: the active incidents of an endpoint, and each entry at most once.
 * Every collected entry carries a `key` in its detail (an event's reason and time, a run's step
 * and end time); the keys already written are read back from the store the first time an
 * incident is touched, so a restart, a second poll or a repeated event never writes it twice.
 */
export class CollectedTimeline {
  private readonly seen = new Map<string, Set<string>>();

  constructor(private readonly incidents: IncidentService) {}

  /** Not resolved, not imported, and including the endpoint. */
  activeFor(endpointId: string): IncidentSummary[] {
    return this.incidents.store.activeForEndpoint(endpointId);
  }

  active(): IncidentSummary[] {
    return this.incidents.store.active();
  }

  /** The ids of an incident's affected endpoints. */
  activeEndpoints(id: string): string[] {
    return this.incidents.store.endpoints(id).map((e) => e.id);
  }

  private keys(id: string): Set<string> {
    let keys = this.seen.get(id);
    if (keys) return keys;
    keys = new Set();
    for (let after = 0; ;) {
      const page = this.incidents.store.entriesAfter(id, after, PAGE);
      for (const e of page) if (typeof e.detail.key === 'string') keys.add(e.detail.key);
      if (page.length < PAGE) break;
      after = page.at(-1)!.seq;
    }
    this.seen.set(id, keys);
    return keys;
  }

  has(id: string, key: string): boolean {
    return this.keys(id).has(key);
  }

  /** Writes the entry unless one with the same key is there; true when written. */
  write(id: string, key: string, entry: NewEntry): boolean {
    const keys = this.keys(id);
    if (keys.has(key)) return false;
    this.incidents.record(id, { ...entry, detail: { ...entry.detail, key } });
    keys.add(key);
    return true;
  }

  /** Adds a signal the collectors found (a crash loop, a GPU fault), for suggested runbooks. */
  addSignal(id: string, signal: string): void {
    const current = this.incidents.store.summary(id);
    if (current.signals.includes(signal)) return;
    this.incidents.store.update(id, { signals: [...current.signals, signal] }, this.incidents.now());
  }

  /** Forgets resolved incidents' keys (they get no more entries). */
  prune(activeIds: ReadonlySet<string>): void {
    for (const id of this.seen.keys()) if (!activeIds.has(id)) this.seen.delete(id);
  }
}
