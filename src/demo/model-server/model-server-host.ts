import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DemoModel } from '../fleet-definition';
import type { DemoWorld, WorldEndpoint } from '../world/demo-world';
import { GridDistribution } from '../world/latency-distribution';
import type { PodInfo } from '../world/pod-index';
import { handleChatCompletions } from './chat-completions';
import { renderNodeGpuMetrics } from './dcgm-exporter';
import { EXPOSITION_CONTENT_TYPE } from './exposition-text';
import { handleEmbeddings, handleModels, type ReplicaContext } from './openai-api';
import { sendOpenAiError, sendText } from './openai-http';
import type { ReplicaMetrics, ReplicaTick, TokenDistributions } from './replica-metrics';
import { tgiGeneratedTokensBuckets, tgiInputLengthBuckets } from './runtime-buckets';
import { TgiReplicaMetrics } from './tgi-replica-metrics';
import { VllmReplicaMetrics } from './vllm-replica-metrics';

/**
 * Every simulated model-server replica of the demo, behind ONE loopback HTTP server:
 *
 *   /r/<cluster>/<namespace>/<pod>/health | /metrics | /v1/models | /v1/chat/completions | /v1/embeddings
 *   /nodes/<cluster>/<node>/metrics        DCGM-style GPU exporter for a node
 *
 * One server instead of one port per pod keeps 10,000 endpoints to one socket; a pod's base URL
 * (`podBaseUrl`) goes into its `fleetdeck.io/base-url` annotation, so providers and Prometheus
 * address each replica separately, as they would pods behind a Service.
 *
 * A tick (default 1 s) refreshes the world and adds each serving replica's share of the period's
 * traffic to its cumulative counters and histograms: O(endpoints) work, no per-request objects.
 * /metrics text is rendered on demand per scrape.
 *
 * The host can start before the world exists (`attach` later): the clusters' controllers need
 * `podBaseUrl` to create pods, and the world is best built on the seeded clusters.
 */
export interface ModelServerHostOptions {
  /** The world to serve; or `attach` one later (until then every replica answers 503). */
  world?: DemoWorld;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Simulation tick in ms (default 1000). 0 disables the timer: call `tick()` yourself. */
  tickMs?: number;
  /** Multiplies the delays replicas wait before answering (default 1; tests use less). */
  delayScale?: number;
  /** Uniform random source for failures and latency draws (default Math.random). */
  random?: () => number;
}

export interface ModelServerHost {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Where a pod's replica answers: `<origin>/r/<cluster>/<namespace>/<pod>`. */
  podBaseUrl(cluster: string, namespace: string, pod: string): string;
  /** The GPU exporter of a node: `<origin>/nodes/<cluster>/<node>/metrics`. */
  nodeMetricsUrl(cluster: string, node: string): string;
  /**
   * Advances the simulation (the timer calls it) by the real time since the last tick, or by
   * `elapsedS` simulated seconds when given (tests); returns its cost in ms.
   */
  tick(elapsedS?: number): number;
  /** Cost of the last tick in ms, and a moving average. */
  readonly tickStats: { lastMs: number; averageMs: number; ticks: number };
  /** Serves this world from now on and starts ticking it (once; a second world is refused). */
  attach(world: DemoWorld): void;
  /** The live metrics of a pod's replica, if it has served or ticked. */
  replicaMetrics(pod: PodInfo): ReplicaMetrics | undefined;
  close(): Promise<void>;
}

export const podBaseUrl = (origin: string, cluster: string, namespace: string, pod: string) =>
  `${origin}/r/${encodeURIComponent(cluster)}/${encodeURIComponent(namespace)}/${encodeURIComponent(pod)}`;

interface EndpointRuntime {
  endpoint: WorldEndpoint;
  tokens: TokenDistributions | undefined;
  tokenFactor: number;
}

function tokenDistributions(model: DemoModel, factor: number, into?: TokenDistributions): TokenDistributions {
  const out = into ?? {
    prompt: new GridDistribution(tgiInputLengthBuckets),
    generated: new GridDistribution(tgiGeneratedTokensBuckets),
  };
  out.prompt.set(model.promptTokens * factor, 0.6);
  out.generated.set(Math.max(1, model.completionTokens * factor), 0.5);
  return out;
}

