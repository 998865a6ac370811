import type { CommandResult } from '../../../shared/contract/index';
import type { IncidentSummary } from '../../../shared/contract/incident.schema';
import type { CoreCaller } from '../core-caller';
import type { CollectedTimeline } from './collected-timeline';

type Detail = CommandResult<'fleet.endpoint'>;

/** Endpoints read per fleet tick at most: an outage of hundreds is summarised by its first ones. */
export const POLL_ENDPOINTS = 50;
/** A crash-looping pod restarts every few seconds: one entry per pod per minute says enough. */
const RESTART_ENTRY_MS = 60_000;
/** Warning events this long before an incident started are part of its story. */
const EVENTS_BEFORE_MS = 15 * 60_000;

const gpuText = /\bxid\b|\bgpu\b|nvidia|ecc/i;

/**
 * Kubernetes events, pod restarts and node problems (GPU faults) of active incidents' endpoints,
 * read from the fleet's endpoint detail once per fleet tick, only while an incident is active.
 */
export function createClusterCollector(o: {
  timeline: CollectedTimeline;
  call: CoreCaller;
  now: () => number;
  onError: (what: string, error: unknown) => void;
}) {
  /** Per endpoint and pod: the restart count last written and when. */
  const restarts = new Map<string, { count: number; at: number }>();
  let busy = false;

  const collect = (endpointId: string, detail: Detail, incidents: IncidentSummary[]) => {
    const name = detail.endpoint.name;
    const now = o.now();
    for (const incident of incidents) {
      const id = incident.id;
      for (const e of detail.events) {
        if (e.type !== 'Warning' || e.at < incident.startedAt - EVENTS_BEFORE_MS) continue;
        const gpu = gpuText.test(`${e.reason} ${e.message}`);
        const written = o.timeline.write(id, `event:${endpointId}:${e.reason}:${e.at}`, {
          at: e.at,
          kind: gpu ? 'gpu_fault' : 'k8s_event',
          actor: 'fleetdeck',
          endpointId,
          summary: `${e.reason} on ${name}: ${e.message}${e.count > 1 ? ` (×${e.count})` : ''}`,
          detail: { reason: e.reason, message: e.message, count: e.count },
        });
        if (written && gpu) o.timeline.addSignal(id, 'gpu_fault');
      }
      for (const node of detail.nodes) {
        for (const problem of node.problems) {
          const gpu = gpuText.test(problem);
          const written = o.timeline.write(id, `node:${node.name}:${problem}`, {
            at: now,
            kind: gpu ? 'gpu_fault' : 'k8s_event',
            actor: 'fleetdeck',
            endpointId,
            summary: `Node ${node.name} (serving ${name}): ${problem}`,
            detail: { node: node.name, problem, gpuProduct: node.gpuProduct },
          });
          if (written && gpu) o.timeline.addSignal(id, 'gpu_fault');
        }
      }
    }
    for (const pod of detail.pods) {
      const key = `${endpointId}:${pod.name}`;
      const last = restarts.get(key);
      if (pod.restarts === 0 || (last && (pod.restarts <= last.count || now - last.at < RESTART_ENTRY_MS)))
        continue;
      const more = last ? pod.restarts - last.count : pod.restarts;
      let wrote = false;
      for (const incident of incidents) {
        const written = o.timeline.write(incident.id, `restart:${pod.name}:${pod.restarts}`, {
          at: now,
          kind: 'pod_restart',
          actor: 'fleetdeck',
          endpointId,
          summary: last
            ? `Pod ${pod.name} of ${name} restarted ${more === 1 ? 'again' : `${more} more times`} (${pod.restarts} in all${pod.ready ? '' : ', not ready'})`
            : `Pod ${pod.name} of ${name} has restarted ${pod.restarts} ${pod.restarts === 1 ? 'time' : 'times'}${pod.ready ? '' : ' and is not ready'}`,
          detail: {
            pod: pod.name,
            restarts: pod.restarts,
            ready: pod.ready,
            phase: pod.phase,
            node: pod.node,
          },
        });
        if (written) o.timeline.addSignal(incident.id, 'crash_loop');
        wrote ||= written;
      }
      restarts.set(key, { count: pod.restarts, at: wrote || !last ? now : last.at });
    }
  };

  return {
    /** One pass (called per fleet tick); a pass still reading when the next tick comes is not doubled. */
    async poll(): Promise<void> {
      if (busy) return;
      busy = true;
      try {
        const active = o.timeline.active().filter((i) => !i.importedFrom);
        o.timeline.prune(new Set(active.map((i) => i.id)));
        const endpointIds = [...new Set(active.flatMap((i) => o.timeline.activeEndpoints(i.id)))].slice(
          0,
          POLL_ENDPOINTS,
        );
        await Promise.all(
          endpointIds.map(async (endpointId) => {
            try {
              const detail = await o.call('fleet.endpoint', { id: endpointId }, 'fleetdeck');
              collect(endpointId, detail, o.timeline.activeFor(endpointId));
            } catch (error) {
              // An endpoint gone from the fleet has no detail to read; the detector records it.
              o.onError(`fleet.endpoint ${endpointId}`, error);
            }
          }),
        );
      } finally {
        busy = false;
      }
    },
  };
}
