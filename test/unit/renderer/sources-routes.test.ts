import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash, viewIds } from '../../../src/renderer/routing/routes';
import { railEntryOf } from '../../../src/renderer/shell/views';

describe('routes for sources and demo faults', () => {
  it('puts Sources under Settings and Demo faults at #/demo, and reads them back', () => {
    expect(routeHash('sources')).toBe('#/settings/sources');
    expect(routeHash('source-new')).toBe('#/settings/sources/new');
    expect(routeHash('demo')).toBe('#/demo');
    for (const view of viewIds) expect(parseRoute(routeHash(view))).toEqual({ view });
    expect(parseRoute('#/settings/sources/')).toEqual({ view: 'sources' });
    expect(parseRoute('#/settings/sources/new?kind=prometheus')).toEqual({ view: 'source-new' });
  });

  it('still reports anything else under them as not found', () => {
    expect(parseRoute('#/settings/sources/demo')).toEqual({
      view: 'not-found',
      path: '/settings/sources/demo',
    });
    expect(parseRoute('#/sources')).toEqual({ view: 'not-found', path: '/sources' });
    expect(parseRoute('#/demo/faults')).toEqual({ view: 'not-found', path: '/demo/faults' });
  });

  it('marks Sources in the rail while adding one', () => {
    expect(railEntryOf('source-new')).toBe('sources');
    expect(railEntryOf('sources')).toBe('sources');
    expect(railEntryOf('settings')).toBe('settings');
    expect(railEntryOf('not-found')).toBeNull();
  });
});
