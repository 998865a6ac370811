import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUTE, parseRoute, routeHash, sameRoute } from '../../../src/renderer/routing/routes';

describe('hash route parser', () => {
  it('sends an empty hash, "#" and "#/" to the default view (the Fleet)', () => {
    for (const hash of ['', '#', '#/', '#//']) expect(parseRoute(hash)).toEqual(DEFAULT_ROUTE);
    expect(DEFAULT_ROUTE).toMatchObject({ view: 'fleet' });
  });

  it('reads the views that exist, tolerating a trailing slash and a query', () => {
    expect(parseRoute('#/about')).toEqual({ view: 'about' });
    expect(parseRoute('#/settings')).toEqual({ view: 'settings' });
    expect(parseRoute('#/settings/')).toEqual({ view: 'settings' });
    expect(parseRoute('#/settings?from=menu')).toEqual({ view: 'settings' });
    expect(parseRoute('settings')).toEqual({ view: 'settings' });
  });

  it('reports everything else as not found, keeping the path to show', () => {
    expect(parseRoute('#/fleets')).toEqual({ view: 'not-found', path: '/fleets' });
    expect(parseRoute('#/endpoints/a/b')).toMatchObject({ view: 'not-found' });
    expect(parseRoute('#/settings/theme')).toEqual({ view: 'not-found', path: '/settings/theme' });
    expect(parseRoute('#/Settings')).toEqual({ view: 'not-found', path: '/Settings' });
  });

  it('round-trips with routeHash and compares routes', () => {
    expect(parseRoute(routeHash('settings'))).toEqual({ view: 'settings' });
    expect(sameRoute({ view: 'about' }, { view: 'about' })).toBe(true);
    expect(sameRoute({ view: 'not-found', path: '/a' }, { view: 'not-found', path: '/b' })).toBe(false);
    expect(sameRoute({ view: 'about' }, { view: 'settings' })).toBe(false);
  });
});
