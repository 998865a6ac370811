import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import type {
  RolloutAnalysis,
  RolloutCondition,
  RolloutPlan,
  RolloutProblem,
  RolloutStep,
  RolloutStrategy,
} from '../../shared/contract/rollout.schema';
import { didYouMean } from '../runbooks/runbook.format';
import { openYamlDocument, type YamlReader } from '../runbooks/runbook.yaml-reader';
import { isRolloutMetric, parseCondition, rolloutMetricNames } from './rollout-condition';
import {
  abDefaults,
  abFields,
  analysisDefaults,
  analysisFields,
  blueGreenDefaults,
  blueGreenFields,
  canaryFields,
  candidateFields,
  metadataFields,
  parseRolloutDuration,
  pauseFields,
  ROLLOUT_API_VERSION,
  ROLLOUT_KIND,
  SLUG,
  specFields,
  stableFields,
  stepKinds,
  strategyKinds,
  topLevelFields,
} from './rollout.format';

import { checkPlanAgainstFleet, type FleetView } from './rollout.check';

export { checkPlanAgainstFleet } from './rollout.check';
export type { FleetView } from './rollout.check';

export interface ParsedRolloutPlan {
  /** Null whenever there is any problem: a half-understood plan is never started. */
  plan: RolloutPlan | null;
  problems: RolloutProblem[];
}

type Fields = Map<string, Node | null>;

/**
 * Parses a rollout plan (format in docs/rollouts.md): syntax and schema only, no fleet lookups
 * (checkPlanAgainstFleet does those). Every problem names the line, column and field path, e.g.
 * `spec.strategy.canary.steps[2].setWeight`; parsing carries on after a problem so an author
 * sees all of them at once.
 */
export function parseRolloutPlan(text: string): ParsedRolloutPlan {
  // The runbook reader does the positions and "did you mean"; rollout problems carry no file.
  const { r, root } = openYamlDocument(
    text,
    '',
    `The plan is empty; a plan starts with 'apiVersion: ${ROLLOUT_API_VERSION}'.`,
  );
  const done = (plan: RolloutPlan | null): ParsedRolloutPlan => ({
    plan: r.problems.length > 0 ? null : plan,
    problems: r.problems.map(({ line, column, field, message }) => ({ line, column, field, message })),
  });
  if (!root) return done(null);
  const top = r.fields(root, '', topLevelFields);
  if (!top) return done(null);

  const apiVersion = r.string(top.get('apiVersion'), 'apiVersion');
  if (apiVersion === null && !hasProblem(r, 'apiVersion'))
    r.problem(
      top.get('apiVersion') ?? root,
      'apiVersion',
      `apiVersion is required ('${ROLLOUT_API_VERSION}').`,
    );
  else if (apiVersion !== null && apiVersion !== ROLLOUT_API_VERSION)
    r.problem(
      top.get('apiVersion'),
      'apiVersion',
      `apiVersion '${apiVersion}' is not supported; this Fleetdeck reads '${ROLLOUT_API_VERSION}'.`,
    );
  const kind = r.string(top.get('kind'), 'kind');
  if (kind === null && !hasProblem(r, 'kind'))
    r.problem(top.get('kind') ?? root, 'kind', `kind is required ('${ROLLOUT_KIND}').`);
  else if (kind !== null && kind !== ROLLOUT_KIND)
    r.problem(top.get('kind'), 'kind', `kind must be '${ROLLOUT_KIND}' (got '${kind}').`);

  const metadata = required(r, top, 'metadata', root, metadataFields);
  let name: string | null = null;
  let description = '';
  if (metadata) {
    name = r.string(metadata.get('name'), 'metadata.name');
    if (name === null && !hasProblem(r, 'metadata.name'))
      r.problem(metadata.get('name') ?? top.get('metadata'), 'metadata.name', 'metadata.name is required.');
    else if (name !== null && !SLUG.test(name)) {
      r.problem(
        metadata.get('name'),
        'metadata.name',
        `metadata.name '${name}' must be lower-case letters and digits joined by dashes (e.g. support-bot-2024-12).`,
      );
      name = null;
    }
    description = (r.string(metadata.get('description'), 'metadata.description') ?? '').trim();
  }

  const spec = required(r, top, 'spec', root, specFields);
  if (!spec) return done(null);
  const specNode = top.get('spec')!;

  const endpointId = r.string(spec.get('endpoint'), 'spec.endpoint');
  if (endpointId === null && !hasProblem(r, 'spec.endpoint'))
    r.problem(
      spec.get('endpoint') ?? specNode,
      'spec.endpoint',
      'spec.endpoint is required: the id of the endpoint serving the stable version (<cluster>:<namespace>:<name>).',
    );
  else if (endpointId !== null && !endpointId.trim())
    r.problem(spec.get('endpoint'), 'spec.endpoint', 'spec.endpoint is empty.');

  const stableVersion = version(r, spec, 'stable', specNode, stableFields);
  const candidate = required(r, spec, 'candidate', specNode, candidateFields, 'spec.');
  let candidateVersion: string | null = null;
  let candidateReplicas: number | null = null;
  if (candidate) {
    candidateVersion = versionOf(r, candidate, 'spec.candidate', spec.get('candidate')!);
    const replicasNode = candidate.get('replicas');
    if (replicasNode !== undefined && replicasNode !== null) {
      const v = r.scalar(replicasNode, 'spec.candidate.replicas');
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
        r.problem(
          replicasNode,
          'spec.candidate.replicas',
          `spec.candidate.replicas must be a whole number of at least 1 (got ${JSON.stringify(v)}).`,
        );
      else candidateReplicas = v;
    }
  }
  if (stableVersion !== null && candidateVersion !== null && stableVersion === candidateVersion)
    r.problem(
      candidate?.get('version'),
      'spec.candidate.version',
      `The candidate version is the stable version ('${stableVersion}'); a rollout moves traffic to a different version.`,
    );

  const named = parseNamedAnalyses(r, spec.get('analysis'));
  const analysisAt = (node: Node | null | undefined, path: string): RolloutAnalysis | null =>
    node === undefined || node === null ? null : analysisOf(r, node, path, named);

  const background = analysisAt(spec.get('backgroundAnalysis'), 'spec.backgroundAnalysis');
  const strategy = parseStrategy(r, spec, specNode, analysisAt);
  if (strategy && strategy.kind !== 'canary' && spec.has('backgroundAnalysis'))
    r.problem(
      spec.get('backgroundAnalysis'),
      'spec.backgroundAnalysis',
      `backgroundAnalysis runs between canary steps; for ${strategy.kind} use ${strategy.kind === 'ab' ? 'abortWhen' : 'prePromotionAnalysis / postPromotionAnalysis'}.`,
    );

  if (r.problems.length > 0 || !strategy) return done(null);
  return done({
    apiVersion: ROLLOUT_API_VERSION,
    name: name!,
    description,
    endpointId: endpointId!.trim(),
    stableVersion: stableVersion!,
    candidateVersion: candidateVersion!,
    strategy,
    backgroundAnalysis: background,
    candidateReplicas,
  });
}

