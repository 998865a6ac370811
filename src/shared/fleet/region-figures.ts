import type { ClusterFigures, HealthCounts, HealthStatus, RegionFigures } from '../contract/fleet.schema';

/** What one endpoint adds to its region's figures. */
export interface RegionShare {
  region: string;
  cluster: string;
  source: string;
  status: HealthStatus;
  requestRate: number;
  spendPerHour: number;
  gpus: number;
  /** Its error rate (0..1), undefined when it reports none. */
  errorRate: number | undefined;
}

export const emptyCounts = (): HealthCounts => ({ total: 0, ok: 0, warning: 0, critical: 0, unknown: 0 });

interface RegionAcc {
  figures: RegionFigures;
  errWeighted: number;
  errWeight: number;
  clusters: Map<string, ClusterFigures>;
}

/**
 * The fleet by region and cluster, summed one endpoint at a time (the core adds them in the
 * summary's own pass over the fleet). Regions and clusters come out sorted by code, so the
 * same fleet always gives the same list.
 */
export class RegionTally {
  private readonly byRegion = new Map<string, RegionAcc>();

  add(e: RegionShare): void {
    const key = e.region || 'unknown';
    let acc = this.byRegion.get(key);
    if (!acc) {
      acc = {
        figures: {
          region: key,
          health: emptyCounts(),
          requestRate: 0,
          errorRate: null,
          spendPerHour: 0,
          gpus: 0,
          clusters: [],
        },
        errWeighted: 0,
        errWeight: 0,
        clusters: new Map(),
      };
      this.byRegion.set(key, acc);
    }
    const r = acc.figures;
    r.health[e.status] += 1;
    r.health.total += 1;
    r.requestRate += e.requestRate;
    r.spendPerHour += e.spendPerHour;
    r.gpus += e.gpus;
    if (e.errorRate !== undefined) {
      // Weighted by traffic; an idle endpoint still counts a little, so a lone error shows.
      const w = Math.max(e.requestRate, 1e-6);
      acc.errWeighted += e.errorRate * w;
      acc.errWeight += w;
    }
    let cluster = acc.clusters.get(e.cluster);
    if (!cluster) {
      cluster = {
        cluster: e.cluster,
        source: e.source,
        health: emptyCounts(),
        requestRate: 0,
        spendPerHour: 0,
      };
      acc.clusters.set(e.cluster, cluster);
    }
    cluster.health[e.status] += 1;
    cluster.health.total += 1;
    cluster.requestRate += e.requestRate;
    cluster.spendPerHour += e.spendPerHour;
  }

  figures(): RegionFigures[] {
    const byCode = (a: { code: string }, b: { code: string }) =>
      a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
    return [...this.byRegion.entries()]
      .map(([code, acc]) => ({ code, acc }))
      .sort(byCode)
      .map(({ acc }) => ({
        ...acc.figures,
        errorRate: acc.errWeight > 0 ? acc.errWeighted / acc.errWeight : null,
        clusters: [...acc.clusters.entries()]
          .map(([code, c]) => ({ code, c }))
          .sort(byCode)
          .map(({ c }) => c),
      }));
  }
}
