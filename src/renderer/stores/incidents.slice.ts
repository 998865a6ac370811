import type {
  CommandArgs,
  CommandResult,
  IncidentChange,
  IncidentSeverity,
  IncidentSummary,
  Reliability,
} from '../../shared/contract/index';
import type { FleetErrorBody } from '../../shared/errors/fleet-error';
import { incidentHash } from '../../shared/incidents/incident-notifications';
import { coalescedLoader } from './coalesced-loader';
import { toErrorBody } from './errors';
import { replaceRow } from './replace-row';
import { followList } from './follow-list';
import type { SliceCreator, StoreDeps } from './store.types';

export type IncidentListQuery = Omit<CommandArgs<'incidents.list'>, 'limit'>;
export type IncidentImportResult = CommandResult<'incidents.import'>;

type LoadState = 'idle' | 'loading' | 'ready' | 'not-found' | 'error';

/** What the fleet map, the endpoints table and an endpoint's page badge an endpoint with. */
export interface EndpointIncident {
  id: string;
  title: string;
  severity: IncidentSeverity;
}

/**
 * Incidents (issue 7). The core opens, groups and records them in SQLite; this is the on-screen
 * copy: the searched list, the active ones (the rail's count, the endpoint badges, browser
 * notifications), reliability figures, opening one by hand and importing one. The open incident
 * is incident-detail.slice.ts.
 */
export interface IncidentsSlice {
  incidentList: IncidentSummary[] | null;
  incidentListState: LoadState;
  incidentListError: FleetErrorBody | null;
  /** Loads the list for this query and reloads it on incidents.changed; returns the stop function. */
  watchIncidents(query: IncidentListQuery): () => void;

  /** Active (not resolved) incidents, newest first; null until first read. */
  activeIncidents: IncidentSummary[] | null;
  /** Endpoint id -> the worst active incident it is in. */
  endpointIncidents: ReadonlyMap<string, EndpointIncident>;
  /** Keeps the active incidents current; `onChange` sees every incidents.changed. Returns the stop function. */
  watchActiveIncidents(onChange?: (change: IncidentChange) => void): () => void;

  reliability: Reliability | null;
  reliabilityError: FleetErrorBody | null;
  loadReliability(weeks: number): Promise<void>;

  openByHandPending: boolean;
  openByHandError: FleetErrorBody | null;
  /** Opens an incident by hand and shows it (`#/incidents/<id>`). */
  openIncidentByHand(args: CommandArgs<'incidents.open'>): Promise<boolean>;

  importPending: boolean;
  importResult: IncidentImportResult | null;
  importError: FleetErrorBody | null;
  importIncident(text: string, asCopy: boolean): Promise<IncidentImportResult | null>;
  clearImport(): void;
}

/** `#/incidents/<id>`: one rule for the app, the notifications and the desktop's click. */
export { incidentHash };

const severityRank: Record<IncidentSeverity, number> = { sev1: 4, sev2: 3, sev3: 2, sev4: 1 };

const WEEK_MS = 7 * 24 * 3600_000;

