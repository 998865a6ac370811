/**
 * Hash routes, so a view can be reloaded and a link to it shared (issue 2, "deep links as hash
 * routes"). Later areas add their id here (`#/fleet`, `#/endpoints/<id>`); until they exist an
 * address for them is simply not found.
 */
export const viewIds = ['about', 'settings'] as const;
export type ViewId = (typeof viewIds)[number];

export type Route = { view: ViewId } | { view: 'not-found'; path: string };

export const DEFAULT_ROUTE: Route = { view: 'about' };

export const routeHash = (view: ViewId): string => `#/${view}`;

const isViewId = (value: string): value is ViewId => (viewIds as readonly string[]).includes(value);

/**
 * Reads `location.hash`. Empty, `#` and `#/` are the default view; a trailing slash and a query
 * (`#/settings?from=menu`) are tolerated so pasted links still work; anything else is not found.
 */
export function parseRoute(hash: string): Route {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const path = raw.split('?')[0] ?? '';
  const segments = path.split('/').filter((segment) => segment.length > 0);
  if (segments.length === 0) return DEFAULT_ROUTE;
  const [first] = segments;
  if (segments.length === 1 && first !== undefined && isViewId(first)) return { view: first };
  return { view: 'not-found', path: `/${segments.join('/')}` };
}

export const sameRoute = (a: Route, b: Route): boolean =>
  a.view === b.view && (a.view !== 'not-found' || (b.view === 'not-found' && a.path === b.path));
