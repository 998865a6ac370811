import type { z } from 'zod';
import type {
  renderedStepSchema,
  Runbook,
  RunbookCheck,
  RunbookParam,
  RunbookStep,
} from '../../shared/contract/runbook.schema';
import { FleetError } from '../../shared/errors/fleet-error';
import {
  checkParamValue,
  didYouMean,
  METRIC_CHECK_GRACE_SECONDS,
  parseMetricCondition,
  substitute,
} from './runbook.format';
import { quoteShellArg } from './shell-quote';

/**
 * The endpoint a run is bound to, as parameters see it (`bind: namespace` takes `namespace`).
 * The run engine builds it from fleet data; null fields fall back to the parameter's default.
 */
export interface EndpointBinding {
  id: string;
  cluster: string;
  /** The kubeconfig context for the endpoint's cluster. */
  context: string;
  namespace: string | null;
  /** The Deployment (or InferenceService) that serves the endpoint. */
  deployment: string | null;
  model: string;
  version: string;
  /** A node the endpoint runs on, for node-level runbooks. */
  node?: string | null;
  /** Versions served together (Endpoint.group): a KServe endpoint's InferenceService name. */
  group?: string | null;
}

export interface RenderedParam {
  name: string;
  value: string;
  from: 'var' | 'endpoint' | 'default';
}

/** A step with its parameters substituted: what a dry run shows and what the terminal receives. */
export type RenderedStep = z.infer<typeof renderedStepSchema> & {
  id: string;
  /** Markdown with parameter values filled in (plain text, not shell-quoted). */
  guidance: string;
  onFailure: RunbookStep['onFailure'];
  timeoutSeconds: number;
};

export interface RenderedRunbook {
  params: RenderedParam[];
  steps: RenderedStep[];
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Resolves every parameter (--var, then the bound endpoint, then the default), checks each
 * value against its type, and substitutes them: shell-quoted in commands and rollbacks,
 * regex-escaped in output checks, as plain text in guidance. Any bad input throws one
 * bad_request naming every parameter at fault.
 */
export function renderRunbook(
  runbook: Runbook,
  input: { vars: Record<string, string>; endpoint: EndpointBinding | null },
): RenderedRunbook {
  const where = `runbook ${runbook.id}`;
  const declared = runbook.params.map((p) => p.name);
  const unknown = Object.keys(input.vars).filter((k) => !declared.includes(k));
  if (unknown.length > 0) {
    throw new FleetError({
      code: 'bad_request',
      message: `Unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}.${unknown.length === 1 ? didYouMean(unknown[0]!, declared) : ''}`,
      where,
      hint: declared.length
        ? `This runbook takes: ${declared.join(', ')}.`
        : 'This runbook takes no parameters.',
    });
  }

  const errors: string[] = [];
  const params: RenderedParam[] = [];
  for (const p of runbook.params) {
    const resolved = resolve(p, input);
    if (resolved === null) {
      if (p.required) {
        errors.push(
          `'${p.name}' is required${p.bind ? ` (it comes from the endpoint's ${p.bind} when bound to one)` : ''}; pass --var ${p.name}=<value>`,
        );
      } else {
        params.push({ name: p.name, value: '', from: 'default' });
      }
      continue;
    }
    const checked = checkParamValue(p, resolved.value);
    if (!checked.ok) {
      errors.push(
        `'${p.name}' (${p.type}${resolved.from === 'var' ? '' : `, from ${resolved.from}`}): ${checked.error}`,
      );
      continue;
    }
    params.push({ name: p.name, value: checked.value, from: resolved.from });
  }
  if (errors.length > 0) {
    throw new FleetError({
      code: 'bad_request',
      message: `Bad parameter${errors.length > 1 ? 's' : ''}: ${errors.map((e) => e.replace(/\.$/, '')).join('; ')}.`,
      where,
      hint: 'Fix the values and render again; a dry run shows every command before anything runs.',
    });
  }

  const values = new Map(params.map((p) => [p.name, p.value]));
  const valueOf = (name: string) => values.get(name) ?? '';
  const shell = (template: string | null) =>
    template === null ? null : substitute(template, (n) => quoteShellArg(valueOf(n)));

  const steps = runbook.steps.map((s, idx): RenderedStep => {
    let check = s.check;
    if (check?.kind === 'output')
      check = { ...check, matches: substitute(check.matches, (n) => escapeRegex(valueOf(n))) };
    if (check?.kind === 'metric' && check.templated) check = renderMetricCheck(check, valueOf, s.id, where);
    return {
      idx,
      id: s.id,
      title: substitute(s.title, valueOf),
      guidance: substitute(s.guidance, valueOf),
      kind: s.kind,
      command: shell(s.command),
      rollback: shell(s.rollback),
      confirm: s.confirm,
      check,
      onFailure: s.onFailure,
      timeoutSeconds: s.timeoutSeconds,
    };
  });
  return { params, steps };
}

/** A metric condition with parameters, read again with their values (each already type-checked). */
function renderMetricCheck(
  check: Extract<RunbookCheck, { kind: 'metric' }>,
  valueOf: (name: string) => string,
  stepId: string,
  where: string,
): RunbookCheck {
  const expression = substitute(check.expression, valueOf);
  const parsed = parseMetricCondition(expression);
  if (!parsed.ok) {
    throw new FleetError({
      code: 'bad_request',
      message: `Step ${stepId}: its check reads '${expression}' with these parameters: ${parsed.error}`,
      where,
      hint: 'Give the parameters a number or a duration that fits the metric (seconds for latency, a percentage for error rates).',
    });
  }
  const c = parsed.value;
  return {
    kind: 'metric',
    expression,
    metric: c.metric,
    op: c.op,
    value: c.value,
    forSeconds: c.forSeconds,
    timeoutSeconds: check.templated?.timeoutGiven
      ? check.timeoutSeconds
      : c.forSeconds + METRIC_CHECK_GRACE_SECONDS,
  };
}

function resolve(
  p: RunbookParam,
  input: { vars: Record<string, string>; endpoint: EndpointBinding | null },
): { value: string; from: RenderedParam['from'] } | null {
  const fromVar = input.vars[p.name];
  if (fromVar !== undefined) return { value: fromVar, from: 'var' };
  if (p.bind && input.endpoint) {
    const e = input.endpoint;
    const bound =
      p.bind === 'endpoint'
        ? e.id
        : p.bind === 'node' || p.bind === 'group'
          ? (e[p.bind] ?? null)
          : e[p.bind];
    if (bound !== null && bound !== undefined && bound !== '') return { value: bound, from: 'endpoint' };
  }
  if (p.default !== null) return { value: String(p.default), from: 'default' };
  return null;
}
