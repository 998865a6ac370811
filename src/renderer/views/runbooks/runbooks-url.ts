import { runStateSchema, type RunState } from '../../../shared/contract/index';
import { hashQuery } from '../endpoints/url-state';

/**
 * The runbook views keep their state in the address, like the endpoints table, so reload,
 * Back and a link pasted into the incident channel all land on the same screen:
 * `#/runbooks?q=..&tag=..&severity=..&source=..&endpoint=<id>`, `#/runbooks/<id>?endpoint=<id>`,
 * `#/runs/<runId>`, `#/runs?q=..&runbook=..&endpoint=..&state=..`.
 */

export interface LibraryFilter {
  q: string;
  tag: string;
  severity: string;
  source: '' | 'builtin' | 'user';
  /** The endpoint the engineer came from: its relevant runbooks first. */
  endpoint: string;
}

const pathOf = (hash: string): string[] =>
  (hash.replace(/^#/, '').split('?')[0] ?? '').split('/').filter((s) => s.length > 0);

/** The one id after a prefix (`#/runbooks/<id>`), decoded; null when the address has none. */
function idAfter(hash: string, prefix: string): string | null {
  const segments = pathOf(hash);
  if (segments.length !== 2 || segments[0] !== prefix || !segments[1]) return null;
  try {
    return decodeURIComponent(segments[1]);
  } catch {
    return segments[1];
  }
}

export const runbookIdOf = (hash: string): string | null => idAfter(hash, 'runbooks');
export const runIdOf = (hash: string): string | null => idAfter(hash, 'runs');

export function parseLibraryFilter(hash: string): LibraryFilter {
  const p = hashQuery(hash);
  const source = p.get('source');
  return {
    q: p.get('q') ?? '',
    tag: p.get('tag') ?? '',
    severity: p.get('severity') ?? '',
    source: source === 'builtin' || source === 'user' ? source : '',
    endpoint: p.get('endpoint') ?? '',
  };
}

const withQuery = (path: string, entries: Array<[string, string]>): string => {
  const query = new URLSearchParams(entries.filter(([, v]) => v.length > 0)).toString();
  return query ? `${path}?${query}` : path;
};

export const libraryHash = (f: LibraryFilter): string =>
  withQuery('#/runbooks', [
    ['q', f.q],
    ['tag', f.tag],
    ['severity', f.severity],
    ['source', f.source],
    ['endpoint', f.endpoint],
  ]);

export const runbookHash = (id: string, endpoint?: string | null): string =>
  withQuery(`#/runbooks/${encodeURIComponent(id)}`, [['endpoint', endpoint ?? '']]);

export const endpointOf = (hash: string): string => hashQuery(hash).get('endpoint') ?? '';

export interface HistoryFilter {
  q: string;
  runbook: string;
  endpoint: string;
  state: RunState | '';
}

export function parseHistoryFilter(hash: string): HistoryFilter {
  const p = hashQuery(hash);
  const state = runStateSchema.safeParse(p.get('state'));
  return {
    q: p.get('q') ?? '',
    runbook: p.get('runbook') ?? '',
    endpoint: p.get('endpoint') ?? '',
    state: state.success ? state.data : '',
  };
}

export const historyHash = (f: HistoryFilter): string =>
  withQuery('#/runs', [
    ['q', f.q],
    ['runbook', f.runbook],
    ['endpoint', f.endpoint],
    ['state', f.state],
  ]);
