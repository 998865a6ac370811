import type { CommandArgs, CommandResult, Incident, IncidentSummary, Run } from '../../shared/contract/index';
import type { FleetErrorBody } from '../../shared/errors/fleet-error';
import { coalescedLoader } from './coalesced-loader';
import { toErrorBody } from './errors';
import type { SliceCreator, StoreDeps } from './store.types';

export type IncidentAction = CommandArgs<'incidents.control'>['action'];
export type IncidentEditPatch = Omit<CommandArgs<'incidents.edit'>, 'id'>;
export type IncidentTranscript = CommandResult<'incidents.transcript'>;

type LoadState = 'idle' | 'loading' | 'ready' | 'not-found' | 'error';

/**
 * The open incident (`#/incidents/<id>`, issue 7): read from the core's SQLite, then followed by
 * asking only for the entries after the newest one held (`incidents.timeline afterSeq`) on each
 * `incidents.changed` for it; its controls, notes, a suggested run, export and postmortem.
 */
export interface IncidentDetailSlice {
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

  /** A transcript segment of the open incident (read from the local database). */
  readIncidentTranscript(sessionId: string, fromSeq: number, toSeq: number): Promise<IncidentTranscript>;
  /** A run of the open incident as recorded (the one carried by an imported incident included). */
  readIncidentRun(runId: string): Promise<Run>;
}

export const createIncidentDetailSlice =
  ({ api }: StoreDeps): SliceCreator<IncidentDetailSlice> =>
  (set, get) => {
    /**
     * New timeline entries of the open incident, after the newest one held: one read in flight,
     * changes that arrive meanwhile cause exactly one more (and a page that was cut short, another).
     */
    const followTail = coalescedLoader(async (id: string, summary: IncidentSummary) => {
      try {
        const held = get().incident;
        if (!held || held.id !== id) return;
        const afterSeq = held.timeline.at(-1)?.seq ?? 0;
        const { entries, more } = await api.call('incidents.timeline', { id, afterSeq, limit: 5000 });
        const current = get().incident;
        if (!current || current.id !== id) return;
        const timeline = entries.length > 0 ? [...current.timeline, ...entries] : current.timeline;
        const incident = { ...current, ...summary, timeline };
        set({ incident });
        if (more) void followTail(id, incident);
      } catch (error) {
        if (get().incidentId === id) set({ incidentError: toErrorBody(error) });
      }
    });

    /**
     * One action on the open incident at a time: its button shows `what` until the core answers,
     * and a refusal lands in incidentActionError. Resolves to the answer, or null when refused.
     */
    const act = async <T>(
      what: NonNullable<IncidentDetailSlice['incidentPending']>,
      work: () => Promise<T>,
    ): Promise<{ answer: T } | null> => {
      set({ incidentPending: what, incidentActionError: null });
      try {
        const answer = await work();
        set({ incidentPending: null });
        return { answer };
      } catch (error) {
        set({ incidentPending: null, incidentActionError: toErrorBody(error) });
        return null;
      }
    };

    const afterAction = (summary: IncidentSummary) => {
      const held = get().incident;
      if (held && held.id === summary.id) void followTail(summary.id, summary);
    };

    return {
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
          else void followTail(id, summary);
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
      // One incidents.get in flight per incident; changes that arrive meanwhile cause exactly one more.
      loadIncident: coalescedLoader(
        async (id: string) => {
          try {
            const incident = await api.call('incidents.get', { id });
            if (get().incidentId === id) set({ incident, incidentState: 'ready', incidentError: null });
          } catch (error) {
            if (get().incidentId !== id) return;
            const body = toErrorBody(error);
            if (body.code === 'not_found')
              set({ incident: null, incidentState: 'not-found', incidentError: body });
            else set({ incidentState: get().incident ? 'ready' : 'error', incidentError: body });
          }
        },
        (id) => id,
      ),
      async controlIncident(action, note) {
        const id = get().incidentId;
        if (!id || get().incidentPending) return false;
        const done = await act(action, () =>
          api.call('incidents.control', {
            id,
            action,
            ...(note && note.trim() ? { note: note.trim() } : {}),
          }),
        );
        if (done) afterAction(done.answer);
        return done !== null;
      },
      async editIncident(patch) {
        const id = get().incidentId;
        if (!id || get().incidentPending) return false;
        const done = await act('edit', () => api.call('incidents.edit', { id, ...patch }));
        if (done) afterAction(done.answer);
        return done !== null;
      },
      async annotateIncident(text) {
        const id = get().incidentId;
        if (!id || !text.trim() || get().incidentPending) return false;
        const done = await act('note', () => api.call('incidents.annotate', { id, text: text.trim() }));
        const held = get().incident;
        if (done && held) void followTail(id, held);
        return done !== null;
      },
      async runSuggested(runbookId, endpointId) {
        if (get().incidentPending) return null;
        const done = await act('run', () => api.call('runs.start', { runbookId, endpointId }));
        if (!done) return null;
        set({ incidentRunId: done.answer.id });
        return done.answer.id;
      },
      showIncidentRun(runId) {
        set({ incidentRunId: runId });
      },
      async exportIncident() {
        const id = get().incidentId;
        if (!id || get().incidentPending) return null;
        const done = await act('export', () => api.call('incidents.export', { id }));
        return done ? { fileName: done.answer.fileName, text: done.answer.text } : null;
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
