import { hash32 } from '../world/daily-pattern';
import type { DemoWorld } from '../world/demo-world';
import type { PodInfo } from '../world/pod-index';
import type { ClusterObjectStore } from '../kube/object-store.types';
import { refs } from '../kube/object-store.types';
import { escapeLabelValue, ExpositionWriter } from './exposition-text';

/**
 * A DCGM-exporter look-alike per GPU node (reference §4.3): field names and help text from
 * dcgm-exporter's default-counters.csv, labels gpu/UUID/device/modelName/Hostname, plus
 * namespace/pod/container for the pod holding the GPU (the kubelet pod-resources mapping).
 * GPUs are handed to the node's pods in name order, `nvidia.com/gpu` each, like the device
 * plugin would (the real assignment is arbitrary; a stable one keeps charts steady).
 */
interface GpuSpec {
  memoryMiB: number;
  maxPowerW: number;
  idlePowerW: number;
}

const gpuSpecs: Array<[RegExp, GpuSpec]> = [
  [/H100|H200|H800/i, { memoryMiB: 81559, maxPowerW: 700, idlePowerW: 70 }],
  [/A100.*40GB/i, { memoryMiB: 40960, maxPowerW: 400, idlePowerW: 50 }],
  [/A100/i, { memoryMiB: 81920, maxPowerW: 400, idlePowerW: 55 }],
  [/L40S|L40/i, { memoryMiB: 46068, maxPowerW: 350, idlePowerW: 35 }],
  [/A10G|A10\b/i, { memoryMiB: 23028, maxPowerW: 300, idlePowerW: 25 }],
  [/L4\b|L4$/i, { memoryMiB: 23034, maxPowerW: 72, idlePowerW: 16 }],
  [/T4/i, { memoryMiB: 15360, maxPowerW: 70, idlePowerW: 10 }],
];
const defaultSpec: GpuSpec = { memoryMiB: 24576, maxPowerW: 300, idlePowerW: 30 };

export function gpuSpec(product: string): GpuSpec {
  for (const [pattern, spec] of gpuSpecs) if (pattern.test(product)) return spec;
  return defaultSpec;
}

/** vLLM and TGI both claim ~90% of GPU memory at start (vLLM's --gpu-memory-utilization 0.9). */
const SERVER_MEMORY_SHARE = 0.9;

/** GPU UUIDs look like `GPU-1f2e3d4c-...`: derived from cluster/node/index so they never change. */
function gpuUuid(cluster: string, node: string, index: number): string {
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  const a = hash32(index, `${cluster}/${node}`);
  const b = hash32(a, 'uuid');
  const c = hash32(b, 'uuid');
  const d = hash32(c, 'uuid');
  const h = hex(a) + hex(b) + hex(c) + hex(d);
  return `GPU-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const fields = [
  ['DCGM_FI_DEV_GPU_UTIL', 'GPU utilization (in %).'],
  ['DCGM_FI_DEV_FB_USED', 'Framebuffer memory used (in MiB).'],
  ['DCGM_FI_DEV_FB_FREE', 'Framebuffer memory free (in MiB).'],
  ['DCGM_FI_DEV_POWER_USAGE', 'Power draw (in W).'],
  ['DCGM_FI_DEV_GPU_TEMP', 'GPU temperature (in C).'],
  ['DCGM_FI_DEV_XID_ERRORS', 'Value of the last XID error encountered.'],
] as const;

/** The exporter's /metrics for one node, or undefined when the node does not exist. */
export function renderNodeGpuMetrics(
  world: DemoWorld,
  store: ClusterObjectStore,
  nodeName: string,
): string | undefined {
  const node = store.get(refs.nodes, undefined, nodeName);
  if (!node) return undefined;
  const cluster = store.clusterName;
  const capacity = node.status?.capacity?.['nvidia.com/gpu'] ?? node.status?.allocatable?.['nvidia.com/gpu'];
  const gpus = Number.parseInt(String(capacity ?? '0'), 10) || 0;
  const product = String(node.metadata.labels?.['nvidia.com/gpu.product'] ?? 'NVIDIA-GPU');
  const spec = gpuSpec(product);
  const xid = world.xidOn(cluster, nodeName);

  const holders: Array<PodInfo | undefined> = new Array(gpus).fill(undefined);
  const pods = [...(world.podIndex(cluster)?.podsOnNode(nodeName) ?? [])].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  let next = 0;
  for (const pod of pods) for (let i = 0; i < pod.gpus && next < gpus; i++) holders[next++] = pod;

  const base = `modelName="${escapeLabelValue(product.replace(/-/g, ' '))}",Hostname="${escapeLabelValue(nodeName)}"`;
  const rows = holders.map((pod, index) => {
    const labels =
      `gpu="${index}",UUID="${gpuUuid(cluster, nodeName, index)}",device="nvidia${index}",${base}` +
      (pod
        ? `,container="${escapeLabelValue(pod.containerName)}",namespace="${escapeLabelValue(pod.namespace)}",pod="${escapeLabelValue(pod.name)}"`
        : '');
    const serving = pod !== undefined && xid === 0 && world.isServing(pod);
    const util = serving ? Math.round(world.figures(pod.endpointId)?.gpuUtilPercent ?? 0) : 0;
    const loaded = pod !== undefined && (serving || pod.ready);
    const used = loaded
      ? Math.round(spec.memoryMiB * SERVER_MEMORY_SHARE) - (hash32(index, pod.uid) % 512)
      : 0;
    const power = spec.idlePowerW + ((spec.maxPowerW - spec.idlePowerW) * util) / 100;
    return {
      labels,
      values: [
        util,
        used,
        spec.memoryMiB - used,
        Math.round(power * 100) / 100,
        Math.round(31 + 0.45 * util),
        xid,
      ],
    };
  });

  const w = new ExpositionWriter();
  fields.forEach(([name, help], f) => {
    w.family(name, 'gauge', help);
    for (const row of rows) w.sample(name, row.labels, row.values[f]!);
  });
  return w.toString();
}
