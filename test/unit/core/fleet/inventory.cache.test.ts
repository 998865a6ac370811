import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { InventoryCache } from '../../../../src/core/fleet/inventory.cache';
import type { EndpointRecord, NodeRecord } from '../../../../src/core/fleet/inventory.types';
import { runMigrations } from '../../../../src/core/store/migrations';
import { freshDir } from '../../../support/tmp';

const node = (over: Partial<NodeRecord> = {}): NodeRecord => ({
  id: 'prod:gpu-1',
  name: 'gpu-1',
  cluster: 'prod',
  region: 'us-east-1',
  zone: 'us-east-1a',
  instanceType: 'g5.12xlarge',
  gpuProduct: 'NVIDIA-A10G',
  gpuCapacity: 4,
  gpuAllocated: 2,
  ready: true,
  problems: [],
  hourlyPriceUsd: 8,
  ...over,
});

const endpoint = (over: Partial<EndpointRecord> = {}): EndpointRecord => ({
  id: 'prod:llm:chat',
  name: 'chat',
  model: 'llama-3.1-8b-instruct',
  version: 'v1',
  cluster: 'prod',
  region: 'us-east-1',
  namespace: 'llm',
  runtime: 'vllm',
  target: { kind: 'deployment', name: 'chat' },
  group: null,
  trafficPercent: null,
  replicas: { desired: 1, ready: 1 },
  gpusPerReplica: 1,
  gpuType: null,
  nodes: ['gpu-1'],
  pods: [],
  url: null,
  ...over,
});

describe('the inventory cache', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  function open() {
    const tmp = freshDir();
    const db = new Database(`${tmp.dir}/fleet.db`);
    runMigrations(db);
    cleanup = () => {
      db.close();
      tmp.cleanup();
    };
    return db;
  }

  it('gives a record a new revision when it changes, and only then', () => {
    const db = open();
    const cache = new InventoryCache(db);
    expect(cache.revision('endpoint', 'prod:llm:chat')).toBe(0);
    cache.apply('k8s', { nodes: [node()], endpoints: [endpoint()] }, false, 1);
    const first = cache.revision('endpoint', 'prod:llm:chat');
    const firstNode = cache.revision('node', 'prod:gpu-1');
    expect(first).toBeGreaterThan(0);

    // The same records again (a re-list): same revisions.
    cache.apply('k8s', { nodes: [node()], endpoints: [endpoint()] }, false, 2);
    expect(cache.revision('endpoint', 'prod:llm:chat')).toBe(first);
    expect(cache.revision('node', 'prod:gpu-1')).toBe(firstNode);

    // One field changes: a new revision for that record only.
    const change = cache.apply(
      'k8s',
      { endpoints: [endpoint({ replicas: { desired: 2, ready: 1 } })] },
      true,
      3,
    );
    expect(change.endpoints.upserted).toEqual(['prod:llm:chat']);
    expect(cache.revision('endpoint', 'prod:llm:chat')).not.toBe(first);
    expect(cache.revision('node', 'prod:gpu-1')).toBe(firstNode);

    // Removed, then reported again unchanged: not the revision it had before removal.
    const beforeRemoval = cache.revision('endpoint', 'prod:llm:chat');
    cache.apply('k8s', { endpoints: [] }, false, 4);
    expect(cache.revision('endpoint', 'prod:llm:chat')).toBe(0);
    cache.apply('k8s', { endpoints: [endpoint({ replicas: { desired: 2, ready: 1 } })] }, false, 5);
    expect(cache.revision('endpoint', 'prod:llm:chat')).toBeGreaterThan(beforeRemoval);
  });

  it('gives records loaded from the cache distinct revisions', () => {
    const db = open();
    new InventoryCache(db).apply(
      'k8s',
      { nodes: [node()], endpoints: [endpoint(), endpoint({ id: 'prod:llm:other', name: 'other' })] },
      false,
      1,
    );
    const reloaded = new InventoryCache(db);
    expect(reloaded.load()).toBe(3);
    const revisions = [
      reloaded.revision('node', 'prod:gpu-1'),
      reloaded.revision('endpoint', 'prod:llm:chat'),
      reloaded.revision('endpoint', 'prod:llm:other'),
    ];
    expect(revisions.every((r) => r > 0)).toBe(true);
    expect(new Set(revisions).size).toBe(3);
  });
});
