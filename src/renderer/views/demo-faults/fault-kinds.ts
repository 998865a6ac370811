import { demoFaultKinds } from '../../../shared/contract/index';
import type { FaultKind } from '../../stores/demo.slice';

/**
 * One line per fault kind, from what the demo fleet does (src/demo/faults/fault-injector.ts,
 * faultFactors and the Kubernetes hooks).
 */
const descriptions: Record<FaultKind, { label: string; description: string }> = {
  latency_spike: {
    label: 'Latency spike',
    description: 'Latency ×4 on one endpoint: p95 climbs until health turns critical.',
  },
  error_burst: { label: 'Error burst', description: 'At least 35 % of one endpoint’s requests fail.' },
  crash_loop: {
    label: 'Crash loop',
    description: 'The endpoint’s pods crash-loop: CrashLoopBackOff, restarts climb, not Ready.',
  },
  gpu_xid: {
    label: 'GPU Xid error',
    description:
      'A GPU node reports Xid 79 (fallen off the bus) and its pods stop being Ready. Targets a node.',
  },
  traffic_surge: {
    label: 'Traffic surge',
    description: '3× traffic on one endpoint: queue, latency and errors follow the load.',
  },
  cost_spike: {
    label: 'Cost spike',
    description: '5× tokens per request on one endpoint: spend per hour jumps.',
  },
};

export const faultKindChoices = demoFaultKinds.map((kind) => ({ kind, ...descriptions[kind] }));

export const faultLabel = (kind: FaultKind): string => descriptions[kind].label;

/** "4 min 12 s left", "45 s left", "ending". */
export function timeLeft(endsAt: number, now: number): string {
  const seconds = Math.ceil((endsAt - now) / 1000);
  if (seconds <= 0) return 'ending';
  if (seconds < 60) return `${seconds} s left`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s left`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}

/** Default duration: five minutes, long enough for health to turn and a runbook to start. */
export const DEFAULT_DURATION_S = 300;
