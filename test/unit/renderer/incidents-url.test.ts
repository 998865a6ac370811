import { describe, expect, it } from 'vitest';
import {
  incidentIdOf,
  incidentListHash,
  incidentTabOf,
  listQueryOf,
  parseIncidentFilter,
} from '../../../src/renderer/views/incidents/incidents-url';
import {
  controlsFor,
  formatDuration,
  incidentDurations,
} from '../../../src/renderer/views/incidents/incident-words';
import { parseRoute } from '../../../src/renderer/routing/routes';
import { offlineWords } from '../../../src/renderer/views/incidents/offline-words';

describe('incidents addresses', () => {
  it('keeps the search in the address and reads back what it wrote', () => {
    const filter = {
      q: 'gateway 502',
      state: 'open' as const,
      severity: 'sev1' as const,
      model: 'llama-70b',
      cluster: 'prod-us',
      from: '2026-03-01',
      to: '2026-03-02',
    };
    const hash = incidentListHash(filter);
    expect(parseRoute(hash)).toEqual({ view: 'incidents' });
    expect(parseIncidentFilter(hash)).toEqual(filter);
    expect(
      incidentListHash({
        ...filter,
        q: '',
        state: '',
        severity: '',
        model: '',
        cluster: '',
        from: '',
        to: '',
      }),
    ).toBe('#/incidents');
  });

  it('ignores values it does not know rather than sending them to the core', () => {
    const f = parseIncidentFilter('#/incidents?state=exploded&severity=sev9&from=yesterday');
    expect(f).toMatchObject({ state: '', severity: '', from: '' });
    expect(listQueryOf(f)).toEqual({});
  });

  it('asks for whole local days, both ends included', () => {
    const q = listQueryOf(parseIncidentFilter('#/incidents?from=2026-03-01&to=2026-03-02&q=%20x%20'));
    expect(q.query).toBe('x');
    expect(q.from).toBe(new Date(2026, 2, 1).getTime());
    expect(q.to).toBe(new Date(2026, 2, 3).getTime() - 1);
  });

  it('reads the incident id and tab of a detail address', () => {
    expect(parseRoute('#/incidents/inc-1a2b')).toEqual({ view: 'incident-detail' });
    expect(incidentIdOf('#/incidents/inc-1a2b?tab=postmortem')).toBe('inc-1a2b');
    expect(incidentIdOf('#/incidents/inc%2F1')).toBe('inc/1');
    expect(incidentIdOf('#/incidents')).toBeNull();
    expect(incidentTabOf('#/incidents/inc-1?tab=postmortem')).toBe('postmortem');
    expect(incidentTabOf('#/incidents/inc-1')).toBe('timeline');
  });
});

describe('incident words', () => {
  it('says durations the way an incident channel does', () => {
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(7 * 60_000)).toBe('7 min');
    expect(formatDuration(3 * 3600_000 + 5 * 60_000)).toBe('3 h 05 min');
    expect(formatDuration(52 * 3600_000)).toBe('2 d 4 h');
    expect(formatDuration(null)).toBe('—');
  });

  it('measures detect, mitigate and resolve from when impact began', () => {
    const d = incidentDurations({
      startedAt: 0,
      detectedAt: 60_000,
      mitigatedAt: 600_000,
      resolvedAt: null,
    } as never);
    expect(d).toEqual({ ttd: 60_000, ttm: 600_000, ttr: null });
  });

  it('offers only the moves the state allows', () => {
    expect(controlsFor('open')).toEqual(['acknowledge', 'mitigate', 'resolve']);
    expect(controlsFor('resolved')).toEqual(['reopen']);
  });
});

describe('the offline banner', () => {
  const at = new Date(2026, 0, 5, 14, 2, 9).getTime();
  it('says since when, in the status bar words, and where the incidents come from', () => {
    expect(offlineWords('stale', at, '24h')).toEqual({
      head: 'Offline since 14:02 — showing incidents from the local database',
      why: 'The newest live data arrived at 14:02:09.',
    });
    expect(offlineWords('offline', at, '12h')?.head).toBe(
      'Offline since 2:02 PM — showing incidents from the local database',
    );
    expect(offlineWords('offline', null, '24h')?.why).toBe('Not connected to the Fleetdeck core.');
    expect(offlineWords('none', null, '24h')?.head).toBe(
      'Offline: no live data from any source — showing incidents from the local database',
    );
    expect(offlineWords('live', at, '24h')).toBeNull();
  });
});
