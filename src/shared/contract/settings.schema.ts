import { z } from 'zod';

/**
 * User settings: one typed schema with defaults. `settings.set` takes a partial of it and
 * refuses unknown keys and wrong types with the reason, so a typo never silently does nothing.
 * Add a field here and to `defaultSettings` and it is stored, validated and editable everywhere.
 */
const settingsFields = {
  theme: z.enum(['system', 'light', 'dark']).describe('Colour theme; "system" follows the OS.'),
  timeFormat: z.enum(['24h', '12h']).describe('How clock times are shown.'),
  staleAfterSeconds: z
    .number()
    .int()
    .min(5)
    .max(3600)
    .describe('Data older than this is shown as stale rather than live.'),
};

export const settingsSchema = z.object(settingsFields).strict();
export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;

export const defaultSettings: Settings = {
  theme: 'system',
  timeFormat: '24h',
  staleAfterSeconds: 60,
};

export const settingsPatchSchema = z.object(settingsFields).partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;