/**
 * Both passes, as `rollouts.validate` and `fleetdeck rollout validate` need them: the text, then
 * (when it parses) the fleet. Fleet problems are placed on the line of the field they name, or
 * of the nearest enclosing field written in the text (a named analysis: the step naming it).
 */
export function validateRolloutPlan(text: string, fleet: FleetView): ParsedRolloutPlan {
  const parsed = parseRolloutPlan(text);
  if (!parsed.plan) return parsed;
  const problems = checkPlanAgainstFleet(parsed.plan, fleet).map((p) => {
    const at = p.field === null ? null : locateField(text, p.field);
    return at ? { ...p, ...at } : p;
  });
  return { plan: problems.length > 0 ? null : parsed.plan, problems };
}

/** Line and column of a field path (`spec.strategy.canary.steps[1].analysis`) in a plan's text. */
export function locateField(text: string, field: string): { line: number; column: number } | null {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  let node = doc.contents as Node | null;
  let at: number | undefined;
  for (const seg of field.match(/[^.[\]]+/g) ?? []) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) break;
      node = (pair.value as Node | null) ?? null;
      at = node?.range?.[0] ?? (pair.key as Node).range?.[0];
    } else if (isSeq(node) && /^\d+$/.test(seg)) {
      const item = node.items[Number(seg)] as Node | undefined;
      if (!item) break;
      node = item;
      at = item.range?.[0];
    } else break;
  }
  if (at === undefined) return null;
  const p = lines.linePos(at);
  return { line: p.line, column: p.col };
}

const hasProblem = (r: YamlReader, field: string) => r.problems.some((p) => p.field === field);

