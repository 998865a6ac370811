import type { DemoFaultInfo, Endpoint } from '../../shared/contract/index';
import type { FleetErrorBody } from '../../shared/errors/fleet-error';
import { toErrorBody } from './errors';
import type { SliceCreator, StoreDeps } from './store.types';

export type FaultKind = DemoFaultInfo['kind'];

/** Something a fault can be aimed at: an endpoint id, or a GPU node name for gpu_xid. */
export interface FaultTarget {
  /** Exactly what demo.fault takes as `target`. */
  value: string;
  /** Model, cluster and health, or the node's cluster and what runs on it. */
  detail: string;
}

export interface FaultTargetsState {
  loading: boolean;
  /** What the list answers: the search text and whether it lists nodes. */
  query: { text: string; nodes: boolean } | null;
  items: FaultTarget[];
  /** How many matched in all (the list shows the first few). */
  total: number;
  error: FleetErrorBody | null;
}

export interface DemoSlice {
  /** Whether the demo fleet runs, from demo.faults; null until it has answered once. */
  demoRunning: boolean | null;
  /** The core's reason when it does not (shown on #/demo if someone opens it anyway). */
  demoAbsentReason: FleetErrorBody | null;
  faults: DemoFaultInfo[];
  faultsError: FleetErrorBody | null;
  faultTargets: FaultTargetsState;
  injecting: boolean;
  /** The core's refusal of the last injection, shown verbatim. */
  injectError: FleetErrorBody | null;
  lastInjected: DemoFaultInfo | null;

  /** Asks demo.faults at start (when built-in sources exist) and when one changes state; returns a stop function. */
  watchDemo(): () => void;
  refreshFaults(): Promise<void>;
  searchFaultTargets(kind: FaultKind, text: string): Promise<void>;
  injectFault(request: { kind: FaultKind; target: string; durationS: number | string }): Promise<boolean>;
  dismissInjectResult(): void;
}

/**
 * The core answers demo.faults with `unavailable` and no `where` when the demo is not running
 * (fleet-plane.ts, requireDemo). The transports also use `unavailable` when the core cannot be
 * reached, but they name the command in `where`: that says nothing about the demo, so the
 * previous answer stands until the core is reachable again.
 */
export function isDemoAbsent(error: FleetErrorBody): boolean {
  return error.code === 'unavailable' && error.where === undefined;
}

type FaultsFields = Pick<DemoSlice, 'demoRunning' | 'demoAbsentReason' | 'faults' | 'faultsError'>;

/** The state after a demo.faults answer (a list, or an error). */
export function faultsOutcome(
  outcome: { faults: DemoFaultInfo[] } | { error: FleetErrorBody },
): Partial<FaultsFields> {
  if ('faults' in outcome) {
    return { demoRunning: true, demoAbsentReason: null, faults: outcome.faults, faultsError: null };
  }
  if (isDemoAbsent(outcome.error)) {
    return { demoRunning: false, demoAbsentReason: outcome.error, faults: [], faultsError: null };
  }
  return { faultsError: outcome.error };
}

/** Endpoint rows as fault targets. */
export function endpointTargets(endpoints: readonly Endpoint[]): FaultTarget[] {
  return endpoints.map((e) => ({
    value: e.id,
    detail: `${e.model} ${e.version} · ${e.cluster} · ${e.health.status}`,
  }));
}

/**
 * GPU nodes that run the given endpoints, named as demo.fault takes them: the bare name, or
 * `<cluster>/<node>` when two clusters share it. Filtered by `text` over name and cluster.
 */
export function nodeTargets(endpoints: readonly Endpoint[], text: string): FaultTarget[] {
  const byKey = new Map<string, { cluster: string; name: string; endpoints: string[] }>();
  for (const e of endpoints) {
    for (const name of e.nodes) {
      const key = `${e.cluster}/${name}`;
      const entry = byKey.get(key) ?? { cluster: e.cluster, name, endpoints: [] };
      entry.endpoints.push(e.name);
      byKey.set(key, entry);
    }
  }
  const nameCount = new Map<string, number>();
  for (const n of byKey.values()) nameCount.set(n.name, (nameCount.get(n.name) ?? 0) + 1);
  const needle = text.trim().toLowerCase();
  return [...byKey.values()]
    .filter((n) => !needle || `${n.cluster}/${n.name}`.toLowerCase().includes(needle))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((n) => {
      const shown = [...new Set(n.endpoints)];
      const runs = shown.slice(0, 2).join(', ') + (shown.length > 2 ? ` +${shown.length - 2}` : '');
      return {
        value: (nameCount.get(n.name) ?? 0) > 1 ? `${n.cluster}/${n.name}` : n.name,
        detail: `${n.cluster} · runs ${runs}`,
      };
    });
}

