import { z } from 'zod';
import { command, event } from './define';
import { appHealthSchema, appInfoSchema, appStatusSchema } from './app.schema';
import { settingsPatchSchema, settingsSchema } from './settings.schema';
import {
  endpointDetailSchema,
  endpointsPageSchema,
  endpointsQuerySchema,
  fleetDeltaSchema,
  fleetSummarySchema,
  fleetPulseSchema,
  seriesQuerySchema,
  seriesResultSchema,
  sloSchema,
  sourceKindSchema,
  sourceSchema,
} from './fleet.schema';
import { demoFaultArgsSchema, demoFaultSchema } from './demo.schema';
import {
  spendGpuHoursSchema,
  spendOverviewQuerySchema,
  spendOverviewSchema,
  spendTodayQuerySchema,
  spendTodaySchema,
  spendUnitCostsSchema,
  spendWindowQuerySchema,
} from './spend.schema';
import {
  terminalAttachSchema,
  terminalHistoryArgsSchema,
  terminalIdSchema,
  terminalOpenArgsSchema,
  terminalRenameArgsSchema,
  terminalResizeArgsSchema,
  terminalSessionSchema,
  terminalTranscriptArgsSchema,
  terminalTranscriptSchema,
} from './terminal.schema';
import {
  runNoteSchema,
  runSchema,
  runSummarySchema,
  runbookProblemSchema,
  runbookRenderSchema,
  runbookSchema,
  runbookSummarySchema,
  runbookVarsSchema,
  runsControlArgsSchema,
  runsListArgsSchema,
  runsStartArgsSchema,
} from './runbook.schema';
import {
  rolloutPlanSchema,
  rolloutProblemSchema,
  rolloutSchema,
  rolloutSummarySchema,
  rolloutStateSchema,
  rolloutsControlArgsSchema,
  rolloutsGenerateArgsSchema,
} from './rollout.schema';
import {
  changeFreezeSchema,
  healingActionRecordSchema,
  healingPolicySchema,
  healingProblemSchema,
  incidentChangeSchema,
  incidentSchema,
  incidentSummarySchema,
  incidentsAnnotateArgsSchema,
  incidentsControlArgsSchema,
  incidentsEditArgsSchema,
  incidentsImportArgsSchema,
  incidentsImportResultSchema,
  incidentsListArgsSchema,
  incidentsOpenArgsSchema,
  reliabilityArgsSchema,
  reliabilitySchema,
  timelineEntrySchema,
} from './incident.schema';

const noArgs = z.object({}).strict();

/**
 * Every command, declared once. The preload bridge, the FleetApi client, the console host's
 * routes and the core's handler registry are all derived from this map (CONVENTIONS.md 2).
 */
