import type Database from 'better-sqlite3';
import type {
  ClusterRecord,
  EndpointRecord,
  EventRecord,
  InventorySnapshot,
  InventoryView,
  NodeRecord,
} from './inventory.types';

type Kind = 'cluster' | 'node' | 'endpoint' | 'event';
type RecordOf<K extends Kind> = K extends 'cluster'
  ? ClusterRecord
  : K extends 'node'
    ? NodeRecord
    : K extends 'endpoint'
      ? EndpointRecord
      : EventRecord;

interface Owned<T> {
  sourceId: string;
  record: T;
  /** Stamped from one counter whenever the record is stored anew; see `revision`. */
  revision: number;
}

export interface InventoryChange {
  endpoints: { upserted: string[]; removed: string[] };
  nodes: { upserted: string[]; removed: string[] };
  clustersChanged: boolean;
  eventsAdded: EventRecord[];
}

const MAX_EVENTS = 2000;

/**
 * Everything the sources reported, in memory for queries and in SQLite (`inventory`) so a
 * restart paints the last known fleet at once, before any source answers. Each record belongs
 * to the source that reported it; a full snapshot from a source replaces only that source's.
 */
export class InventoryCache implements InventoryView {
  private readonly maps = {
    cluster: new Map<string, Owned<ClusterRecord>>(),
    node: new Map<string, Owned<NodeRecord>>(),
    endpoint: new Map<string, Owned<EndpointRecord>>(),
    event: new Map<string, Owned<EventRecord>>(),
  };
  private readonly upsertRow: Database.Statement<[string, string, string, string, number]>;
  private readonly deleteRow: Database.Statement<[string, string]>;
  private nextRevision = 1;

  constructor(private readonly db: Database.Database) {
    this.upsertRow = db.prepare(
      'INSERT OR REPLACE INTO inventory (kind, id, source_id, record, updated_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.deleteRow = db.prepare('DELETE FROM inventory WHERE kind = ? AND id = ?');
  }

  /** Loads the cached inventory (cache first: called before any source starts). */
  load(): number {
    const rows = this.db.prepare('SELECT kind, id, source_id, record FROM inventory').all() as Array<{
      kind: Kind;
      id: string;
      source_id: string;
      record: string;
    }>;
    for (const row of rows) {
      const map = this.maps[row.kind] as Map<string, Owned<unknown>> | undefined;
      if (!map) continue;
      try {
        map.set(row.id, {
          sourceId: row.source_id,
          record: JSON.parse(row.record),
          revision: this.nextRevision++,
        });
      } catch {
        // A damaged cache row is dropped; the source will report it again.
      }
    }
    return rows.length;
  }

  apply(sourceId: string, snapshot: InventorySnapshot, partial: boolean, now: number): InventoryChange {
    const change: InventoryChange = {
      endpoints: { upserted: [], removed: [] },
      nodes: { upserted: [], removed: [] },
      clustersChanged: false,
      eventsAdded: [],
    };
    const tx = this.db.transaction(() => {
      this.applyKind('cluster', sourceId, snapshot.clusters, partial, now, change);
      this.applyKind('node', sourceId, snapshot.nodes, partial, now, change);
      this.applyKind('endpoint', sourceId, snapshot.endpoints, partial, now, change);
      this.applyKind('event', sourceId, snapshot.events, true, now, change);
      for (const d of snapshot.deleted ?? []) {
        const owned = this.maps[d.kind].get(d.id);
        if (owned && owned.sourceId === sourceId) this.remove(d.kind, d.id, change);
      }
      this.trimEvents();
    });
    tx();
    return change;
  }

  /** Forgets everything a removed source reported. */
  dropSource(sourceId: string): InventoryChange {
    const change: InventoryChange = {
      endpoints: { upserted: [], removed: [] },
      nodes: { upserted: [], removed: [] },
      clustersChanged: false,
      eventsAdded: [],
    };
    this.db.transaction(() => {
      for (const kind of Object.keys(this.maps) as Kind[]) {
        for (const [id, owned] of this.maps[kind])
          if (owned.sourceId === sourceId) this.remove(kind, id, change);
      }
    })();
    return change;
  }

  sourceOf(kind: Kind, id: string): string | undefined {
    return this.maps[kind].get(id)?.sourceId;
  }

  /**
   * Changes whenever the record (or its owning source) changes, and only then: equal
   * revisions mean an equal record. Lets the fleet tick find changed endpoints without
   * serialising 10,000 records every few seconds; 0 for an unknown record.
   */
  revision(kind: Kind, id: string): number {
    return this.maps[kind].get(id)?.revision ?? 0;
  }

  endpoints(): readonly EndpointRecord[] {
    return [...this.maps.endpoint.values()].map((o) => o.record);
  }
  endpoint(id: string): EndpointRecord | undefined {
    return this.maps.endpoint.get(id)?.record;
  }
  nodes(): readonly NodeRecord[] {
    return [...this.maps.node.values()].map((o) => o.record);
  }
  node(id: string): NodeRecord | undefined {
    return this.maps.node.get(id)?.record;
  }
  clusters(): readonly ClusterRecord[] {
    return [...this.maps.cluster.values()].map((o) => o.record);
  }
  events(subject?: string, limit = 100): EventRecord[] {
    const all = [...this.maps.event.values()].map((o) => o.record);
    return all
      .filter((e) => subject === undefined || e.subject === subject)
      .sort((a, b) => b.at - a.at)
      .slice(0, limit);
  }

  private applyKind<K extends Kind>(
    kind: K,
    sourceId: string,
    records: RecordOf<K>[] | undefined,
    partial: boolean,
    now: number,
    change: InventoryChange,
  ): void {
    if (records === undefined) return;
    const map = this.maps[kind] as Map<string, Owned<RecordOf<K>>>;
    const seen = new Set<string>();
    for (const record of records) {
      seen.add(record.id);
      const json = JSON.stringify(record);
      const before = map.get(record.id);
      if (before && before.sourceId === sourceId && JSON.stringify(before.record) === json) continue;
      map.set(record.id, { sourceId, record, revision: this.nextRevision++ });
      this.upsertRow.run(kind, record.id, sourceId, json, now);
      if (kind === 'endpoint') change.endpoints.upserted.push(record.id);
      else if (kind === 'node') change.nodes.upserted.push(record.id);
      else if (kind === 'cluster') change.clustersChanged = true;
      else if (!before) change.eventsAdded.push(record as EventRecord);
    }
    if (!partial) {
      for (const [id, owned] of map)
        if (owned.sourceId === sourceId && !seen.has(id)) this.remove(kind, id, change);
    }
  }

  private remove(kind: Kind, id: string, change: InventoryChange): void {
    this.maps[kind].delete(id);
    this.deleteRow.run(kind, id);
    if (kind === 'endpoint') change.endpoints.removed.push(id);
    else if (kind === 'node') change.nodes.removed.push(id);
    else if (kind === 'cluster') change.clustersChanged = true;
  }

  private trimEvents(): void {
    const events = this.maps.event;
    if (events.size <= MAX_EVENTS) return;
    const oldest = [...events.entries()]
      .sort((a, b) => a[1].record.at - b[1].record.at)
      .slice(0, events.size - MAX_EVENTS);
    for (const [id] of oldest) {
      events.delete(id);
      this.deleteRow.run('event', id);
    }
  }
}
