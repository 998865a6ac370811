import { describe, expect, it } from 'vitest';
import { demoEndpointId } from '../../../../src/demo/fleet-definition';
import { generateScaleFleet } from '../../../../src/demo/scale/scale-fleet';
import { loadDemoFleet } from './fixtures/seed-cluster';

/** `--demo-scale N` (src/demo/scale): kept with the world tests, whose load model it feeds. */
describe('scale fleet', () => {
  const fleet = generateScaleFleet(10_000, 7);

  it('has exactly n endpoints with unique, stable ids', () => {
    expect(fleet.endpoints).toHaveLength(10_000);
    expect(new Set(fleet.endpoints.map(demoEndpointId)).size).toBe(10_000);
    expect(generateScaleFleet(10_000, 7)).toEqual(fleet);
    expect(generateScaleFleet(10_000, 8)).not.toEqual(fleet);
    expect(generateScaleFleet(24, 7).endpoints).toHaveLength(24);
    expect(generateScaleFleet(1, 7).endpoints).toHaveLength(1);
    expect(() => generateScaleFleet(0, 7)).toThrow(/--demo-scale/);
  });

  it('spreads over six clusters in several regions, with the demo catalogue', () => {
    expect(fleet.clusters).toHaveLength(6);
    expect(new Set(fleet.clusters.map((c) => c.region)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(fleet.clusters.map((c) => c.cloud))).toEqual(new Set(['aws', 'gcp', 'azure']));
    expect(fleet.models).toEqual(loadDemoFleet().models);
    const models = new Set(fleet.models.map((m) => m.name));
    for (const e of fleet.endpoints) {
      expect(models.has(e.model)).toBe(true);
      expect(e.replicas).toBeGreaterThanOrEqual(1);
      expect(e.replicas).toBeLessThanOrEqual(2);
      expect(e.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(e.name.length).toBeLessThanOrEqual(63);
    }
    for (const c of fleet.clusters)
      expect(fleet.endpoints.filter((e) => e.cluster === c.name).length).toBeGreaterThan(500);
  });

  it('sizes every node pool for the GPUs its replicas request', () => {
    for (const cluster of fleet.clusters) {
      for (const pool of cluster.nodePools) {
        const replicas = fleet.endpoints
          .filter((e) => e.cluster === cluster.name && e.pool === pool.name)
          .flatMap((e) => Array.from({ length: e.replicas }, () => e.gpusPerReplica));
        // First-fit decreasing on whole nodes: what any reasonable scheduler achieves.
        const free = Array.from({ length: pool.nodes }, () => pool.gpusPerNode);
        for (const gpus of replicas.sort((a, b) => b - a)) {
          const node = free.findIndex((f) => f >= gpus);
          expect(node, `${cluster.name}/${pool.name} is too small`).toBeGreaterThanOrEqual(0);
          free[node]! -= gpus;
        }
      }
      for (const e of fleet.endpoints.filter((x) => x.cluster === cluster.name)) {
        expect(cluster.nodePools.some((p) => p.name === e.pool)).toBe(true);
      }
    }
  });

  it('serves some models as version pairs in traffic groups', () => {
    const groups = new Map<string, typeof fleet.endpoints>();
    for (const e of fleet.endpoints.filter((x) => x.group)) {
      const key = `${e.cluster}:${e.namespace}:${e.group}`;
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
    expect(groups.size).toBeGreaterThan(100);
    for (const members of groups.values()) {
      expect(members).toHaveLength(2);
      expect(new Set(members.map((m) => m.model)).size).toBe(1);
      expect(new Set(members.map((m) => m.target)).size).toBe(1);
      expect(members.reduce((sum, m) => sum + (m.trafficPercent ?? 0), 0)).toBe(100);
    }
    expect(fleet.endpoints.some((e) => e.target === 'kserve')).toBe(true);
  });
});
