import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../../../../../../src/core/log/logger';
import type {
  ClusterRecord,
  EndpointRecord,
  InventorySnapshot,
  InventoryView,
  NodeRecord,
} from '../../../../../../src/core/fleet/inventory.types';
import type { ProviderContext, ProviderDeps } from '../../../../../../src/core/providers/provider';
import {
  createKubernetesProvider,
  type KubernetesProvider,
  type KubernetesSourceConfig,
  type KubernetesTuning,
} from '../../../../../../src/core/providers/kubernetes/kubernetes.provider';
import type { SourceStatus } from '../../../../../../src/shared/contract/fleet.schema';

export type StatusReport = Omit<SourceStatus, 'lastOkAt'> & { lastOkAt?: number | null };

/**
 * A ProviderContext that applies reports the way the fleet's inventory cache does (a full
 * snapshot replaces, a partial one upserts and deletes), so tests can look at "what the console
 * would show" as well as at each report.
 */
export class RecordingContext implements ProviderContext {
  readonly sourceId = 'k8s-test';
  readonly sourceName = 'Kubernetes (test)';
  readonly log = silentLogger;
  readonly reports: Array<{ snapshot: InventorySnapshot; partial: boolean }> = [];
  readonly statuses: StatusReport[] = [];
  readonly endpoints = new Map<string, EndpointRecord>();
  readonly nodes = new Map<string, NodeRecord>();
  readonly clusters = new Map<string, ClusterRecord>();
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  private waiters: Array<() => void> = [];

  now(): number {
    return Date.now();
  }

  reportInventory(snapshot: InventorySnapshot, options?: { partial?: boolean }): void {
    const partial = options?.partial === true;
    this.reports.push({ snapshot, partial });
    const apply = <T extends { id: string }>(map: Map<string, T>, records: T[] | undefined) => {
      if (!records) return;
      if (!partial) map.clear();
      for (const record of records) map.set(record.id, record);
    };
    apply(this.endpoints, snapshot.endpoints);
    apply(this.nodes, snapshot.nodes);
    apply(this.clusters, snapshot.clusters);
    for (const d of snapshot.deleted ?? []) {
      if (d.kind === 'endpoint') this.endpoints.delete(d.id);
      if (d.kind === 'node') this.nodes.delete(d.id);
      if (d.kind === 'cluster') this.clusters.delete(d.id);
    }
    this.wake();
  }
  reportSamples(): void {}
  reportStatus(status: StatusReport): void {
    this.statuses.push(status);
    this.wake();
  }
  reportMissingMetrics(): void {}
  inventory(): InventoryView {
    return {
      endpoints: () => [...this.endpoints.values()],
      endpoint: (id) => this.endpoints.get(id),
      nodes: () => [...this.nodes.values()],
      node: (id) => this.nodes.get(id),
      clusters: () => [...this.clusters.values()],
    };
  }
  abort(): void {
    this.controller.abort();
  }

  get status(): StatusReport | undefined {
    return this.statuses[this.statuses.length - 1];
  }

  /** Waits (no sleeps: woken by each report) until `condition` holds. */
  async until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `timed out waiting for ${what}; last status: ${JSON.stringify(this.status)}; reports: ${this.reports.length}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

export const deps: ProviderDeps = { log: silentLogger, dataDir: '/nonexistent', secret: async () => null };

/** Fast retries and small batches, so fault tests finish in well under a second each. */
export const fastTuning: Partial<KubernetesTuning> = {
  batchMs: 20,
  settleDeadlineMs: 5_000,
  timeouts: { requestMs: 2_000, watchIdleMs: 10_000 },
  backoff: { initialMs: 30, maxMs: 200 },
  housekeepingMs: 60_000,
  execTimeoutMs: 5_000,
  execEnv: async () => process.env,
  watchTimeoutSeconds: () => 300,
};

export function startProvider(
  config: KubernetesSourceConfig,
  tuning: Partial<KubernetesTuning> = {},
): { provider: KubernetesProvider; ctx: RecordingContext } {
  const provider = createKubernetesProvider(config, deps, { ...fastTuning, ...tuning });
  const ctx = new RecordingContext();
  provider.start(ctx);
  return { provider, ctx };
}

export interface KubeconfigContextSpec {
  name: string;
  server: string;
  token?: string;
  exec?: {
    command: string;
    args?: string[];
    env?: Array<{ name: string; value: string }>;
    installHint?: string;
  };
  proxyUrl?: string;
  namespace?: string;
}

/** A kubeconfig in YAML (JSON is YAML), mode 0600 like the real thing. */
export function writeKubeconfig(
  dir: string,
  file: string,
  contexts: KubeconfigContextSpec[],
  current?: string,
): string {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': current ?? contexts[0]?.name,
    clusters: contexts.map((c) => ({
      name: `${c.name}-cluster`,
      cluster: { server: c.server, ...(c.proxyUrl ? { 'proxy-url': c.proxyUrl } : {}) },
    })),
    users: contexts.map((c) => ({
      name: `${c.name}-user`,
      user: c.exec
        ? { exec: { apiVersion: 'client.authentication.k8s.io/v1', interactiveMode: 'Never', ...c.exec } }
        : c.token
          ? { token: c.token }
          : {},
    })),
    contexts: contexts.map((c) => ({
      name: c.name,
      context: {
        cluster: `${c.name}-cluster`,
        user: `${c.name}-user`,
        ...(c.namespace ? { namespace: c.namespace } : {}),
      },
    })),
  };
  const path = join(dir, file);
  writeFileSync(path, JSON.stringify(config, null, 2), { mode: 0o600 });
  return path;
}

/** An executable script (exec credential plugins, fake shells). */
export function writeScript(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}
