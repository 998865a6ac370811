import { z } from 'zod';
import { metricNameSchema } from './fleet.schema';
import { runSchema } from './runbook.schema';
import { terminalSessionSchema } from './terminal.schema';

/** sev1 is the worst: customers cannot use a production model. */
export const incidentSeveritySchema = z.enum(['sev1', 'sev2', 'sev3', 'sev4']);
export type IncidentSeverity = z.infer<typeof incidentSeveritySchema>;

/** open -> acknowledged -> mitigated -> resolved; any state may go back to open (a relapse). */
export const incidentStateSchema = z.enum(['open', 'acknowledged', 'mitigated', 'resolved']);
export type IncidentState = z.infer<typeof incidentStateSchema>;

/** An endpoint the incident affects, as it was when it joined (names survive the endpoint going away). */
export const incidentEndpointSchema = z.object({
  id: z.string(),
  name: z.string(),
  model: z.string(),
  version: z.string(),
  cluster: z.string(),
  region: z.string(),
  namespace: z.string().nullable(),
  joinedAt: z.number().int(),
  /** The endpoint's health now (or when last seen), in words. */
  health: z.enum(['ok', 'warning', 'critical', 'unknown']),
  reason: z.string(),
});
export type IncidentEndpoint = z.infer<typeof incidentEndpointSchema>;

export const incidentSummarySchema = z.object({
  /** `inc-<n>`: short, stable, and the same after export and import. */
  id: z.string(),
  title: z.string(),
  severity: incidentSeveritySchema,
  state: incidentStateSchema,
  /** 'auto' (health turned critical) or 'manual' (opened by a person). */
  origin: z.enum(['auto', 'manual']),
  owner: z.string().nullable(),
  /** What groups endpoints into it, e.g. "region us-east-1" or "model llama-70b-chat". */
  groupKey: z.string(),
  /** Signals seen (latency_p95, error_rate, no_data, crash_loop, gpu_fault, ...), for suggested runbooks. */
  signals: z.array(z.string()),
  endpointCount: z.number().int(),
  /** Up to 5 affected endpoint names, for lists. */
  endpointNames: z.array(z.string()),
  models: z.array(z.string()),
  clusters: z.array(z.string()),
  /** When impact began (the earliest affected endpoint's health since). */
  startedAt: z.number().int(),
  detectedAt: z.number().int(),
  acknowledgedAt: z.number().int().nullable(),
  mitigatedAt: z.number().int().nullable(),
  resolvedAt: z.number().int().nullable(),
  updatedAt: z.number().int(),
  entryCount: z.number().int(),
  /** Imported from another machine (read-only history), with where it came from. */
  importedFrom: z.string().nullable(),
});
export type IncidentSummary = z.infer<typeof incidentSummarySchema>;

/** A chart's data, stored when it happened so it renders later with no source at all. */
export const metricSnapshotSchema = z.object({
  metric: metricNameSchema,
  from: z.number().int(),
  to: z.number().int(),
  /** The SLO line for this metric, when it has one (base unit). */
  threshold: z.number().nullable(),
  series: z.array(
    z.object({
      endpointId: z.string(),
      label: z.string(),
      /** [time ms, value in the metric's base unit]; value null is a gap. */
      points: z.array(z.tuple([z.number().int(), z.number().nullable()])),
    }),
  ),
});
export type MetricSnapshot = z.infer<typeof metricSnapshotSchema>;

export const timelineKindSchema = z.enum([
  /** The incident's own state: opened, acknowledged, mitigated, resolved, reopened, escalated, edited. */
  'state',
  /** An endpoint's health changed (with its reason), or joined the incident. */
  'health',
  /** Chart data around an event (data.snapshot). */
  'snapshot',
  /** A Kubernetes event of an affected endpoint's pods or nodes. */
  'k8s_event',
  'pod_restart',
  /** A GPU fault (an Xid, a node condition). */
  'gpu_fault',
  /** A rollout on an affected endpoint: started, a decision, promoted, aborted. */
  'rollout',
  /** A runbook run on an affected endpoint: started, a step ended (with its transcript range), ended. */
  'run',
  /** A note from the UI or `fleetdeck annotate`. */
  'note',
  /** Something a person did (a command) that touches the incident or its endpoints. */
  'action',
  /** A self-healing policy acted, proposed (dry-run, limits, freeze) or failed and escalated. */
  'healing',
]);
export type TimelineKind = z.infer<typeof timelineKindSchema>;

