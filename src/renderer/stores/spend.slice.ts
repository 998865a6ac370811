import type { CommandResult } from '../../shared/contract/index';
import type { FleetErrorBody } from '../../shared/errors/fleet-error';
import { rangeOf, type SpendParams } from '../views/spend/spend-url';
import { toErrorBody } from './errors';
import type { SliceCreator, StoreDeps } from './store.types';

export type SpendOverviewResult = CommandResult<'spend.overview'>;
export type SpendUnitsResult = CommandResult<'spend.units'>;
export type SpendGpusResult = CommandResult<'spend.gpus'>;
export type SpendTodayResult = CommandResult<'spend.today'>;

/** The Spend view refreshes this often (spend accrues on the core's 5 s tick). */
export const SPEND_REFRESH_MS = 10_000;

/**
 * The Spend view's figures, fetched together for one (grouping, range) and refreshed every
 * SPEND_REFRESH_MS while the view is open. Answers for a query the user has since changed are
 * dropped, so a slow 30-day read never overwrites the 24-hour chart asked for after it.
 */
export interface SpendSlice {
  spendParams: SpendParams | null;
  spendOverview: SpendOverviewResult | null;
  spendUnits: SpendUnitsResult | null;
  spendGpus: SpendGpusResult | null;
  spendToday: SpendTodayResult | null;
  spendLoading: boolean;
  spendError: FleetErrorBody | null;
  /** When the figures on screen were fetched (renderer clock). */
  spendFetchedAt: number | null;

  /** Loads now and every SPEND_REFRESH_MS for these parameters; returns the stop function. */
  watchSpend(params: SpendParams): () => void;
  loadSpend(params: SpendParams): Promise<void>;
}

export const createSpendSlice =
  ({ api, now }: StoreDeps): SliceCreator<SpendSlice> =>
  (set, get) => {
    let generation = 0;
    return {
      spendParams: null,
      spendOverview: null,
      spendUnits: null,
      spendGpus: null,
      spendToday: null,
      spendLoading: false,
      spendError: null,
      spendFetchedAt: null,

      watchSpend(params) {
        void get().loadSpend(params);
        const timer = setInterval(() => void get().loadSpend(params), SPEND_REFRESH_MS);
        return () => clearInterval(timer);
      },

      async loadSpend(params) {
        const mine = ++generation;
        const changed = get().spendParams?.by !== params.by || get().spendParams?.range !== params.range;
        set({ spendLoading: true, spendParams: params, ...(changed ? { spendOverview: null } : {}) });
        const range = rangeOf(params.range);
        const to = now();
        const window = { from: to - range.ms, to };
        try {
          const [overview, units, gpus, today] = await Promise.all([
            api.call('spend.overview', { ...window, groupBy: params.by, maxPoints: range.maxPoints }),
            api.call('spend.units', window),
            api.call('spend.gpus', window),
            api.call('spend.today', {}),
          ]);
          if (mine !== generation) return;
          set({
            spendOverview: overview,
            spendUnits: units,
            spendGpus: gpus,
            spendToday: today,
            spendLoading: false,
            spendError: null,
            spendFetchedAt: now(),
          });
        } catch (error) {
          if (mine !== generation) return;
          set({ spendLoading: false, spendError: toErrorBody(error) });
        }
      },
    };
  };
