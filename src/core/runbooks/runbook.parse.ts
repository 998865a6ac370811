import { isMap, isScalar } from 'yaml';
import type { Node } from 'yaml';
import {
  runbookBindingSchema,
  runbookSeveritySchema,
  type Runbook,
  type RunbookCheck,
  type RunbookParam,
  type RunbookProblem,
  type RunbookStep,
} from '../../shared/contract/runbook.schema';
import {
  checkFields,
  checkParamValue,
  DEFAULT_STEP_TIMEOUT_SECONDS,
  didYouMean,
  METRIC_CHECK_GRACE_SECONDS,
  PARAM_NAME,
  paramFields,
  parseDuration,
  parseMetricCondition,
  RUNBOOK_API_VERSION,
  RUNBOOK_KIND,
  scanPlaceholders,
  SLUG,
  stepFields,
  substitute,
  topLevelFields,
} from './runbook.format';
import { openYamlDocument, type YamlReader } from './runbook.yaml-reader';

const paramTypes = ['string', 'integer', 'number', 'boolean', 'duration'] as const;
const failureModes = ['stop', 'continue', 'rollback'] as const;

export interface ParsedRunbook {
  /** Null whenever there is any problem: a half-understood runbook is never offered to run. */
  runbook: Runbook | null;
  problems: RunbookProblem[];
}

/**
 * Parses one runbook file (format in docs/runbooks.md). Every problem names the file, line,
 * column and field path; parsing carries on after a problem so an author sees all of them at
 * once rather than one per save.
 */
export function parseRunbook(text: string, file: string, source: 'builtin' | 'user'): ParsedRunbook {
  const { r, root } = openYamlDocument(
    text,
    file,
    `The file is empty; a runbook starts with 'apiVersion: ${RUNBOOK_API_VERSION}'.`,
  );
  if (!root) return { runbook: null, problems: r.problems };

  const top = r.fields(root, '', topLevelFields);
  if (!top) return { runbook: null, problems: r.problems };

  const apiVersion = r.string(top.get('apiVersion'), 'apiVersion');
  if (apiVersion !== null && apiVersion !== RUNBOOK_API_VERSION) {
    r.problem(
      top.get('apiVersion'),
      'apiVersion',
      `apiVersion '${apiVersion}' is not supported; this Fleetdeck reads '${RUNBOOK_API_VERSION}'.`,
    );
  }
  const kind = r.string(top.get('kind'), 'kind');
  if (kind !== null && kind !== RUNBOOK_KIND) {
    r.problem(top.get('kind'), 'kind', `kind must be '${RUNBOOK_KIND}' (got '${kind}').`);
  }
  if (!top.has('apiVersion') && !r.problems.some((p) => p.field === 'apiVersion')) {
    r.problem(root, 'apiVersion', `apiVersion is required ('${RUNBOOK_API_VERSION}').`);
  }
  if (!top.has('kind') && !r.problems.some((p) => p.field === 'kind')) {
    r.problem(root, 'kind', `kind is required ('${RUNBOOK_KIND}').`);
  }

  const id = requiredSlug(r, top, 'id', root);
  const title = r.string(top.get('title'), 'title') ?? '';
  if (!title.trim()) r.problem(top.get('title') ?? root, 'title', 'title is required.');
  const description = r.string(top.get('description'), 'description') ?? '';
  const tags = r.strings(top.get('tags'), 'tags', (t) =>
    SLUG.test(t) ? null : `tag '${t}' must be lower-case words joined by dashes.`,
  );
  const severityText = r.string(top.get('severity'), 'severity') ?? 'medium';
  const severity = runbookSeveritySchema.safeParse(severityText);
  if (!severity.success) {
    r.problem(
      top.get('severity'),
      'severity',
      `severity '${severityText}' is not one of ${runbookSeveritySchema.options.join(', ')}.${didYouMean(severityText, runbookSeveritySchema.options)}`,
    );
  }
  const signals = r.strings(top.get('signals'), 'signals');

  const params = parseParams(r, top.get('params'));
  const steps = parseSteps(r, top.get('steps'), params, root);

  if (r.problems.length > 0 || id === null) return { runbook: null, problems: r.problems };
  return {
    runbook: {
      apiVersion: RUNBOOK_API_VERSION,
      id,
      title: title.trim(),
      description: description.trim(),
      tags,
      severity: severity.success ? severity.data : 'medium',
      source,
      file,
      stepCount: steps.length,
      destructive: steps.some((s) => s.confirm),
      relevance: null,
      params,
      steps,
      signals,
    },
    problems: [],
  };
}

