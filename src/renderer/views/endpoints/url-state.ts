import type { HealthStatus } from '../../../shared/contract/index';

/**
 * The endpoints table's state lives in the address (`#/endpoints?q=..&health=critical&sort=..`),
 * so reload, bookmarks and shared links restore it (issue 4: "keep the filter in the URL"). The
 * Fleet view links here with `?region=`, the command palette with `?model=` / `?cluster=`.
 */
export const facetKeys = ['source', 'cluster', 'region', 'model', 'health'] as const;
export type FacetKey = (typeof facetKeys)[number];

export const sortKeys = [
  'name',
  'model',
  'version',
  'source',
  'cluster',
  'region',
  'replicas',
  'gpus',
  'request_rate',
  'latency_p95',
  'ttft_p95',
  'error_rate',
  'spend_per_hour',
  'health',
  'freshness',
] as const;
export type SortKey = (typeof sortKeys)[number];

export type GroupBy = 'none' | 'model' | 'cluster';

export interface TableState {
  q: string;
  facets: Record<FacetKey, string[]>;
  sort: SortKey;
  order: 'asc' | 'desc';
  group: GroupBy;
}

export const emptyFacets = (): Record<FacetKey, string[]> => ({
  source: [],
  cluster: [],
  region: [],
  model: [],
  health: [],
});

export const DEFAULT_TABLE_STATE: TableState = {
  q: '',
  facets: emptyFacets(),
  sort: 'name',
  order: 'asc',
  group: 'none',
};

const healthValues: readonly HealthStatus[] = ['ok', 'warning', 'critical', 'unknown'];

/** The query part of a hash (`#/endpoints?x=1` -> `x=1`). */
export const hashQuery = (hash: string): URLSearchParams => {
  const at = hash.indexOf('?');
  return new URLSearchParams(at >= 0 ? hash.slice(at + 1) : '');
};

/**
 * Reads the table state. Facets may repeat (`region=a&region=b`) or be comma separated; unknown
 * sort keys and groups fall back to the defaults rather than failing a pasted link.
 */
export function parseTableState(hash: string): TableState {
  const params = hashQuery(hash);
  const facets = emptyFacets();
  for (const key of facetKeys) {
    const values = params
      .getAll(key)
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v.length > 0);
    facets[key] =
      key === 'health'
        ? values.filter((v) => (healthValues as readonly string[]).includes(v))
        : [...new Set(values)];
  }
  const sort = params.get('sort');
  const order = params.get('order');
  const group = params.get('group');
  return {
    q: params.get('q') ?? '',
    facets,
    sort: sort && (sortKeys as readonly string[]).includes(sort) ? (sort as SortKey) : 'name',
    order: order === 'desc' ? 'desc' : 'asc',
    group: group === 'model' || group === 'cluster' ? group : 'none',
  };
}

/** Writes the table state as a hash; defaults are left out so links stay short. */
export function tableStateHash(state: TableState): string {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  for (const key of facetKeys) for (const v of state.facets[key]) params.append(key, v);
  if (state.sort !== 'name' || state.order !== 'asc') {
    params.set('sort', state.sort);
    params.set('order', state.order);
  }
  if (state.group !== 'none') params.set('group', state.group);
  const query = params.toString();
  return query ? `#/endpoints?${query}` : '#/endpoints';
}

/** The id in `#/endpoints/<id>`, decoded; null when the hash is not a detail address. */
export function detailIdOf(hash: string): string | null {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const path = raw.split('?')[0] ?? '';
  const segments = path.split('/').filter((s) => s.length > 0);
  if (segments.length !== 2 || segments[0] !== 'endpoints') return null;
  try {
    return decodeURIComponent(segments[1]!);
  } catch {
    return segments[1]!;
  }
}

export const detailRanges = ['15m', '1h', '6h', '24h', '7d'] as const;
export type DetailRange = (typeof detailRanges)[number];
export const rangeMs: Record<DetailRange, number> = {
  '15m': 15 * 60_000,
  '1h': 60 * 60_000,
  '6h': 6 * 60 * 60_000,
  '24h': 24 * 60 * 60_000,
  '7d': 7 * 24 * 60 * 60_000,
};

export function parseDetailRange(hash: string): DetailRange {
  const range = hashQuery(hash).get('range');
  return range && (detailRanges as readonly string[]).includes(range) ? (range as DetailRange) : '1h';
}

export const detailHash = (id: string, range?: DetailRange): string =>
  `#/endpoints/${encodeURIComponent(id)}${range && range !== '1h' ? `?range=${range}` : ''}`;
