import type { Endpoint, FleetPulse, FleetSummary, Freshness } from '../../shared/contract/index';
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
  /**
   * What this window follows of the live fleet. `pulse`: the summary (with its regions) and the
   * records that changed other than in their figures, as `fleet.pulse`. `rows`: also every
   * endpoint's figures, as `fleet.delta`, while a view that shows them is open (followRows).
   */
  fleetDetail: FleetDetail;

  /** Loads the fleet and follows its deltas; returns a stop function. */
  startFleet(): () => void;
  loadFleet(): Promise<void>;
  applyFleetDelta(delta: FleetDeltaMessage): void;
  /**
   * Held by every view that shows endpoints' live figures (the table, the detail, the topology)
   * while it is open: the window follows `fleet.delta` while any view holds it, and catches up
   * with a fresh load if it followed only pulses before. Returns the release.
   */
  followRows(): () => void;
}

export type FleetDetail = 'pulse' | 'rows';

/**
 * How long the window keeps following every endpoint's figures after the last view that showed
 * them closed: a person flicking between the table and the map should not pay for a fresh load
 * of 10,000 records on every return to the table.
 */
export const ROWS_LINGER_MS = 10_000;

/** A pulse as a delta that carries no figures, so it goes through the same applyDelta. */
const asDelta = (pulse: FleetPulse): FleetDeltaMessage => ({ ...pulse, metrics: {} });

const SPEND_INDEX = canonicalMetricNames.indexOf('spend_per_hour');

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
  return table.with(changes);
}

export const createFleetDataSlice =
  ({ api }: StoreDeps): SliceCreator<FleetDataSlice> =>
  (set, get) => {
    /** Views holding followRows; the follow state below is this store's own. */
    let rowsHolders = 0;
    let lingerTimer: ReturnType<typeof setTimeout> | null = null;
    /** Stops the live event the window follows now; null before startFleet and after its stop. */
    let stopLive: (() => void) | null = null;
    /** Pulses skipped endpoints' figures since the last full load. */
    let figuresBehind = false;

    /** Between startFleet and its stop. */
    let started = false;

    const follow = (detail: FleetDetail) => {
      if (!started || (stopLive && get().fleetDetail === detail)) return;
      const previous = stopLive;
      // The new event first, then the old one off: a tick in between arrives twice (applying a
      // record twice is harmless), never not at all.
      stopLive =
        detail === 'rows'
          ? api.on('fleet.delta', (delta) => get().applyFleetDelta(delta as FleetDeltaMessage))
          : api.on('fleet.pulse', (pulse) => {
              figuresBehind = true;
              get().applyFleetDelta(asDelta(pulse));
            });
      previous?.();
      set({ fleetDetail: detail });
      if (detail === 'rows' && figuresBehind && get().fleetLoaded) void get().loadFleet();
    };
    return {
      endpoints: new Map(),
      summary: null,
      fleetVersion: 0,
      fleetLoaded: false,
      fleetError: null,
      fleetUpdatedAt: null,
      fleetDetail: 'pulse',

      startFleet() {
        started = true;
        follow(rowsHolders > 0 ? 'rows' : 'pulse');
        const offConnection = api.onConnection((state) => {
          // Back after a drop: deltas were missed, so load the whole fleet again.
          if (state === 'connected' && get().fleetLoaded) void get().loadFleet();
        });
        void get().loadFleet();
        return () => {
          started = false;
          stopLive?.();
          stopLive = null;
          if (lingerTimer !== null) clearTimeout(lingerTimer);
          lingerTimer = null;
          offConnection();
        };
      },

      followRows() {
        rowsHolders += 1;
        if (lingerTimer !== null) clearTimeout(lingerTimer);
        lingerTimer = null;
        follow('rows');
        let released = false;
        return () => {
          if (released) return;
          released = true;
          rowsHolders -= 1;
          if (rowsHolders > 0 || !started) return;
          lingerTimer = setTimeout(() => {
            lingerTimer = null;
            if (rowsHolders === 0) follow('pulse');
          }, ROWS_LINGER_MS);
        };
      },

      async loadFleet() {
        try {
          const [page, summary] = await Promise.all([
            api.call('fleet.endpoints', { limit: 20_000 }),
            api.call('fleet.summary', {}),
          ]);
          figuresBehind = false;
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
    };
  };