function requiredSlug(
  r: YamlReader,
  map: Map<string, Node | null>,
  key: string,
  parent: Node,
): string | null {
  const value = r.string(map.get(key), key);
  if (value === null) {
    if (!r.problems.some((p) => p.field === key))
      r.problem(map.get(key) ?? parent, key, `${key} is required.`);
    return null;
  }
  if (!SLUG.test(value)) {
    r.problem(
      map.get(key),
      key,
      `${key} '${value}' must be lower-case letters and digits joined by dashes (e.g. scale-out).`,
    );
    return null;
  }
  return value;
}

function parseParams(r: YamlReader, node: Node | null | undefined): RunbookParam[] {
  const params: RunbookParam[] = [];
  const seen = new Set<string>();
  r.items(node, 'params').forEach((item, i) => {
    const path = `params[${i}]`;
    const f = r.fields(item, path, paramFields);
    if (!f) return;
    const name = r.string(f.get('name'), `${path}.name`, { required: true });
    if (name !== null && !PARAM_NAME.test(name)) {
      r.problem(
        f.get('name'),
        `${path}.name`,
        `parameter name '${name}' must be lower-case letters, digits and _ (e.g. replicas).`,
      );
    } else if (name !== null && seen.has(name)) {
      r.problem(f.get('name'), `${path}.name`, `parameter '${name}' is declared twice.`);
    }
    if (name !== null) seen.add(name);

    const typeText = r.string(f.get('type'), `${path}.type`) ?? 'string';
    const type = (paramTypes as readonly string[]).includes(typeText)
      ? (typeText as RunbookParam['type'])
      : null;
    if (type === null) {
      r.problem(
        f.get('type'),
        `${path}.type`,
        `type '${typeText}' is not one of ${paramTypes.join(', ')}.${didYouMean(typeText, paramTypes)}`,
      );
    }
    const bindText = r.string(f.get('bind'), `${path}.bind`);
    const bind = bindText === null ? null : runbookBindingSchema.safeParse(bindText);
    if (bind && !bind.success) {
      r.problem(
        f.get('bind'),
        `${path}.bind`,
        `bind '${bindText}' is not one of ${runbookBindingSchema.options.join(', ')}.${didYouMean(bindText!, runbookBindingSchema.options)}`,
      );
    }
    const enumValues = f.has('enum') ? r.strings(f.get('enum'), `${path}.enum`) : null;
    if (enumValues !== null && type !== 'string' && type !== null) {
      r.problem(f.get('enum'), `${path}.enum`, 'enum applies to string parameters only.');
    }
    const pattern = r.string(f.get('pattern'), `${path}.pattern`);
    if (pattern !== null) {
      const error = regexError(pattern);
      if (error)
        r.problem(f.get('pattern'), `${path}.pattern`, `pattern is not a valid regular expression: ${error}`);
    }
    const required = r.boolean(f.get('required'), `${path}.required`) ?? true;

    let defaultValue: RunbookParam['default'] = null;
    const defaultNode = f.get('default');
    if (defaultNode !== undefined && defaultNode !== null) {
      const v = r.scalar(defaultNode, `${path}.default`);
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
        defaultValue = v;
        if (type !== null && !r.problems.some((p) => p.field?.startsWith(`${path}.`))) {
          const ok = checkParamValue({ name: name ?? '', type, enum: enumValues, pattern }, String(v));
          if (!ok.ok) r.problem(defaultNode, `${path}.default`, `default ${ok.error}`);
        }
      } else if (v !== null && v !== undefined) {
        r.problem(defaultNode, `${path}.default`, 'default must be text, a number or true/false.');
      }
    }

    params.push({
      name: name ?? '',
      type: type ?? 'string',
      description: (r.string(f.get('description'), `${path}.description`) ?? '').trim(),
      default: defaultValue,
      bind: bind?.success ? bind.data : null,
      required,
      enum: enumValues,
      pattern,
    });
  });
  return params;
}