export const createIncidentsSlice =
  ({ api, now, setHash }: StoreDeps): SliceCreator<IncidentsSlice> =>
  (set, get) => {
    // Answers to superseded questions are dropped: a slow reply must not overwrite a newer one.
    let listGeneration = 0;
    let activeGeneration = 0;
    let reliabilityGeneration = 0;

    /** Endpoint ids are not in a summary: one incidents.get (a single entry) per active incident. */
    const endpointMap = async (active: IncidentSummary[]) => {
      const map = new Map<string, EndpointIncident>();
      const details = await Promise.all(
        active.map((s) => api.call('incidents.get', { id: s.id, limit: 1 }).catch(() => null)),
      );
      for (const d of details) {
        if (!d) continue;
        for (const e of d.endpoints) {
          const held = map.get(e.id);
          if (!held || severityRank[d.severity] > severityRank[held.severity])
            map.set(e.id, { id: d.id, title: d.title, severity: d.severity });
        }
      }
      return map;
    };

    return {
      incidentList: null,
      incidentListState: 'idle',
      incidentListError: null,
      watchIncidents(query) {
        const load = coalescedLoader(async () => {
          const mine = ++listGeneration;
          try {
            const rows = await api.call('incidents.list', { ...query, limit: 500 });
            if (mine === listGeneration)
              set({ incidentList: rows, incidentListState: 'ready', incidentListError: null });
          } catch (error) {
            if (mine === listGeneration)
              set({
                incidentListState: get().incidentList ? 'ready' : 'error',
                incidentListError: toErrorBody(error),
              });
          }
        });
        if (!get().incidentList) set({ incidentListState: 'loading' });
        void load();
        // A busy incident writes many entries: a row the list holds is patched in place while it
        // still matches the state and severity asked for; only a new incident, or one that may
        // enter or leave the results, costs a read (one in flight, at most one more after it).
        const stop = followList(
          api,
          'incidents.changed',
          ({ change, incident }) => {
            const stillMatches =
              change !== 'opened' &&
              (!query.state?.length || query.state.includes(incident.state)) &&
              (!query.severity?.length || query.severity.includes(incident.severity)) &&
              (query.active === undefined || query.active === (incident.state !== 'resolved'));
            const next = stillMatches ? replaceRow(get().incidentList, incident) : null;
            if (next) set({ incidentList: next });
            return next !== null;
          },
          () => void load(),
        );
        return () => {
          stop();
          listGeneration++;
        };
      },

      activeIncidents: null,
      endpointIncidents: new Map(),
      watchActiveIncidents(onChange) {
        // One read in flight; changes that arrive meanwhile cause exactly one more.
        const load = coalescedLoader(async () => {
          const mine = ++activeGeneration;
          try {
            const active = await api.call('incidents.list', { active: true, limit: 1000 });
            const map = await endpointMap(active);
            if (mine === activeGeneration) set({ activeIncidents: active, endpointIncidents: map });
          } catch {
            // The rail and badges keep what they showed; the incidents view reports read failures.
          }
        });
        void load();
        const off = api.on('incidents.changed', (change) => {
          onChange?.(change);
          // Timeline entries ('updated' with the same endpoints) change no badge: no reload for them.
          const held = get().activeIncidents?.find((s) => s.id === change.incident.id);
          const same =
            change.change === 'updated' &&
            held !== undefined &&
            held.state === change.incident.state &&
            held.severity === change.incident.severity &&
            held.title === change.incident.title &&
            held.endpointCount === change.incident.endpointCount;
          if (!same) void load();
        });
        const offConnection = api.onConnection((state) => {
          if (state === 'connected') void load();
        });
        return () => {
          off();
          offConnection();
          activeGeneration++;
        };
      },

      reliability: null,
      reliabilityError: null,
      async loadReliability(weeks) {
        const mine = ++reliabilityGeneration;
        const to = now();
        try {
          const reliability = await api.call('incidents.reliability', { from: to - weeks * WEEK_MS, to });
          if (mine === reliabilityGeneration) set({ reliability, reliabilityError: null });
        } catch (error) {
          if (mine === reliabilityGeneration) set({ reliabilityError: toErrorBody(error) });
        }
      },

      openByHandPending: false,
      openByHandError: null,
      async openIncidentByHand(args) {
        if (get().openByHandPending) return false;
        set({ openByHandPending: true, openByHandError: null });
        try {
          const summary = await api.call('incidents.open', args);
          set({ openByHandPending: false });
          setHash(incidentHash(summary.id));
          return true;
        } catch (error) {
          set({ openByHandPending: false, openByHandError: toErrorBody(error) });
          return false;
        }
      },

      importPending: false,
      importResult: null,
      importError: null,
      async importIncident(text, asCopy) {
        if (get().importPending) return null;
        set({ importPending: true, importError: null, importResult: null });
        try {
          const result = await api.call('incidents.import', { text, asCopy });
          set({ importPending: false, importResult: result });
          return result;
        } catch (error) {
          set({ importPending: false, importError: toErrorBody(error) });
          return null;
        }
      },
      clearImport() {
        set({ importResult: null, importError: null, importPending: false });
      },
    };
  };