/** Short facts shown under an entry ("exit 0", "weight 20 %", "p95 14.2 s"). */
const detailValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const timelineEntrySchema = z.object({
  /** Increasing within an incident; the order entries are shown in. */
  seq: z.number().int(),
  at: z.number().int(),
  kind: timelineKindSchema,
  /** Who: a person, `policy:<id>`, or `fleetdeck` for what the console observed. */
  actor: z.string(),
  endpointId: z.string().nullable(),
  /** One line a person reads: "llama-70b-chat turned critical: p95 19.2 s > 12 s for 2 min". */
  summary: z.string(),
  detail: z.record(z.string(), detailValue),
  /** Present on 'snapshot' entries. */
  snapshot: metricSnapshotSchema.nullable(),
  /** Links: the run, step, rollout or terminal range this entry is about. */
  ref: z
    .object({
      runId: z.string().optional(),
      stepIdx: z.number().int().optional(),
      rolloutId: z.string().optional(),
      sessionId: z.string().optional(),
      fromSeq: z.number().int().optional(),
      toSeq: z.number().int().optional(),
      policyId: z.string().optional(),
    })
    .nullable(),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

export const incidentSuggestionSchema = z.object({
  runbookId: z.string(),
  title: z.string(),
  /** Why it fits: the signals it matches. */
  why: z.string(),
  endpointId: z.string(),
});

export const incidentSchema = incidentSummarySchema.extend({
  endpoints: z.array(incidentEndpointSchema),
  timeline: z.array(timelineEntrySchema),
  /** True when the timeline was cut to `limit` entries (newest kept); page with incidents.timeline. */
  truncated: z.boolean(),
  suggestions: z.array(incidentSuggestionSchema),
  /** The saved postmortem (Markdown), or null until someone saves one. */
  postmortem: z.string().nullable(),
  /** Rollouts live on affected endpoints now. */
  activeRollouts: z.array(z.string()),
});
export type Incident = z.infer<typeof incidentSchema>;

export const incidentsListArgsSchema = z
  .object({
    /** Free text over title, endpoints, models, clusters, notes and timeline summaries. */
    query: z.string().max(200).optional(),
    state: z.array(incidentStateSchema).optional(),
    severity: z.array(incidentSeveritySchema).optional(),
    endpointId: z.string().optional(),
    model: z.string().optional(),
    cluster: z.string().optional(),
    /** Started at or after / before (ms). */
    from: z.number().int().optional(),
    to: z.number().int().optional(),
    /** Only incidents not yet resolved. */
    active: z.boolean().optional(),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();

export const incidentsOpenArgsSchema = z
  .object({
    title: z.string().min(1).max(200),
    severity: incidentSeveritySchema.default('sev3'),
    endpointIds: z.array(z.string().min(1)).max(500).default([]),
    note: z.string().max(10_000).optional(),
  })
  .strict();

export const incidentsControlArgsSchema = z
  .object({
    id: z.string().min(1),
    action: z.enum(['acknowledge', 'mitigate', 'resolve', 'reopen']),
    /** Why, kept in the timeline. */
    note: z.string().max(10_000).optional(),
  })
  .strict();

export const incidentsEditArgsSchema = z
  .object({
    id: z.string().min(1),
    title: z.string().min(1).max(200).optional(),
    severity: incidentSeveritySchema.optional(),
    /** Empty string clears the owner. */
    owner: z.string().max(120).optional(),
  })
  .strict();

export const incidentsAnnotateArgsSchema = z
  .object({
    /** The incident; without it, the one active incident of `endpointId` (or the only active one). */
    id: z.string().min(1).optional(),
    endpointId: z.string().min(1).optional(),
    text: z.string().min(1).max(10_000),
  })
  .strict();

/** The export file (one JSON document); `digest` is SHA-256 over the canonical JSON of `body`. */
export const incidentExportBodySchema = z.object({
  incident: incidentSummarySchema.extend({
    endpoints: z.array(incidentEndpointSchema),
    postmortem: z.string().nullable(),
  }),
  timeline: z.array(timelineEntrySchema),
  runs: z.array(runSchema),
  transcripts: z.array(
    z.object({
      session: terminalSessionSchema,
      /** [seq, at, text] chunks (already redacted when recorded). */
      chunks: z.array(z.tuple([z.number().int(), z.number().int(), z.string()])),
    }),
  ),
});
export type IncidentExportBody = z.infer<typeof incidentExportBodySchema>;

export const incidentExportFileSchema = z.object({
  format: z.literal('fleetdeck-incident'),
  version: z.literal(1),
  exportedAt: z.number().int(),
  /** Which console wrote it (hostname-free: the data directory's install id). */
  exportedBy: z.string(),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  body: incidentExportBodySchema,
});
export type IncidentExportFile = z.infer<typeof incidentExportFileSchema>;

export const incidentsImportArgsSchema = z
  .object({
    /** The file's text as read. */
    text: z.string().min(1).max(200_000_000),
    /** When an incident with the same id but different content exists: import under a new id. */
    asCopy: z.boolean().default(false),
  })
  .strict();

export const incidentsImportResultSchema = z.object({
  /** imported: new here; identical: already present, nothing written; copied: imported under a new id. */
  outcome: z.enum(['imported', 'identical', 'copied']),
  incident: incidentSummarySchema,
  message: z.string(),
});

export const reliabilityArgsSchema = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
  })
  .strict();

export const reliabilitySchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  /** Monday 00:00 local (ms) of each week in the window. */
  weeks: z.array(
    z.object({
      weekStart: z.number().int(),
      incidents: z.number().int(),
      /** Mean time to detect / mitigate / resolve, seconds; null when no incident had it. */
      mttdS: z.number().nullable(),
      mttmS: z.number().nullable(),
      mttrS: z.number().nullable(),
    }),
  ),
  totals: z.object({
    incidents: z.number().int(),
    mttdS: z.number().nullable(),
    mttmS: z.number().nullable(),
    mttrS: z.number().nullable(),
  }),
  /** Share of time each model met its SLO (no critical endpoint), from the incident record. */
  sloAttainment: z.array(
    z.object({ model: z.string(), attainment: z.number().min(0).max(1), breachS: z.number() }),
  ),
});
export type Reliability = z.infer<typeof reliabilitySchema>;

