import { describe, expect, it } from 'vitest';
import { createBackoff } from '../../../src/renderer/api/backoff';
import { connectionWords } from '../../../src/renderer/shell/connection-words';
import { shortcutTarget } from '../../../src/renderer/shell/useShellEffects';

const key = (over: Partial<Parameters<typeof shortcutTarget>[0]>) => ({
  key: '',
  code: '',
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...over,
});

describe('keyboard shortcuts', () => {
  it('opens Settings with Ctrl+, and Cmd+,', () => {
    expect(shortcutTarget(key({ key: ',', code: 'Comma', ctrlKey: true }))).toBe('settings');
    expect(shortcutTarget(key({ key: ',', code: 'Comma', metaKey: true }))).toBe('settings');
    expect(shortcutTarget(key({ key: ',', code: 'Comma' }))).toBeNull();
    expect(shortcutTarget(key({ key: '<', code: 'Comma', ctrlKey: true, shiftKey: true }))).toBeNull();
  });

  it('switches views with Alt+1 and Alt+2 by physical key (macOS types "¡" for Alt+1)', () => {
    expect(shortcutTarget(key({ key: '1', code: 'Digit1', altKey: true }))).toBe('about');
    expect(shortcutTarget(key({ key: '¡', code: 'Digit1', altKey: true }))).toBe('about');
    expect(shortcutTarget(key({ key: '2', code: 'Digit2', altKey: true }))).toBe('settings');
    expect(shortcutTarget(key({ key: '3', code: 'Digit3', altKey: true }))).toBeNull();
    expect(shortcutTarget(key({ key: '1', code: 'Digit1' }))).toBeNull();
    expect(shortcutTarget(key({ key: '1', code: 'Digit1', altKey: true, ctrlKey: true }))).toBeNull();
  });
});

describe('connection words', () => {
  it('tells a first connect from a reconnect, and never relies on colour', () => {
    expect(connectionWords('connected', true)).toEqual({ state: 'connected', label: 'Connected' });
    expect(connectionWords('connecting', false)).toEqual({ state: 'connecting', label: 'Connecting…' });
    expect(connectionWords('connecting', true)).toEqual({ state: 'reconnecting', label: 'Reconnecting…' });
    expect(connectionWords('disconnected', true)).toEqual({ state: 'disconnected', label: 'Disconnected' });
  });
});

describe('backoff', () => {
  it('grows exponentially to the cap and resets', () => {
    const backoff = createBackoff({ initialMs: 250, maxMs: 2000, jitter: 0 });
    expect([1, 2, 3, 4, 5].map(() => backoff.next())).toEqual([250, 500, 1000, 2000, 2000]);
    backoff.reset();
    expect(backoff.next()).toBe(250);
  });

  it('spreads retries by the jitter fraction without passing the cap', () => {
    const low = createBackoff({ initialMs: 1000, maxMs: 1000, jitter: 0.2, random: () => 0 });
    const high = createBackoff({ initialMs: 1000, maxMs: 1000, jitter: 0.2, random: () => 0.999 });
    expect(low.next()).toBe(800);
    expect(high.next()).toBe(1000);
  });
});
