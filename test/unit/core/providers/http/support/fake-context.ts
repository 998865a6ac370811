import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../../../../../../src/core/log/logger';
import type {
  EndpointRecord,
  InventorySnapshot,
  InventoryView,
  NodeRecord,
} from '../../../../../../src/core/fleet/inventory.types';
import type { Sample } from '../../../../../../src/core/metrics/metrics.store';
import type { ProviderContext } from '../../../../../../src/core/providers/provider';
import type { SourceStatus } from '../../../../../../src/shared/contract/fleet.schema';

type StatusReport = Omit<SourceStatus, 'lastOkAt'> & { lastOkAt?: number | null };

/** A ProviderContext that records what a provider reports, over a fixed inventory. */
export class FakeContext implements ProviderContext {
  readonly sourceId: string;
  readonly sourceName: string;
  readonly log = silentLogger;
  readonly samples: Sample[] = [];
  readonly statuses: StatusReport[] = [];
  readonly missing = new Map<string, string[]>();
  readonly inventories: Array<{ snapshot: InventorySnapshot; partial: boolean }> = [];
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  endpoints: EndpointRecord[];
  nodes: NodeRecord[] = [];
  clock: (() => number) | null = null;

  constructor(options: { sourceId?: string; endpoints?: EndpointRecord[] } = {}) {
    this.sourceId = options.sourceId ?? 'test-source';
    this.sourceName = `${this.sourceId} (name)`;
    this.endpoints = options.endpoints ?? [];
  }

  now(): number {
    return this.clock ? this.clock() : Date.now();
  }
  reportInventory(snapshot: InventorySnapshot, options?: { partial?: boolean }): void {
    this.inventories.push({ snapshot, partial: options?.partial === true });
  }
  reportSamples(samples: Sample[]): void {
    this.samples.push(...samples);
  }
  reportStatus(status: StatusReport): void {
    this.statuses.push(status);
  }
  reportMissingMetrics(endpointId: string, missing: string[]): void {
    this.missing.set(endpointId, missing);
  }
  inventory(): InventoryView {
    return {
      endpoints: () => this.endpoints,
      endpoint: (id) => this.endpoints.find((e) => e.id === id),
      nodes: () => this.nodes,
      node: (id) => this.nodes.find((n) => n.id === id),
      clusters: () => [],
    };
  }
  abort(): void {
    this.controller.abort();
  }

  get lastStatus(): StatusReport | undefined {
    return this.statuses[this.statuses.length - 1];
  }
  /** The newest sample of a metric for an endpoint. */
  latest(endpointId: string, metric: Sample['metric']): number | undefined {
    for (let i = this.samples.length - 1; i >= 0; i--) {
      const s = this.samples[i]!;
      if (s.endpointId === endpointId && s.metric === metric) return s.value;
    }
    return undefined;
  }
}

/** A Kubernetes-style endpoint record whose pods serve /metrics at the given URLs. */
export function endpointRecord(
  id: string,
  runtime: string,
  pods: Array<{ name: string; metricsUrl: string | null; phase?: string }>,
): EndpointRecord {
  const [cluster = 'c', namespace = 'ns', name = id] = id.split(':');
  return {
    id,
    name,
    model: 'm',
    version: 'v1',
    cluster,
    region: 'us-east-1',
    namespace,
    runtime,
    target: { kind: 'deployment', name },
    group: null,
    trafficPercent: null,
    replicas: { desired: pods.length, ready: pods.length },
    gpusPerReplica: 1,
    gpuType: null,
    nodes: [],
    pods: pods.map((p) => ({
      name: p.name,
      node: null,
      phase: p.phase ?? 'Running',
      ready: true,
      restarts: 0,
      metricsUrl: p.metricsUrl,
      runtime,
    })),
    url: null,
  };
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A node:http server on a free loopback port; closes every connection on `close`. */
export async function startServer(
  handler: Handler,
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
