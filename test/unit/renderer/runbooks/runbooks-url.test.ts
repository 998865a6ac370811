import { describe, expect, it } from 'vitest';
import type { RunbookSummary } from '../../../../src/shared/contract/index';
import { parseRoute } from '../../../../src/renderer/routing/routes';
import { filterRunbooks } from '../../../../src/renderer/views/runbooks/library-filter';
import {
  historyHash,
  libraryHash,
  parseHistoryFilter,
  parseLibraryFilter,
  runbookHash,
  runbookIdOf,
  runIdOf,
} from '../../../../src/renderer/views/runbooks/runbooks-url';

const summary = (id: string, extra: Partial<RunbookSummary> = {}): RunbookSummary => ({
  id,
  title: id,
  description: '',
  tags: [],
  severity: 'info',
  source: 'builtin',
  file: `${id}.yaml`,
  stepCount: 1,
  destructive: false,
  relevance: null,
  ...extra,
});

describe('runbook addresses', () => {
  it('routes the library, a runbook, the history and a run', () => {
    expect(parseRoute('#/runbooks?q=x').view).toBe('runbooks');
    expect(parseRoute('#/runbooks/scale-out?endpoint=a%3Ab').view).toBe('runbook-detail');
    expect(parseRoute('#/runs').view).toBe('runs');
    expect(parseRoute('#/runs/r-1').view).toBe('run-detail');
  });

  it('round-trips filters and ids, including ids with ":"', () => {
    const f = { q: 'gpu node', tag: 'gpu', severity: 'high', source: 'user' as const, endpoint: 'c:ns:name' };
    expect(parseLibraryFilter(libraryHash(f))).toEqual(f);
    expect(libraryHash({ q: '', tag: '', severity: '', source: '', endpoint: '' })).toBe('#/runbooks');
    const h = runbookHash('scale-out', 'prod:embed:bge');
    expect(runbookIdOf(h)).toBe('scale-out');
    expect(parseLibraryFilter(h).endpoint).toBe('prod:embed:bge');
    expect(runIdOf('#/runs/abc%2Fdef')).toBe('abc/def');
    const hf = { q: 'latency', runbook: 'scale-out', endpoint: 'e', state: 'failed' as const };
    expect(parseHistoryFilter(historyHash(hf))).toEqual(hf);
    expect(parseHistoryFilter('#/runs?state=bogus').state).toBe('');
  });

  it('puts the relevant runbooks first, in the core order, then by severity and title', () => {
    const all = [
      summary('b-info'),
      summary('a-high', { severity: 'high' }),
      summary('z-relevant', { relevance: 'latency_p95 above SLO' }),
      summary('y-relevant', { relevance: 'queue_depth high' }),
    ];
    const none = { q: '', tag: '', severity: '', source: '' as const, endpoint: '' };
    expect(filterRunbooks(all, none).map((r) => r.id)).toEqual([
      'z-relevant',
      'y-relevant',
      'a-high',
      'b-info',
    ]);
    expect(filterRunbooks(all, { ...none, q: 'HIGH a' }).map((r) => r.id)).toEqual(['a-high']);
    expect(filterRunbooks(all, { ...none, severity: 'info' }).map((r) => r.id)).toEqual([
      'z-relevant',
      'y-relevant',
      'b-info',
    ]);
  });
});
