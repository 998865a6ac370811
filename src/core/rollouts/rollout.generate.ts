import type { Endpoint } from '../../shared/contract/fleet.schema';
import type { RolloutCondition, RolloutPlan } from '../../shared/contract/rollout.schema';
import { FleetError } from '../../shared/errors/fleet-error';
import { formatCondition } from './rollout-condition';
import { analysisDefaults, formatDuration, ROLLOUT_API_VERSION, ROLLOUT_KIND } from './rollout.format';
import { parseRolloutPlan } from './rollout.parse';

export type GeneratedStrategy = 'canary' | 'blueGreen' | 'ab';

/** The SLO figures the generated absolute ceilings come from (sloForModel). */
export interface GenerateSlo {
  latencyP95WarnS: number;
  errorRateWarn: number;
}

/** A YAML double-quoted string: versions like 1.10 must stay text, names may hold anything. */
const q = (s: string) => JSON.stringify(s);

/** Lower-case words joined by dashes, as metadata.name requires; at most 63 characters. */
function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, 63).replace(/-+$/, '') || 'rollout';
}

const condition = (c: Omit<RolloutCondition, 'expression'>): string =>
  formatCondition({ ...c, expression: '' });

interface Gate {
  text: string;
  why: string;
}

/**
 * The gates every generated analysis uses: relative to stable (so a model that is slow anyway
 * is not failed for being itself), an absolute SLO ceiling (so "no worse than a bad stable" is
 * not enough), and the cost gate. Relative error gates get a small offset: at 0.2 % errors a
 * bare factor would fail a candidate for one unlucky request.
 */
function gates(endpoint: Endpoint, slo: GenerateSlo): Gate[] {
  const out: Gate[] = [
    {
      text: condition({
        metric: 'error_rate',
        op: '<=',
        value: null,
        relative: { factor: 1.5, offset: 0.005 },
      }),
      why: 'errors: at most 1.5x stable plus 0.5 points (noise at low rates)',
    },
    {
      text: condition({ metric: 'error_rate', op: '<', value: slo.errorRateWarn, relative: null }),
      why: `errors: below the SLO warning level for ${endpoint.model}`,
    },
    {
      // The 250 ms slack absorbs histogram-bucket resolution: a p95 read from buckets jumps
      // between neighbouring bounds, and two equal versions read 20 % apart now and then.
      text: condition({
        metric: 'latency_p95',
        op: '<=',
        value: null,
        relative: { factor: 1.2, offset: 0.25 },
      }),
      why: 'latency: p95 at most 20 % (+250 ms of histogram resolution) above stable',
    },
    {
      text: condition({ metric: 'latency_p95', op: '<', value: slo.latencyP95WarnS, relative: null }),
      why: `latency: p95 below the SLO warning level for ${endpoint.model}`,
    },
  ];
  if (endpoint.metrics.ttft_p95 !== undefined && !endpoint.missingMetrics.includes('ttft_p95'))
    out.push({
      text: condition({ metric: 'ttft_p95', op: '<=', value: null, relative: { factor: 1, offset: 0.1 } }),
      why: 'time to first token: at most 100 ms slower than stable',
    });
  out.push({
    text: condition({
      metric: 'cost_per_1k_requests',
      op: '<=',
      value: null,
      relative: { factor: 1.2, offset: 0 },
    }),
    why: 'cost gate: at most 20 % more per 1000 requests than stable',
  });
  return out;
}

/** How fast analyses measure; the defaults suit production, a staging try-out may go faster. */
export interface GeneratePace {
  intervalSeconds?: number;
  count?: number;
}

function analysisBlock(
  name: string,
  gatesList: Gate[],
  indent: string,
  pace: GeneratePace,
  extra: string[] = [],
): string[] {
  const d = { ...analysisDefaults, ...pace };
  return [
    `${indent}${name}:`,
    `${indent}  conditions:`,
    ...gatesList.flatMap((g) => [`${indent}    # ${g.why}`, `${indent}    - ${q(g.text)}`]),
    ...(extra.length > 0
      ? extra.map((l) => `${indent}  ${l}`)
      : [
          `${indent}  interval: ${formatDuration(d.intervalSeconds)}        # time between measurements`,
          `${indent}  count: ${d.count}              # measurements per analysis`,
          `${indent}  failureLimit: ${d.failureLimit}       # this many failed measurements: abort`,
          `${indent}  inconclusiveLimit: ${d.inconclusiveLimit}  # more inconclusive ones (no data, too little traffic): pause`,
          `${indent}  minRequestRate: ${d.minRequestRate}   # req/s on the candidate below which a measurement is inconclusive`,
        ]),
  ];
}

/**
 * A commented, ready-to-edit plan for "Roll out version X of this endpoint" (docs/rollouts.md).
 * The text is the product (a person reads and edits it before starting); the plan returned is
 * that text parsed back, so the two can never disagree.
 */
