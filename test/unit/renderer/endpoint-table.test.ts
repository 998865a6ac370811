import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../../src/shared/contract/index';
import { EndpointTable } from '../../../src/renderer/stores/endpoint-table';

const rec = (id: string, n: number) => ({ id, name: `${id}#${n}` }) as unknown as Endpoint;

/** Same contents as a Map, read every way a view reads it. */
function expectSame(table: ReadonlyMap<string, Endpoint>, map: ReadonlyMap<string, Endpoint>) {
  expect(table.size).toBe(map.size);
  const sorted = (entries: Iterable<[string, Endpoint]>) =>
    [...entries].sort(([a], [b]) => a.localeCompare(b));
  expect(sorted(table)).toEqual(sorted(map));
  expect(sorted(table.entries())).toEqual(sorted(map.entries()));
  expect([...table.keys()].sort()).toEqual([...map.keys()].sort());
  expect([...table.values()].map((e) => e.id).sort()).toEqual([...map.values()].map((e) => e.id).sort());
  const seen: string[] = [];
  table.forEach((e, id, self) => {
    expect(e).toBe(map.get(id));
    expect(self).toBe(table);
    seen.push(id);
  });
  expect(seen.sort()).toEqual([...map.keys()].sort());
  for (const id of ['e0', 'e7', 'e42', 'e199', 'nope']) {
    expect(table.get(id)).toBe(map.get(id));
    expect(table.has(id)).toBe(map.has(id));
  }
}

describe('EndpointTable', () => {
  it('reads like the Map it replaces through replacements, removals, re-adds and compactions, and never changes an older table', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let map = new Map(Array.from({ length: 200 }, (_, i) => [`e${i}`, rec(`e${i}`, 0)]));
    let table: ReadonlyMap<string, Endpoint> = EndpointTable.of(map);
    const history: Array<[ReadonlyMap<string, Endpoint>, Map<string, Endpoint>]> = [];
    for (let step = 1; step <= 60; step++) {
      const changes = new Map<string, Endpoint | null>();
      for (let k = 0; k < 15; k++) {
        const id = `e${random(260)}`;
        changes.set(id, random(4) === 0 ? null : rec(id, step));
      }
      const next = (table as EndpointTable).with(changes);
      map = new Map(map);
      for (const [id, e] of changes) {
        if (e === null) map.delete(id);
        else map.set(id, e);
      }
      expectSame(next, map);
      history.push([next, map]);
      table = next;
    }
    for (const [old, itsMap] of history) expectSame(old, itsMap);
  });

  it('reads right when a new table is made from an older one (a branch), on both lines, at any age', () => {
    let map = new Map(Array.from({ length: 50 }, (_, i) => [`e${i}`, rec(`e${i}`, 0)]));
    const tables: Array<[EndpointTable, Map<string, Endpoint>]> = [[EndpointTable.of(map), map]];
    for (let step = 1; step <= 40; step++) {
      // Mostly from the newest, as the store does; every fifth from one a few or many versions back.
      const from =
        step % 5 === 0 ? tables[Math.max(0, tables.length - 1 - (step % 3 === 0 ? 25 : 3))]! : tables.at(-1)!;
      const changes = new Map<string, Endpoint | null>([
        [`e${step % 50}`, rec(`e${step % 50}`, step)],
        [`e${(step * 7) % 60}`, step % 4 === 0 ? null : rec(`e${(step * 7) % 60}`, step)],
      ]);
      const next = from[0].with(changes);
      map = new Map(from[1]);
      for (const [id, e] of changes) {
        if (e === null) map.delete(id);
        else map.set(id, e);
      }
      tables.push([next, map]);
      expectSame(next, map);
    }
    for (const [table, itsMap] of tables) expectSame(table, itsMap);
  });

  it('keeps unchanged records as the same objects and returns itself for no change', () => {
    const a = rec('a', 0);
    const table = EndpointTable.of(new Map([['a', a]]));
    expect(table.with(new Map())).toBe(table);
    expect(EndpointTable.of(table)).toBe(table);
    const next = table.with(new Map([['b', rec('b', 1)]]));
    expect(next.get('a')).toBe(a);
    expect(table.has('b')).toBe(false);
    expect(next.with(new Map([['zzz', null]])).size).toBe(2);
  });
});
