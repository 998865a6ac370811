import type {
  CommandArgs,
  CommandResult,
  Incident,
  IncidentChange,
  IncidentSeverity,
  IncidentSummary,
  Reliability,
  Run,
} from '../../shared/contract/index';
import type { FleetErrorBody } from '../../shared/errors/fleet-error';
import { toErrorBody } from './errors';
import type { SliceCreator, StoreDeps } from './store.types';

export type IncidentAction = CommandArgs<'incidents.control'>['action'];
export type IncidentListQuery = Omit<CommandArgs<'incidents.list'>, 'limit'>;
export type IncidentEditPatch = Omit<CommandArgs<'incidents.edit'>, 'id'>;
export type IncidentImportResult = CommandResult<'incidents.import'>;
export type IncidentTranscript = CommandResult<'incidents.transcript'>;

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
 * notifications), and the open incident, whose timeline is followed by asking only for entries
 * after the newest one held (`incidents.timeline afterSeq`) on each `incidents.changed`.
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

  incident: Incident | null;
  incidentId: string | null;
  incidentState: LoadState;
  incidentError: FleetErrorBody | null;
  /** What the core is working on for the open incident, so its button shows progress. */
  incidentPending: IncidentAction | 'edit' | 'note' | 'run' | 'export' | null;
  incidentActionError: FleetErrorBody | null;
  /** Loads the incident and follows it; returns the stop function. */
  openIncident(id: string): () => void;
  loadIncident(id: string): Promise<void>;
  controlIncident(action: IncidentAction, note?: string): Promise<boolean>;
  editIncident(patch: IncidentEditPatch): Promise<boolean>;
  annotateIncident(text: string): Promise<boolean>;
  /** The run started from the incident page, shown in its terminal panel. */
  incidentRunId: string | null;
  /** Starts a suggested runbook bound to an endpoint; the page shows the run beside the timeline. */
  runSuggested(runbookId: string, endpointId: string): Promise<string | null>;
  showIncidentRun(runId: string | null): void;
  /** The export file of the open incident, or null when refused (the reason in incidentActionError). */
  exportIncident(): Promise<{ fileName: string; text: string } | null>;

  postmortem: { id: string; markdown: string; saved: boolean } | null;
  postmortemPending: 'load' | 'save' | null;
  postmortemError: FleetErrorBody | null;
  postmortemSavedAt: number | null;
  loadPostmortem(id: string, regenerate?: boolean): Promise<void>;
  savePostmortem(id: string, markdown: string): Promise<boolean>;

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

  /** A transcript segment of the open incident (read from the local database). */
  readIncidentTranscript(sessionId: string, fromSeq: number, toSeq: number): Promise<IncidentTranscript>;
  /** A run of the open incident as recorded (the one carried by an imported incident included). */
  readIncidentRun(runId: string): Promise<Run>;
}

export const incidentHash = (id: string): string => `#/incidents/${encodeURIComponent(id)}`;

const severityRank: Record<IncidentSeverity, number> = { sev1: 4, sev2: 3, sev3: 2, sev4: 1 };

const WEEK_MS = 7 * 24 * 3600_000;

