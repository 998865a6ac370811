import type { Endpoint, HealthCounts, HealthStatus } from '../../../shared/contract/index';
import { emptyCounts } from '../../../shared/fleet/region-figures';
import { requestRateOf, spendRateOf, worstOf } from './fleet-model';

export type TopologySize = 'traffic' | 'spend';
export type TopologyLevel = 'source' | 'cluster' | 'model' | 'version' | 'endpoint' | 'more';

/** One treemap node. `id` is the path, stable across ticks, so setOption updates in place. */
export interface TopologyNode {
  id: string;
  name: string;
  value: number;
  level: TopologyLevel;
  health: HealthStatus;
  counts: HealthCounts;
  /** Traffic and spend, whatever the size toggle says, for the tooltip. */
  requestRate: number;
  spendPerHour: number;
  endpointId?: string;
  children?: TopologyNode[];
}

export interface TopologyTree {
  roots: TopologyNode[];
  counts: HealthCounts;
  /** Endpoints drawn as their own leaf; the rest sit in "N more" leaves. */
  leaves: number;
}

/**
 * More leaves than this in one version and the smallest are folded into one "N more" leaf
 * (worst health of those it holds): 10,000 rectangles are unreadable and slow to lay out.
 */
export const MAX_LEAVES_PER_VERSION = 24;

interface Acc {
  counts: HealthCounts;
  requestRate: number;
  spendPerHour: number;
}

/** source -> cluster -> model -> version -> endpoint, in one pass plus a sort per version. */
export function buildTopology(
  endpoints: Iterable<Endpoint>,
  size: TopologySize,
  maxLeaves = MAX_LEAVES_PER_VERSION,
): TopologyTree {
  // Nested maps keyed by name: source -> cluster -> model -> version -> endpoints.
  const tree = new Map<string, Map<string, Map<string, Map<string, Endpoint[]>>>>();
  for (const e of endpoints) {
    let clusters = tree.get(e.source);
    if (!clusters) tree.set(e.source, (clusters = new Map()));
    let models = clusters.get(e.cluster);
    if (!models) clusters.set(e.cluster, (models = new Map()));
    let versions = models.get(e.model);
    if (!versions) models.set(e.model, (versions = new Map()));
    let list = versions.get(e.version);
    if (!list) versions.set(e.version, (list = []));
    list.push(e);
  }
  const measure = (rate: number, spend: number) => (size === 'spend' ? spend : rate);
  const total = emptyCounts();
  let leaves = 0;

  const leafOf = (e: Endpoint, parentId: string): TopologyNode => {
    const counts = emptyCounts();
    counts[e.health.status] = 1;
    counts.total = 1;
    const requestRate = requestRateOf(e);
    const spendPerHour = spendRateOf(e);
    return {
      id: `${parentId}/e:${e.id}`,
      name: e.name,
      value: measure(requestRate, spendPerHour),
      level: 'endpoint',
      health: e.health.status,
      counts,
      requestRate,
      spendPerHour,
      endpointId: e.id,
    };
  };

  const parent = (id: string, name: string, level: TopologyLevel, children: TopologyNode[]): TopologyNode => {
    const acc: Acc = { counts: emptyCounts(), requestRate: 0, spendPerHour: 0 };
    for (const c of children) {
      acc.requestRate += c.requestRate;
      acc.spendPerHour += c.spendPerHour;
      for (const k of ['ok', 'warning', 'critical', 'unknown', 'total'] as const)
        acc.counts[k] += c.counts[k];
    }
    return {
      id,
      name,
      value: children.reduce((sum, c) => sum + c.value, 0),
      level,
      health: worstOf(acc.counts),
      counts: acc.counts,
      requestRate: acc.requestRate,
      spendPerHour: acc.spendPerHour,
      children,
    };
  };

  const byName = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
  const roots: TopologyNode[] = [];
  for (const [source, clusters] of byName(tree)) {
    const sourceId = `s:${source}`;
    const clusterNodes: TopologyNode[] = [];
    for (const [cluster, models] of byName(clusters)) {
      const clusterId = `${sourceId}/c:${cluster}`;
      const modelNodes: TopologyNode[] = [];
      for (const [model, versions] of byName(models)) {
        const modelId = `${clusterId}/m:${model}`;
        const versionNodes: TopologyNode[] = [];
        for (const [version, list] of byName(versions)) {
          const versionId = `${modelId}/v:${version}`;
          let kids = list.map((e) => leafOf(e, versionId));
          if (kids.length > maxLeaves) {
            // Keep the biggest and every unhealthy endpoint visible; fold the quiet rest.
            kids.sort((a, b) => b.value - a.value || a.name.localeCompare(b.name));
            const keep: TopologyNode[] = [];
            const fold: TopologyNode[] = [];
            for (const k of kids) {
              const loud = k.health === 'critical' || k.health === 'warning';
              if (keep.length < maxLeaves || (loud && keep.length < maxLeaves * 2)) keep.push(k);
              else fold.push(k);
            }
            kids = keep;
            if (fold.length > 0) {
              const more = parent(`${versionId}/more`, `${fold.length} more`, 'more', fold);
              delete more.children;
              kids.push(more);
            }
          }
          leaves += kids.filter((k) => k.level === 'endpoint').length;
          versionNodes.push(parent(versionId, version, 'version', kids));
        }
        modelNodes.push(parent(modelId, model, 'model', versionNodes));
      }
      clusterNodes.push(parent(clusterId, cluster, 'cluster', modelNodes));
    }
    const root = parent(sourceId, source, 'source', clusterNodes);
    for (const k of ['ok', 'warning', 'critical', 'unknown', 'total'] as const) total[k] += root.counts[k];
    roots.push(root);
  }
  // A node of value 0 (an idle endpoint) would vanish from the treemap; give every node a
  // floor of 0.5 % of the biggest leaf so idle endpoints still show, just small.
  const floor = Math.max(maxValue(roots) * 0.005, 1e-6);
  applyFloor(roots, floor);
  return { roots, counts: total, leaves };
}

function maxValue(nodes: TopologyNode[]): number {
  let max = 0;
  for (const n of nodes) max = Math.max(max, n.children ? maxValue(n.children) : n.value);
  return max;
}

function applyFloor(nodes: TopologyNode[], floor: number): number {
  let sum = 0;
  for (const n of nodes) {
    n.value = n.children ? applyFloor(n.children, floor) : Math.max(n.value, floor * (n.counts.total || 1));
    sum += n.value;
  }
  return sum;
}
