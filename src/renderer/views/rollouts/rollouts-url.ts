import { rolloutStateSchema, type RolloutState } from '../../../shared/contract/index';
import { hashQuery } from '../endpoints/url-state';

/**
 * The rollout views keep their state in the address, like the run history, so reload, Back and
 * a link pasted into the incident channel land on the same screen:
 * `#/rollouts?show=active|past&state=..&q=..`, `#/rollouts/new?endpoint=<id>&version=..&strategy=..`,
 * `#/rollouts/<id>`.
 */

export type Strategy = 'canary' | 'blueGreen' | 'ab';
export const strategies: readonly Strategy[] = ['canary', 'blueGreen', 'ab'];

export interface RolloutFilter {
  show: 'all' | 'active' | 'past';
  state: RolloutState | '';
  q: string;
}

const withQuery = (path: string, entries: Array<[string, string]>): string => {
  const query = new URLSearchParams(entries.filter(([, v]) => v.length > 0)).toString();
  return query ? `${path}?${query}` : path;
};

export function parseRolloutFilter(hash: string): RolloutFilter {
  const p = hashQuery(hash);
  const show = p.get('show');
  const state = rolloutStateSchema.safeParse(p.get('state'));
  return {
    show: show === 'active' || show === 'past' ? show : 'all',
    state: state.success ? state.data : '',
    q: p.get('q') ?? '',
  };
}

export const rolloutListHash = (f: RolloutFilter): string =>
  withQuery('#/rollouts', [
    ['show', f.show === 'all' ? '' : f.show],
    ['state', f.state],
    ['q', f.q],
  ]);

/** The one id in `#/rollouts/<id>`, decoded; null for the list and for `new`. */
export function rolloutIdOf(hash: string): string | null {
  const segments = (hash.replace(/^#/, '').split('?')[0] ?? '').split('/').filter((s) => s.length > 0);
  if (segments.length !== 2 || segments[0] !== 'rollouts' || !segments[1] || segments[1] === 'new')
    return null;
  try {
    return decodeURIComponent(segments[1]);
  } catch {
    return segments[1];
  }
}

export interface NewRolloutParams {
  endpoint: string;
  version: string;
  strategy: Strategy;
}

export function parseNewRollout(hash: string): NewRolloutParams {
  const p = hashQuery(hash);
  const strategy = p.get('strategy');
  return {
    endpoint: p.get('endpoint') ?? '',
    version: p.get('version') ?? '',
    strategy: strategies.includes(strategy as Strategy) ? (strategy as Strategy) : 'canary',
  };
}

export const newRolloutHash = (f: Partial<NewRolloutParams>): string =>
  withQuery('#/rollouts/new', [
    ['endpoint', f.endpoint ?? ''],
    ['version', f.version ?? ''],
    ['strategy', f.strategy && f.strategy !== 'canary' ? f.strategy : ''],
  ]);
