import type { CommandArgs, CommandResult, Rollout, RolloutSummary } from '../../shared/contract/index';
import type { FleetErrorBody } from '../../shared/errors/fleet-error';
import { coalescedLoader } from './coalesced-loader';
import { followList } from './follow-list';
import { toErrorBody } from './errors';
import { replaceRow } from './replace-row';
import type { SliceCreator, StoreDeps } from './store.types';

export type RolloutAction = CommandArgs<'rollouts.control'>['action'];
export type RolloutListQuery = Omit<CommandArgs<'rollouts.list'>, 'limit'>;
export type PlanCheck = CommandResult<'rollouts.validate'> & { text: string };
export type GenerateArgs = CommandArgs<'rollouts.generate'>;

type LoadState = 'idle' | 'loading' | 'ready' | 'not-found' | 'error';

/**
 * Rollouts (issue 6). The core runs them and keeps every rollout, decision and manual action in
 * SQLite, so this is only the on-screen copy: the list, the open rollout (followed through
 * `rollouts.changed`, which carries the summary, so each change of the open one costs one
 * `rollouts.get`), and the plan being written on `#/rollouts/new`.
 */
export interface RolloutsSlice {
  rolloutList: RolloutSummary[] | null;
  rolloutListState: LoadState;
  rolloutListError: FleetErrorBody | null;
  /** Loads the list for this query and keeps it current from rollouts.changed; returns the stop function. */
  watchRollouts(query: RolloutListQuery): () => void;

  /** Rollouts running now across the fleet (for the endpoint page's "rollout in progress"). */
  liveRollouts: RolloutSummary[];
  /** Loads them and keeps them current; returns the stop function. */
  watchLiveRollouts(): () => void;

  rollout: Rollout | null;
  rolloutId: string | null;
  rolloutState: LoadState;
  rolloutError: FleetErrorBody | null;
  /** The control the core is working on: its button shows progress and nothing is sent twice. */
  rolloutPending: RolloutAction | null;
  rolloutActionError: FleetErrorBody | null;
  /** Loads the rollout and follows it; returns the stop function. */
  openRollout(id: string): () => void;
  loadRollout(id: string): Promise<void>;
  controlRollout(action: RolloutAction, reason?: string): Promise<boolean>;

  /** The plan editor: generated text, the last validation, and the start. */
  planGeneratePending: boolean;
  planGenerateError: FleetErrorBody | null;
  /** A plan for this endpoint and version; resolves to its text, or null when refused. */
  generatePlan(args: GenerateArgs): Promise<string | null>;
  planCheck: PlanCheck | null;
  planCheckPending: boolean;
  planCheckError: FleetErrorBody | null;
  validatePlan(text: string): Promise<void>;
  clearPlan(): void;
  rolloutStartPending: boolean;
  rolloutStartError: FleetErrorBody | null;
  /** Starts the plan and opens the rollout (`#/rollouts/<id>`). */
  startRollout(text: string): Promise<void>;
}

export const rolloutHash = (id: string): string => `#/rollouts/${encodeURIComponent(id)}`;

