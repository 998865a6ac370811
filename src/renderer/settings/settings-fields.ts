import { z } from 'zod';
import { settingsSchema, type SettingKey, type Settings } from '../../shared/contract/index';

/** One form control, derived from the settings schema so a new setting appears without UI work. */
export type SettingField =
  | {
      key: SettingKey;
      kind: 'select';
      label: string;
      description: string;
      options: { value: string; label: string }[];
    }
  | {
      key: SettingKey;
      kind: 'number';
      label: string;
      description: string;
      min: number | null;
      max: number | null;
      integer: boolean;
      unit: string | null;
    }
  | { key: SettingKey; kind: 'text'; label: string; description: string };

/**
 * Words the schema cannot carry. Optional: a setting without an entry still gets a control,
 * labelled from its key ("staleAfterSeconds" -> "Stale after seconds").
 */
const presentation: Partial<
  Record<SettingKey, { label?: string; unit?: string; options?: Record<string, string> }>
> = {
  theme: { label: 'Theme', options: { system: 'Follow system', light: 'Light', dark: 'Dark' } },
  timeFormat: { label: 'Time format', options: { '24h': '24-hour (14:05)', '12h': '12-hour (2:05 PM)' } },
  staleAfterSeconds: { label: 'Stale after', unit: 'seconds' },
  gpuPriceOverrides: { label: 'GPU prices' },
  tokenPriceOverrides: { label: 'Token prices' },
  notifications: {
    label: 'Incident notifications',
    options: { on: 'On', 'do-not-disturb': 'Do not disturb' },
  },
  terminalGpu: {
    label: 'Terminal GPU acceleration',
    options: { auto: 'Auto (a real GPU only)', on: 'On (WebGL whenever offered)', off: 'Off (DOM)' },
  },
};

export function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function settingFields(schema: z.ZodObject = settingsSchema): SettingField[] {
  return Object.entries(schema.shape).map(([name, field]): SettingField => {
    const key = name as SettingKey;
    const extra = presentation[key] ?? {};
    const label = extra.label ?? humanize(key);
    const description = field.description ?? '';
    if (field instanceof z.ZodEnum) {
      const values = field.options.map(String);
      return {
        key,
        kind: 'select',
        label,
        description,
        options: values.map((value) => ({ value, label: extra.options?.[value] ?? humanize(value) })),
      };
    }
    if (field instanceof z.ZodNumber) {
      return {
        key,
        kind: 'number',
        label,
        description,
        min: Number.isFinite(field.minValue) ? field.minValue : null,
        max: Number.isFinite(field.maxValue) ? field.maxValue : null,
        integer: field.isInt,
        unit: extra.unit ?? null,
      };
    }
    return { key, kind: 'text', label, description };
  });
}

/** Form values are strings; numbers go to the core as numbers when they parse, as typed otherwise. */
export function fieldValue(field: SettingField, draft: string): unknown {
  if (field.kind !== 'number') return draft;
  const trimmed = draft.trim();
  const parsed = trimmed === '' ? Number.NaN : Number(trimmed);
  return Number.isFinite(parsed) ? parsed : trimmed;
}

export function toDrafts(settings: Settings): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).map(([key, value]) => [key, String(value)]));
}

/** New saved values under a form: untouched fields take them, edited fields keep the edit. */
export function rebaseDrafts(
  drafts: Record<string, string>,
  previous: Record<string, string>,
  next: Record<string, string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.keys(next).map((key) => [
      key,
      drafts[key] === previous[key] ? next[key]! : (drafts[key] ?? next[key]!),
    ]),
  );
}

/**
 * The core explains a refusal as "Invalid arguments for settings.set: staleAfterSeconds: Too
 * big: ...; theme: ..." (describeIssues in src/shared/contract/validate.ts); this picks out the
 * part about one field so it can sit beside that field.
 */
export function issueFor(key: string, message: string | undefined): string | null {
  if (!message) return null;
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`(?:^|: |; )${escaped}: ([^;]+)`).exec(message);
  return match?.[1]?.trim() ?? null;
}
