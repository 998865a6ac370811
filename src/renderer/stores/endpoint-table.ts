import type { Endpoint } from '../../shared/contract/index';

/** Changes past this share of the fleet are folded into a new base map. */
const COMPACT_SHARE = 1 / 4;

/**
 * The fleet's endpoints by id, immutable, sharing storage with the table it was made from: a
 * base map (never written after it is made) and the changes since it. A live tick at 10,000
 * endpoints replaces a few hundred records; copying the whole map for each (what a new Map per
 * delta did) cost ~1 ms and ~0.5 MB of long-lived garbage per tick, which kept the major GC
 * marking (live-tick benchmark, issue 4). The changes are folded into a new base once they
 * reach a quarter of the fleet, so reads stay two lookups at most.
 *
 * Iteration order is the base's order with replaced records in place, then records added since;
 * every reader sorts or looks up by id.
 */
export class EndpointTable implements ReadonlyMap<string, Endpoint> {
  private constructor(
    private readonly base: ReadonlyMap<string, Endpoint>,
    /** Records replaced or added since `base`; null: removed. */
    private readonly changes: ReadonlyMap<string, Endpoint | null>,
    readonly size: number,
  ) {}

  /** A table over `map`, which must not be written afterwards. */
  static of(map: ReadonlyMap<string, Endpoint>): EndpointTable {
    return map instanceof EndpointTable ? map : new EndpointTable(map, new Map(), map.size);
  }

  get(id: string): Endpoint | undefined {
    const changed = this.changes.get(id);
    return changed === undefined ? this.base.get(id) : (changed ?? undefined);
  }

  has(id: string): boolean {
    const changed = this.changes.get(id);
    return changed === undefined ? this.base.has(id) : changed !== null;
  }

  /** A new table with `changes` applied (null removes); this one is unchanged. */
  with(changes: ReadonlyMap<string, Endpoint | null>): EndpointTable {
    if (changes.size === 0) return this;
    let size = this.size;
    const next = new Map(this.changes);
    for (const [id, e] of changes) {
      const had = this.has(id);
      if (e === null) {
        if (!had) continue;
        size -= 1;
        // Only the base needs a mark; an id added since is simply dropped.
        if (this.base.has(id)) next.set(id, null);
        else next.delete(id);
      } else {
        if (!had) size += 1;
        next.set(id, e);
      }
    }
    if (next.size <= Math.max(64, this.base.size * COMPACT_SHARE))
      return new EndpointTable(this.base, next, size);
    const folded = new Map<string, Endpoint>();
    const table = new EndpointTable(this.base, next, size);
    table.forEach((e, id) => folded.set(id, e));
    return new EndpointTable(folded, new Map(), size);
  }

  forEach(
    callback: (value: Endpoint, key: string, map: ReadonlyMap<string, Endpoint>) => void,
    thisArg?: unknown,
  ): void {
    const changes = this.changes;
    if (changes.size === 0) {
      this.base.forEach((e, id) => callback.call(thisArg, e, id, this));
      return;
    }
    this.base.forEach((e, id) => {
      const changed = changes.get(id);
      if (changed === undefined) callback.call(thisArg, e, id, this);
      else if (changed !== null) callback.call(thisArg, changed, id, this);
    });
    changes.forEach((e, id) => {
      if (e !== null && !this.base.has(id)) callback.call(thisArg, e, id, this);
    });
  }

  *entries(): MapIterator<[string, Endpoint]> {
    const changes = this.changes;
    for (const [id, e] of this.base) {
      const changed = changes.get(id);
      if (changed === undefined) yield [id, e];
      else if (changed !== null) yield [id, changed];
    }
    for (const [id, e] of changes) if (e !== null && !this.base.has(id)) yield [id, e];
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
}
