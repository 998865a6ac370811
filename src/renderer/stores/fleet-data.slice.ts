import type { Endpoint, FleetSummary, Freshness } from '../../shared/contract/index';
import { canonicalMetricNames } from '../../shared/fleet/metrics';
import type { FleetErrorBody } from '../../shared/errors/fleet-error';
import { EndpointTable } from './endpoint-table';
import { LiveMetrics } from './live-metrics';
import { toErrorBody } from './errors';
import type { SliceCreator, StoreDeps } from './store.types';

/** The payload of a `fleet.delta` event, as the contract declares it. */
export interface FleetDeltaMessage {
  at: number;
  upserted: Endpoint[];
  removed: string[];
  metrics: Record<string, Array<number | null>>;
  summary: FleetSummary;
  /** Freshness changes of records not re-sent, as `[state, at]`; absent when none. */
  freshness?: Record<string, [Freshness['state'], number | null]>;
}

/**
 * The renderer's live copy of the fleet: every endpoint record and the summary, loaded once
 * (cache first: the core answers from SQLite before any source does) and then kept current by
 * `fleet.delta` events, which carry only what changed. Views select from it; none of them
 * fetch the fleet themselves.
 */
export interface FleetDataSlice {
  /** Every endpoint by id. Replaced (not mutated) on every change, so selectors see new values. */
  endpoints: ReadonlyMap<string, Endpoint>;
  summary: FleetSummary | null;
  /** Bumped on every applied delta: cheap to select for "recompute derived rows". */
  fleetVersion: number;
  fleetLoaded: boolean;
  fleetError: FleetErrorBody | null;
  /** Time of the newest delta applied. */
  fleetUpdatedAt: number | null;

  /** Loads the fleet and follows its deltas; returns a stop function. */
  startFleet(): () => void;
  loadFleet(): Promise<void>;
  applyFleetDelta(delta: FleetDeltaMessage): void;
}

const SPEND_INDEX = canonicalMetricNames.indexOf('spend_per_hour');

/**
 * Which endpoint ids each applied delta replaced or removed, so a view holding an older map can
 * re-read only those instead of comparing all 10,000 entries (the Fleet view's region aggregate
 * cost ~2.5 ms of every live tick doing that; live-tick benchmark, issue 4). Maps are numbered
 * in a WeakMap (a map no one holds drops its number); a step names the map it was made from by
 * number, not by reference, so the log never keeps an old map alive. Bounded: a view further
 * behind than MAX_STEPS deltas gets null and compares the maps itself.
 */
const MAX_STEPS = 64;
let lastMapNumber = 0;
const mapNumbers = new WeakMap<ReadonlyMap<string, Endpoint>, number>();
const steps = new Map<number, { from: number; ids: readonly string[] }>();

const numberOf = (map: ReadonlyMap<string, Endpoint>): number => {
  let n = mapNumbers.get(map);
  if (n === undefined) mapNumbers.set(map, (n = ++lastMapNumber));
  return n;
};

function noteStep(from: ReadonlyMap<string, Endpoint>, to: ReadonlyMap<string, Endpoint>, ids: string[]) {
  steps.set(numberOf(to), { from: numberOf(from), ids });
  if (steps.size > MAX_STEPS) steps.delete(steps.keys().next().value!);
}

/**
 * The ids whose record may differ between two maps applyDelta made one from the other (over any
 * number of deltas, up to MAX_STEPS): every other id maps to the same object in both. null when
 * that is not known (a full load in between, or too far apart): compare the maps instead.
 */
export function endpointChangesBetween(
  older: ReadonlyMap<string, Endpoint>,
  newer: ReadonlyMap<string, Endpoint>,
): Set<string> | null {
  const stop = mapNumbers.get(older);
  let at = mapNumbers.get(newer);
  if (stop === undefined || at === undefined) return null;
  const ids = new Set<string>();
  for (let hops = 0; at !== stop; hops++) {
    const step = steps.get(at);
    if (!step || hops >= MAX_STEPS) return null;
    for (const id of step.ids) ids.add(id);
    at = step.from;
  }
  return ids;
}

