import type { CommandArgs, CommandResult, Run, RunSummary, Runbook } from '../../shared/contract/index';
import type { FleetErrorBody } from '../../shared/errors/fleet-error';
import { coalescedLoader } from './coalesced-loader';
import { toErrorBody } from './errors';
import { replaceRow } from './replace-row';
import { followList } from './follow-list';
import type { SliceCreator, StoreDeps } from './store.types';

export type RunbookListResult = CommandResult<'runbooks.list'>;
export type RunbookRender = CommandResult<'runbooks.render'>;
export type RunAction = CommandArgs<'runs.control'>['action'];
export type RunHistoryQuery = Omit<CommandArgs<'runs.list'>, 'limit'>;

type LoadState = 'idle' | 'loading' | 'ready' | 'not-found' | 'error';

/**
 * Runbooks and their runs (issue 5). The library is fetched whole (for one endpoint when one is
 * bound, so the core can put the relevant ones first) and filtered in the view: the tag and
 * severity facets need every runbook anyway. A run is followed through `runs.changed`, which
 * carries only the summary, so each change of the open run is followed by one `runs.get`.
 * Durable state (runs, steps, notes) lives in the core's SQLite; this is its on-screen copy.
 */
export interface RunbooksSlice {
  runbookList: RunbookListResult | null;
  /** The endpoint the list was asked for ('' for none). */
  runbookListFor: string | null;
  runbookListState: LoadState;
  runbookListError: FleetErrorBody | null;
  loadRunbooks(endpointId: string | null): Promise<void>;

  /** Suggested runbooks on an endpoint's page (kept apart from the library view's list). */
  endpointRunbooks: { endpointId: string; runbooks: RunbookListResult['runbooks'] } | null;
  endpointRunbooksError: FleetErrorBody | null;
  loadEndpointRunbooks(endpointId: string): Promise<void>;

  runbook: Runbook | null;
  runbookState: LoadState;
  runbookError: FleetErrorBody | null;
  loadRunbook(id: string): Promise<void>;

  dryRun: RunbookRender | null;
  dryRunPending: boolean;
  dryRunError: FleetErrorBody | null;
  renderRunbook(args: CommandArgs<'runbooks.render'>): Promise<void>;
  clearDryRun(): void;

  startPending: boolean;
  startError: FleetErrorBody | null;
  /** Starts a run and opens it (`#/runs/<id>`). */
  startRun(args: CommandArgs<'runs.start'>): Promise<void>;

  run: Run | null;
  runId: string | null;
  runState: LoadState;
  runError: FleetErrorBody | null;
  /** The control action the core is working on, so its button shows progress and no double send. */
  runPending: RunAction | 'note' | null;
  runActionError: FleetErrorBody | null;
  /** Loads the run and follows runs.changed for it; returns the stop function. */
  openRun(id: string): () => void;
  loadRun(id: string): Promise<void>;
  controlRun(action: RunAction): Promise<void>;
  annotateRun(text: string): Promise<boolean>;

  runHistory: RunSummary[] | null;
  runHistoryState: LoadState;
  runHistoryError: FleetErrorBody | null;
  /** Loads the history for this query and reloads it whenever a run changes; returns the stop function. */
  watchRunHistory(query: RunHistoryQuery): () => void;
}

export const runHash = (id: string): string => `#/runs/${encodeURIComponent(id)}`;

