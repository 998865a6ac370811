import demoFleet from '../../../resources/demo/fleet.json' with { type: 'json' };
import type {
  DemoCluster,
  DemoEndpoint,
  DemoFleetDefinition,
  DemoModel,
  DemoNodePool,
} from '../fleet-definition';
import { seededRandom } from '../world/daily-pattern';

/**
 * `--demo-scale N`: a fleet of N endpoints (tested to 10,000) over six clusters in four regions,
 * serving the same model catalogue as resources/demo/fleet.json. Deterministic in (n, seed).
 * Node pools are sized after the endpoints are placed: every pool gets the nodes its replicas'
 * GPUs need plus 15% and one spare node, and since replicas take 1, 2 or 4 GPUs on 4- or 8-GPU
 * nodes, any first-fit scheduler can place them all.
 */
export const MAX_SCALE_ENDPOINTS = 50_000;

type PoolKind = 'big' | 'small';

interface PoolTemplate extends Omit<DemoNodePool, 'nodes'> {
  kind: PoolKind;
}

interface ClusterTemplate extends Omit<DemoCluster, 'nodePools'> {
  pools: PoolTemplate[];
  /** Share of the fleet's endpoints. */
  share: number;
}

const h100: PoolTemplate = {
  kind: 'big',
  name: 'h100',
  instanceType: 'p5.48xlarge',
  gpuProduct: 'NVIDIA-H100-80GB-HBM3',
  gpusPerNode: 8,
  hourlyPriceUsd: 98.32,
};
const a10g: PoolTemplate = {
  kind: 'small',
  name: 'a10g',
  instanceType: 'g5.12xlarge',
  gpuProduct: 'NVIDIA-A10G',
  gpusPerNode: 4,
  hourlyPriceUsd: 5.67,
};
const gcpA100: PoolTemplate = {
  kind: 'big',
  name: 'a100',
  instanceType: 'a2-ultragpu-8g',
  gpuProduct: 'NVIDIA-A100-SXM4-80GB',
  gpusPerNode: 8,
  hourlyPriceUsd: 40.22,
};
const gcpL4: PoolTemplate = {
  kind: 'small',
  name: 'l4',
  instanceType: 'g2-standard-48',
  gpuProduct: 'NVIDIA-L4',
  gpusPerNode: 4,
  hourlyPriceUsd: 4.0,
};

const clusterTemplates: ClusterTemplate[] = [
  {
    name: 'prod-us-east',
    cloud: 'aws',
    region: 'us-east-1',
    zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    pools: [h100, a10g],
    share: 0.24,
  },
  {
    name: 'prod-us-west',
    cloud: 'aws',
    region: 'us-west-2',
    zones: ['us-west-2a', 'us-west-2b'],
    pools: [h100, a10g],
    share: 0.18,
  },
  {
    name: 'prod-eu-west',
    cloud: 'gcp',
    region: 'europe-west4',
    zones: ['europe-west4-a', 'europe-west4-b'],
    pools: [gcpA100, gcpL4],
    share: 0.2,
  },
  {
    name: 'prod-eu-central',
    cloud: 'azure',
    region: 'germanywestcentral',
    zones: ['germanywestcentral-1', 'germanywestcentral-2'],
    pools: [
      {
        kind: 'big',
        name: 'a100',
        instanceType: 'Standard_ND96amsr_A100_v4',
        gpuProduct: 'NVIDIA-A100-SXM4-80GB',
        gpusPerNode: 8,
        hourlyPriceUsd: 32.77,
      },
      {
        kind: 'small',
        name: 't4',
        instanceType: 'Standard_NC64as_T4_v3',
        gpuProduct: 'Tesla-T4',
        gpusPerNode: 4,
        hourlyPriceUsd: 4.35,
      },
    ],
    share: 0.14,
  },
  {
    name: 'prod-ap-northeast',
    cloud: 'gcp',
    region: 'asia-northeast1',
    zones: ['asia-northeast1-a', 'asia-northeast1-b'],
    pools: [gcpA100, gcpL4],
    share: 0.14,
  },
  {
    name: 'staging',
    cloud: 'aws',
    region: 'us-east-2',
    zones: ['us-east-2a'],
    pools: [
      { ...a10g },
      {
        kind: 'small',
        name: 't4',
        instanceType: 'g4dn.12xlarge',
        gpuProduct: 'Tesla-T4',
        gpusPerNode: 4,
        hourlyPriceUsd: 3.91,
      },
      { ...h100 },
    ],
    share: 0.1,
  },
];

