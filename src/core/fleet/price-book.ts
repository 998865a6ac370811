import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface GpuInstancePrice {
  gpus: number;
  gpu: string;
  hourlyUsd: number;
}

/**
 * Prices, most specific first: a Settings override for the instance type, the node's own
 * price annotation, then the list-price table in resources/prices. Token prices per model for
 * hosted APIs likewise (USD per 1M tokens).
 */
export class PriceBook {
  private readonly instances: Record<string, GpuInstancePrice>;
  private readonly tokens: Record<string, { input: number; output: number }>;

  constructor(
    resourcesDir: string,
    private overrides: {
      instances: Record<string, number>;
      tokens: Record<string, { input: number; output: number }>;
    } = {
      instances: {},
      tokens: {},
    },
  ) {
    this.instances = (
      JSON.parse(readFileSync(join(resourcesDir, 'prices', 'gpu-instances.json'), 'utf8')) as {
        instances: Record<string, GpuInstancePrice>;
      }
    ).instances;
    this.tokens = (
      JSON.parse(readFileSync(join(resourcesDir, 'prices', 'token-prices.json'), 'utf8')) as {
        models: Record<string, { input: number; output: number }>;
      }
    ).models;
  }

  setOverrides(overrides: PriceBook['overrides']): void {
    this.overrides = overrides;
  }

  /** USD per node-hour. */
  nodeHourly(instanceType: string | null, annotated: number | null): number | null {
    if (instanceType && this.overrides.instances[instanceType] !== undefined)
      return this.overrides.instances[instanceType]!;
    if (annotated !== null && Number.isFinite(annotated)) return annotated;
    if (instanceType && this.instances[instanceType]) return this.instances[instanceType].hourlyUsd;
    return null;
  }

  tokenPrice(model: string): { input: number; output: number } | null {
    return this.overrides.tokens[model] ?? this.tokens[model] ?? null;
  }
}
