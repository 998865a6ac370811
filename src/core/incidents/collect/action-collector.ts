import type { CommandName } from '../../../shared/contract/index';
import type { IncidentSummary, TimelineEntry } from '../../../shared/contract/incident.schema';
import type { CommandContext } from '../../commands/registry';
import type { CoreCaller } from '../core-caller';
import type { CollectedTimeline } from './collected-timeline';

/** Commands that only read (or only resize a view): never an action on an endpoint. */
const readOnly =
  /\.(list|get|series|summary|endpoints?|timeline|transcript|history|validate|render|generate|info|health|faults|contexts|overview|units|gpus|today|attach|resize|policies|actions|freezes|reliability|test)$/;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** What a person did, in words ("started runbook \"Scale out\""); the endpoint is added after. */
function describe(name: CommandName, a: Obj, r: Obj): string {
  switch (name) {
    case 'runs.start':
      return `started runbook "${str(r.runbookTitle) ?? str(a.runbookId)}"${a.dryRun ? ' as a dry run' : ''}`;
    case 'runs.control':
      return `${str(a.action)} on the run of "${str(r.runbookTitle) ?? str(a.id)}"`;
    case 'runs.annotate':
      return `noted on a run: ${str(a.text)}`;
    case 'rollouts.start':
      return `started rollout ${str(r.name)} (${str(r.strategy)}, ${str(r.stableVersion)} → ${str(r.candidateVersion)})`;
    case 'rollouts.control':
      return `${str(a.action)} rollout ${str(r.name)}${str(a.reason) ? `: ${str(a.reason)}` : ''}`;
    case 'terminal.open':
      return 'opened a terminal';
    case 'terminal.close':
      return 'closed a terminal';
    case 'demo.fault':
      return `injected a demo fault: ${str(a.kind)} for ${String(a.durationS)} s`;
    case 'slos.set':
      return `changed the SLO of ${str(a.model)}: ${Object.entries(obj(a.slo))
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(', ')}`;
    default:
      return `ran ${name}`;
  }
}

/**
 * What people do to affected endpoints, from every command that succeeded (the registry's
 * `onCalled`): an 'action' entry with who, what and when. Skipped: reads, the incidents'
 * own commands (the service records them), and what the console or a policy did itself
 * (the healing plane writes its own entries).
 */
export function createActionCollector(o: {
  timeline: CollectedTimeline;
  call: CoreCaller;
  /** The endpoints a node serves (a GPU fault is injected on a node). */
  endpointsOnNode: (node: string) => string[];
  now: () => number;
  onError: (what: string, error: unknown) => void;
}) {
  const record = (
    name: CommandName,
    ctx: CommandContext,
    what: string,
    endpointIds: string[],
    byModel: IncidentSummary[],
    ref: TimelineEntry['ref'],
  ) => {
    const at = o.now();
    const targets = new Map<string, string | null>();
    for (const endpointId of endpointIds)
      for (const i of o.timeline.activeFor(endpointId)) if (!targets.has(i.id)) targets.set(i.id, endpointId);
    for (const i of byModel) if (!targets.has(i.id)) targets.set(i.id, null);
    for (const [incidentId, endpointId] of targets) {
      const on = endpointId ? ` on ${endpointId.split(':').at(-1)}` : '';
      // Each command call is one entry; the key only keeps a retried write from doubling it.
      o.timeline.write(incidentId, `action:${name}:${at}:${ctx.actor}:${endpointId ?? ''}`, {
        at,
        kind: 'action',
        actor: ctx.actor,
        endpointId,
        summary: `${ctx.actor} ${what}${on}`,
        detail: { command: name },
        ref,
      });
    }
  };

  return {
    onCalled(name: CommandName, args: unknown, ctx: CommandContext, result: unknown): void {
      if (name.startsWith('incidents.') || name.startsWith('healing.') || name.startsWith('settings.'))
        return;
      if (readOnly.test(name) || ctx.actor === 'fleetdeck' || ctx.actor.startsWith('policy:')) return;
      const a = obj(args);
      const r = obj(result);
      if (name === 'terminal.open' && str(a.runId)) return; // a run's own terminal: the run is recorded
      const named = [a.endpointId, a.target, r.endpointId, r.candidateEndpointId].map(str);
      if (name === 'demo.fault' && a.kind === 'gpu_xid' && str(a.target))
        named.push(...o.endpointsOnNode(str(a.target)!));
      const endpointIds = [...new Set(named.filter((v) => v !== undefined))];
      const model = name === 'slos.set' ? str(a.model) : undefined;
      const byModel = model ? o.timeline.active().filter((i) => i.models.includes(model)) : [];
      const ref: TimelineEntry['ref'] = name.startsWith('runs.')
        ? { runId: str(r.id) ?? str(r.runId) ?? str(a.id) ?? '' }
        : name.startsWith('rollouts.')
          ? { rolloutId: str(r.id) ?? str(a.id) ?? '' }
          : name.startsWith('terminal.') && str(r.id)
            ? { sessionId: str(r.id)! }
            : null;
      const what = describe(name, a, r);
      if (endpointIds.length > 0 || byModel.length > 0) {
        record(name, ctx, what, endpointIds, byModel, ref);
        return;
      }
      // A run named only by id (runs.annotate, runs.control without a result endpoint): look it up.
      const runId = name.startsWith('runs.') ? ref?.runId : undefined;
      if (!runId) return;
      void o
        .call('runs.get', { id: runId }, 'fleetdeck')
        .then((run) => {
          if (run.endpointId) record(name, ctx, what, [run.endpointId], [], ref);
        })
        .catch((error: unknown) => o.onError(`${name} ${runId}`, error));
    },
  };
}
