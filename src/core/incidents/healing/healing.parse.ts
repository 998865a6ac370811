import { isMap, isScalar } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import type { HealingPolicy } from '../../../shared/contract/incident.schema';
import { didYouMean, SLUG } from '../../runbooks/runbook.format';
import { openYamlDocument, type YamlReader } from '../../runbooks/runbook.yaml-reader';
import {
  actionFields,
  DEFAULT_LIMITS,
  DEFAULT_MODE,
  DEFAULT_SHIFT_TRAFFIC_RUNBOOK,
  HEALING_API_VERSION,
  HEALING_KIND,
  limitFields,
  matchFields,
  modes,
  parsePolicyCondition,
  policyFields,
  shiftTrafficFields,
} from './healing.format';

export interface HealingProblem {
  line: number | null;
  column: number | null;
  field: string | null;
  message: string;
}

export interface ParsedPolicy {
  /** Null whenever there is any problem: a half-understood policy never acts. */
  policy: HealingPolicy | null;
  problems: HealingProblem[];
  /** Where the action's runbook is named, for the problem when it does not exist. */
  runbookAt: { line: number; column: number } | null;
  /** Where each var is written, for problems when the runbook has no such parameter. */
  varsAt: Record<string, { line: number; column: number }>;
}

type Fields = Map<string, Node | null>;

/**
 * Parses a healing policy (format in docs/healing.md): syntax and shape only; the plane checks
 * the runbook it names exists. Every problem names the line, column and field and says what to
 * write; parsing carries on after one so an author sees all of them at once.
 */
export function parseHealingPolicy(text: string, updatedAt = 0): ParsedPolicy {
  // The runbook reader does positions and "did you mean"; policy problems carry no file.
  const { r, root } = openYamlDocument(
    text,
    '',
    `The policy is empty; it starts with 'apiVersion: ${HEALING_API_VERSION}'.`,
  );
  const out: ParsedPolicy = { policy: null, problems: [], runbookAt: null, varsAt: {} };
  const done = (policy: HealingPolicy | null): ParsedPolicy => {
    out.problems = r.problems.map(({ line, column, field, message }) => ({ line, column, field, message }));
    out.policy = out.problems.length === 0 ? policy : null;
    return out;
  };
  if (!root) return done(null);
  const top = r.fields(root, '', policyFields);
  if (!top) return done(null);

  header(r, top, root);
  const id = r.string(top.get('id'), 'id', { required: top.has('id') });
  if (id !== null && !SLUG.test(id))
    r.problem(
      top.get('id'),
      'id',
      `id '${id}' must be lower-case words joined by dashes, e.g. scale-out-on-latency.`,
    );
  if (!top.has('id')) r.problem(root, 'id', 'id is required, e.g. id: scale-out-on-latency.');
  const title = (r.string(top.get('title'), 'title') ?? '').trim();
  if (!title)
    r.problem(top.get('title') ?? root, 'title', 'title is required: one line saying what the policy does.');
  const enabled = r.boolean(top.get('enabled'), 'enabled') ?? true;
  const modeText = r.string(top.get('mode'), 'mode') ?? DEFAULT_MODE;
  const mode = (modes as readonly string[]).includes(modeText) ? (modeText as HealingPolicy['mode']) : null;
  if (mode === null)
    r.problem(
      top.get('mode'),
      'mode',
      `mode '${modeText}' is not one of ${modes.join(', ')}.${didYouMean(modeText, modes)} dry-run only proposes; run acts.`,
    );

  const when = parseWhen(r, top, root);
  const match = parseMatch(r, top.get('match'), root);
  const action = parseAction(r, top.get('action'), root, out);
  const limits = parseLimits(r, top.get('limits'));

  if (r.problems.length > 0 || !id || !when || !match || !action || !mode) return done(null);
  return done({
    id,
    title,
    enabled,
    mode,
    when,
    match,
    action,
    limits,
    text,
    updatedAt,
  });
}