export const createRunbooksSlice =
  ({ api, setHash }: StoreDeps): SliceCreator<RunbooksSlice> =>
  (set, get) => {
    // Answers to superseded questions are dropped: a slow reply must not overwrite a newer one.
    let listGeneration = 0;
    let runbookGeneration = 0;
    let renderGeneration = 0;
    let historyGeneration = 0;

    return {
      runbookList: null,
      runbookListFor: null,
      runbookListState: 'idle',
      runbookListError: null,
      async loadRunbooks(endpointId) {
        const mine = ++listGeneration;
        const key = endpointId ?? '';
        if (get().runbookListFor !== key) set({ runbookListState: 'loading', runbookListFor: key });
        try {
          const result = await api.call('runbooks.list', endpointId ? { endpointId } : {});
          if (mine !== listGeneration) return;
          set({ runbookList: result, runbookListState: 'ready', runbookListError: null });
        } catch (error) {
          if (mine !== listGeneration) return;
          set({
            runbookListState: get().runbookList ? 'ready' : 'error',
            runbookListError: toErrorBody(error),
          });
        }
      },

      endpointRunbooks: null,
      endpointRunbooksError: null,
      async loadEndpointRunbooks(endpointId) {
        try {
          const { runbooks } = await api.call('runbooks.list', { endpointId });
          set({ endpointRunbooks: { endpointId, runbooks }, endpointRunbooksError: null });
        } catch (error) {
          set({ endpointRunbooksError: toErrorBody(error) });
        }
      },

      runbook: null,
      runbookState: 'idle',
      runbookError: null,
      async loadRunbook(id) {
        const mine = ++runbookGeneration;
        if (get().runbook?.id !== id)
          set({
            runbook: null,
            runbookState: 'loading',
            runbookError: null,
            dryRun: null,
            dryRunError: null,
          });
        try {
          const runbook = await api.call('runbooks.get', { id });
          if (mine !== runbookGeneration) return;
          set({ runbook, runbookState: 'ready', runbookError: null });
        } catch (error) {
          if (mine !== runbookGeneration) return;
          const body = toErrorBody(error);
          set({ runbookState: body.code === 'not_found' ? 'not-found' : 'error', runbookError: body });
        }
      },

      dryRun: null,
      dryRunPending: false,
      dryRunError: null,
      async renderRunbook(args) {
        const mine = ++renderGeneration;
        set({ dryRunPending: true, dryRunError: null });
        try {
          const dryRun = await api.call('runbooks.render', args);
          if (mine === renderGeneration) set({ dryRun, dryRunPending: false });
        } catch (error) {
          if (mine === renderGeneration) set({ dryRunPending: false, dryRunError: toErrorBody(error) });
        }
      },
      clearDryRun() {
        renderGeneration++;
        set({ dryRun: null, dryRunPending: false, dryRunError: null });
      },

      startPending: false,
      startError: null,
      async startRun(args) {
        if (get().startPending) return;
        set({ startPending: true, startError: null });
        try {
          const run = await api.call('runs.start', args);
          set({ startPending: false, run, runId: run.id, runState: 'ready', runError: null });
          setHash(runHash(run.id));
        } catch (error) {
          set({ startPending: false, startError: toErrorBody(error) });
        }
      },

      run: null,
      runId: null,
      runState: 'idle',
      runError: null,
      runPending: null,
      runActionError: null,
      openRun(id) {
        if (get().runId !== id)
          set({ runId: id, run: null, runState: 'loading', runError: null, runActionError: null });
        void get().loadRun(id);
        const off = api.on('runs.changed', (summary) => {
          if (summary.id === id) void get().loadRun(id);
        });
        // Events missed while disconnected are not replayed: read the run again on reconnect.
        const offConnection = api.onConnection((state) => {
          if (state === 'connected') void get().loadRun(id);
        });
        return () => {
          off();
          offConnection();
        };
      },
      // One runs.get in flight per run; changes that arrive meanwhile cause exactly one more.
      loadRun: coalescedLoader(
        async (id: string) => {
          try {
            const run = await api.call('runs.get', { id });
            if (get().runId === id) set({ run, runState: 'ready', runError: null });
          } catch (error) {
            if (get().runId !== id) return;
            const body = toErrorBody(error);
            if (body.code === 'not_found') set({ run: null, runState: 'not-found', runError: body });
            else set({ runState: get().run ? 'ready' : 'error', runError: body });
          }
        },
        (id) => id,
      ),
      async controlRun(action) {
        const id = get().runId;
        if (!id || get().runPending) return;
        set({ runPending: action, runActionError: null });
        try {
          const run = await api.call('runs.control', { id, action });
          if (get().runId === id) set({ run, runPending: null });
        } catch (error) {
          set({ runPending: null, runActionError: toErrorBody(error) });
        }
      },
      async annotateRun(text) {
        const id = get().runId;
        if (!id || get().runPending) return false;
        set({ runPending: 'note', runActionError: null });
        try {
          await api.call('runs.annotate', { id, text });
          set({ runPending: null });
          await get().loadRun(id);
          return true;
        } catch (error) {
          set({ runPending: null, runActionError: toErrorBody(error) });
          return false;
        }
      },

      runHistory: null,
      runHistoryState: 'idle',
      runHistoryError: null,
      watchRunHistory(query) {
        const load = async () => {
          const mine = ++historyGeneration;
          try {
            const runs = await api.call('runs.list', { ...query, limit: 200 });
            if (mine !== historyGeneration) return;
            set({ runHistory: runs, runHistoryState: 'ready', runHistoryError: null });
          } catch (error) {
            if (mine !== historyGeneration) return;
            set({
              runHistoryState: get().runHistory ? 'ready' : 'error',
              runHistoryError: toErrorBody(error),
            });
          }
        };
        if (!get().runHistory) set({ runHistoryState: 'loading' });
        void load();
        // A run moving a step is frequent: its row is patched in place; only a run the list does not
        // hold yet (a new one) costs a reload, as does a reconnect.
        const stop = followList(
          api,
          'runs.changed',
          (summary) => {
            const stillMatches = !query.state || query.state === summary.state;
            const next = stillMatches ? replaceRow(get().runHistory, summary) : null;
            if (next) set({ runHistory: next });
            return next !== null;
          },
          () => void load(),
        );
        return () => {
          stop();
          historyGeneration++;
        };
      },
    };
  };
