import type { KubeObject } from './object-store.types';
import { badRequest } from './status-error';

/**
 * `kubectl logs` for simulated pods: the start-up lines the real runtime prints (vLLM or TGI,
 * from the container's image and args), and, for a crash-looping container, the failure that
 * killed it — enough for a runbook step that greps logs to behave as it would on a cluster.
 */
type ContainerStatus = {
  name: string;
  restartCount?: number;
  state?: { running?: { startedAt?: string }; waiting?: { reason?: string } };
  lastState?: { terminated?: { finishedAt?: string } };
};
type Container = { name: string; image: string; args?: string[] };

const stamp = (iso: string | undefined) => {
  const d = new Date(iso ?? Date.now());
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};

const argValue = (args: string[], flag: string) => {
  const index = args.indexOf(flag);
  return index >= 0 ? args[index + 1] : undefined;
};

function startupLines(container: Container, at: string): string[] {
  const args = container.args ?? [];
  const version = container.image.split(':')[1] ?? 'latest';
  if (container.image.includes('text-generation-inference') || args.includes('--model-id')) {
    const model = argValue(args, '--model-id') ?? 'model';
    const ts = new Date(at).toISOString();
    return [
      `${ts}  INFO text_generation_launcher: Args { model_id: "${model}", num_shard: Some(${argValue(args, '--num-shard') ?? 1}), port: ${argValue(args, '--port') ?? 80} }`,
      `${ts}  INFO download: text_generation_launcher: Successfully downloaded weights for ${model}`,
      `${ts}  INFO shard-manager: text_generation_launcher: Shard ready in 41.2s rank=0`,
      `${ts}  INFO text_generation_router::server: router/src/server.rs:2400: Connected`,
    ];
  }
  const model = argValue(args, '--model') ?? 'model';
  const port = argValue(args, '--port') ?? '8000';
  return [
    `INFO ${stamp(at)} [api_server.py:1043] vLLM API server version ${version.replace(/^v/, '')}`,
    `INFO ${stamp(at)} [api_server.py:1044] args: Namespace(model='${model}', port=${port}, tensor_parallel_size=${argValue(args, '--tensor-parallel-size') ?? 1})`,
    `INFO ${stamp(at)} [model_runner.py:1110] Loading model weights took 14.9 GB`,
    `INFO ${stamp(at)} [api_server.py:1089] Starting vLLM API server on http://0.0.0.0:${port}`,
    'INFO:     Started server process [1]',
    'INFO:     Waiting for application startup.',
    'INFO:     Application startup complete.',
  ];
}

const crashLines = (at: string | undefined) => [
  `ERROR ${stamp(at)} [engine.py:389] CUDA error: an illegal memory access was encountered`,
  'RuntimeError: Engine core initialization failed. See root cause above.',
];

function containerLog(
  pod: KubeObject,
  containerName: string | undefined,
  previous: boolean,
): string | undefined {
  const containers = (pod.spec?.containers ?? []) as Container[];
  const container = containerName ? containers.find((c) => c.name === containerName) : containers[0];
  if (!container) return undefined;
  const status = ((pod.status?.containerStatuses ?? []) as ContainerStatus[]).find(
    (s) => s.name === container.name,
  );
  const started = status?.state?.running?.startedAt ?? status?.lastState?.terminated?.finishedAt;
  const crashing = status?.state?.waiting?.reason === 'CrashLoopBackOff';
  if (!status?.state?.running && !crashing) return '';
  const lines = startupLines(container, started ?? new Date().toISOString());
  if (crashing || previous) lines.push(...crashLines(status?.lastState?.terminated?.finishedAt));
  return `${lines.join('\n')}\n`;
}

/** The body of `GET .../pods/<name>/log` for the query kubectl sends (container, previous, tailLines). */
export function podLogText(pod: KubeObject, query: URLSearchParams): string {
  const container = query.get('container') ?? undefined;
  const text = containerLog(pod, container, query.get('previous') === 'true');
  if (text === undefined)
    throw badRequest(`container ${container} is not valid for pod ${pod.metadata.name}`);
  const tail = Number(query.get('tailLines') ?? -1);
  if (tail < 0) return text;
  return text
    .split('\n')
    .slice(0, -1)
    .slice(tail === 0 ? Infinity : -tail)
    .map((line) => `${line}\n`)
    .join('');
}