/** A required mapping field: its fields, or a problem naming what belongs there. */
function required(
  r: YamlReader,
  parent: Fields,
  key: string,
  parentNode: Node,
  allowed: readonly string[],
  prefix = '',
): Fields | null {
  const node = parent.get(key);
  const path = `${prefix}${key}`;
  if (node === undefined || node === null || (isScalar(node) && node.value === null)) {
    r.problem(node ?? parentNode, path, `${path} is required (${allowed.join(', ')}).`);
    return null;
  }
  return r.fields(node, path, allowed);
}

function version(
  r: YamlReader,
  spec: Fields,
  key: 'stable',
  specNode: Node,
  allowed: readonly string[],
): string | null {
  const f = required(r, spec, key, specNode, allowed, 'spec.');
  return f ? versionOf(r, f, `spec.${key}`, spec.get(key)!) : null;
}

function versionOf(r: YamlReader, f: Fields, path: string, node: Node): string | null {
  const field = `${path}.version`;
  const v = r.string(f.get('version'), field);
  if (v === null) {
    if (!hasProblem(r, field))
      r.problem(
        f.get('version') ?? node,
        field,
        `${field} is required (quote it if it looks like a number: '1.10').`,
      );
    return null;
  }
  if (!v.trim()) {
    r.problem(f.get('version'), field, `${field} is empty.`);
    return null;
  }
  return v.trim();
}

/** `spec.analysis`: named analyses that steps refer to by name. */
function parseNamedAnalyses(
  r: YamlReader,
  node: Node | null | undefined,
): Map<string, RolloutAnalysis | null> {
  const named = new Map<string, RolloutAnalysis | null>();
  if (node === undefined || node === null) return named;
  if (!isMap(node)) {
    r.problem(
      node,
      'spec.analysis',
      'spec.analysis must be a mapping of names to analyses (e.g. default: {conditions: [...]}).',
    );
    return named;
  }
  for (const pair of node.items) {
    const key = pair.key as Node | null;
    const name = isScalar(key) ? String(key.value) : null;
    if (name === null || !SLUG.test(name)) {
      r.problem(
        key,
        'spec.analysis',
        `Analysis names are lower-case letters and digits joined by dashes (got ${JSON.stringify(name)}).`,
      );
      continue;
    }
    const path = `spec.analysis.${name}`;
    const value = (pair.value ?? null) as Node | null;
    named.set(name, isMap(value) ? analysisBody(r, value, path) : null);
    if (!isMap(value))
      r.problem(
        value ?? key,
        path,
        `${path} must be a mapping with conditions (and optionally ${analysisFields.slice(1).join(', ')}).`,
      );
  }
  return named;
}

/** An analysis is written inline (a mapping) or names one under spec.analysis. */
function analysisOf(
  r: YamlReader,
  node: Node,
  path: string,
  named: Map<string, RolloutAnalysis | null>,
): RolloutAnalysis | null {
  if (isScalar(node) && typeof node.value === 'string') {
    const ref = node.value;
    if (!named.has(ref)) {
      const known = [...named.keys()];
      r.problem(
        node,
        path,
        `No analysis named '${ref}' under spec.analysis.${didYouMean(ref, known)}${known.length ? ` Defined: ${known.join(', ')}.` : ' Define it there, or write the analysis inline.'}`,
      );
    }
    return named.get(ref) ?? null;
  }
  if (!isMap(node)) {
    r.problem(
      node,
      path,
      `${path} must be the name of an analysis under spec.analysis, or a mapping with conditions.`,
    );
    return null;
  }
  return analysisBody(r, node, path);
}