export function generateRolloutPlan(
  endpoint: Endpoint,
  candidateVersion: string,
  strategy: GeneratedStrategy,
  slo: GenerateSlo,
  pace: GeneratePace = {},
): { text: string; plan: RolloutPlan } {
  for (const [key, v] of Object.entries(pace))
    if (v !== undefined && !(Number.isInteger(v) && v >= 1))
      throw new FleetError({
        code: 'bad_request',
        message: `${key} must be a whole number of at least 1 (got ${v}).`,
        where: 'rollouts.generate',
      });
  const candidate = candidateVersion.trim();
  if (!candidate || candidate === endpoint.version)
    throw new FleetError({
      code: 'bad_request',
      message: candidate
        ? `${endpoint.name} already serves version '${candidate}'.`
        : 'No candidate version given.',
      where: 'rollouts.generate',
      hint: 'Pick the version to roll out, different from the one serving now.',
    });
  const title = { canary: 'Canary', blueGreen: 'Blue-green', ab: 'A/B test' }[strategy];
  const head = [
    `# ${title} rollout of ${endpoint.model} ${candidate} on ${endpoint.name} (${endpoint.cluster}).`,
    '# Generated by Fleetdeck; edit freely, then validate: fleetdeck rollout validate <file>.',
    '# Format and every default: docs/rollouts.md.',
    `apiVersion: ${ROLLOUT_API_VERSION}`,
    `kind: ${ROLLOUT_KIND}`,
    'metadata:',
    `  name: ${slug(`${endpoint.model}-${candidate}`)}`,
    `  description: ${q(`${title}: ${endpoint.model} ${endpoint.version} -> ${candidate}`)}`,
    'spec:',
    '  # The endpoint serving the stable version now (<cluster>:<namespace>:<name>).',
    `  endpoint: ${q(endpoint.id)}`,
    '  stable:',
    `    version: ${q(endpoint.version)}`,
    '  candidate:',
    '    # Must already be deployed in the same group (same InferenceService, or a Deployment behind the same Service).',
    `    version: ${q(candidate)}`,
  ];
  const g = gates(endpoint, slo);
  let body: string[];
  // After a blue-green switch stable serves nothing, so only absolute gates can be measured.
  const absolute = g.filter((x) => !x.text.includes('stable'));
  if (strategy === 'canary') {
    body = [
      '  # Named analyses; steps refer to them by name.',
      '  analysis:',
      ...analysisBlock('default', g, '    ', pace),
      '  strategy:',
      '    canary:',
      '      # Each analysis must pass before the weight goes up; a failure sends all traffic back to stable.',
      '      steps:',
      '        - setWeight: 10',
      '        - analysis: default',
      '        - setWeight: 25',
      '        - analysis: default',
      '        - setWeight: 50',
      '        - analysis: default',
      '        # To wait for a person before the end, add: - pause: {}  (or pause: {duration: 10m}).',
      '      # After the last step the candidate is promoted: 100 % of traffic, the old version scaled down.',
    ];
  } else if (strategy === 'blueGreen') {
    body = [
      '  analysis:',
      ...analysisBlock('default', g, '    ', pace),
      '    # After the switch stable serves nothing to compare with: absolute ceilings only.',
      ...analysisBlock('after-switch', absolute, '    ', pace),
      '  strategy:',
      '    blueGreen:',
      '      # The candidate comes up at full size beside stable and gets this share for the analysis.',
      '      previewWeight: 10',
      '      prePromotionAnalysis: default',
      '      # Then all traffic switches at once; this analysis after the switch switches back on failure.',
      '      postPromotionAnalysis: after-switch',
      '      # The old version stays up, warm, this long after the switch.',
      '      scaleDownDelay: 10m',
      '      # false: wait for a person to promote after the pre-promotion analysis passes.',
      '      autoPromote: true',
    ];
  } else {
    const guardInterval = pace.intervalSeconds ?? 60;
    body = [
      '  analysis:',
      '    # Guard rails only: the experiment stops early if the candidate breaks the SLO.',
      ...analysisBlock('guard', absolute, '    ', pace, [
        `interval: ${formatDuration(guardInterval)}`,
        `count: ${Math.ceil(3600 / guardInterval)}           # measurements over the whole experiment`,
        'failureLimit: 3',
        'inconclusiveLimit: 10',
        `minRequestRate: ${analysisDefaults.minRequestRate}`,
      ]),
      '  strategy:',
      '    ab:',
      '      # Percent of traffic on the candidate for the whole experiment.',
      '      weight: 50',
      '      duration: 1h',
      '      # Compared side by side at the end, with the difference and its confidence.',
      '      metrics: [latency_p95, error_rate, tokens_per_request, cost_per_1k_requests]',
      '      abortWhen: guard',
    ];
  }
  const text = [...head, ...body, ''].join('\n');
  const parsed = parseRolloutPlan(text);
  if (!parsed.plan)
    throw new FleetError({
      code: 'internal',
      message: `The generated plan does not parse: ${parsed.problems.map((p) => `${p.field ?? ''} ${p.message}`).join('; ')}`,
      where: 'rollouts.generate',
      hint: 'This is a bug in Fleetdeck; write the plan by hand meanwhile (docs/rollouts.md).',
    });
  return { text, plan: parsed.plan };
}
