import { z } from 'zod';

/**
 * Runbooks and their runs (issue 5). The YAML file format (apiVersion fleetdeck.io/v1,
 * kind Runbook) is parsed in the core; these are the shapes that cross the boundary.
 */

export const runbookSeveritySchema = z.enum(['info', 'low', 'medium', 'high', 'critical']);

/** What an endpoint-bound parameter takes its default from. */
export const runbookBindingSchema = z.enum([
  'endpoint',
  'cluster',
  'context',
  'namespace',
  'deployment',
  'model',
  'version',
  'node',
  /** Versions served together: the InferenceService of a KServe endpoint (Endpoint.group). */
  'group',
]);

export const runbookParamSchema = z.object({
  name: z.string(),
  type: z.enum(['string', 'integer', 'number', 'boolean', 'duration']),
  description: z.string(),
  default: z.union([z.string(), z.number(), z.boolean()]).nullable(),
  bind: runbookBindingSchema.nullable(),
  required: z.boolean(),
  enum: z.array(z.string()).nullable(),
  pattern: z.string().nullable(),
});
export type RunbookParam = z.infer<typeof runbookParamSchema>;

export const runbookCheckSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('exit_code'), equals: z.number().int(), timeoutSeconds: z.number() }),
  z.object({
    kind: z.literal('output'),
    /** A regular expression matched against the step's output (ANSI stripped). */
    matches: z.string(),
    timeoutSeconds: z.number(),
  }),
  z.object({
    kind: z.literal('metric'),
    /** As written, e.g. `latency_p95 < 1.2s for 2m`. */
    expression: z.string(),
    metric: z.string(),
    op: z.enum(['<', '<=', '>', '>=']),
    /** In the metric's base unit (seconds, ratio, requests/s, ...). */
    value: z.number(),
    forSeconds: z.number(),
    timeoutSeconds: z.number(),
    /**
     * Parameters in the value or the `for` window (`latency_p95 < {{ params.target }} for 2m`):
     * until rendered, value and forSeconds are those of sample values. A timeout not given is
     * re-derived from the rendered window.
     */
    templated: z.object({ timeoutGiven: z.boolean() }).optional(),
  }),
]);
export type RunbookCheck = z.infer<typeof runbookCheckSchema>;

export const runbookStepSchema = z.object({
  id: z.string(),
  title: z.string(),
  /** Markdown guidance shown beside the terminal. */
  guidance: z.string(),
  kind: z.enum(['command', 'manual']),
  /** Template with {{ params.name }} placeholders; substituted with shell quoting. */
  command: z.string().nullable(),
  check: runbookCheckSchema.nullable(),
  confirm: z.boolean(),
  rollback: z.string().nullable(),
  onFailure: z.enum(['stop', 'continue', 'rollback']),
  timeoutSeconds: z.number(),
});
export type RunbookStep = z.infer<typeof runbookStepSchema>;

export const runbookSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  severity: runbookSeveritySchema,
  source: z.enum(['builtin', 'user']),
  file: z.string(),
  stepCount: z.number().int(),
  /** Has steps that need confirmation (refused in read-only mode). */
  destructive: z.boolean(),
  /** Set when listed for an endpoint: why it is relevant (for example "latency_p95 above SLO"). */
  relevance: z.string().nullable(),
});
export type RunbookSummary = z.infer<typeof runbookSummarySchema>;

export const runbookSchema = runbookSummarySchema.extend({
  apiVersion: z.string(),
  params: z.array(runbookParamSchema),
  steps: z.array(runbookStepSchema),
  /** Signals this runbook answers (health reasons / metric names), used to suggest it. */
  signals: z.array(z.string()),
});
export type Runbook = z.infer<typeof runbookSchema>;

/** A file that could not be used, with where and why; it never hides the others. */
export const runbookProblemSchema = z.object({
  file: z.string(),
  line: z.number().int().nullable(),
  column: z.number().int().nullable(),
  field: z.string().nullable(),
  message: z.string(),
});
export type RunbookProblem = z.infer<typeof runbookProblemSchema>;

export const runbookVarsSchema = z.record(z.string(), z.string());

