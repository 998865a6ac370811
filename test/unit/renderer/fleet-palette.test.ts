import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../../src/shared/contract/index';
import { isPaletteShortcut } from '../../../src/renderer/palette/CommandPalette';
import { buildPaletteIndex, searchPalette } from '../../../src/renderer/palette/palette-search';

const endpoint = (id: string, name: string, model: string, cluster = 'prod-us-east'): Endpoint =>
  ({
    id,
    name,
    model,
    version: 'v1',
    cluster,
    region: 'us-east-1',
    health: { status: 'ok', reason: '', since: null },
  }) as Endpoint;

const fleet = [
  endpoint('prod-us-east:llm:llama-8b-chat', 'llama-8b-chat', 'llama-3.1-8b-instruct'),
  endpoint('prod-eu-west:llm:llama-70b-chat', 'llama-70b-chat', 'llama-3.1-70b-instruct', 'prod-eu-west'),
  endpoint('staging:llm:qwen-coder', 'qwen-coder', 'qwen2.5-coder-32b-instruct', 'staging'),
];

describe('command palette search', () => {
  const index = buildPaletteIndex(fleet);

  it('lists views, models and clusters, with links the views read', () => {
    const byKey = new Map(index.map((i) => [i.key, i]));
    expect(byKey.get('view:Fleet')?.hash).toBe('#/fleet');
    expect(byKey.get('view:Sources')?.hash).toBe('#/settings/sources');
    expect(byKey.get('model:llama-3.1-70b-instruct')?.hash).toBe('#/endpoints?model=llama-3.1-70b-instruct');
    expect(byKey.get('cluster:staging')?.hash).toBe('#/endpoints?cluster=staging');
    expect(byKey.get('endpoint:staging:llm:qwen-coder')?.hash).toBe('#/endpoints/staging%3Allm%3Aqwen-coder');
  });

  it('ranks exact and prefix matches first and finds scattered letters in order', () => {
    expect(searchPalette(index, 'fleet')[0]?.key).toBe('view:Fleet');
    expect(searchPalette(index, 'qwen')[0]?.label).toMatch(/^qwen/);
    expect(searchPalette(index, 'l70').map((r) => r.label)).toContain('llama-70b-chat');
    expect(searchPalette(index, 'zq9')).toEqual([]);
    // By endpoint id, and by model for an endpoint.
    expect(searchPalette(index, 'prod-eu-west:llm').map((r) => r.key)).toContain(
      'endpoint:prod-eu-west:llm:llama-70b-chat',
    );
  });

  it('returns at most 50 results and stays fast at 10,000 endpoints', () => {
    const big = Array.from({ length: 10_000 }, (_, i) =>
      endpoint(`c${i % 6}:ns:ep-${i}`, `ep-${i}`, `model-${i % 40}`, `cluster-${i % 6}`),
    );
    const started = performance.now();
    const bigIndex = buildPaletteIndex(big);
    const built = performance.now();
    const results = searchPalette(bigIndex, 'ep-99');
    const searched = performance.now();
    expect(results).toHaveLength(50);
    expect(results[0]?.label).toBe('ep-99');
    expect(searchPalette(bigIndex, '')).toHaveLength(50);
    expect(built - started).toBeLessThan(200);
    expect(searched - built).toBeLessThan(50);
  });

  it('opens with Ctrl+K and Cmd+K only', () => {
    const k = { key: 'k', ctrlKey: true, metaKey: false, altKey: false, shiftKey: false };
    expect(isPaletteShortcut(k)).toBe(true);
    expect(isPaletteShortcut({ ...k, ctrlKey: false, metaKey: true })).toBe(true);
    expect(isPaletteShortcut({ ...k, shiftKey: true })).toBe(false);
    expect(isPaletteShortcut({ ...k, ctrlKey: false })).toBe(false);
  });
});
