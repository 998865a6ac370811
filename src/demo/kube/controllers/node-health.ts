import type { KubeObjectStore } from '../object-store';
import { refs } from '../object-store.types';
import type { EventRecorder } from './event-recorder';
import { gpuResource } from './scheduler';

/**
 * GPU failures on a node, as Node Problem Detector and the NVIDIA device plugin report them: a
 * `GpuXidError` node condition, a Warning Event quoting the driver's Xid line, and the failed GPUs
 * removed from `allocatable` (the device plugin marks them unhealthy), so new pods schedule
 * around them. Lifting the fault restores allocatable and sets the condition back to False.
 */
export interface GpuFailureOptions {
  /** NVIDIA Xid code (default 79, "GPU has fallen off the bus"). */
  xid?: number;
  /** How many of the node's GPUs failed (default 1). */
  gpus?: number;
}

export const gpuConditionType = 'GpuXidError';

const xidMeanings: Record<number, string> = {
  13: 'Graphics Engine Exception',
  31: 'GPU memory page fault',
  43: 'GPU stopped processing',
  45: 'Preemptive cleanup, due to previous errors',
  48: 'Double Bit ECC Error',
  63: 'ECC page retirement or row remapping recording event',
  64: 'ECC page retirement or row remapper recording failure',
  74: 'NVLink Error',
  79: 'GPU has fallen off the bus',
  94: 'Contained ECC error',
  95: 'Uncontained ECC error',
  119: 'GSP RPC timeout',
};

const timestamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function setNodeGpuFailure(
  store: KubeObjectStore,
  recorder: EventRecorder,
  nodeName: string,
  failed: boolean,
  options: GpuFailureOptions = {},
  now: () => number = Date.now,
): boolean {
  const node = store.get(refs.nodes, undefined, nodeName);
  if (!node) return false;
  const xid = options.xid ?? 79;
  const gpus = Math.max(1, options.gpus ?? 1);
  const capacity = Number(node.status?.capacity?.[gpuResource] ?? 0);
  const pci = `0000:${(0x17 + 0x20 * ((nodeName.length + xid) % 6)).toString(16)}:00`;
  const message = failed
    ? `NVRM: Xid (PCI:${pci}): ${xid}, pid=0, name=, ${xidMeanings[xid] ?? 'GPU error'}`
    : 'No Xid errors reported by the NVIDIA driver';
  const updated = store.modify(
    refs.nodes,
    undefined,
    nodeName,
    (draft) => {
      const at = timestamp(now());
      const conditions = ((draft.status.conditions ?? []) as Array<{ type: string }>).filter(
        (condition) => condition.type !== gpuConditionType,
      );
      conditions.push({
        type: gpuConditionType,
        status: failed ? 'True' : 'False',
        reason: failed ? `Xid${xid}` : 'NoXidErrors',
        message,
        lastHeartbeatTime: at,
        lastTransitionTime: at,
      } as { type: string });
      draft.status.conditions = conditions;
      draft.status.allocatable = {
        ...draft.status.allocatable,
        [gpuResource]: String(failed ? Math.max(0, capacity - gpus) : capacity),
      };
    },
    { status: true },
  );
  if (updated) {
    recorder.record(
      updated,
      failed ? 'Warning' : 'Normal',
      failed ? 'GpuXidError' : 'GpuHealthy',
      failed
        ? `${message} (${gpus} of ${capacity} GPUs marked unhealthy)`
        : `All ${capacity} GPUs healthy again`,
      { component: 'nvidia-device-plugin', host: nodeName },
    );
  }
  return true;
}