export const commands = {
  'app.info': command({
    summary: 'Version, host, data directory and SQLite version.',
    args: noArgs,
    result: appInfoSchema,
  }),
  'app.health': command({
    summary: 'Runs the database checks and reports each one.',
    args: noArgs,
    result: appHealthSchema,
  }),
  'settings.get': command({
    summary: 'The current settings, defaults filled in.',
    args: noArgs,
    result: settingsSchema,
  }),
  'settings.set': command({
    summary: 'Changes some settings; unknown keys and wrong types are refused with the reason.',
    args: settingsPatchSchema,
    result: settingsSchema,
  }),
  'fleet.summary': command({
    summary: 'Fleet figures: endpoints by health, requests/s, p95, errors, GPUs, spend, freshness.',
    args: noArgs,
    result: fleetSummarySchema,
  }),
  'fleet.endpoints': command({
    summary: 'Endpoints, filtered by text and facets, sorted and paged.',
    args: endpointsQuerySchema,
    result: endpointsPageSchema,
  }),
  'fleet.endpoint': command({
    summary: 'One endpoint with its pods, nodes, recent events and sibling versions.',
    args: z.object({ id: z.string().min(1) }).strict(),
    result: endpointDetailSchema,
  }),
  'metrics.series': command({
    summary: 'A canonical metric over time for up to 50 endpoints, bounded to maxPoints each.',
    args: seriesQuerySchema,
    result: seriesResultSchema,
  }),
  'sources.list': command({
    summary: 'Configured sources and their status.',
    args: noArgs,
    result: z.array(sourceSchema),
  }),
  'sources.add': command({
    summary: 'Adds a source (Kubernetes, Prometheus, direct scrape, OpenAI-compatible) and starts it.',
    args: z
      .object({
        kind: sourceKindSchema,
        name: z.string().min(1).max(80),
        config: z.record(z.string(), z.unknown()),
      })
      .strict(),
    result: sourceSchema,
  }),
  'sources.test': command({
    summary: 'Checks a source (configured, or a draft) without adding it.',
    args: z
      .object({
        id: z.string().optional(),
        kind: sourceKindSchema.optional(),
        config: z.record(z.string(), z.unknown()).optional(),
      })
      .strict(),
    result: z.object({ ok: z.boolean(), message: z.string(), details: z.array(z.string()) }),
  }),
  'sources.remove': command({
    summary: 'Stops and removes a source and forgets what it reported.',
    args: z.object({ id: z.string().min(1) }).strict(),
    result: z.object({ removed: z.string() }),
  }),
  'sources.contexts': command({
    summary:
      'Kubeconfig contexts found (KUBECONFIG or ~/.kube/config, or a given file), to offer in Settings.',
    args: z.object({ kubeconfigPath: z.string().optional() }).strict(),
    result: z.object({
      files: z.array(z.string()),
      contexts: z.array(
        z.object({
          name: z.string(),
          cluster: z.string(),
          user: z.string(),
          namespace: z.string().nullable(),
        }),
      ),
      error: z.string().nullable(),
    }),
  }),
  'secrets.set': command({
    summary: 'Stores a secret (an API key) under a name that sources reference; never returned.',
    args: z
      .object({
        name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
        value: z.string().min(1).max(16_384),
      })
      .strict(),
    result: z.object({ name: z.string(), protection: z.string() }),
  }),
  'secrets.list': command({
    summary: 'Names of stored secrets (never their values) and how they are protected.',
    args: noArgs,
    result: z.object({ names: z.array(z.string()), protection: z.string() }),
  }),
  'secrets.delete': command({
    summary: 'Deletes a stored secret.',
    args: z.object({ name: z.string().min(1) }).strict(),
    result: z.object({ deleted: z.boolean() }),
  }),
  'slos.list': command({
    summary: 'SLO overrides per model (defaults apply by model kind otherwise).',
    args: noArgs,
    result: z.record(z.string(), sloSchema),
  }),
  'slos.set': command({
    summary: "Sets a model's SLO thresholds.",
    args: z.object({ model: z.string().min(1), slo: sloSchema.partial() }).strict(),
    result: sloSchema,
  }),
  'demo.fault': command({
    summary:
      'Injects a fault into the demo fleet: latency_spike, error_burst, crash_loop, gpu_xid, traffic_surge, cost_spike.',
    args: demoFaultArgsSchema,
    result: demoFaultSchema,
  }),
  'demo.faults': command({
    summary: 'Faults active in the demo fleet.',
    args: noArgs,
    result: z.array(demoFaultSchema),
  }),
  'spend.overview': command({
    summary:
      'Spend per hour over time, stacked by source, cluster, model or version; bounded points, top groups.',
    args: spendOverviewQuerySchema,
    result: spendOverviewSchema,
  }),
  'spend.units': command({
    summary: 'Per model over a window: spend, tokens, requests, $/1k tokens and $/1k requests.',
    args: spendWindowQuerySchema,
    result: spendUnitCostsSchema,
  }),
  'spend.gpus': command({
    summary: 'GPU-hours by GPU type over a window (allocated GPUs integrated over time).',
    args: spendWindowQuerySchema,
    result: spendGpuHoursSchema,
  }),
  'spend.today': command({
    summary: "Today's total, top movers since the start of today, and the projected month.",
    args: spendTodayQuerySchema,
    result: spendTodaySchema,
  }),
  'terminal.open': command({
    summary:
      'Starts a shell in a PTY in the fleet context (KUBECONFIG, FLEETDECK_URL/TOKEN, endpoint variables).',
    args: terminalOpenArgsSchema,
    result: terminalSessionSchema,
  }),
  'terminal.list': command({
    summary: 'Terminal sessions of this console: running ones and those that exited but are kept.',
    args: noArgs,
    result: z.array(terminalSessionSchema),
  }),
  'terminal.attach': command({
    summary: "A single-use token that opens the session's stream once (with its scrollback).",
    args: z.object({ id: terminalIdSchema }).strict(),
    result: terminalAttachSchema,
  }),
  'terminal.resize': command({
    summary: "Resizes a session's PTY.",
    args: terminalResizeArgsSchema,
    result: terminalSessionSchema,
  }),
  'terminal.rename': command({
    summary: 'Names a session (its tab, and its entry in the history); a blank name takes it away.',
    args: terminalRenameArgsSchema,
    result: terminalSessionSchema,
  }),
  'terminal.close': command({
    summary: 'Ends a session (the shell gets SIGHUP); its transcript stays.',
    args: z.object({ id: terminalIdSchema }).strict(),
    result: terminalSessionSchema,
  }),
  'terminal.history': command({
    summary: 'Recorded terminal sessions, newest first, by endpoint or runbook run.',
    args: terminalHistoryArgsSchema,
    result: z.array(terminalSessionSchema),
  }),
  'terminal.transcript': command({
    summary: "A session's recorded transcript (timestamped, redacted), paged.",
    args: terminalTranscriptArgsSchema,
    result: terminalTranscriptSchema,
  }),
  'runbooks.list': command({
    summary:
      'Runbooks (built-in and from the user folder) and the files that could not be read; for an endpoint, the relevant ones first.',
    args: z
      .object({
        query: z.string().max(200).optional(),
        tag: z.string().optional(),
        endpointId: z.string().optional(),
      })
      .strict(),
    result: z.object({ runbooks: z.array(runbookSummarySchema), problems: z.array(runbookProblemSchema) }),
  }),
  'runbooks.get': command({
    summary: 'One runbook with its parameters and steps.',
    args: z.object({ id: z.string().min(1) }).strict(),
    result: runbookSchema,
  }),
  'runbooks.validate': command({
    summary: 'Checks runbook YAML without saving it; problems name the line, column and field.',
    args: z.object({ text: z.string().max(1_000_000), file: z.string().optional() }).strict(),
    result: z.object({
      ok: z.boolean(),
      problems: z.array(runbookProblemSchema),
      runbook: runbookSchema.nullable(),
    }),
  }),
  'runbooks.render': command({
    summary: 'A dry run: every parameter resolved and every command rendered, shell-quoted, without running.',
    args: z
      .object({
        id: z.string().min(1),
        endpointId: z.string().optional(),
        vars: runbookVarsSchema.default({}),
      })
      .strict(),
    result: runbookRenderSchema,
  }),
  'runs.start': command({
    summary: 'Starts a runbook run bound to an endpoint, in its own terminal.',
    args: runsStartArgsSchema,
    result: runSchema,
  }),
  'runs.get': command({
    summary: 'A run with every step, its rendered command, exit code, check, output and notes.',
    args: z.object({ id: z.string().min(1) }).strict(),
    result: runSchema,
  }),
  'runs.list': command({
    summary: 'Run history, newest first; searchable by text, runbook, endpoint and state.',
    args: runsListArgsSchema,
    result: z.array(runSummarySchema),
  }),
  'runs.control': command({
    summary:
      'Pause, resume, abort, roll back, confirm the waiting step, skip it, retry it, or tick a manual step done.',
    args: runsControlArgsSchema,
    result: runSchema,
  }),
  'runs.annotate': command({
    summary: 'Adds a note to a run (the current one in a runbook terminal when no id is given).',
    args: z.object({ id: z.string().min(1).optional(), text: z.string().min(1).max(10_000) }).strict(),
    result: runNoteSchema.extend({ runId: z.string() }),
  }),
  'rollouts.validate': command({
    summary:
      'Checks a rollout plan (YAML) against the fleet without starting it; problems name the line and field.',
    args: z.object({ text: z.string().max(1_000_000) }).strict(),
    result: z.object({
      ok: z.boolean(),
      problems: z.array(rolloutProblemSchema),
      plan: rolloutPlanSchema.nullable(),
    }),
  }),
  'rollouts.generate': command({
    summary: 'A ready-to-edit plan (YAML) rolling out a version of an endpoint, with sensible analysis.',
    args: rolloutsGenerateArgsSchema,
    result: z.object({ text: z.string(), plan: rolloutPlanSchema }),
  }),
  'rollouts.start': command({
    summary: 'Validates and starts a rollout plan; refused if the endpoint already has one running.',
    args: z.object({ text: z.string().min(1).max(1_000_000) }).strict(),
    result: rolloutSchema,
  }),
  'rollouts.list': command({
    summary: 'Active and past rollouts, newest first.',
    args: z
      .object({
        state: rolloutStateSchema.optional(),
        endpointId: z.string().optional(),
        active: z.boolean().optional(),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    result: z.array(rolloutSummarySchema),
  }),
  'rollouts.get': command({
    summary: 'One rollout with its plan, decision log and (for A/B) the comparison.',
    args: z.object({ id: z.string().min(1) }).strict(),
    result: rolloutSchema,
  }),
  'rollouts.control': command({
    summary:
      'Pause, resume, promote now or abort (all traffic to stable, candidate scaled down; safe to repeat).',
    args: rolloutsControlArgsSchema,
    result: rolloutSchema,
  }),
  'incidents.list': command({
    summary: 'Incidents, newest first; search by text, endpoint, model, cluster, state and date.',
    args: incidentsListArgsSchema,
    result: z.array(incidentSummarySchema),
  }),
  'incidents.get': command({
    summary:
      'One incident with its endpoints, timeline (charts included), suggested runbooks and postmortem; from the local database only.',
    args: z
      .object({ id: z.string().min(1), limit: z.number().int().min(1).max(20_000).default(10_000) })
      .strict(),
    result: incidentSchema,
  }),
  'incidents.timeline': command({
    summary: 'Timeline entries after a given seq (to follow a live incident).',
    args: z
      .object({
        id: z.string().min(1),
        afterSeq: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(5000).default(1000),
      })
      .strict(),
    result: z.object({ entries: z.array(timelineEntrySchema), more: z.boolean() }),
  }),
  'incidents.open': command({
    summary: 'Opens an incident by hand for some endpoints.',
    args: incidentsOpenArgsSchema,
    result: incidentSummarySchema,
  }),
  'incidents.control': command({
    summary: 'Acknowledge (you become the owner), mark mitigated, resolve, or reopen an incident.',
    args: incidentsControlArgsSchema,
    result: incidentSummarySchema,
  }),
  'incidents.edit': command({
    summary: "Changes an incident's title, severity or owner (kept in its timeline).",
    args: incidentsEditArgsSchema,
    result: incidentSummarySchema,
  }),
  'incidents.annotate': command({
    summary: "Adds a note to an incident's timeline (the endpoint's active incident when no id is given).",
    args: incidentsAnnotateArgsSchema,
    result: z.object({ incidentId: z.string(), entry: timelineEntrySchema }),
  }),
  'incidents.export': command({
    summary: 'The incident as one file: timeline, chart data, runs and transcripts, with a digest.',
    args: z.object({ id: z.string().min(1) }).strict(),
    result: z.object({ fileName: z.string(), text: z.string(), bytes: z.number().int() }),
  }),
  'incidents.import': command({
    summary:
      'Imports an exported incident after checking its format and digest; never overwrites a different local incident.',
    args: incidentsImportArgsSchema,
    result: incidentsImportResultSchema,
  }),
  'incidents.postmortem': command({
    summary: 'A postmortem draft in Markdown generated from the timeline (or the saved one).',
    args: z.object({ id: z.string().min(1), regenerate: z.boolean().default(false) }).strict(),
    result: z.object({ markdown: z.string(), saved: z.boolean() }),
  }),
  'incidents.savePostmortem': command({
    summary: "Saves an incident's edited postmortem.",
    args: z.object({ id: z.string().min(1), markdown: z.string().max(2_000_000) }).strict(),
    result: z.object({ savedAt: z.number().int() }),
  }),
  'incidents.run': command({
    summary: 'A runbook run of an incident (from this machine, or carried in an imported incident).',
    args: z.object({ id: z.string().min(1), runId: z.string().min(1) }).strict(),
    result: runSchema,
  }),
  'incidents.transcript': command({
    summary: 'A terminal transcript of an incident (local, or carried in an imported incident), paged.',
    args: z
      .object({
        id: z.string().min(1),
        sessionId: z.string().min(1),
        afterSeq: z.number().int().min(-1).default(-1),
        limit: z.number().int().min(1).max(5000).default(1000),
      })
      .strict(),
    result: terminalTranscriptSchema,
  }),
  'incidents.reliability': command({
    summary: 'Incidents per week, MTTD, MTTM, MTTR and SLO attainment per model over a window.',
    args: reliabilityArgsSchema,
    result: reliabilitySchema,
  }),
  'healing.policies': command({
    summary: 'Self-healing policies, with their guard rails.',
    args: noArgs,
    result: z.array(healingPolicySchema),
  }),
  'healing.validate': command({
    summary: 'Checks a policy (YAML) without saving it; problems name the line and field.',
    args: z.object({ text: z.string().max(200_000) }).strict(),
    result: z.object({
      ok: z.boolean(),
      problems: z.array(healingProblemSchema),
      policy: healingPolicySchema.nullable(),
    }),
  }),
  'healing.save': command({
    summary: 'Saves a policy (new, or replacing the one with its id); refused with the problems if invalid.',
    args: z.object({ text: z.string().min(1).max(200_000) }).strict(),
    result: healingPolicySchema,
  }),
  'healing.setEnabled': command({
    summary: 'Turns a policy on or off.',
    args: z.object({ id: z.string().min(1), enabled: z.boolean() }).strict(),
    result: healingPolicySchema,
  }),
  'healing.delete': command({
    summary: 'Deletes a policy (its past actions stay in incident timelines).',
    args: z.object({ id: z.string().min(1) }).strict(),
    result: z.object({ deleted: z.string() }),
  }),
  'healing.actions': command({
    summary: 'What policies did or proposed, newest first.',
    args: z
      .object({
        policyId: z.string().optional(),
        incidentId: z.string().optional(),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
    result: z.array(healingActionRecordSchema),
  }),
  'healing.freezes': command({
    summary: 'Change freezes (now and planned): no policy acts during one.',
    args: noArgs,
    result: z.array(changeFreezeSchema),
  }),
  'healing.freeze': command({
    summary: 'Adds a change freeze window.',
    args: z
      .object({ from: z.number().int(), to: z.number().int(), reason: z.string().min(1).max(500) })
      .strict(),
    result: changeFreezeSchema,
  }),
  'healing.unfreeze': command({
    summary: 'Ends or removes a change freeze.',
    args: z.object({ id: z.string().min(1) }).strict(),
    result: z.object({ removed: z.string() }),
  }),
} as const;

export const events = {
  'incidents.changed': event({
    summary: 'An incident opened, escalated, changed (state, endpoints, a timeline entry) or resolved.',
    payload: incidentChangeSchema,
  }),
  'rollouts.changed': event({
    summary: 'A rollout changed state, weight or step, or made a decision.',
    payload: rolloutSummarySchema,
  }),
  'terminal.session': event({
    summary: 'A terminal session opened, was resized, or exited.',
    payload: terminalSessionSchema,
  }),
  'runs.changed': event({
    summary: 'A runbook run changed state or moved to another step.',
    payload: runSummarySchema,
  }),
  'settings.changed': event({
    summary: 'The settings changed (in any window, or through the API): all of them, as settings.get gives.',
    payload: settingsSchema,
  }),
  'app.status': event({
    summary: 'Database health, data directory and data freshness, sent on change and every few seconds.',
    payload: appStatusSchema,
  }),
  'fleet.delta': event({
    summary: 'What changed in the fleet since the last tick: records, compact metrics, the summary.',
    payload: fleetDeltaSchema,
  }),
  'fleet.pulse': event({
    summary:
      "fleet.delta without the endpoints' figures (records that changed otherwise, the summary by region), sent on the same tick.",
    payload: fleetPulseSchema,
  }),
  'sources.status': event({
    summary: 'A source changed state (connecting, ok, degraded, error) with its reason.',
    payload: sourceSchema,
  }),
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type CommandArgs<N extends CommandName> = z.input<Commands[N]['args']>;
export type CommandResult<N extends CommandName> = z.output<Commands[N]['result']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>;
export interface EventMessage<E extends EventName = EventName> {
  event: E;
  payload: EventPayload<E>;
}

export const commandNames = Object.keys(commands) as CommandName[];
export const eventNames = Object.keys(events) as EventName[];

export const isCommandName = (name: unknown): name is CommandName =>
  typeof name === 'string' && Object.hasOwn(commands, name);
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && Object.hasOwn(events, name);

export * from './app.schema';
export * from './settings.schema';
export * from './fleet.schema';
export * from './demo.schema';
export * from './spend.schema';
export * from './terminal.schema';
export * from './runbook.schema';
export * from './rollout.schema';
export * from './incident.schema';
export { command, event } from './define';
export type { CommandSpec, EventSpec } from './define';
