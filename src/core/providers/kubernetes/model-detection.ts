import type { KContainer, KWorkload } from './kube-objects';

/**
 * Which Deployments and StatefulSets are model servers, and what they serve. A workload is one
 * when it is a KServe predictor, is labelled `fleetdeck.io/model`, or runs a vLLM, TGI or
 * Triton image; anything else (nginx, redis, the app in front) is ignored.
 */
export const labels = {
  model: 'fleetdeck.io/model',
  version: 'fleetdeck.io/model-version',
  endpoint: 'fleetdeck.io/endpoint',
  trafficPercent: 'fleetdeck.io/traffic-percent',
  /**
   * Service annotation: its selector before a rollout pinned it to one version (a blue-green
   * switch). The versions it names stay one group while the pin routes all traffic to one.
   */
  groupSelector: 'fleetdeck.io/group-selector',
  baseUrl: 'fleetdeck.io/base-url',
  hourlyPrice: 'fleetdeck.io/hourly-price-usd',
  /** Node annotation: where the node's GPU exporter serves /metrics (set by the demo). */
  dcgmMetricsUrl: 'fleetdeck.io/dcgm-metrics-url',
  kserveIsvc: 'serving.kserve.io/inferenceservice',
  kserveComponent: 'component',
  knativeRevision: 'serving.knative.dev/revision',
  gpuProduct: 'nvidia.com/gpu.product',
  region: 'topology.kubernetes.io/region',
  zone: 'topology.kubernetes.io/zone',
  instanceType: 'node.kubernetes.io/instance-type',
  legacyRegion: 'failure-domain.beta.kubernetes.io/region',
  legacyZone: 'failure-domain.beta.kubernetes.io/zone',
  legacyInstanceType: 'beta.kubernetes.io/instance-type',
} as const;

export type Runtime = 'vllm' | 'tgi' | 'triton' | 'unknown';

export interface ModelWorkload {
  runtime: Runtime;
  model: string;
  version: string;
  /** The KServe InferenceService this is a predictor of, if any. */
  isvc: string | null;
}

/** The runtime a container runs, from its image (or, failing that, its command line). */
export function runtimeOf(container: Pick<KContainer, 'image' | 'command' | 'args'>): Runtime | null {
  const repo = imageRepository(container.image).toLowerCase();
  if (repo.includes('vllm')) return 'vllm';
  if (repo.includes('text-generation-inference') || /(^|\/)tgi([/_-]|$)/.test(repo)) return 'tgi';
  if (repo.includes('tritonserver') || /(^|\/)triton([/_-]|$)/.test(repo)) return 'triton';
  const line = [...container.command, ...container.args].join(' ');
  if (/\bvllm(\.entrypoints|\s+serve\b)/.test(line)) return 'vllm';
  if (/\btext-generation-launcher\b/.test(line)) return 'tgi';
  if (/\btritonserver\b/.test(line)) return 'triton';
  return null;
}

export function detectModelWorkload(workload: KWorkload): ModelWorkload | null {
  const label = (key: string) => workload.labels[key] ?? workload.templateLabels[key];
  const isvc = label(labels.kserveIsvc) ?? null;
  // KServe also labels transformer and explainer Deployments with the isvc: not model servers.
  const component = label(labels.kserveComponent);
  if (isvc && component && component !== 'predictor') return null;

  let runtime: Runtime | null = null;
  let container: KContainer | undefined;
  for (const candidate of workload.containers) {
    runtime = runtimeOf(candidate);
    if (runtime) {
      container = candidate;
      break;
    }
  }
  const labelledModel = label(labels.model);
  if (!runtime && !labelledModel && !isvc) return null;
  container ??= workload.containers[0];

  const model =
    labelledModel ??
    (container ? modelFromCommandLine(container) : null) ??
    isvc ??
    (container ? imageName(container.image) : workload.name);
  const version = label(labels.version) ?? (container ? imageTag(container.image) : null) ?? 'latest';
  return { runtime: runtime ?? 'unknown', model, version, isvc };
}

/**
 * `--served-model-name` (what clients ask for), else `--model` / `--model-id` (vLLM, TGI), else
 * `vllm serve <model>`, else TGI's MODEL_ID env. A local path is reduced to its last segment.
 */
export function modelFromCommandLine(container: Pick<KContainer, 'command' | 'args' | 'env'>): string | null {
  const argv = [...container.command, ...container.args];
  const flag = (names: string[]): string | null => {
    for (let i = 0; i < argv.length; i++) {
      const token = argv[i]!;
      for (const name of names) {
        if (token === name && i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) return argv[i + 1]!;
        if (token.startsWith(`${name}=`)) return token.slice(name.length + 1);
      }
    }
    return null;
  };
  const served = flag(['--served-model-name']);
  if (served) return served.split(/[\s,]+/)[0] || null;
  const named = flag(['--model', '--model-id', '--model_id', '--model-name']);
  if (named) return cleanModel(named);
  const serve = argv.indexOf('serve');
  if (
    serve >= 0 &&
    argv[serve + 1] &&
    !argv[serve + 1]!.startsWith('-') &&
    /vllm/.test(argv.slice(0, serve).join(' '))
  ) {
    return cleanModel(argv[serve + 1]!);
  }
  const env = container.env.MODEL_ID ?? container.env.MODEL_NAME;
  return env ? cleanModel(env) : null;
}

function cleanModel(value: string): string | null {
  const trimmed = value.trim().replace(/\/+$/, '');
  if (!trimmed) return null;
  // A mounted path (/mnt/models/llama-3) says less than its last segment; an HF id keeps its org.
  if (trimmed.startsWith('/') || trimmed.startsWith('.')) return trimmed.split('/').pop() || null;
  return trimmed;
}

/** `ghcr.io/huggingface/text-generation-inference:2.4.1` -> `ghcr.io/huggingface/text-generation-inference` */
export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0]!;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

export function imageName(image: string): string {
  return imageRepository(image).split('/').pop() || image;
}

/** The tag, else a short digest, else null (an untagged image is "latest" to the runtime). */
export function imageTag(image: string): string | null {
  const [withoutDigest, digest] = image.split('@') as [string, string | undefined];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > slash) return withoutDigest.slice(colon + 1) || null;
  if (digest) return digest.replace(/^sha256:/, '').slice(0, 12);
  return null;
}