export const renderedStepSchema = z.object({
  idx: z.number().int(),
  title: z.string(),
  kind: z.enum(['command', 'manual']),
  command: z.string().nullable(),
  rollback: z.string().nullable(),
  confirm: z.boolean(),
  check: runbookCheckSchema.nullable(),
});

export const runbookRenderSchema = z.object({
  runbook: runbookSummarySchema,
  /** Every parameter's final value and where it came from. */
  params: z.array(
    z.object({ name: z.string(), value: z.string(), from: z.enum(['var', 'endpoint', 'default']) }),
  ),
  steps: z.array(renderedStepSchema),
});

export const runStateSchema = z.enum([
  'running',
  /** Waiting for a person: a confirmation, a manual step, or an inconclusive check. */
  'waiting',
  'paused',
  'succeeded',
  'failed',
  'aborted',
  'rolled_back',
  /** The console stopped mid-run; resumable from the last completed step. */
  'interrupted',
]);
export type RunState = z.infer<typeof runStateSchema>;

export const runStepStateSchema = z.enum([
  'pending',
  'waiting_confirm',
  'waiting_manual',
  'running',
  'checking',
  'succeeded',
  'failed',
  'skipped',
  'rolled_back',
  'interrupted',
]);

export const runStepRecordSchema = z.object({
  idx: z.number().int(),
  title: z.string(),
  kind: z.enum(['command', 'manual']),
  confirm: z.boolean(),
  /** The command exactly as sent to the terminal (parameters already quoted). */
  command: z.string().nullable(),
  state: runStepStateSchema,
  exitCode: z.number().int().nullable(),
  check: z.object({ ok: z.boolean(), detail: z.string() }).nullable(),
  startedAt: z.number().int().nullable(),
  endedAt: z.number().int().nullable(),
  /** The step's output (ANSI stripped, secrets redacted, capped). */
  output: z.string(),
  /** The transcript range in the run's terminal session that this step produced. */
  transcript: z
    .object({ sessionId: z.string(), fromSeq: z.number().int(), toSeq: z.number().int() })
    .nullable(),
  confirmedBy: z.string().nullable(),
  rollback: z
    .object({ command: z.string(), exitCode: z.number().int().nullable(), state: runStepStateSchema })
    .nullable(),
});
export type RunStepRecord = z.infer<typeof runStepRecordSchema>;

export const runNoteSchema = z.object({ at: z.number().int(), actor: z.string(), text: z.string() });

export const runSummarySchema = z.object({
  id: z.string(),
  runbookId: z.string(),
  runbookTitle: z.string(),
  endpointId: z.string().nullable(),
  actor: z.string(),
  state: runStateSchema,
  dryRun: z.boolean(),
  readOnly: z.boolean(),
  /** Index of the step being worked on (or steps.length when finished). */
  currentStep: z.number().int(),
  stepCount: z.number().int(),
  terminalId: z.string().nullable(),
  startedAt: z.number().int(),
  updatedAt: z.number().int(),
  endedAt: z.number().int().nullable(),
  /** Why it stopped or waits, in words a person can act on. */
  message: z.string().nullable(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const runSchema = runSummarySchema.extend({
  params: z.record(z.string(), z.string()),
  steps: z.array(runStepRecordSchema),
  notes: z.array(runNoteSchema),
});
export type Run = z.infer<typeof runSchema>;

export const runsStartArgsSchema = z
  .object({
    runbookId: z.string().min(1),
    endpointId: z.string().min(1).optional(),
    vars: runbookVarsSchema.default({}),
    dryRun: z.boolean().default(false),
    readOnly: z.boolean().default(false),
    /** Confirm destructive steps without asking (the command line's --yes). */
    autoConfirm: z.boolean().default(false),
  })
  .strict();

export const runsControlArgsSchema = z
  .object({
    id: z.string().min(1),
    action: z.enum(['pause', 'resume', 'abort', 'rollback', 'confirm', 'skip', 'retry', 'done']),
  })
  .strict();

export const runsListArgsSchema = z
  .object({
    query: z.string().max(200).optional(),
    runbookId: z.string().optional(),
    endpointId: z.string().optional(),
    state: runStateSchema.optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