function header(r: YamlReader, top: Fields, root: Node): void {
  const apiVersion = r.string(top.get('apiVersion'), 'apiVersion');
  if (!top.has('apiVersion'))
    r.problem(root, 'apiVersion', `apiVersion is required: apiVersion: ${HEALING_API_VERSION}.`);
  else if (apiVersion !== null && apiVersion !== HEALING_API_VERSION)
    r.problem(
      top.get('apiVersion'),
      'apiVersion',
      `apiVersion '${apiVersion}' is not supported; write apiVersion: ${HEALING_API_VERSION}.`,
    );
  const kind = r.string(top.get('kind'), 'kind');
  if (!top.has('kind')) r.problem(root, 'kind', `kind is required: kind: ${HEALING_KIND}.`);
  else if (kind !== null && kind !== HEALING_KIND)
    r.problem(top.get('kind'), 'kind', `kind must be ${HEALING_KIND} (got '${kind}').`);
}

function parseWhen(r: YamlReader, top: Fields, root: Node): HealingPolicy['when'] | null {
  const node = top.get('when');
  if (!top.has('when')) {
    r.problem(root, 'when', "when is required: the trigger, e.g. when: 'latency_p95 > 12s for 2m'.");
    return null;
  }
  const expression = r.string(node, 'when', { required: true });
  if (expression === null) return null;
  const parsed = parsePolicyCondition(expression);
  if (!parsed.ok) {
    r.problem(node, 'when', parsed.error);
    return null;
  }
  return { expression: expression.trim(), ...parsed.value };
}

function parseMatch(r: YamlReader, node: Node | null | undefined, root: Node): HealingPolicy['match'] | null {
  if (node === undefined) {
    r.problem(
      root,
      'match',
      'match is required and must name the clusters the policy may act in, e.g. match: { clusters: [prod-us-east] }.',
    );
    return null;
  }
  const f = r.fields(node, 'match', matchFields);
  if (!f) return null;
  const clusters = r.strings(f.get('clusters'), 'match.clusters');
  // A guard rail: never "every cluster" because someone left the list out.
  if (clusters.length === 0 && !r.problems.some((p) => p.field?.startsWith('match.clusters')))
    r.problem(
      f.get('clusters') ?? node,
      'match.clusters',
      'match.clusters is required: list the clusters the policy may act in, e.g. clusters: [prod-us-east].',
    );
  return {
    clusters,
    models: r.strings(f.get('models'), 'match.models'),
    namespaces: r.strings(f.get('namespaces'), 'match.namespaces'),
  };
}

