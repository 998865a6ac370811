import type { ConnectionState } from '../../shared/api/fleet-api';
import type { AppHealth, AppInfo, AppStatus } from '../../shared/contract/index';
import type { FleetErrorBody } from '../../shared/errors/fleet-error';
import { toErrorBody } from './errors';
import type { SliceCreator, StoreDeps } from './store.types';

/** What the About/Health view and the status bar show about the app and its core. */
export interface AppSlice {
  info: AppInfo | null;
  infoError: FleetErrorBody | null;
  /** The newest app.status event: database health, data directory, data freshness. */
  status: AppStatus | null;
  connection: ConnectionState;
  /** Whether the connection was ever up, so a drop reads "reconnecting", not "connecting". */
  everConnected: boolean;
  health: AppHealth | null;
  healthRunning: boolean;
  healthError: FleetErrorBody | null;

  /** Subscribes to status and connection and loads what the shell needs; returns a stop function. */
  startSession(): () => void;
  loadInfo(): Promise<void>;
  runHealthCheck(): Promise<void>;
}

export const createAppSlice =
  ({ api }: StoreDeps): SliceCreator<AppSlice> =>
  (set, get) => ({
    info: null,
    infoError: null,
    status: null,
    connection: 'connecting',
    everConnected: false,
    health: null,
    healthRunning: false,
    healthError: null,

    startSession() {
      const offStatus = api.on('app.status', (status) => set({ status }));
      // A change made in another window, or through the API, shows here at once.
      const offSettings = api.on('settings.changed', (settings) =>
        set({ settings, settingsLoadError: null }),
      );
      const offConnection = api.onConnection((connection) => {
        const { connection: previous, everConnected } = get();
        set({ connection, everConnected: everConnected || connection === 'connected' });
        // Back after a drop: what we hold may be out of date (or was never loaded). The first
        // connect needs nothing: the loads below are already on their way.
        if (connection === 'connected' && previous !== 'connected' && everConnected) {
          if (get().info === null || get().infoError !== null) void get().loadInfo();
          void get().loadSettings();
        }
      });
      void get().loadInfo();
      void get().loadSettings();
      return () => {
        offStatus();
        offSettings();
        offConnection();
      };
    },

    async loadInfo() {
      try {
        const info = await api.call('app.info', {});
        set({ info, infoError: null });
      } catch (error) {
        set({ infoError: toErrorBody(error) });
      }
    },

    async runHealthCheck() {
      if (get().healthRunning) return;
      set({ healthRunning: true, healthError: null });
      try {
        const health = await api.call('app.health', {});
        set({ health, healthRunning: false });
      } catch (error) {
        set({ healthError: toErrorBody(error), healthRunning: false });
      }
    },
  });
