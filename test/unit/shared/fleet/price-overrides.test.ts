import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../../../../src/shared/contract/validate';
import {
  parseGpuPriceOverrides,
  parseTokenPriceOverrides,
} from '../../../../src/shared/fleet/price-overrides';

describe('price overrides typed in Settings', () => {
  it('reads instance prices and token prices, commas or new lines, blanks ignored', () => {
    expect(parseGpuPriceOverrides('p5.48xlarge=90, g5.12xlarge = 5.10\n\n')).toEqual({
      ok: true,
      value: { 'p5.48xlarge': 90, 'g5.12xlarge': 5.1 },
    });
    expect(parseTokenPriceOverrides('gpt-4o=2.5/10,my-org/model:v2 = 0.4 / 1.6')).toEqual({
      ok: true,
      value: { 'gpt-4o': { input: 2.5, output: 10 }, 'my-org/model:v2': { input: 0.4, output: 1.6 } },
    });
    expect(parseGpuPriceOverrides('')).toEqual({ ok: true, value: {} });
  });

  it('names the item that is wrong and shows the expected form', () => {
    expect(parseGpuPriceOverrides('p5.48xlarge=90, g5.12xlarge=cheap')).toEqual({
      ok: false,
      error: '"g5.12xlarge=cheap" is not instance-type=USD per hour (e.g. p5.48xlarge=90)',
    });
    expect(parseGpuPriceOverrides('p5=-3').ok).toBe(false);
    expect(parseTokenPriceOverrides('gpt-4o=2.5').ok).toBe(false);
  });

  it('settings.set refuses a malformed override with that reason', () => {
    expect(() => parseCommandArgs('settings.set', { gpuPriceOverrides: 'p5.48xlarge:90' })).toThrow(
      /gpuPriceOverrides: "p5.48xlarge:90" is not instance-type=USD per hour/,
    );
    expect(parseCommandArgs('settings.set', { tokenPriceOverrides: 'gpt-4o=2.5/10' })).toEqual({
      tokenPriceOverrides: 'gpt-4o=2.5/10',
    });
  });
});