/** What a model needs to be served; the numbers follow resources/demo/fleet.json. */
interface ServingProfile {
  model: string;
  short: string;
  runtime: 'vllm' | 'tgi';
  pool: PoolKind;
  gpus: number;
  capacity: [number, number];
  latencyMs: [number, number];
  ttftMs: [number, number];
  weight: number;
  namespaces: string[];
}

const profiles: ServingProfile[] = [
  {
    model: 'llama-3.1-8b-instruct',
    short: 'llama-8b',
    runtime: 'vllm',
    pool: 'small',
    gpus: 1,
    capacity: [12, 20],
    latencyMs: [440, 900],
    ttftMs: [55, 120],
    weight: 30,
    namespaces: ['llm', 'agents', 'batch', 'search', 'assistants', 'eval'],
  },
  {
    model: 'llama-3.1-70b-instruct',
    short: 'llama-70b',
    runtime: 'vllm',
    pool: 'big',
    gpus: 4,
    capacity: [5, 6.5],
    latencyMs: [1300, 1700],
    ttftMs: [200, 280],
    weight: 14,
    namespaces: ['llm', 'assistants', 'research'],
  },
  {
    model: 'mixtral-8x7b-instruct',
    short: 'mixtral',
    runtime: 'tgi',
    pool: 'big',
    gpus: 2,
    capacity: [8, 10],
    latencyMs: [850, 1100],
    ttftMs: [140, 180],
    weight: 12,
    namespaces: ['llm', 'docs', 'analytics'],
  },
  {
    model: 'qwen2.5-coder-32b-instruct',
    short: 'qwen-coder',
    runtime: 'vllm',
    pool: 'big',
    gpus: 2,
    capacity: [6, 8],
    latencyMs: [1050, 1300],
    ttftMs: [110, 150],
    weight: 12,
    namespaces: ['code', 'copilot'],
  },
  {
    model: 'bge-large-en-v1.5',
    short: 'bge-embed',
    runtime: 'vllm',
    pool: 'small',
    gpus: 1,
    capacity: [60, 150],
    latencyMs: [30, 60],
    ttftMs: [18, 30],
    weight: 16,
    namespaces: ['embed', 'search', 'ranking'],
  },
  {
    model: 'support-bot',
    short: 'support-bot',
    runtime: 'vllm',
    pool: 'small',
    gpus: 1,
    capacity: [12, 18],
    latencyMs: [500, 620],
    ttftMs: [65, 95],
    weight: 16,
    namespaces: ['support', 'assistants'],
  },
];

