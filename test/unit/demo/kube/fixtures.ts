import type { DemoEndpoint, DemoFleetDefinition } from '../../../../src/demo/fleet-definition';

/** A one-cluster fleet with one GPU pool, small enough to reason about capacity in a test. */
export function tinyFleet(
  endpoints: Array<Partial<DemoEndpoint> & Pick<DemoEndpoint, 'name'>>,
  pool = { nodes: 2, gpusPerNode: 4 },
): DemoFleetDefinition {
  return {
    apiVersion: 'fleetdeck.io/v1',
    kind: 'DemoFleet',
    seed: 7,
    clusters: [
      {
        name: 'test',
        cloud: 'aws',
        region: 'us-east-1',
        zones: ['us-east-1a', 'us-east-1b'],
        nodePools: [
          {
            name: 'a10g',
            instanceType: 'g5.12xlarge',
            gpuProduct: 'NVIDIA-A10G',
            hourlyPriceUsd: 5.67,
            ...pool,
          },
        ],
      },
    ],
    models: [
      {
        name: 'llama',
        kind: 'chat',
        versions: [
          { version: 'v1', image: 'vllm/vllm-openai:v0.6.3' },
          { version: 'v2', image: 'vllm/vllm-openai:v0.8.5' },
        ],
        promptTokens: 100,
        completionTokens: 50,
      },
    ],
    endpoints: endpoints.map((endpoint) => ({
      cluster: 'test',
      namespace: 'llm',
      model: 'llama',
      version: 'v1',
      runtime: 'vllm',
      target: 'deployment',
      pool: 'a10g',
      replicas: 1,
      gpusPerReplica: 1,
      capacityRpsPerReplica: 10,
      peakRps: 5,
      baseLatencyMs: 500,
      baseTtftMs: 80,
      baseErrorRate: 0.001,
      ...endpoint,
    })),
  };
}
