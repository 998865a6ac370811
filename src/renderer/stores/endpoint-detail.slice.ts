import type { CommandArgs, CommandResult } from '../../shared/contract/index';
import type { Slo } from '../../shared/fleet/slo';
import type { FleetErrorBody } from '../../shared/errors/fleet-error';
import { toErrorBody } from './errors';
import type { SliceCreator, StoreDeps } from './store.types';

export type EndpointDetail = CommandResult<'fleet.endpoint'>;
export type SeriesResult = CommandResult<'metrics.series'>;

/**
 * One endpoint in depth (`#/endpoints/<id>`): its Kubernetes details, siblings and the SLOs to
 * draw. Chart series are NOT kept here: each panel fetches its own, bounded to its pixel width,
 * and hands them straight to its chart (a store copy of every point would only be garbage to
 * collect on every tick, which the chart-memory bench watches).
 */
export interface EndpointDetailSlice {
  detailId: string | null;
  detail: EndpointDetail | null;
  detailState: 'idle' | 'loading' | 'ready' | 'not-found' | 'error';
  detailError: FleetErrorBody | null;
  /** SLO overrides by model (slos.list); defaults by model kind apply otherwise. */
  sloOverrides: Record<string, Slo>;

  /** Loads the endpoint and refreshes it (pods, events) every `refreshMs`; returns a stop function. */
  openDetail(id: string, refreshMs?: number): () => void;
  loadDetail(id: string): Promise<void>;
  fetchSeries(args: CommandArgs<'metrics.series'>): Promise<SeriesResult>;
}

export const createEndpointDetailSlice =
  ({ api }: StoreDeps): SliceCreator<EndpointDetailSlice> =>
  (set, get) => ({
    detailId: null,
    detail: null,
    detailState: 'idle',
    detailError: null,
    sloOverrides: {},

    openDetail(id, refreshMs = 10_000) {
      if (get().detailId !== id)
        set({ detailId: id, detail: null, detailState: 'loading', detailError: null });
      void get().loadDetail(id);
      void api
        .call('slos.list', {})
        .then((sloOverrides) => set({ sloOverrides }))
        .catch((error: unknown) => set({ detailError: toErrorBody(error) }));
      const timer = setInterval(() => void get().loadDetail(id), refreshMs);
      return () => {
        clearInterval(timer);
        if (get().detailId === id)
          set({ detailId: null, detail: null, detailState: 'idle', detailError: null });
      };
    },

    async loadDetail(id) {
      try {
        const detail = await api.call('fleet.endpoint', { id });
        if (get().detailId === id) set({ detail, detailState: 'ready', detailError: null });
      } catch (error) {
        if (get().detailId !== id) return;
        const body = toErrorBody(error);
        if (body.code === 'not_found') set({ detail: null, detailState: 'not-found', detailError: body });
        // A failed refresh keeps what is on screen and says so.
        else set({ detailState: get().detail ? 'ready' : 'error', detailError: body });
      }
    },

    fetchSeries(args) {
      return api.call('metrics.series', args);
    },
  });