export function generateScaleFleet(n: number, seed: number): DemoFleetDefinition {
  if (!Number.isInteger(n) || n < 1 || n > MAX_SCALE_ENDPOINTS) {
    throw new RangeError(
      `--demo-scale must be a whole number of endpoints from 1 to ${MAX_SCALE_ENDPOINTS}; got ${n}.`,
    );
  }
  const random = seededRandom(seed);
  const between = ([lo, hi]: [number, number]) => lo + (hi - lo) * random();
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const models = (demoFleet as DemoFleetDefinition).models.map((m): DemoModel => structuredClone(m));
  const modelByName = new Map(models.map((m) => [m.name, m]));
  const totalWeight = profiles.reduce((sum, p) => sum + p.weight, 0);
  const pickProfile = () => {
    let r = random() * totalWeight;
    for (const p of profiles) if ((r -= p.weight) < 0) return p;
    return profiles[profiles.length - 1]!;
  };

  const endpoints: DemoEndpoint[] = [];
  const gpusUsed = new Map<string, number>();
  const serial = new Map<string, number>();
  // Spread n over clusters by share, giving the rounding remainder to the largest.
  const perCluster = clusterTemplates.map((c) => Math.floor(n * c.share));
  perCluster[0]! += n - perCluster.reduce((a, b) => a + b, 0);

  clusterTemplates.forEach((cluster, ci) => {
    let left = perCluster[ci]!;
    while (left > 0) {
      const profile = pickProfile();
      const model = modelByName.get(profile.model)!;
      const pool = cluster.pools.find((p) => p.kind === profile.pool)!;
      const namespace = pick(profile.namespaces);
      const key = `${cluster.name}/${profile.short}`;
      const index = (serial.get(key) ?? 0) + 1;
      serial.set(key, index);
      const base = `${profile.short}-${String(index).padStart(4, '0')}`;
      const capacity = Math.round(between(profile.capacity) * 10) / 10;
      const latency = Math.round(between(profile.latencyMs));
      const ttft = Math.round(between(profile.ttftMs));
      const replicas = random() < 0.6 ? 1 : 2;
      // A model with several versions is sometimes served as stable + candidate behind one name.
      const pair = left >= 2 && model.versions.length >= 2 && random() < 0.35;
      const versions = pair ? model.versions.slice(-2) : [model.versions[model.versions.length - 1]!];
      const target: DemoEndpoint['target'] =
        pair && profile.model === 'llama-3.1-70b-instruct' && random() < 0.5 ? 'kserve' : 'deployment';
      const utilisationAtPeak = 0.4 + 0.45 * random();
      const groupPeak = Math.round(capacity * replicas * utilisationAtPeak * 100) / 100;
      versions.forEach((v, vi) => {
        const share = pair ? (vi === 0 ? 90 : 10) : undefined;
        const endpoint: DemoEndpoint = {
          cluster: cluster.name,
          namespace,
          name: pair ? `${base}-${v.version}` : base,
          model: model.name,
          version: v.version,
          runtime: profile.runtime,
          target,
          pool: pool.name,
          replicas: pair && vi === 1 ? 1 : replicas,
          gpusPerReplica: profile.gpus,
          capacityRpsPerReplica: capacity,
          peakRps: share === undefined ? groupPeak : Math.round(groupPeak * share) / 100,
          baseLatencyMs: latency,
          baseTtftMs: ttft,
          baseErrorRate: profile.model === 'bge-large-en-v1.5' ? 0.0005 : 0.002,
        };
        if (pair) {
          endpoint.group = base;
          endpoint.trafficPercent = share;
        }
        endpoints.push(endpoint);
        const poolKey = `${cluster.name}/${pool.name}`;
        gpusUsed.set(poolKey, (gpusUsed.get(poolKey) ?? 0) + endpoint.replicas * endpoint.gpusPerReplica);
      });
      left -= versions.length;
    }
  });

  const clusters: DemoCluster[] = clusterTemplates.map((c) => ({
    name: c.name,
    cloud: c.cloud,
    region: c.region,
    zones: [...c.zones],
    nodePools: c.pools
      .filter((p) => (gpusUsed.get(`${c.name}/${p.name}`) ?? 0) > 0 || p.kind === 'small')
      .map(({ kind: _kind, ...p }) => ({
        ...p,
        nodes: Math.ceil(((gpusUsed.get(`${c.name}/${p.name}`) ?? 0) * 1.15) / p.gpusPerNode) + 1,
      })),
  }));

  return { apiVersion: 'fleetdeck.io/v1', kind: 'DemoFleet', seed, clusters, models, endpoints };
}
