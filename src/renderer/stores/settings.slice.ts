import type { Settings, SettingsPatch } from '../../shared/contract/index';
import type { FleetErrorBody } from '../../shared/errors/fleet-error';
import { toErrorBody } from './errors';
import type { SliceCreator, StoreDeps } from './store.types';

/** Settings are stored by the core; the renderer holds the last copy it read or wrote. */
export interface SettingsSlice {
  settings: Settings | null;
  settingsLoadError: FleetErrorBody | null;
  saving: boolean;
  /** Why the last save was refused (the core's reason, e.g. a number out of range). */
  lastError: FleetErrorBody | null;
  lastSavedAt: number | null;

  loadSettings(): Promise<void>;
  /** Sends a patch with settings.set; resolves true when the core accepted it. */
  saveSettings(patch: SettingsPatch | Record<string, unknown>): Promise<boolean>;
  dismissSettingsError(): void;
}

export const createSettingsSlice =
  ({ api, now }: StoreDeps): SliceCreator<SettingsSlice> =>
  (set) => ({
    settings: null,
    settingsLoadError: null,
    saving: false,
    lastError: null,
    lastSavedAt: null,

    async loadSettings() {
      try {
        const settings = await api.call('settings.get', {});
        set({ settings, settingsLoadError: null });
      } catch (error) {
        set({ settingsLoadError: toErrorBody(error) });
      }
    },

    async saveSettings(patch) {
      set({ saving: true, lastError: null });
      try {
        // The form may hold values the schema refuses (a number out of range, a typo'd key):
        // they go to the core as typed so the person sees its reason, not a silent no-op.
        const settings = await api.call('settings.set', patch as SettingsPatch);
        set({ settings, saving: false, lastSavedAt: now() });
        return true;
      } catch (error) {
        set({ saving: false, lastError: toErrorBody(error) });
        return false;
      }
    },

    dismissSettingsError() {
      set({ lastError: null });
    },
  });
