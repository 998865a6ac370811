import type {
  ClusterRecord,
  EndpointRecord,
  EventRecord,
  InventorySnapshot,
  NodeRecord,
} from '../../fleet/inventory.types';
import type { ClusterState } from './cluster-state';
import {
  clusterRegion,
  mapCluster,
  mapEndpoint,
  mapEvent,
  mapNode,
  nodeId,
  type MappingContext,
} from './inventory.mapper';

/**
 * What one context has reported, and the next report: the records that changed since, and the
 * ids that went away. Records are compared structurally against what was last reported, so a
 * watch event that changes nothing Fleetdeck shows (a resourceVersion bump, a probe) costs no
 * report at all.
 */
export interface ContextChanges {
  clusters: ClusterRecord[];
  endpoints: EndpointRecord[];
  nodes: NodeRecord[];
  events: EventRecord[];
  deleted: NonNullable<InventorySnapshot['deleted']>;
}

export class ContextInventory {
  private readonly endpoints = new Map<string, EndpointRecord>();
  /** Workload key -> the endpoint id it was reported under (ids come from names or labels). */
  private readonly endpointIdOf = new Map<string, string>();
  private readonly nodes = new Map<string, NodeRecord>();
  private readonly events = new Map<string, EventRecord>();
  private cluster: ClusterRecord | null = null;

  constructor(
    readonly context: string,
    private readonly state: ClusterState,
  ) {}

  /** Records the fleet already holds for this context (from the cache), as if we had sent them. */
  seed(records: {
    clusters: readonly ClusterRecord[];
    endpoints: readonly EndpointRecord[];
    nodes: readonly NodeRecord[];
  }): void {
    for (const record of records.endpoints) this.endpoints.set(record.id, record);
    for (const record of records.nodes) this.nodes.set(record.id, record);
    this.cluster = records.clusters[0] ?? this.cluster;
  }

  get size(): { endpoints: number; nodes: number } {
    return { endpoints: this.endpoints.size, nodes: this.nodes.size };
  }

  /**
   * `all`: map everything and delete whatever was reported but is gone (after a first list, or
   * a resync over records carried from the cache). Otherwise only what the watches touched.
   */
  collect(all: boolean, now: number): ContextChanges {
    const out: ContextChanges = { clusters: [], endpoints: [], nodes: [], events: [], deleted: [] };
    const state = this.state;
    if (all) state.markAllDirty();

    const cluster = mapCluster(state, this.context);
    if (!this.cluster || !deepEqual(this.cluster, cluster)) {
      const regionMoved = this.cluster !== null && this.cluster.region !== cluster.region;
      this.cluster = cluster;
      out.clusters.push(cluster);
      // Records without a region of their own fall back to the cluster's: remap them all.
      if (regionMoved && !all) state.markAllDirty();
    }

    state.recomputeGroups(state.dirty.groupNamespaces);
    state.spreadDirtyToGroups();
    const dirty = state.takeDirty();
    const m: MappingContext = { context: this.context, clusterRegion: clusterRegion(state), now };

    const seenEndpoints = all ? new Set<string>() : null;
    for (const key of dirty.workloads) {
      const record = mapEndpoint(state, key, m);
      const previousId = this.endpointIdOf.get(key);
      if (previousId && previousId !== record?.id) {
        this.endpointIdOf.delete(key);
        if (this.endpoints.delete(previousId)) out.deleted.push({ kind: 'endpoint', id: previousId });
      }
      if (!record) continue;
      seenEndpoints?.add(record.id);
      this.endpointIdOf.set(key, record.id);
      const before = this.endpoints.get(record.id);
      if (!before || !deepEqual(before, record)) {
        this.endpoints.set(record.id, record);
        out.endpoints.push(record);
      }
    }
    if (seenEndpoints) {
      for (const id of [...this.endpoints.keys()]) {
        if (!seenEndpoints.has(id)) {
          this.endpoints.delete(id);
          out.deleted.push({ kind: 'endpoint', id });
        }
      }
    }

    const seenNodes = all ? new Set<string>() : null;
    for (const name of dirty.nodes) {
      const id = nodeId(this.context, name);
      const record = mapNode(state, name, m);
      if (record) {
        seenNodes?.add(id);
        const before = this.nodes.get(id);
        if (!before || !deepEqual(before, record)) {
          this.nodes.set(id, record);
          out.nodes.push(record);
        }
      } else if (this.nodes.delete(id)) {
        out.deleted.push({ kind: 'node', id });
      }
    }
    if (seenNodes) {
      for (const id of [...this.nodes.keys()]) {
        if (!seenNodes.has(id)) {
          this.nodes.delete(id);
          out.deleted.push({ kind: 'node', id });
        }
      }
    }

    // Events are history: reported when new or changed, never deleted (the store trims them).
    for (const key of dirty.events) {
      const record = mapEvent(state, key, m);
      if (!record) continue;
      const before = this.events.get(record.id);
      if (!before || !deepEqual(before, record)) {
        this.events.set(record.id, record);
        out.events.push(record);
      }
    }
    return out;
  }

  /** Forget reported events older than `cutoff` (they left the cluster's window). */
  forgetEventsBefore(cutoff: number): void {
    for (const [id, event] of this.events) if (event.at < cutoff) this.events.delete(id);
  }

  /** Everything this context currently stands for (for a full snapshot). */
  current(): { clusters: ClusterRecord[]; endpoints: EndpointRecord[]; nodes: NodeRecord[] } {
    return {
      clusters: this.cluster ? [this.cluster] : [],
      endpoints: [...this.endpoints.values()],
      nodes: [...this.nodes.values()],
    };
  }
}

export const isEmptyChange = (c: ContextChanges) =>
  c.clusters.length + c.endpoints.length + c.nodes.length + c.events.length + c.deleted.length === 0;

/** Structural equality for JSON-shaped records (no Dates, Maps or cycles). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  if (ak.length !== bk.length) return false;
  for (const key of ak)
    if (!deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  return true;
}