function analysisBody(r: YamlReader, node: Node, path: string): RolloutAnalysis | null {
  const f = r.fields(node, path, analysisFields);
  if (!f) return null;
  const conditions: RolloutCondition[] = [];
  const listNode = f.get('conditions');
  if (listNode === undefined || listNode === null) {
    r.problem(
      listNode ?? node,
      `${path}.conditions`,
      `${path}.conditions is required: a list like ['error_rate <= stable * 1.1'].`,
    );
  } else {
    const items = r.items(listNode, `${path}.conditions`);
    if (items.length === 0 && !hasProblem(r, `${path}.conditions`))
      r.problem(
        listNode,
        `${path}.conditions`,
        `${path}.conditions is empty; an analysis needs at least one condition.`,
      );
    items.forEach((item, i) => {
      const field = `${path}.conditions[${i}]`;
      const text = r.string(item, field, { required: true });
      if (text === null) return;
      const c = parseCondition(text);
      if (c.ok) conditions.push(c.value);
      else r.problem(item, field, c.error, offsetIn(r, item, text, c.at));
    });
  }
  const interval = f.get('interval');
  const intervalSeconds =
    interval === undefined
      ? analysisDefaults.intervalSeconds
      : duration(r, interval, `${path}.interval`, { positive: true });
  const count = integer(r, f.get('count'), `${path}.count`, 1, analysisDefaults.count);
  const failureLimit = integer(
    r,
    f.get('failureLimit'),
    `${path}.failureLimit`,
    1,
    analysisDefaults.failureLimit,
  );
  const inconclusiveLimit = integer(
    r,
    f.get('inconclusiveLimit'),
    `${path}.inconclusiveLimit`,
    0,
    analysisDefaults.inconclusiveLimit,
  );
  let minRequestRate: number = analysisDefaults.minRequestRate;
  const rateNode = f.get('minRequestRate');
  if (rateNode !== undefined) {
    const v = r.scalar(rateNode, `${path}.minRequestRate`);
    if (typeof v !== 'number' || !(v >= 0))
      r.problem(
        rateNode,
        `${path}.minRequestRate`,
        `${path}.minRequestRate must be requests per second, 0 or more (got ${JSON.stringify(v)}).`,
      );
    else minRequestRate = v;
  }
  if (count !== null && failureLimit !== null && failureLimit > count && f.has('failureLimit'))
    r.problem(
      f.get('failureLimit'),
      `${path}.failureLimit`,
      `failureLimit ${failureLimit} needs more failed measurements than the ${count} this analysis takes, so it could never fail; use at most ${count}.`,
    );
  if (intervalSeconds === null || count === null || failureLimit === null || inconclusiveLimit === null)
    return null;
  return { conditions, intervalSeconds, count, failureLimit, inconclusiveLimit, minRequestRate };
}

/** The source offset of a column inside a scalar's text (after an opening quote, if any). */
function offsetIn(r: YamlReader, node: Node, value: string, at: number): number | undefined {
  const range = node.range;
  if (!range) return undefined;
  const i = r.text.slice(range[0], range[1]).indexOf(value);
  return i < 0 ? range[0] : range[0] + i + at;
}

function integer(
  r: YamlReader,
  node: Node | null | undefined,
  field: string,
  min: number,
  fallback: number,
): number | null {
  if (node === undefined) return fallback;
  const v = r.scalar(node, field);
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    r.problem(
      node,
      field,
      `${field} must be a whole number of at least ${min} (got ${JSON.stringify(v ?? null)}).`,
    );
    return null;
  }
  return v;
}

function duration(r: YamlReader, node: Node | null, field: string, o: { positive: boolean }): number | null {
  const v = r.scalar(node, field);
  if (v === undefined) return null;
  const d = parseRolloutDuration(v);
  if (d === null || (o.positive && d <= 0)) {
    r.problem(node, field, `${field} ${JSON.stringify(v)} is not a duration; write e.g. 30s, 5m or 1h.`);
    return null;
  }
  return d;
}

type AnalysisAt = (node: Node | null | undefined, path: string) => RolloutAnalysis | null;

function parseStrategy(
  r: YamlReader,
  spec: Fields,
  specNode: Node,
  analysisAt: AnalysisAt,
): RolloutStrategy | null {
  const path = 'spec.strategy';
  const node = spec.get('strategy');
  const f = required(r, spec, 'strategy', specNode, strategyKinds, 'spec.');
  if (!f) return null;
  const kinds = strategyKinds.filter((k) => f.has(k));
  if (kinds.length !== 1) {
    r.problem(
      kinds.length === 0 ? node : (keyOf(node, kinds[1]!) ?? node),
      path,
      kinds.length === 0
        ? `${path} needs one of ${strategyKinds.join(', ')}.`
        : `${path} has ${kinds.join(' and ')}; a plan uses exactly one strategy.`,
    );
    return null;
  }
  const kind = kinds[0]!;
  const body = f.get(kind) ?? null;
  if (kind === 'canary') return parseCanary(r, body, `${path}.canary`, node!, analysisAt);
  if (kind === 'blueGreen') return parseBlueGreen(r, body, `${path}.blueGreen`, analysisAt);
  return parseAb(r, body, `${path}.ab`, analysisAt);
}