export async function startModelServerHost(options: ModelServerHostOptions): Promise<ModelServerHost> {
  let world: DemoWorld | undefined;
  let runtimes: EndpointRuntime[] = [];
  const delayScale = options.delayScale ?? 1;
  const random = options.random ?? Math.random;
  const replicas = new WeakMap<PodInfo, ReplicaMetrics>();
  const inFlight = new Set<NodeJS.Timeout>();
  const stats = { lastMs: 0, averageMs: 0, ticks: 0 };
  let lastTick = performance.now();

  const metricsOf = (pod: PodInfo, endpoint: WorldEndpoint): ReplicaMetrics => {
    let metrics = replicas.get(pod);
    if (!metrics) {
      const startedAtS = Math.floor(Date.now() / 1000);
      metrics =
        endpoint.def.runtime === 'tgi'
          ? new TgiReplicaMetrics(endpoint.model, startedAtS)
          : new VllmReplicaMetrics(endpoint.model, startedAtS);
      replicas.set(pod, metrics);
    }
    return metrics;
  };

  function tick(elapsedS?: number): number {
    const started = performance.now();
    const dt = elapsedS ?? Math.max(0, (started - lastTick) / 1000);
    lastTick = started;
    if (!world) return 0;
    const now = world.now();
    world.refresh(now);
    for (const rt of runtimes) {
      const { endpoint } = rt;
      const f = endpoint.figures;
      const ready = f.readyReplicas;
      if (ready === 0) continue;
      if (endpoint.def.runtime === 'tgi') {
        const factor = f.promptTokensPerRequest / Math.max(1e-9, endpoint.model.promptTokens);
        if (!rt.tokens || rt.tokenFactor !== factor) {
          rt.tokens = tokenDistributions(endpoint.model, factor, rt.tokens);
          rt.tokenFactor = factor;
        }
      }
      const per = dt / ready;
      const shedRps = f.offeredRps * f.shedFraction;
      // One share object per endpoint, reused by its replicas (they split the load evenly).
      const share: ReplicaTick = {
        figures: f,
        served: f.successRps * per,
        shed: shedRps * per,
        failed: Math.max(0, f.errorRps - shedRps) * per,
        tokens: rt.tokens,
      };
      const pods = endpoint.pods;
      for (let i = 0; i < pods.length; i++) {
        if (pods[i]!.serving) metricsOf(pods[i]!, endpoint).advance(share);
      }
    }
    const cost = performance.now() - started;
    stats.lastMs = cost;
    stats.averageMs = stats.ticks === 0 ? cost : stats.averageMs * 0.9 + cost * 0.1;
    stats.ticks++;
    return cost;
  }

  function route(req: IncomingMessage, res: ServerResponse): void {
    if (!world) return sendText(res, 503, 'The demo world is starting.\n');
    const path = (req.url ?? '/').split('?')[0]!;
    const parts = path.split('/').map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
    if (parts[1] === 'nodes' && parts.length === 5 && parts[4] === 'metrics') {
      const store = world.podIndex(parts[2]!)?.store;
      const text = store && req.method === 'GET' ? renderNodeGpuMetrics(world, store, parts[3]!) : undefined;
      if (text === undefined) return sendText(res, 404, `No GPU node ${parts[2]}/${parts[3]}.\n`);
      return sendText(res, 200, text, EXPOSITION_CONTENT_TYPE);
    }
    if (parts[1] !== 'r' || parts.length < 6) return sendText(res, 404, 'Not Found\n');
    const [, , cluster, namespace, podName] = parts as [string, string, string, string, string];
    const rest = `/${parts.slice(5).join('/')}`;
    const pod = world.podIndex(cluster)?.pod(namespace, podName);
    const endpoint = pod && world.endpoint(pod.endpointId);
    // Like a pod IP that no longer exists: nothing there to answer.
    if (!pod || !endpoint)
      return sendText(res, 404, `No model-server pod ${cluster}/${namespace}/${podName}.\n`);
    const serving = world.isServing(pod);
    const crashLooping = world.isCrashLooping(pod.endpointId);

    if (rest === '/health' && req.method === 'GET') return sendText(res, serving ? 200 : 503, '');
    if (rest === '/metrics' && req.method === 'GET') {
      // A crash-looping container has no process to scrape.
      if (crashLooping) return sendText(res, 503, 'server is restarting (CrashLoopBackOff)\n');
      const f = endpoint.figures;
      const text = metricsOf(pod, endpoint).render({ serving, figures: f, replicas: f.readyReplicas });
      return sendText(res, 200, text, EXPOSITION_CONTENT_TYPE);
    }
    const api: Record<string, 'GET' | 'POST'> = {
      '/v1/models': 'GET',
      '/v1/chat/completions': 'POST',
      '/v1/embeddings': 'POST',
    };
    if (!api[rest]) return sendOpenAiError(res, 404, `No route ${req.method} ${rest}.`, 'NotFoundError');
    if (req.method !== api[rest]) {
      return sendOpenAiError(res, 405, `Method ${req.method} not allowed on ${rest}.`, 'BadRequestError');
    }
    if (!serving) {
      const why = crashLooping ? 'is restarting' : 'is not ready';
      return sendOpenAiError(res, 503, `Replica ${podName} ${why}.`, 'server_error', 'service_unavailable');
    }
    const ctx: ReplicaContext = {
      world,
      endpoint,
      pod,
      metrics: metricsOf(pod, endpoint),
      delayScale,
      random,
      inFlight,
    };
    if (rest === '/v1/models') return handleModels(res, ctx);
    const work =
      rest === '/v1/embeddings' ? handleEmbeddings(req, res, ctx) : handleChatCompletions(req, res, ctx);
    work.catch((error: unknown) => {
      if (!res.headersSent) {
        sendOpenAiError(
          res,
          500,
          `Simulator error: ${(error as Error).message}`,
          'server_error',
          'internal_error',
        );
      } else res.destroy(error as Error);
    });
  }

  const server: Server = createServer(route);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const origin = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  const tickMs = options.tickMs ?? 1000;
  let timer: NodeJS.Timeout | undefined;
  function attach(next: DemoWorld): void {
    if (world) throw new Error('The model-server host already serves a demo world.');
    world = next;
    runtimes = next.endpoints().map((endpoint) => ({ endpoint, tokens: undefined, tokenFactor: 0 }));
    lastTick = performance.now();
    if (tickMs > 0) {
      timer = setInterval(() => tick(), tickMs);
      timer.unref();
    }
  }
  if (options.world) attach(options.world);

  return {
    port: address.port,
    origin,
    podBaseUrl: (cluster, namespace, pod) => podBaseUrl(origin, cluster, namespace, pod),
    nodeMetricsUrl: (cluster, node) =>
      `${origin}/nodes/${encodeURIComponent(cluster)}/${encodeURIComponent(node)}/metrics`,
    tick,
    tickStats: stats,
    attach,
    replicaMetrics: (pod) => replicas.get(pod),
    async close() {
      if (timer) clearInterval(timer);
      for (const t of inFlight) clearTimeout(t);
      inFlight.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