function parseAction(
  r: YamlReader,
  node: Node | null | undefined,
  root: Node,
  out: ParsedPolicy,
): HealingPolicy['action'] | null {
  if (node === undefined) {
    r.problem(
      root,
      'action',
      'action is required, e.g. action: { runbook: scale-out, vars: { replicas: "4" } }.',
    );
    return null;
  }
  const f = r.fields(node, 'action', actionFields);
  if (!f) return null;
  const kinds = (['runbook', 'abort_rollout', 'shift_traffic'] as const).filter((k) => f.has(k));
  if (kinds.length !== 1) {
    r.problem(
      node,
      'action',
      kinds.length === 0
        ? 'action needs one of runbook, abort_rollout or shift_traffic.'
        : `action has ${kinds.join(' and ')}; a policy does one thing (write two policies).`,
    );
    return null;
  }
  const kind = kinds[0]!;
  if (kind === 'abort_rollout') {
    if (f.has('vars'))
      r.problem(f.get('vars'), 'action.vars', 'vars go with runbook or shift_traffic, not abort_rollout.');
    const yes = r.boolean(f.get('abort_rollout'), 'action.abort_rollout');
    if (yes === false || (yes === null && !r.problems.some((p) => p.field === 'action.abort_rollout')))
      r.problem(
        f.get('abort_rollout'),
        'action.abort_rollout',
        'write abort_rollout: true (or choose another action).',
      );
    return { kind, runbookId: null, vars: {} };
  }
  if (kind === 'runbook') {
    return {
      kind,
      runbookId: runbookName(r, f.get('runbook'), 'action.runbook', out),
      vars: parseVars(r, f.get('vars'), 'action.vars', out),
    };
  }
  if (f.has('vars'))
    r.problem(f.get('vars'), 'action.vars', 'put vars inside shift_traffic: { runbook, vars }.');
  const shift = f.get('shift_traffic') ?? null;
  // `shift_traffic: true` runs the built-in runbook with the endpoint's own parameters.
  if (shift === null || (isScalar(shift) && shift.value === true)) {
    return { kind, runbookId: DEFAULT_SHIFT_TRAFFIC_RUNBOOK, vars: {} };
  }
  const sf = r.fields(shift, 'action.shift_traffic', shiftTrafficFields);
  if (!sf) return null;
  return {
    kind,
    runbookId: sf.has('runbook')
      ? runbookName(r, sf.get('runbook'), 'action.shift_traffic.runbook', out)
      : DEFAULT_SHIFT_TRAFFIC_RUNBOOK,
    vars: parseVars(r, sf.get('vars'), 'action.shift_traffic.vars', out),
  };
}

function runbookName(
  r: YamlReader,
  node: Node | null | undefined,
  field: string,
  out: ParsedPolicy,
): string | null {
  const id = r.string(node, field, { required: true });
  if (id === null) return null;
  if (node?.range) out.runbookAt = r.position(node.range[0]);
  if (!SLUG.test(id))
    r.problem(node, field, `${field} '${id}' is not a runbook id (lower-case words joined by dashes).`);
  return id;
}

/** Runbook parameters by name; numbers and booleans become their text, as the runbook reads them. */
function parseVars(
  r: YamlReader,
  node: Node | null | undefined,
  field: string,
  out: ParsedPolicy,
): Record<string, string> {
  const vars: Record<string, string> = {};
  if (node === undefined || node === null) return vars;
  if (!isMap(node)) {
    r.problem(
      node,
      field,
      `${field} must be a mapping of parameter names to values, e.g. { replicas: "4" }.`,
    );
    return vars;
  }
  for (const pair of (node as YAMLMap<Node, Node | null>).items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : null;
    if (name === null) {
      r.problem(pair.key, field, `${field} keys must be plain parameter names.`);
      continue;
    }
    const value = pair.value;
    if (!isScalar(value) || value.value === null || typeof value.value === 'object') {
      r.problem(
        value ?? pair.key,
        `${field}.${name}`,
        `${field}.${name} must be one value, e.g. ${name}: "4".`,
      );
      continue;
    }
    vars[name] = String(value.value);
    if (pair.key.range) out.varsAt[name] = r.position(pair.key.range[0]);
  }
  return vars;
}

function parseLimits(r: YamlReader, node: Node | null | undefined): HealingPolicy['limits'] {
  if (node === undefined || node === null) return { ...DEFAULT_LIMITS };
  const f = r.fields(node, 'limits', limitFields);
  if (!f) return { ...DEFAULT_LIMITS };
  const count = (name: (typeof limitFields)[number], fallback: number): number => {
    const v = f.has(name) ? r.scalar(f.get(name) ?? null, `limits.${name}`) : fallback;
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      r.problem(
        f.get(name),
        `limits.${name}`,
        `limits.${name} must be a whole number of actions per hour, 0 or more (got ${JSON.stringify(v)}); 0 means only propose.`,
      );
      return fallback;
    }
    return v;
  };
  return {
    perEndpointPerHour: count('per_endpoint_per_hour', DEFAULT_LIMITS.perEndpointPerHour),
    fleetPerHour: count('fleet_per_hour', DEFAULT_LIMITS.fleetPerHour),
  };
}
