import { z } from 'zod';
import { parseGpuPriceOverrides, parseTokenPriceOverrides } from '../fleet/price-overrides';

/** A text setting checked by a parser that explains what is wrong. */
const parsedText = (parse: (text: string) => { ok: true } | { ok: false; error: string }) =>
  z
    .string()
    .max(4000)
    .superRefine((text, ctx) => {
      const r = parse(text);
      if (!r.ok) ctx.addIssue({ code: 'custom', message: r.error });
    });

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
    .describe(
      'Data older than this is shown as stale rather than live (a source that cannot refresh this often, such as a large rate-limited scrape, is stale once it misses two of its own refresh cycles, at most 5 minutes).',
    ),
  gpuPriceOverrides: parsedText(parseGpuPriceOverrides).describe(
    'Your GPU instance prices, USD per instance-hour, over the list prices: instance-type=USD, comma separated (e.g. p5.48xlarge=90, g5.12xlarge=5.1).',
  ),
  tokenPriceOverrides: parsedText(parseTokenPriceOverrides).describe(
    'Your hosted-API token prices, USD per 1M input/output tokens: model=input/output, comma separated (e.g. gpt-4o=2.5/10).',
  ),
  runbooksFolder: z
    .string()
    .max(1000)
    .refine((p) => p === '' || /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p), {
      message: 'Use an absolute folder path (e.g. /home/me/runbooks), or leave it empty.',
    })
    .describe(
      'A folder of your own runbooks (*.yaml, *.yml), listed beside the built-ins (docs/runbooks.md); empty for none.',
    ),
  notifications: z
    .enum(['on', 'do-not-disturb'])
    .describe(
      'Desktop notifications for new and escalating incidents; do-not-disturb holds them (they stay in the timeline).',
    ),
  terminalGpu: z
    .enum(['auto', 'on', 'off'])
    .describe(
      'How terminals draw: "auto" uses WebGL on a real GPU and the DOM otherwise (a software GL is slower than the DOM); "on" uses WebGL whenever the browser offers it; "off" always draws with the DOM.',
    ),
  incidentGroupMinutes: z
    .number()
    .int()
    .min(0)
    .max(720)
    .describe(
      'An endpoint that turns critical within this many minutes of an active incident in the same region or of the same model joins it instead of opening another.',
    ),
  incidentResolveMinutes: z
    .number()
    .int()
    .min(0)
    .max(1440)
    .describe(
      'A mitigated incident resolves by itself once every affected endpoint has stayed healthy this long; 0 leaves resolving to a person.',
    ),
};

export const settingsSchema = z.object(settingsFields).strict();
export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;

export const defaultSettings: Settings = {
  theme: 'system',
  timeFormat: '24h',
  staleAfterSeconds: 60,
  gpuPriceOverrides: '',
  tokenPriceOverrides: '',
  runbooksFolder: '',
  notifications: 'on',
  terminalGpu: 'auto',
  incidentGroupMinutes: 30,
  incidentResolveMinutes: 30,
};

export const settingsPatchSchema = z.object(settingsFields).partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;
