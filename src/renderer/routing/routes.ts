/**
 * Hash routes, so a view can be reloaded and a link to it shared (issue 2, "deep links as hash
 * routes"). Later areas add their id and path here (`#/fleet`, `#/endpoints/<id>`); until they
 * exist an address for them is simply not found.
 */
export const viewIds = [
  'fleet',
  'about',
  'settings',
  'sources',
  'source-new',
  'demo',
  'endpoints',
  'endpoint-detail',
  'spend',
  'terminal',
  'runbooks',
  'runbook-detail',
  'runs',
  'run-detail',
  'rollouts',
  'rollout-new',
  'rollout-detail',
  'incidents',
  'incident-detail',
  'healing',
] as const;
export type ViewId = (typeof viewIds)[number];

/**
 * Where each view lives. Sources are part of Settings (issue 3 §2: "added, tested, listed and
 * removed from Settings"), so their addresses sit under it.
 */
const viewPaths: Record<ViewId, string> = {
  fleet: 'fleet',
  about: 'about',
  settings: 'settings',
  sources: 'settings/sources',
  'source-new': 'settings/sources/new',
  demo: 'demo',
  endpoints: 'endpoints',
  // The id comes from the address itself (views/endpoints/url-state.ts); never matched literally.
  'endpoint-detail': 'endpoints/:id',
  // `#/spend?by=model&range=7d`: the query is the view's own state (views/spend/spend-url.ts).
  spend: 'spend',
  // `#/terminal/<sessionId>` opens that tab; the id is read from the address (views/terminal/terminal-url.ts).
  terminal: 'terminal',
  // Runbooks and their runs (issue 5); ids come from the address (views/runbooks/runbooks-url.ts).
  runbooks: 'runbooks',
  'runbook-detail': 'runbooks/:id',
  runs: 'runs',
  'run-detail': 'runs/:id',
  // Rollouts (issue 6); `#/rollouts/new?endpoint=<id>` and `#/rollouts/<id>` (views/rollouts/rollouts-url.ts).
  rollouts: 'rollouts',
  'rollout-new': 'rollouts/new',
  'rollout-detail': 'rollouts/:id',
  // Incidents (issue 7); `#/incidents?q=..&state=..` and `#/incidents/<id>` (views/incidents/incidents-url.ts).
  incidents: 'incidents',
  'incident-detail': 'incidents/:id',
  // Self-healing policies, freezes and their actions (issue 7). A literal path, so it is matched
  // before the `incidents/<id>` prefix rule below (an incident id never reads 'policies').
  healing: 'incidents/policies',
};

export type Route = { view: ViewId } | { view: 'not-found'; path: string };

/** The fleet at a glance is what an on-call engineer opens the console for (issue 4). */
export const DEFAULT_ROUTE: Route = { view: 'fleet' };

export const routeHash = (view: ViewId): string => `#/${viewPaths[view]}`;

const viewAt = (path: string): ViewId | undefined => viewIds.find((id) => viewPaths[id] === path);

/**
 * Reads `location.hash`. Empty, `#` and `#/` are the default view; a trailing slash and a query
 * (`#/settings?from=menu`) are tolerated so pasted links still work; anything else is not found.
 */
export function parseRoute(hash: string): Route {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const path = raw.split('?')[0] ?? '';
  const segments = path.split('/').filter((segment) => segment.length > 0);
  if (segments.length === 0) return DEFAULT_ROUTE;
  const joined = segments.join('/');
  const view = viewAt(joined);
  if (view) return { view };
  // `#/endpoints/<id>`: ids hold ':' and may be percent-encoded, so one segment after the prefix.
  if (segments.length === 2 && segments[0] === 'endpoints') return { view: 'endpoint-detail' };
  if (segments.length === 2 && segments[0] === 'terminal') return { view: 'terminal' };
  if (segments.length === 2 && segments[0] === 'runbooks') return { view: 'runbook-detail' };
  if (segments.length === 2 && segments[0] === 'runs') return { view: 'run-detail' };
  if (segments.length === 2 && segments[0] === 'rollouts') return { view: 'rollout-detail' };
  if (segments.length === 2 && segments[0] === 'incidents') return { view: 'incident-detail' };
  return { view: 'not-found', path: `/${joined}` };
}

export const sameRoute = (a: Route, b: Route): boolean =>
  a.view === b.view && (a.view !== 'not-found' || (b.view === 'not-found' && a.path === b.path));
