import type { Endpoint, HealthStatus } from '../../shared/contract/index';

export type PaletteKind = 'view' | 'endpoint' | 'model' | 'cluster';

export interface PaletteItem {
  kind: PaletteKind;
  /** Stable key for React and for tests. */
  key: string;
  label: string;
  detail: string;
  hash: string;
  health?: HealthStatus;
  /** Lower-cased text the query is matched against: label first, then the rest. */
  text: string;
  labelLength: number;
}

export const MAX_RESULTS = 50;

const views: Array<[string, string, string]> = [
  ['Fleet', '#/fleet', 'map and topology of every endpoint'],
  ['Incidents', '#/incidents', 'open and past incidents, their timelines and postmortems'],
  ['Endpoints', '#/endpoints', 'table of every endpoint'],
  ['Spend', '#/spend', 'spend by source, cluster, model'],
  ['Terminal', '#/terminal', 'shells in the fleet context, as tabs'],
  ['Runbooks', '#/runbooks', 'guided steps beside a terminal'],
  ['Run history', '#/runs', 'every runbook run, searchable'],
  ['Rollouts', '#/rollouts', 'canary, blue-green and A/B rollouts of model versions'],
  ['Self-healing policies', '#/incidents/policies', 'automatic fixes, limits, change freezes'],
  ['Health', '#/about', 'about Fleetdeck and its health checks'],
  ['Settings', '#/settings', 'preferences'],
  ['Sources', '#/settings/sources', 'clusters, Prometheus, endpoints Fleetdeck reads'],
  ['Add a source', '#/settings/sources/new', 'connect a cluster or backend'],
];

const item = (
  kind: PaletteKind,
  key: string,
  label: string,
  detail: string,
  hash: string,
  extra = '',
): PaletteItem => ({
  kind,
  key: `${kind}:${key}`,
  label,
  detail,
  hash,
  text: `${label} ${extra}`.toLowerCase(),
  labelLength: label.length,
});

/** Everything the palette can jump to: views, then models, clusters and every endpoint. */
export function buildPaletteIndex(endpoints: Iterable<Endpoint>): PaletteItem[] {
  const items: PaletteItem[] = views.map(([label, hash, detail]) =>
    item('view', label, label, detail, hash, detail),
  );
  const models = new Map<string, number>();
  const clusters = new Map<string, { count: number; region: string }>();
  const endpointItems: PaletteItem[] = [];
  for (const e of endpoints) {
    models.set(e.model, (models.get(e.model) ?? 0) + 1);
    const c = clusters.get(e.cluster);
    if (c) c.count += 1;
    else clusters.set(e.cluster, { count: 1, region: e.region });
    const entry = item(
      'endpoint',
      e.id,
      e.name,
      `${e.model} ${e.version} · ${e.cluster}`,
      `#/endpoints/${encodeURIComponent(e.id)}`,
      `${e.id} ${e.model} ${e.version}`,
    );
    entry.health = e.health.status;
    endpointItems.push(entry);
  }
  for (const [model, count] of [...models].sort(([a], [b]) => a.localeCompare(b))) {
    items.push(
      item(
        'model',
        model,
        model,
        `model · ${count} endpoints`,
        `#/endpoints?model=${encodeURIComponent(model)}`,
      ),
    );
  }
  for (const [cluster, { count, region }] of [...clusters].sort(([a], [b]) => a.localeCompare(b))) {
    items.push(
      item(
        'cluster',
        cluster,
        cluster,
        `cluster · ${region} · ${count} endpoints`,
        `#/endpoints?cluster=${encodeURIComponent(cluster)}`,
        region,
      ),
    );
  }
  return items.concat(endpointItems);
}

const kindBonus: Record<PaletteKind, number> = { view: 3, model: 2, cluster: 2, endpoint: 0 };
const isBoundary = (text: string, i: number) => i === 0 || /[\s\-_:./]/.test(text[i - 1] ?? '');

/**
 * How well `query` (lower-case, non-empty) matches: -1 for no match. Substrings beat scattered
 * letters, matches in the label beat matches in the detail, word starts beat word middles,
 * short labels beat long ones. A scattered match (fuzzy: "lm70" finds "llama-3-70b") must keep
 * the query's letter order.
 */
export function scoreMatch(query: string, entry: PaletteItem): number {
  const { text, labelLength } = entry;
  const at = text.indexOf(query);
  if (at >= 0) {
    let score = 100 + kindBonus[entry.kind];
    if (at < labelLength) score += 40;
    if (at === 0) score += 30;
    else if (isBoundary(text, at)) score += 15;
    if (query.length === labelLength && at === 0) score += 50;
    return score - Math.min(labelLength, 60) * 0.2;
  }
  // Subsequence, scored by how often consecutive letters stay together.
  let ti = 0;
  let runs = 0;
  let last = -2;
  let firstAt = -1;
  for (let qi = 0; qi < query.length; qi++) {
    const ch = query.charCodeAt(qi);
    while (ti < text.length && text.charCodeAt(ti) !== ch) ti++;
    if (ti >= text.length) return -1;
    if (firstAt < 0) firstAt = ti;
    if (ti !== last + 1) runs += 1;
    last = ti;
    ti++;
  }
  let score = 50 + kindBonus[entry.kind] - runs * 6;
  if (firstAt < labelLength) score += 10;
  if (isBoundary(text, firstAt)) score += 5;
  return score - Math.min(labelLength, 60) * 0.2;
}

/** The best MAX_RESULTS matches, best first; one pass with a bounded insertion list. */
export function searchPalette(
  index: readonly PaletteItem[],
  rawQuery: string,
  limit = MAX_RESULTS,
): PaletteItem[] {
  const query = rawQuery.trim().toLowerCase();
  if (!query) {
    const out: PaletteItem[] = [];
    for (const entry of index) {
      if (entry.kind !== 'endpoint') out.push(entry);
      if (out.length >= limit) break;
    }
    return out;
  }
  const best: Array<{ score: number; entry: PaletteItem }> = [];
  for (const entry of index) {
    const score = scoreMatch(query, entry);
    if (score < 0) continue;
    if (best.length === limit && score <= best[best.length - 1]!.score) continue;
    let i = best.length;
    while (i > 0 && best[i - 1]!.score < score) i--;
    best.splice(i, 0, { score, entry });
    if (best.length > limit) best.pop();
  }
  return best.map((b) => b.entry);
}
