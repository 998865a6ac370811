import type { TopologySize } from './fleet-topology-model';

export type FleetPanel = 'map' | 'topology';

export interface FleetViewParams {
  panel: FleetPanel;
  size: TopologySize;
}

/**
 * The Fleet view keeps its panel and treemap sizing in the hash query, so a reload, a bookmark
 * or a link pasted in the incident channel opens the same view (`#/fleet?view=topology&size=spend`).
 */
export function parseFleetParams(hash: string): FleetViewParams {
  const query = hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '';
  const params = new URLSearchParams(query);
  return {
    panel: params.get('view') === 'topology' ? 'topology' : 'map',
    size: params.get('size') === 'spend' ? 'spend' : 'traffic',
  };
}

/** Defaults are left out, so the plain view stays `#/fleet`. */
export function fleetHash(params: FleetViewParams): string {
  const query = new URLSearchParams();
  if (params.panel !== 'map') query.set('view', params.panel);
  if (params.size !== 'traffic') query.set('size', params.size);
  const text = query.toString();
  return text ? `#/fleet?${text}` : '#/fleet';
}

export const endpointsHash = (filter: { region?: string; model?: string; cluster?: string }): string => {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value) query.set(key, value);
  const text = query.toString();
  return text ? `#/endpoints?${text}` : '#/endpoints';
};

/** Follows a link the way a click on an <a href> would (a new history entry, a hashchange). */
export function openHash(hash: string): void {
  window.location.hash = hash;
}

export const endpointHash = (id: string): string => `#/endpoints/${encodeURIComponent(id)}`;