function parseSteps(
  r: YamlReader,
  node: Node | null | undefined,
  params: RunbookParam[],
  root: Node,
): RunbookStep[] {
  if (node === undefined || node === null) {
    r.problem(node ?? root, 'steps', 'steps is required: a runbook needs at least one step.');
    return [];
  }
  const items = r.items(node, 'steps');
  if (items.length === 0 && !r.problems.some((p) => p.field === 'steps')) {
    r.problem(node, 'steps', 'steps is empty: a runbook needs at least one step.');
  }
  const declared = params.map((p) => p.name);
  const typeOf = new Map(params.map((p) => [p.name, p.type]));
  const steps: RunbookStep[] = [];
  const ids = new Set<string>();
  let rollbackSeen = false;

  items.forEach((item, i) => {
    const path = `steps[${i}]`;
    const f = r.fields(item, path, stepFields);
    if (!f) return;
    const id = r.string(f.get('id'), `${path}.id`) ?? `step-${i + 1}`;
    if (!SLUG.test(id)) {
      r.problem(
        f.get('id'),
        `${path}.id`,
        `step id '${id}' must be lower-case letters and digits joined by dashes.`,
      );
    } else if (ids.has(id)) {
      r.problem(f.get('id'), `${path}.id`, `step id '${id}' is used twice.`);
    }
    ids.add(id);
    const title = r.string(f.get('title'), `${path}.title`) ?? '';
    if (!title.trim()) r.problem(f.get('title') ?? item, `${path}.title`, `${path}.title is required.`);
    const guidance = r.string(f.get('guidance'), `${path}.guidance`) ?? '';
    const manual = r.boolean(f.get('manual'), `${path}.manual`) ?? false;
    const command = r.string(f.get('command'), `${path}.command`);
    const rollback = r.string(f.get('rollback'), `${path}.rollback`);
    const confirm = r.boolean(f.get('confirm'), `${path}.confirm`) ?? false;

    const timeoutNode = f.get('timeout');
    const timeoutSeconds = timeoutNode
      ? durationOf(r, timeoutNode, `${path}.timeout`)
      : DEFAULT_STEP_TIMEOUT_SECONDS;

    const failureText = r.string(f.get('on_failure'), `${path}.on_failure`) ?? 'stop';
    const onFailure = (failureModes as readonly string[]).includes(failureText)
      ? (failureText as RunbookStep['onFailure'])
      : null;
    if (onFailure === null) {
      r.problem(
        f.get('on_failure'),
        `${path}.on_failure`,
        `on_failure '${failureText}' is not one of ${failureModes.join(', ')}.${didYouMean(failureText, failureModes)}`,
      );
    }

    const check = f.has('check')
      ? parseCheck(r, f.get('check') ?? null, `${path}.check`, typeOf, timeoutSeconds)
      : null;

    if (manual) {
      for (const key of ['command', 'check', 'rollback'] as const) {
        if (f.has(key)) {
          r.problem(
            f.get(key),
            `${path}.${key}`,
            `a manual step is ticked by the engineer; it has no ${key}. Remove it or drop 'manual: true'.`,
          );
        }
      }
    } else if (command === null && !r.problems.some((p) => p.field === `${path}.command`)) {
      r.problem(
        item,
        `${path}.command`,
        `${path} needs a command, or 'manual: true' for a step the engineer ticks.`,
      );
    }

    if (command !== null) checkTemplate(r, f.get('command'), `${path}.command`, command, declared, true);
    if (rollback !== null) {
      checkTemplate(r, f.get('rollback'), `${path}.rollback`, rollback, declared, true);
      rollbackSeen = true;
    }
    checkTemplate(r, f.get('guidance'), `${path}.guidance`, guidance, declared, false);
    checkTemplate(r, f.get('title'), `${path}.title`, title, declared, false);
    if (onFailure === 'rollback' && !rollbackSeen) {
      r.problem(
        f.get('on_failure'),
        `${path}.on_failure`,
        "on_failure: rollback needs a 'rollback:' command on this step or an earlier one.",
      );
    }

    steps.push({
      id,
      title: title.trim(),
      guidance: guidance.trim(),
      kind: manual ? 'manual' : 'command',
      command: manual ? null : (command?.trim() ?? null),
      check: manual ? null : check,
      confirm,
      rollback: manual ? null : (rollback?.trim() ?? null),
      onFailure: onFailure ?? 'stop',
      timeoutSeconds,
    });
  });
  return steps;
}