/**
 * Applies a delta to a map of endpoints without touching records that did not change. The
 * answer is an EndpointTable sharing storage with `current` (which must not be written after).
 */
export function applyDelta(
  current: ReadonlyMap<string, Endpoint>,
  delta: FleetDeltaMessage,
): ReadonlyMap<string, Endpoint> {
  const table = EndpointTable.of(current);
  const changes = new Map<string, Endpoint | null>();
  const latest = (id: string): Endpoint | undefined => {
    const changed = changes.get(id);
    return changed === undefined ? table.get(id) : (changed ?? undefined);
  };
  for (const id of delta.removed) changes.set(id, null);
  for (const e of delta.upserted) changes.set(e.id, e);
  for (const id in delta.metrics) {
    const values = delta.metrics[id]!;
    const e = latest(id);
    if (!e) continue;
    // Compact (see LiveMetrics): this runs for every metric row of every delta, hundreds per
    // tick at 10,000 endpoints, and what it makes lives until the endpoint's next row.
    const metrics = LiveMetrics.after(e.metrics, values, delta.at);
    // The core re-sends a record only when something other than its figures changed, so the
    // record's spend rate follows the spend_per_hour figure here (the core's hourlyPriceUsd is
    // that same figure).
    const spend = values[SPEND_INDEX];
    const hourlyPriceUsd = spend === null || spend === undefined ? e.hourlyPriceUsd : spend;
    // Freshness is the core's verdict (its own entries below): a row may carry only the spend
    // rate Fleetdeck computes itself, which says nothing about whether the source is live.
    changes.set(id, { ...e, metrics, hourlyPriceUsd });
  }
  // The core sends freshness flips (live <-> stale, offline) compactly instead of re-sending
  // records; a new record object, so the rows, map and detail that select it see the change.
  if (delta.freshness) {
    for (const [id, [state, at]] of Object.entries(delta.freshness)) {
      const e = latest(id);
      if (e) changes.set(id, { ...e, freshness: { state, at } });
    }
  }
  const next = table.with(changes);
  if (next !== current) noteStep(current, next, [...changes.keys()]);
  return next;
}

export const createFleetDataSlice =
  ({ api }: StoreDeps): SliceCreator<FleetDataSlice> =>
  (set, get) => ({
    endpoints: new Map(),
    summary: null,
    fleetVersion: 0,
    fleetLoaded: false,
    fleetError: null,
    fleetUpdatedAt: null,

    startFleet() {
      const off = api.on('fleet.delta', (delta) => get().applyFleetDelta(delta as FleetDeltaMessage));
      const offConnection = api.onConnection((state) => {
        // Back after a drop: deltas were missed, so load the whole fleet again.
        if (state === 'connected' && get().fleetLoaded) void get().loadFleet();
      });
      void get().loadFleet();
      return () => {
        off();
        offConnection();
      };
    },

    async loadFleet() {
      try {
        const [page, summary] = await Promise.all([
          api.call('fleet.endpoints', { limit: 20_000 }),
          api.call('fleet.summary', {}),
        ]);
        set((s) => ({
          endpoints: new Map(page.items.map((e) => [e.id, e])),
          summary,
          fleetLoaded: true,
          fleetError: null,
          fleetVersion: s.fleetVersion + 1,
        }));
      } catch (error) {
        set({ fleetError: toErrorBody(error), fleetLoaded: get().fleetLoaded });
      }
    },

    applyFleetDelta(delta) {
      set((s) => ({
        endpoints: applyDelta(s.endpoints, delta),
        summary: delta.summary,
        fleetVersion: s.fleetVersion + 1,
        fleetUpdatedAt: delta.at,
      }));
    },
  });