export const createRolloutsSlice =
  ({ api, setHash }: StoreDeps): SliceCreator<RolloutsSlice> =>
  (set, get) => {
    // Answers to superseded questions are dropped: a slow reply must not overwrite a newer one.
    let listGeneration = 0;
    let checkGeneration = 0;
    let generateGeneration = 0;

    return {
      rolloutList: null,
      rolloutListState: 'idle',
      rolloutListError: null,
      watchRollouts(query) {
        const load = async () => {
          const mine = ++listGeneration;
          try {
            const rows = await api.call('rollouts.list', { ...query, limit: 200 });
            if (mine !== listGeneration) return;
            set({ rolloutList: rows, rolloutListState: 'ready', rolloutListError: null });
          } catch (error) {
            if (mine !== listGeneration) return;
            set({
              rolloutListState: get().rolloutList ? 'ready' : 'error',
              rolloutListError: toErrorBody(error),
            });
          }
        };
        if (!get().rolloutList) set({ rolloutListState: 'loading' });
        void load();
        // A weight change is frequent: a row the list holds is patched in place (when it still
        // matches the query); only a new rollout, or one that leaves the filter, costs a reload.
        const stop = followList(
          api,
          'rollouts.changed',
          (summary) => {
            const stillMatches =
              (!query.state || query.state === summary.state) &&
              (query.active === undefined || query.active === (summary.endedAt === null));
            const next = stillMatches ? replaceRow(get().rolloutList, summary) : null;
            if (next) set({ rolloutList: next });
            return next !== null;
          },
          () => void load(),
        );
        return () => {
          stop();
          listGeneration++;
        };
      },

      liveRollouts: [],
      watchLiveRollouts() {
        const load = coalescedLoader(async () => {
          try {
            set({ liveRollouts: await api.call('rollouts.list', { active: true, limit: 500 }) });
          } catch {
            // Kept as it was: the badge is a convenience, the rollouts view says what failed.
          }
        });
        void load();
        // A running rollout's change patches its row; one that starts or ends re-reads the list.
        return followList(
          api,
          'rollouts.changed',
          (summary) => {
            const next = summary.endedAt === null ? replaceRow(get().liveRollouts, summary) : null;
            if (next) set({ liveRollouts: next });
            return next !== null;
          },
          () => void load(),
        );
      },

      rollout: null,
      rolloutId: null,
      rolloutState: 'idle',
      rolloutError: null,
      rolloutPending: null,
      rolloutActionError: null,
      openRollout(id) {
        if (get().rolloutId !== id)
          set({
            rolloutId: id,
            rollout: null,
            rolloutState: 'loading',
            rolloutError: null,
            rolloutActionError: null,
          });
        void get().loadRollout(id);
        const off = api.on('rollouts.changed', (summary) => {
          if (summary.id === id) void get().loadRollout(id);
        });
        // Events missed while disconnected are not replayed: read the rollout again on reconnect.
        const offConnection = api.onConnection((state) => {
          if (state === 'connected') void get().loadRollout(id);
        });
        return () => {
          off();
          offConnection();
        };
      },
      // One rollouts.get in flight per rollout; changes that arrive meanwhile cause exactly one more.
      loadRollout: coalescedLoader(
        async (id: string) => {
          try {
            const rollout = await api.call('rollouts.get', { id });
            if (get().rolloutId === id) set({ rollout, rolloutState: 'ready', rolloutError: null });
          } catch (error) {
            if (get().rolloutId !== id) return;
            const body = toErrorBody(error);
            if (body.code === 'not_found')
              set({ rollout: null, rolloutState: 'not-found', rolloutError: body });
            else set({ rolloutState: get().rollout ? 'ready' : 'error', rolloutError: body });
          }
        },
        (id) => id,
      ),
      async controlRollout(action, reason) {
        const id = get().rolloutId;
        if (!id || get().rolloutPending) return false;
        set({ rolloutPending: action, rolloutActionError: null });
        try {
          const rollout = await api.call('rollouts.control', {
            id,
            action,
            ...(reason && reason.trim() ? { reason: reason.trim() } : {}),
          });
          if (get().rolloutId === id) set({ rollout, rolloutPending: null });
          else set({ rolloutPending: null });
          return true;
        } catch (error) {
          set({ rolloutPending: null, rolloutActionError: toErrorBody(error) });
          return false;
        }
      },

      planGeneratePending: false,
      planGenerateError: null,
      async generatePlan(args) {
        const mine = ++generateGeneration;
        set({ planGeneratePending: true, planGenerateError: null });
        try {
          const { text, plan } = await api.call('rollouts.generate', args);
          if (mine !== generateGeneration) return null;
          // A generated plan is valid by construction; the editor re-validates as soon as it is edited.
          set({
            planGeneratePending: false,
            planCheck: { text, ok: true, problems: [], plan },
            planCheckError: null,
          });
          return text;
        } catch (error) {
          if (mine === generateGeneration)
            set({ planGeneratePending: false, planGenerateError: toErrorBody(error) });
          return null;
        }
      },
      planCheck: null,
      planCheckPending: false,
      planCheckError: null,
      async validatePlan(text) {
        const mine = ++checkGeneration;
        set({ planCheckPending: true });
        try {
          const result = await api.call('rollouts.validate', { text });
          if (mine === checkGeneration)
            set({ planCheck: { ...result, text }, planCheckPending: false, planCheckError: null });
        } catch (error) {
          if (mine === checkGeneration) set({ planCheckPending: false, planCheckError: toErrorBody(error) });
        }
      },
      clearPlan() {
        checkGeneration++;
        generateGeneration++;
        set({
          planCheck: null,
          planCheckPending: false,
          planCheckError: null,
          planGeneratePending: false,
          planGenerateError: null,
          rolloutStartError: null,
        });
      },
      rolloutStartPending: false,
      rolloutStartError: null,
      async startRollout(text) {
        if (get().rolloutStartPending) return;
        set({ rolloutStartPending: true, rolloutStartError: null });
        try {
          const rollout = await api.call('rollouts.start', { text });
          set({
            rolloutStartPending: false,
            rollout,
            rolloutId: rollout.id,
            rolloutState: 'ready',
            rolloutError: null,
            rolloutActionError: null,
          });
          setHash(rolloutHash(rollout.id));
        } catch (error) {
          set({ rolloutStartPending: false, rolloutStartError: toErrorBody(error) });
        }
      },
    };
  };