function parseCanary(
  r: YamlReader,
  node: Node | null,
  path: string,
  parent: Node,
  analysisAt: AnalysisAt,
): RolloutStrategy | null {
  if (node === null) {
    r.problem(parent, path, `${path} needs steps, e.g. [{setWeight: 10}, {analysis: default}].`);
    return null;
  }
  const f = r.fields(node, path, canaryFields);
  if (!f) return null;
  const stepsNode = f.get('steps');
  if (stepsNode === undefined || stepsNode === null) {
    r.problem(stepsNode ?? node, `${path}.steps`, `${path}.steps is required.`);
    return null;
  }
  const items = r.items(stepsNode, `${path}.steps`);
  if (items.length === 0 && !hasProblem(r, `${path}.steps`))
    r.problem(stepsNode, `${path}.steps`, `${path}.steps is empty; a canary needs at least one setWeight.`);
  const steps: RolloutStep[] = [];
  /** The candidate's weight at this step; null after a broken step (then nothing is inferred). */
  let weight: number | null = 0;
  let everWeighted = false;
  items.forEach((item, i) => {
    const sp = `${path}.steps[${i}]`;
    const s = r.fields(item, sp, stepKinds);
    if (!s || s.size !== 1) weight = null;
    if (!s) return;
    if (s.size !== 1) {
      if (s.size > 1 || !r.problems.some((p) => p.field?.startsWith(sp)))
        r.problem(
          item,
          sp,
          s.size === 0
            ? `${sp} is empty; write one of setWeight, pause or analysis.`
            : `${sp} has ${[...s.keys()].join(' and ')}; each step does one thing (split it into ${s.size} steps).`,
        );
      return;
    }
    const [key, value] = [...s.entries()][0]!;
    const field = `${sp}.${key}`;
    if (key === 'setWeight') {
      const v = r.scalar(value, field);
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100) {
        r.problem(
          value ?? item,
          field,
          `${field} must be a whole percent from 0 to 100 (got ${JSON.stringify(v ?? null)}).`,
        );
        weight = null;
        return;
      }
      weight = v;
      if (v > 0) everWeighted = true;
      steps.push({ kind: 'setWeight', weight: v });
    } else if (key === 'pause') {
      const seconds = pauseOf(r, value, field);
      if (seconds !== undefined) steps.push({ kind: 'pause', seconds });
    } else {
      if (value === null) {
        r.problem(
          item,
          field,
          `${field} is empty; name an analysis under spec.analysis or write one inline.`,
        );
        return;
      }
      if (weight === 0)
        r.problem(
          value,
          field,
          `${field} would measure a candidate that gets no traffic (weight 0 at this point); put a setWeight above 0 before it.`,
        );
      const a = analysisAt(value, field);
      if (a && weight === 100) noStableToCompare(r, value, field, a, 'at weight 100 stable gets no traffic');
      if (a) steps.push({ kind: 'analysis', analysis: a });
    }
  });
  if (items.length > 0 && !everWeighted && !r.problems.some((p) => p.field?.startsWith(`${path}.steps`)))
    r.problem(
      stepsNode,
      `${path}.steps`,
      `No step sends the candidate any traffic; add a setWeight above 0 (the rollout promotes to 100 % after the last step).`,
    );
  return { kind: 'canary', steps };
}

/** The key node of `name` in a mapping, to point at a field rather than its value. */
function keyOf(node: Node | null | undefined, name: string): Node | null {
  if (!isMap(node)) return null;
  const pair = node.items.find((p) => isScalar(p.key) && p.key.value === name);
  return (pair?.key as Node | undefined) ?? null;
}

/** Relative conditions need stable traffic to compare with; where there is none they never decide. */
function noStableToCompare(r: YamlReader, node: Node, field: string, a: RolloutAnalysis, why: string): void {
  const relative = a.conditions.filter((c) => c.relative !== null);
  if (relative.length > 0)
    r.problem(
      node,
      field,
      `${field}: ${why}, so '${relative[0]!.expression}' has nothing to compare with; use absolute thresholds here (e.g. 'latency_p95 < 1.2s').`,
    );
}

/** `pause: {}` or `pause:` waits for a person; `pause: {duration: 5m}` (or `pause: 5m`) waits that long. */
function pauseOf(r: YamlReader, node: Node | null, field: string): number | null | undefined {
  if (node === null || (isScalar(node) && node.value === null)) return null;
  if (isScalar(node)) return duration(r, node, field, { positive: true }) ?? undefined;
  const f = r.fields(node, field, pauseFields);
  if (!f) return undefined;
  const d = f.get('duration');
  if (d === undefined || d === null) return null;
  return duration(r, d, `${field}.duration`, { positive: true }) ?? undefined;
}