function durationOf(r: YamlReader, node: Node, field: string): number {
  const v = r.scalar(node, field);
  if (typeof v === 'number' && v > 0) return v;
  const d = typeof v === 'string' ? parseDuration(v) : null;
  if (d === null || d <= 0) {
    r.problem(node, field, `${field} ${JSON.stringify(v)} is not a duration; write e.g. 30s, 5m or 1h.`);
    return DEFAULT_STEP_TIMEOUT_SECONDS;
  }
  return d;
}

/**
 * `check:` is a mapping with exactly one of exit_code / output / metric (and an optional
 * timeout), or a plain string as shorthand for a metric condition.
 */
function parseCheck(
  r: YamlReader,
  node: Node | null,
  path: string,
  typeOf: ReadonlyMap<string, RunbookParam['type']>,
  stepTimeout: number,
): RunbookCheck | null {
  const declared = [...typeOf.keys()];
  if (node === null) {
    r.problem(node, path, `${path} is empty; write exit_code, output or metric.`);
    return null;
  }
  if (isScalar(node) && typeof node.value === 'string')
    return metricCheck(r, node, path, node.value, null, typeOf);
  if (!isMap(node)) {
    r.problem(node, path, `${path} must be a mapping with exit_code, output or metric.`);
    return null;
  }
  const f = r.fields(node, path, checkFields);
  if (!f) return null;
  const kinds = (['exit_code', 'output', 'metric'] as const).filter((k) => f.has(k));
  if (kinds.length !== 1) {
    r.problem(
      node,
      path,
      kinds.length === 0
        ? `${path} needs one of exit_code, output or metric.`
        : `${path} has ${kinds.join(' and ')}; a check tests one thing (split it into two steps).`,
    );
    return null;
  }
  const timeoutNode = f.get('timeout');
  const timeout = timeoutNode ? durationOf(r, timeoutNode, `${path}.timeout`) : null;
  const kind = kinds[0]!;
  const valueNode = f.get(kind) ?? null;

  if (kind === 'exit_code') {
    const v = r.scalar(valueNode, `${path}.exit_code`);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
      r.problem(
        valueNode ?? node,
        `${path}.exit_code`,
        `${path}.exit_code must be a whole number from 0 to 255.`,
      );
      return null;
    }
    return { kind: 'exit_code', equals: v, timeoutSeconds: timeout ?? stepTimeout };
  }
  if (kind === 'output') {
    const pattern = r.string(valueNode, `${path}.output`, { required: true });
    if (pattern === null) return null;
    checkTemplate(r, valueNode, `${path}.output`, pattern, declared, false);
    // Placeholders become regex-escaped literals when rendered; any word stands in for them here.
    const error = regexError(pattern.replace(/\{\{(.*?)\}\}/g, 'x'));
    if (error) {
      r.problem(valueNode, `${path}.output`, `${path}.output is not a valid regular expression: ${error}`);
      return null;
    }
    return { kind: 'output', matches: pattern, timeoutSeconds: timeout ?? stepTimeout };
  }
  const expression = r.string(valueNode, `${path}.metric`, { required: true });
  if (expression === null) return null;
  return metricCheck(r, valueNode, `${path}.metric`, expression, timeout, typeOf);
}