// ---- Self-healing ------------------------------------------------------------------------

export const healingActionKindSchema = z.enum(['runbook', 'abort_rollout', 'shift_traffic']);

export const healingPolicySchema = z.object({
  id: z.string(),
  title: z.string(),
  enabled: z.boolean(),
  /** dry-run only proposes: the action is written to the timeline, never run. */
  mode: z.enum(['run', 'dry-run']),
  /** The trigger: a metric condition (`latency_p95 > 12s`) or `health == critical`, held for forSeconds. */
  when: z.object({
    expression: z.string(),
    metric: z.string(),
    op: z.enum(['<', '<=', '>', '>=', '==']),
    /** In the metric's base unit; for `health`, 0 ok, 1 warning, 2 critical. */
    value: z.number(),
    forSeconds: z.number().int(),
  }),
  match: z.object({
    /** Guard rail: the only clusters it may act in (required, never "all" by omission). */
    clusters: z.array(z.string()).min(1),
    models: z.array(z.string()),
    namespaces: z.array(z.string()),
  }),
  action: z.object({
    kind: healingActionKindSchema,
    /** For runbook and shift_traffic: the runbook and its variables. */
    runbookId: z.string().nullable(),
    vars: z.record(z.string(), z.string()),
  }),
  limits: z.object({
    perEndpointPerHour: z.number().int().min(0),
    fleetPerHour: z.number().int().min(0),
  }),
  /** The YAML as written (edited in place). */
  text: z.string(),
  updatedAt: z.number().int(),
});
export type HealingPolicy = z.infer<typeof healingPolicySchema>;

export const healingProblemSchema = z.object({
  line: z.number().int().nullable(),
  column: z.number().int().nullable(),
  field: z.string().nullable(),
  message: z.string(),
});

export const changeFreezeSchema = z.object({
  id: z.string(),
  from: z.number().int(),
  to: z.number().int(),
  reason: z.string(),
  actor: z.string(),
});
export type ChangeFreeze = z.infer<typeof changeFreezeSchema>;

export const healingActionRecordSchema = z.object({
  id: z.string(),
  policyId: z.string(),
  endpointId: z.string(),
  incidentId: z.string().nullable(),
  at: z.number().int(),
  /** ran: the action was started; proposed: held back, with why (dry-run, limit, freeze, cluster). */
  outcome: z.enum(['ran', 'proposed']),
  /** For ran: running, succeeded, failed (escalated to a person). */
  result: z.enum(['running', 'succeeded', 'failed']).nullable(),
  why: z.string(),
  /** The trigger's values: "latency_p95 14.1 s > 12 s for 2 min". */
  trigger: z.string(),
  runId: z.string().nullable(),
  rolloutId: z.string().nullable(),
  message: z.string().nullable(),
});
export type HealingActionRecord = z.infer<typeof healingActionRecordSchema>;

export const incidentChangeSchema = z.object({
  /** opened; escalated (severity rose or a healing action failed); updated; resolved. */
  change: z.enum(['opened', 'escalated', 'updated', 'resolved']),
  incident: incidentSummarySchema,
});
export type IncidentChange = z.infer<typeof incidentChangeSchema>;