function parseBlueGreen(
  r: YamlReader,
  node: Node | null,
  path: string,
  analysisAt: AnalysisAt,
): RolloutStrategy | null {
  const f = node === null ? new Map<string, Node | null>() : r.fields(node, path, blueGreenFields);
  if (!f) return null;
  let previewWeight: number | null = blueGreenDefaults.previewWeight;
  const pw = f.get('previewWeight');
  if (pw !== undefined) {
    const v = r.scalar(pw, `${path}.previewWeight`);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 99)
      r.problem(
        pw,
        `${path}.previewWeight`,
        `${path}.previewWeight must be a whole percent from 0 to 99 (got ${JSON.stringify(v ?? null)}); the switch itself sends 100.`,
      );
    previewWeight = r.problems.some((p) => p.field === `${path}.previewWeight`) ? null : (v as number);
  }
  const pre = analysisAt(f.get('prePromotionAnalysis'), `${path}.prePromotionAnalysis`);
  if (pre && previewWeight === 0 && pw !== undefined)
    r.problem(
      f.get('prePromotionAnalysis'),
      `${path}.prePromotionAnalysis`,
      `prePromotionAnalysis measures the candidate's requests, but previewWeight 0 sends it none; set previewWeight (e.g. 10).`,
    );
  else if (pre && previewWeight === 0 && pw === undefined)
    r.problem(
      f.get('prePromotionAnalysis'),
      `${path}.previewWeight`,
      `prePromotionAnalysis needs preview traffic: add previewWeight (e.g. 10); without it the candidate gets no requests to measure.`,
    );
  const post = analysisAt(f.get('postPromotionAnalysis'), `${path}.postPromotionAnalysis`);
  if (post)
    noStableToCompare(
      r,
      f.get('postPromotionAnalysis')!,
      `${path}.postPromotionAnalysis`,
      post,
      'after the switch stable gets no traffic',
    );
  const sd = f.get('scaleDownDelay');
  const scaleDownDelaySeconds =
    sd === undefined || sd === null
      ? blueGreenDefaults.scaleDownDelaySeconds
      : duration(r, sd, `${path}.scaleDownDelay`, { positive: false });
  const autoPromote = r.boolean(f.get('autoPromote'), `${path}.autoPromote`) ?? blueGreenDefaults.autoPromote;
  if (scaleDownDelaySeconds === null || previewWeight === null) return null;
  return {
    kind: 'blueGreen',
    prePromotionAnalysis: pre,
    previewWeight,
    postPromotionAnalysis: post,
    scaleDownDelaySeconds,
    autoPromote,
  };
}

function parseAb(
  r: YamlReader,
  node: Node | null,
  path: string,
  analysisAt: AnalysisAt,
): RolloutStrategy | null {
  const f = node === null ? new Map<string, Node | null>() : r.fields(node, path, abFields);
  if (!f) return null;
  let weight: number = abDefaults.weight;
  const w = f.get('weight');
  if (w !== undefined) {
    const v = r.scalar(w, `${path}.weight`);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 99)
      r.problem(
        w,
        `${path}.weight`,
        `${path}.weight must be a whole percent from 1 to 99 (got ${JSON.stringify(v ?? null)}); both versions need traffic to compare.`,
      );
    else weight = v;
  }
  const d = f.get('duration');
  const durationSeconds =
    d === undefined || d === null
      ? abDefaults.durationSeconds
      : duration(r, d, `${path}.duration`, { positive: true });
  let metrics: string[] = [...abDefaults.metrics];
  if (f.has('metrics')) {
    const seen = new Set<string>();
    metrics = r.strings(f.get('metrics'), `${path}.metrics`, (m) => {
      if (!isRolloutMetric(m))
        return `Unknown metric '${m}'.${didYouMean(m, rolloutMetricNames)} Metrics: ${rolloutMetricNames.join(', ')}.`;
      if (seen.has(m)) return `'${m}' is listed twice.`;
      seen.add(m);
      return null;
    });
    if (metrics.length === 0 && !r.problems.some((p) => p.field?.startsWith(`${path}.metrics`)))
      r.problem(
        f.get('metrics'),
        `${path}.metrics`,
        `${path}.metrics is empty; leave it out for the default (${abDefaults.metrics.join(', ')}).`,
      );
  }
  const abortWhen = analysisAt(f.get('abortWhen'), `${path}.abortWhen`);
  if (durationSeconds === null) return null;
  return { kind: 'ab', weight, durationSeconds, metrics, abortWhen };
}