export const createIncidentsSlice =
  ({ api, now, setHash }: StoreDeps): SliceCreator<IncidentsSlice> =>
  (set, get) => {
    // Answers to superseded questions are dropped: a slow reply must not overwrite a newer one.
    let listGeneration = 0;
    let activeGeneration = 0;
    let reliabilityGeneration = 0;
    const loads = new Map<string, Promise<void>>();
    const reload = new Set<string>();
    let tailInFlight: Promise<void> | null = null;
    let tailAgain = false;

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

    /** New timeline entries of the open incident, after the newest one held. */
    const followTail = (id: string, summary: IncidentSummary) => {
      if (tailInFlight) {
        tailAgain = true;
        return;
      }
      tailInFlight = (async () => {
        try {
          const held = get().incident;
          if (!held || held.id !== id) return;
          const afterSeq = held.timeline.at(-1)?.seq ?? 0;
          const { entries, more } = await api.call('incidents.timeline', { id, afterSeq, limit: 5000 });
          const current = get().incident;
          if (!current || current.id !== id) return;
          const timeline = entries.length > 0 ? [...current.timeline, ...entries] : current.timeline;
          set({ incident: { ...current, ...summary, timeline } });
          if (more) tailAgain = true;
        } catch (error) {
          if (get().incidentId === id) set({ incidentError: toErrorBody(error) });
        } finally {
          tailInFlight = null;
          if (tailAgain) {
            tailAgain = false;
            const latest = get().incident;
            if (latest && latest.id === id) followTail(id, latest);
          }
        }
      })();
    };

    const afterAction = (summary: IncidentSummary) => {
      const held = get().incident;
      if (held && held.id === summary.id) followTail(summary.id, summary);
    };

    return {
      incidentList: null,
      incidentListState: 'idle',
      incidentListError: null,
      watchIncidents(query) {
        let inFlight = false;
        let again = false;
        const load = async () => {
          if (inFlight) {
            again = true;
            return;
          }
          inFlight = true;
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
          } finally {
            inFlight = false;
            if (again) {
              again = false;
              void load();
            }
          }
        };
        if (!get().incidentList) set({ incidentListState: 'loading' });
        void load();
        // A busy incident writes many entries: one list read in flight, at most one more after it.
        const off = api.on('incidents.changed', () => void load());
        const offConnection = api.onConnection((state) => {
          if (state === 'connected') void load();
        });
        return () => {
          off();
          offConnection();
          listGeneration++;
        };
      },

      activeIncidents: null,
      endpointIncidents: new Map(),
      watchActiveIncidents(onChange) {
        let inFlight = false;
        let again = false;
        const load = async () => {
          if (inFlight) {
            again = true;
            return;
          }
          inFlight = true;
          const mine = ++activeGeneration;
          try {
            const active = await api.call('incidents.list', { active: true, limit: 1000 });
            const map = await endpointMap(active);
            if (mine === activeGeneration) set({ activeIncidents: active, endpointIncidents: map });
          } catch {
            // The rail and badges keep what they showed; the incidents view reports read failures.
          } finally {
            inFlight = false;
            if (again) {
              again = false;
              void load();
            }
          }
        };
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

      incident: null,
      incidentId: null,
      incidentState: 'idle',
      incidentError: null,
      incidentPending: null,
      incidentActionError: null,
      incidentRunId: null,
      openIncident(id) {
        if (get().incidentId !== id)
          set({
            incidentId: id,
            incident: null,
            incidentState: 'loading',
            incidentError: null,
            incidentActionError: null,
            incidentRunId: null,
          });
        void get().loadIncident(id);
        const off = api.on('incidents.changed', ({ incident: summary }) => {
          if (summary.id !== id) return;
          const held = get().incident;
          // An endpoint joined (or the page has nothing yet): read it whole; else only new entries.
          if (!held || held.endpoints.length !== summary.endpointCount) void get().loadIncident(id);
          else followTail(id, summary);
        });
        // Events missed while disconnected are not replayed: read it again on reconnect.
        const offConnection = api.onConnection((state) => {
          if (state === 'connected') void get().loadIncident(id);
        });
        return () => {
          off();
          offConnection();
        };
      },
      loadIncident(id) {
        const inFlight = loads.get(id);
        if (inFlight) {
          reload.add(id);
          return inFlight;
        }
        const load = (async () => {
          try {
            const incident = await api.call('incidents.get', { id });
            if (get().incidentId === id) set({ incident, incidentState: 'ready', incidentError: null });
          } catch (error) {
            if (get().incidentId !== id) return;
            const body = toErrorBody(error);
            if (body.code === 'not_found')
              set({ incident: null, incidentState: 'not-found', incidentError: body });
            else set({ incidentState: get().incident ? 'ready' : 'error', incidentError: body });
          } finally {
            loads.delete(id);
            if (reload.delete(id)) void get().loadIncident(id);
          }
        })();
        loads.set(id, load);
        return load;
      },
      async controlIncident(action, note) {
        const id = get().incidentId;
        if (!id || get().incidentPending) return false;
        set({ incidentPending: action, incidentActionError: null });
        try {
          const summary = await api.call('incidents.control', {
            id,
            action,
            ...(note && note.trim() ? { note: note.trim() } : {}),
          });
          set({ incidentPending: null });
          afterAction(summary);
          return true;
        } catch (error) {
          set({ incidentPending: null, incidentActionError: toErrorBody(error) });
          return false;
        }
      },
      async editIncident(patch) {
        const id = get().incidentId;
        if (!id || get().incidentPending) return false;
        set({ incidentPending: 'edit', incidentActionError: null });
        try {
          const summary = await api.call('incidents.edit', { id, ...patch });
          set({ incidentPending: null });
          afterAction(summary);
          return true;
        } catch (error) {
          set({ incidentPending: null, incidentActionError: toErrorBody(error) });
          return false;
        }
      },
      async annotateIncident(text) {
        const id = get().incidentId;
        if (!id || !text.trim() || get().incidentPending) return false;
        set({ incidentPending: 'note', incidentActionError: null });
        try {
          await api.call('incidents.annotate', { id, text: text.trim() });
          set({ incidentPending: null });
          const held = get().incident;
          if (held) followTail(id, held);
          return true;
        } catch (error) {
          set({ incidentPending: null, incidentActionError: toErrorBody(error) });
          return false;
        }
      },
      async runSuggested(runbookId, endpointId) {
        if (get().incidentPending) return null;
        set({ incidentPending: 'run', incidentActionError: null });
        try {
          const run = await api.call('runs.start', { runbookId, endpointId });
          set({ incidentPending: null, incidentRunId: run.id });
          return run.id;
        } catch (error) {
          set({ incidentPending: null, incidentActionError: toErrorBody(error) });
          return null;
        }
      },
      showIncidentRun(runId) {
        set({ incidentRunId: runId });
      },
      async exportIncident() {
        const id = get().incidentId;
        if (!id || get().incidentPending) return null;
        set({ incidentPending: 'export', incidentActionError: null });
        try {
          const { fileName, text } = await api.call('incidents.export', { id });
          set({ incidentPending: null });
          return { fileName, text };
        } catch (error) {
          set({ incidentPending: null, incidentActionError: toErrorBody(error) });
          return null;
        }
      },

      postmortem: null,
      postmortemPending: null,
      postmortemError: null,
      postmortemSavedAt: null,
      async loadPostmortem(id, regenerate = false) {
        set({ postmortemPending: 'load', postmortemError: null });
        try {
          const { markdown, saved } = await api.call('incidents.postmortem', { id, regenerate });
          set({ postmortem: { id, markdown, saved }, postmortemPending: null });
        } catch (error) {
          set({ postmortemPending: null, postmortemError: toErrorBody(error) });
        }
      },
      async savePostmortem(id, markdown) {
        set({ postmortemPending: 'save', postmortemError: null });
        try {
          const { savedAt } = await api.call('incidents.savePostmortem', { id, markdown });
          set({
            postmortem: { id, markdown, saved: true },
            postmortemPending: null,
            postmortemSavedAt: savedAt,
          });
          return true;
        } catch (error) {
          set({ postmortemPending: null, postmortemError: toErrorBody(error) });
          return false;
        }
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

      async readIncidentTranscript(sessionId, fromSeq, toSeq) {
        const id = get().incidentId ?? '';
        const limit = Math.max(1, Math.min(5000, toSeq - fromSeq + 1));
        return api.call('incidents.transcript', { id, sessionId, afterSeq: fromSeq - 1, limit });
      },

      readIncidentRun(runId) {
        return api.call('incidents.run', { id: get().incidentId ?? '', runId });
      },
    };
  };