/** Endpoints offered per search; the rest are a more precise search away. */
const TARGETS_SHOWN = 50;
/** Endpoints read to find nodes (nodes are not searchable on the core's side). */
const ENDPOINTS_FOR_NODES = 2000;

export const createDemoSlice =
  ({ api }: StoreDeps): SliceCreator<DemoSlice> =>
  (set, get) => {
    let checking = false;
    let checkAgain = false;
    let searchSeq = 0;

    /** The demo's own sources: faults only reach the demo's endpoints, not a copy another source reports. */
    const demoSourceIds = async (): Promise<string[] | undefined> => {
      const known = get().sourcesLoaded ? get().sources : await api.call('sources.list', {});
      const ids = known.filter((s) => s.builtIn && s.kind === 'kubernetes').map((s) => s.id);
      return ids.length > 0 ? ids : undefined;
    };

    return {
      demoRunning: null,
      demoAbsentReason: null,
      faults: [],
      faultsError: null,
      faultTargets: { loading: false, query: null, items: [], total: 0, error: null },
      injecting: false,
      injectError: null,
      lastInjected: null,

      watchDemo() {
        // Only the demo fleet brings built-in sources. Without one, demo.faults would only say
        // "unavailable", as an HTTP 503 that every browser logs as a console error: so ask it
        // only when a built-in source exists (it alone decides), and otherwise hide the entry.
        const checkGated = async () => {
          try {
            const list = await api.call('sources.list', {});
            if (list.some((s) => s.builtIn)) await get().refreshFaults();
            else if (get().demoRunning !== false) set({ demoRunning: false });
          } catch (error) {
            set(faultsOutcome({ error: toErrorBody(error) }));
          }
        };
        void checkGated();
        // The demo starts a few seconds after the console and adds its sources then: a status
        // change of a built-in source is the moment to ask again.
        const offStatus = api.on('sources.status', (source) => {
          if (source.builtIn) void get().refreshFaults();
        });
        // Events sent before the live connection was up are not replayed: ask again each time it
        // comes up, the first time included.
        let connected = false;
        const offConnection = api.onConnection((state) => {
          if (state === 'connected' && !connected) void checkGated();
          connected = state === 'connected';
        });
        return () => {
          offStatus();
          offConnection();
        };
      },

      async refreshFaults() {
        // One question at a time; a burst of status events asks once more at the end.
        if (checking) {
          checkAgain = true;
          return;
        }
        checking = true;
        try {
          do {
            checkAgain = false;
            try {
              const faults = await api.call('demo.faults', {});
              set(faultsOutcome({ faults }));
            } catch (error) {
              set(faultsOutcome({ error: toErrorBody(error) }));
            }
          } while (checkAgain);
        } finally {
          checking = false;
        }
      },

      async searchFaultTargets(kind, text) {
        const seq = ++searchSeq;
        const nodes = kind === 'gpu_xid';
        const query = { text, nodes };
        set({ faultTargets: { ...get().faultTargets, loading: true, query, error: null } });
        try {
          const source = await demoSourceIds();
          const page = await api.call('fleet.endpoints', {
            ...(source ? { source } : {}),
            ...(nodes || !text.trim() ? {} : { text: text.trim() }),
            sort: 'name',
            limit: nodes ? ENDPOINTS_FOR_NODES : TARGETS_SHOWN,
          });
          if (seq !== searchSeq) return;
          const items = nodes ? nodeTargets(page.items, text) : endpointTargets(page.items);
          set({
            faultTargets: {
              loading: false,
              query,
              items: items.slice(0, TARGETS_SHOWN),
              total: nodes ? items.length : page.total,
              error: null,
            },
          });
        } catch (error) {
          if (seq !== searchSeq) return;
          set({ faultTargets: { ...get().faultTargets, loading: false, error: toErrorBody(error) } });
        }
      },

      async injectFault({ kind, target, durationS }) {
        if (get().injecting) return false;
        set({ injecting: true, injectError: null, lastInjected: null });
        try {
          // Sent as typed: the core's refusal (a duration out of range, an unknown target) is
          // what the person reads, word for word.
          const fault = await api.call('demo.fault', {
            kind,
            target: target.trim(),
            durationS: durationS as number,
          });
          set({ injecting: false, lastInjected: fault });
          void get().refreshFaults();
          return true;
        } catch (error) {
          set({ injecting: false, injectError: toErrorBody(error) });
          return false;
        }
      },

      dismissInjectResult() {
        set({ injectError: null, lastInjected: null });
      },
    };
  };
