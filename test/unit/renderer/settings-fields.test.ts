import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { settingsSchema } from '../../../src/shared/contract/index';
import {
  fieldValue,
  humanize,
  issueFor,
  rebaseDrafts,
  settingFields,
} from '../../../src/renderer/settings/settings-fields';

describe('settings form generated from the schema', () => {
  it('has one control per schema field, typed from the schema', () => {
    const fields = settingFields();
    expect(fields.map((f) => f.key)).toEqual(Object.keys(settingsSchema.shape));
    expect(fields.find((f) => f.key === 'theme')).toMatchObject({
      kind: 'select',
      label: 'Theme',
      options: [
        { value: 'system', label: 'Follow system' },
        { value: 'light', label: 'Light' },
        { value: 'dark', label: 'Dark' },
      ],
    });
    expect(fields.find((f) => f.key === 'timeFormat')).toMatchObject({ kind: 'select' });
    expect(fields.find((f) => f.key === 'staleAfterSeconds')).toMatchObject({
      kind: 'number',
      min: 5,
      max: 3600,
      integer: true,
      unit: 'seconds',
    });
    for (const field of fields) expect(field.description.length).toBeGreaterThan(0);
  });

  it('gives a setting added to the schema a control without any UI work', () => {
    const extended = settingsSchema.extend({
      refreshIntervalSeconds: z.number().min(1).describe('How often views poll.'),
      density: z.enum(['compact', 'comfortable']),
      clusterLabel: z.string(),
    });
    const fields = settingFields(extended);
    expect(fields.find((f) => f.key === ('refreshIntervalSeconds' as never))).toMatchObject({
      kind: 'number',
      label: 'Refresh interval seconds',
      min: 1,
      max: null,
      integer: false,
      description: 'How often views poll.',
    });
    expect(fields.find((f) => f.key === ('density' as never))).toMatchObject({
      kind: 'select',
      label: 'Density',
    });
    expect(fields.find((f) => f.key === ('clusterLabel' as never))).toMatchObject({ kind: 'text' });
  });

  it('sends numbers as numbers and anything else as typed, for the core to judge', () => {
    const [stale] = settingFields().filter((f) => f.key === 'staleAfterSeconds');
    expect(fieldValue(stale!, ' 120 ')).toBe(120);
    expect(fieldValue(stale!, '12.5')).toBe(12.5);
    expect(fieldValue(stale!, '')).toBe('');
    expect(fieldValue(stale!, 'soon')).toBe('soon');
  });

  it("picks each field's part out of the core's refusal", () => {
    const message =
      'Invalid arguments for settings.set: staleAfterSeconds: Too big: expected number to be <=3600; theme: Invalid option: expected one of "system"|"light"|"dark"';
    expect(issueFor('staleAfterSeconds', message)).toBe('Too big: expected number to be <=3600');
    expect(issueFor('theme', message)).toMatch(/^Invalid option/);
    expect(issueFor('timeFormat', message)).toBeNull();
    expect(issueFor('theme', undefined)).toBeNull();
  });

  it('keeps an edit in progress when the saved settings change underneath it', () => {
    const previous = { theme: 'system', staleAfterSeconds: '60' };
    const drafts = { theme: 'system', staleAfterSeconds: '90' };
    expect(rebaseDrafts(drafts, previous, { theme: 'dark', staleAfterSeconds: '60' })).toEqual({
      theme: 'dark',
      staleAfterSeconds: '90',
    });
    // After a save, the saved values equal the edits: nothing is left unsaved.
    expect(rebaseDrafts(drafts, previous, { theme: 'system', staleAfterSeconds: '90' })).toEqual(drafts);
  });

  it('humanizes keys', () => {
    expect(humanize('staleAfterSeconds')).toBe('Stale after seconds');
    expect(humanize('theme')).toBe('Theme');
  });
});
