import type { Endpoint } from '../../shared/contract/index';

/** An older table further than this many versions behind the newest copies its records out. */
const MAX_AGE = 16;

/**
 * The fleet's endpoints by id, immutable, for the live store: a delta at 10,000 endpoints
 * replaces a few hundred records, and a new table costs only those.
 *
 * The newest table of a line owns one Map and answers from it. Making the next table hands that
 * Map on (written in place with the changes) and turns this one into "the next table, except
 * these records" (an undo map of what the changes replaced). So the newest reads in one lookup,
 * the one before in two, and every older table still reads exactly as it did. An older table
 * read when it is more than MAX_AGE versions behind copies its records into a Map of its own,
 * so a view that holds on to an old table pays once, not on every read.
 *
 * Before, each table shared a base Map and copied its list of changes since (up to a quarter of
 * the fleet), folding them into a new 10,000-entry base every few ticks: ~1 ms and a large
 * long-lived garbage Map per tick (live-tick benchmark, issue 4).
 *
 * Iteration order is not a Map's insertion order; every reader sorts or looks up by id.
 */
export class EndpointTable implements ReadonlyMap<string, Endpoint> {
  /** Set on the newest table of a line (and on a table that copied its records out). */
  private own: Map<string, Endpoint> | null;
  /** On an older table: the table made from it. */
  private newer: EndpointTable | null = null;
  /** On an older table: its records where they differ from `newer`'s (null: absent here). */
  private undo: Map<string, Endpoint | null> | null = null;

  private constructor(
    own: Map<string, Endpoint>,
    readonly size: number,
    private readonly version: number,
    /** Shared by a line of tables: the newest version made in it. */
    private line: { newest: number },
  ) {
    this.own = own;
  }

  /** A table with `map`'s records (copied: the map is never written). */
  static of(map: ReadonlyMap<string, Endpoint>): EndpointTable {
    return map instanceof EndpointTable ? map : new EndpointTable(new Map(map), map.size, 0, { newest: 0 });
  }

  get(id: string): Endpoint | undefined {
    let t = this.current();
    while (t.own === null) {
      const before = t.undo!.get(id);
      if (before !== undefined) return before ?? undefined;
      t = t.newer!;
    }
    return t.own.get(id);
  }

  has(id: string): boolean {
    let t = this.current();
    while (t.own === null) {
      const before = t.undo!.get(id);
      if (before !== undefined) return before !== null;
      t = t.newer!;
    }
    return t.own.has(id);
  }

  /** A new table with `changes` applied (null removes); this one reads as before. */
  with(changes: ReadonlyMap<string, Endpoint | null>): EndpointTable {
    if (changes.size === 0) return this;
    if (this.own === null) this.copyOut();
    const map = this.own!;
    const undo = new Map<string, Endpoint | null>();
    let size = this.size;
    for (const [id, e] of changes) {
      const old = map.get(id);
      if (e === null) {
        if (old === undefined) continue;
        map.delete(id);
        size -= 1;
      } else {
        if (old === e) continue;
        if (old === undefined) size += 1;
        map.set(id, e);
      }
      if (!undo.has(id)) undo.set(id, old ?? null);
    }
    if (undo.size === 0) return this;
    const next = new EndpointTable(map, size, this.version + 1, this.line);
    this.line.newest = Math.max(this.line.newest, next.version);
    this.own = null;
    this.newer = next;
    this.undo = undo;
    return next;
  }

  forEach(
    callback: (value: Endpoint, key: string, map: ReadonlyMap<string, Endpoint>) => void,
    thisArg?: unknown,
  ): void {
    const t = this.current();
    if (t.own !== null) {
      t.own.forEach((e, id) => callback.call(thisArg, e, id, this));
      return;
    }
    for (const [id, e] of this.entries()) callback.call(thisArg, e, id, this);
  }

  entries(): MapIterator<[string, Endpoint]> {
    return this.current().walk();
  }

  /** Every record, from its own Map or through the newer tables. */
  private *walk(): MapIterator<[string, Endpoint]> {
    if (this.own !== null) {
      yield* this.own.entries();
      return;
    }
    const undo = this.undo!;
    const newer = this.newer!;
    for (const [id, e] of newer.entries()) {
      const before = undo.get(id);
      if (before === undefined) yield [id, e];
      else if (before !== null) yield [id, before];
    }
    // Records this table has and the newer one no longer does.
    for (const [id, before] of undo) if (before !== null && !newer.has(id)) yield [id, before];
  }

  *keys(): MapIterator<string> {
    for (const [id] of this.entries()) yield id;
  }

  *values(): MapIterator<Endpoint> {
    for (const [, e] of this.entries()) yield e;
  }

  [Symbol.iterator](): MapIterator<[string, Endpoint]> {
    return this.entries();
  }

  /** This table, after copying its records out if it has fallen too far behind the newest. */
  private current(): EndpointTable {
    if (this.own === null && this.line.newest - this.version > MAX_AGE) this.copyOut();
    return this;
  }

  /**
   * Gives this table a Map of its own with the same records, ending its dependence on newer
   * tables. Tables older than it still read through it, and it does not change.
   */
  private copyOut(): void {
    const own = new Map<string, Endpoint>();
    for (const [id, e] of this.walk()) own.set(id, e);
    this.own = own;
    this.newer = null;
    this.undo = null;
    // Tables made from it from now on form a line of their own.
    this.line = { newest: this.version };
  }
}
