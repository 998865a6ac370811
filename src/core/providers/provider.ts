import type { z } from 'zod';
import type { SourceKind, SourceStatus } from '../../shared/contract/fleet.schema';
import type { Logger } from '../log/logger';
import type { Sample } from '../metrics/metrics.store';
import type { InventorySnapshot, InventoryView } from '../fleet/inventory.types';

/**
 * One interface for every source of fleet data (CONVENTIONS.md 3): a folder per kind under
 * src/core/providers/<kind>/ exports a ProviderFactory; adding a kind is adding a folder and
 * one line in providers/registry.ts.
 */
export interface ProviderContext {
  readonly sourceId: string;
  /** The name the user gave the source (shown as the cluster/account of hosted endpoints). */
  readonly sourceName: string;
  readonly log: Logger;
  now(): number;
  /**
   * Replaces everything this source reported before with `snapshot` (a full list), or, with
   * `partial: true`, upserts/deletes only what it names (a watch event).
   */
  reportInventory(snapshot: InventorySnapshot, options?: { partial?: boolean }): void;
  /** Canonical samples, written in one batch. */
  reportSamples(samples: Sample[]): void;
  /** State changes: connecting, ok, degraded (partly working), error (with reason and retry). */
  reportStatus(status: Omit<SourceStatus, 'lastOkAt'> & { lastOkAt?: number | null }): void;
  /** Source metrics expected but not found for an endpoint (renamed or missing). */
  reportMissingMetrics(endpointId: string, missing: string[]): void;
  /** What the fleet knows now (for sources that need another source's inventory, like scrape). */
  inventory(): InventoryView;
  /** Fires when the context is being torn down. */
  readonly signal: AbortSignal;
}

export interface SourceTestResult {
  ok: boolean;
  /** One line: what worked or what failed, where, and what to do. */
  message: string;
  details: string[];
}

export interface SourceProvider {
  start(ctx: ProviderContext): void;
  stop(): Promise<void>;
  /** A one-off check that the configuration works, without starting (sources.test). */
  test(): Promise<SourceTestResult>;
}

export interface ProviderDeps {
  log: Logger;
  dataDir: string;
  /** Resolves a secret reference (a key in the secret store) to its value, never persisted. */
  secret(ref: string): Promise<string | null>;
}

export interface ProviderFactory<C = Record<string, unknown>> {
  kind: SourceKind;
  /** Validates the user's configuration for this kind (sources.add). */
  configSchema: z.ZodType<C>;
  /** Words for the Settings form. */
  describe: string;
  create(config: C, deps: ProviderDeps): SourceProvider;
}