/** What a parameter of each type stands for while a templated condition is checked. */
const SAMPLE_VALUE: Record<RunbookParam['type'], string> = {
  integer: '1',
  number: '1',
  duration: '1m',
  string: '1',
  boolean: 'true',
};

/**
 * A metric condition, whose value and `for` window may be parameters (the metric may not:
 * which metric a step waits on is part of what the runbook means). A templated condition is
 * checked here with sample values for its parameters and rendered for real with the run.
 */
function metricCheck(
  r: YamlReader,
  node: Node | null,
  field: string,
  expression: string,
  timeout: number | null,
  typeOf: ReadonlyMap<string, RunbookParam['type']>,
): RunbookCheck | null {
  const placeholders = scanPlaceholders(expression, false);
  let sample = expression;
  if (placeholders.length > 0) {
    const problemsBefore = r.problems.length;
    checkTemplate(r, node, field, expression, [...typeOf.keys()], false);
    if (r.problems.length > problemsBefore) return null;
    if (/^\s*\{\{/.test(expression)) {
      r.problem(
        node,
        field,
        `${field}: a parameter may set the value or the 'for' window of a metric condition, not the metric (write e.g. 'latency_p95 < {{ params.target }} for 2m').`,
      );
      return null;
    }
    sample = substitute(expression, (name) => SAMPLE_VALUE[typeOf.get(name) ?? 'string']);
  }
  const parsed = parseMetricCondition(sample);
  if (!parsed.ok) {
    const types = [...new Set(placeholders.map((p) => `params.${p.name} (${typeOf.get(p.name ?? '')})`))];
    r.problem(
      node,
      field,
      placeholders.length > 0
        ? `${parsed.error.replace(sample, expression)} With ${types.join(', ')} as a sample value the condition does not read; use a number or duration parameter where a value or a window goes.`
        : parsed.error,
    );
    return null;
  }
  const c = parsed.value;
  return {
    kind: 'metric',
    expression: expression.trim(),
    metric: c.metric,
    op: c.op,
    value: c.value,
    forSeconds: c.forSeconds,
    timeoutSeconds: timeout ?? c.forSeconds + METRIC_CHECK_GRACE_SECONDS,
    ...(placeholders.length > 0 ? { templated: { timeoutGiven: timeout !== null } } : {}),
  };
}

/** Every placeholder must name a declared parameter, outside shell quotes (it is quoted for you). */
function checkTemplate(
  r: YamlReader,
  node: Node | null | undefined,
  field: string,
  template: string,
  declared: string[],
  shell: boolean,
): void {
  const seen = new Map<string, number>();
  // In a heredoc body the shell expands $(...) whatever the quotes, so no value may go there.
  const heredoc = shell ? /<<-?[ \t]*['"]?[A-Za-z_]/.exec(template.replace(/<<</g, '   ')) : null;
  for (const p of scanPlaceholders(template, shell)) {
    const raw = template.slice(p.index, p.index + p.length);
    const occurrence = seen.get(raw) ?? 0;
    seen.set(raw, occurrence + 1);
    const at = r.offsetOf(node, raw, occurrence);
    if (p.name === null) {
      r.problem(
        node,
        field,
        `'${raw}' is not a parameter reference; write {{ params.<name> }}${declared.length ? ` (declared: ${declared.join(', ')})` : ''}.`,
        at,
      );
    } else if (!declared.includes(p.name)) {
      r.problem(
        node,
        field,
        `Unknown variable 'params.${p.name}' in ${field}.${didYouMean(p.name, declared)}${declared.length ? ` Declared: ${declared.join(', ')}.` : ' This runbook declares no params.'}`,
        at,
      );
    } else if (p.inQuotes) {
      r.problem(
        node,
        field,
        `'${raw}' is inside quotes or after a backslash; parameters are shell-quoted for you, so write it as a word of its own.`,
        at,
      );
    } else if (heredoc && p.index > heredoc.index) {
      r.problem(
        node,
        field,
        `'${raw}' is inside a heredoc, where the shell would expand the value; pass it as a command argument instead.`,
        at,
      );
    }
  }
}

function regexError(pattern: string): string | null {
  try {
    new RegExp(pattern);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
