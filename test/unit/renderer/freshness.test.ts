import { describe, expect, it } from 'vitest';
import { formatClock, formatDate, formatBytes } from '../../../src/renderer/format/display-format';
import { describeFreshness, type FreshnessInput } from '../../../src/renderer/status/freshness';

// Local wall-clock times, so the expectations hold in any time zone.
const at = (h: number, m: number, s = 0) => new Date(2025, 2, 14, h, m, s).getTime();

const base: FreshnessInput = {
  connection: 'connected',
  dataFreshAt: null,
  now: at(14, 5),
  staleAfterSeconds: 60,
  timeFormat: '24h',
};

describe('data freshness wording', () => {
  it('says "no live data yet" before any source has delivered', () => {
    expect(describeFreshness(base)).toMatchObject({ kind: 'none', label: 'no live data yet' });
  });

  it('says "live" while the newest data is within the stale-after window (boundary included)', () => {
    expect(describeFreshness({ ...base, dataFreshAt: at(14, 4, 30) })).toMatchObject({
      kind: 'live',
      label: 'live',
    });
    expect(describeFreshness({ ...base, dataFreshAt: at(14, 4, 0) })).toMatchObject({ kind: 'live' });
  });

  it('says "stale since HH:MM" once the data is older than staleAfterSeconds', () => {
    const stale = describeFreshness({ ...base, dataFreshAt: at(14, 2, 10) });
    expect(stale).toMatchObject({ kind: 'stale', label: 'stale since 14:02' });
    expect(stale.detail).toContain('60 s');
    expect(describeFreshness({ ...base, dataFreshAt: at(14, 3, 59) }).kind).toBe('stale');
  });

  it('follows the stale-after setting and the time format', () => {
    const input = { ...base, dataFreshAt: at(14, 2, 10) };
    expect(describeFreshness({ ...input, staleAfterSeconds: 600 }).kind).toBe('live');
    expect(describeFreshness({ ...input, timeFormat: '12h' }).label).toBe('stale since 2:02 PM');
  });

  it('says "offline" when disconnected, whatever the data', () => {
    expect(describeFreshness({ ...base, connection: 'disconnected' })).toMatchObject({
      kind: 'offline',
      label: 'offline',
    });
    expect(describeFreshness({ ...base, connection: 'disconnected', dataFreshAt: at(14, 4, 59) }).label).toBe(
      'offline',
    );
  });

  it('does not call a reconnect blip offline', () => {
    expect(describeFreshness({ ...base, connection: 'connecting', dataFreshAt: at(14, 4, 50) }).kind).toBe(
      'live',
    );
  });
});

describe('display formats', () => {
  it('formats clock times in 24-hour and 12-hour styles', () => {
    expect(formatClock(at(0, 7), '24h')).toBe('00:07');
    expect(formatClock(at(0, 7), '12h')).toBe('12:07 AM');
    expect(formatClock(at(12, 0), '12h')).toBe('12:00 PM');
    expect(formatClock(at(23, 59, 5), '24h', true)).toBe('23:59:05');
    expect(formatClock(at(9, 3, 5), '12h', true)).toBe('9:03:05 AM');
  });

  it('formats dates as ISO days and sizes in binary units', () => {
    expect(formatDate(at(9, 0))).toBe('2025-03-14');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(4096)).toBe('4.0 KiB');
    expect(formatBytes(64 * 1024 * 1024)).toBe('64 MiB');
  });
});
