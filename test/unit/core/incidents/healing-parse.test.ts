import { describe, expect, it } from 'vitest';
import { parseHealingPolicy } from '../../../../src/core/incidents/healing/healing.parse';
import { healingPolicySchema } from '../../../../src/shared/contract/incident.schema';

const full = `apiVersion: fleetdeck.io/v1
kind: HealingPolicy
id: scale-out-on-latency
title: Scale out chat models when p95 stays high
mode: run
when: latency_p95 > 12s for 2m
match:
  clusters: [prod-us-east]
  models: [llama-3.1-8b-instruct]
  namespaces: [llm]
action:
  runbook: scale-out
  vars: { replicas: 8 }
limits:
  per_endpoint_per_hour: 2
  fleet_per_hour: 5
`;

/** The problems as `line:column field: message` lines, for readable assertions. */
const problems = (text: string) =>
  parseHealingPolicy(text).problems.map((p) => `${p.line}:${p.column} ${p.field}: ${p.message}`);

describe('healing policy files', () => {
  it('maps every field onto the contract, in base units, with vars as text', () => {
    const { policy, problems: found } = parseHealingPolicy(full, 1234);
    expect(found).toEqual([]);
    expect(healingPolicySchema.parse(policy)).toEqual({
      id: 'scale-out-on-latency',
      title: 'Scale out chat models when p95 stays high',
      enabled: true,
      mode: 'run',
      when: {
        expression: 'latency_p95 > 12s for 2m',
        metric: 'latency_p95',
        op: '>',
        value: 12,
        forSeconds: 120,
      },
      match: { clusters: ['prod-us-east'], models: ['llama-3.1-8b-instruct'], namespaces: ['llm'] },
      action: { kind: 'runbook', runbookId: 'scale-out', vars: { replicas: '8' } },
      limits: { perEndpointPerHour: 2, fleetPerHour: 5 },
      text: full,
      updatedAt: 1234,
    });
  });

  it('defaults to dry-run (a policy nobody reviewed only proposes) and to 1 per endpoint, 3 per fleet per hour', () => {
    const text = full.replace('mode: run\n', '').replace(/limits:\n.*\n.*\n/, '');
    const { policy } = parseHealingPolicy(text);
    expect(policy).toMatchObject({
      mode: 'dry-run',
      enabled: true,
      limits: { perEndpointPerHour: 1, fleetPerHour: 3 },
    });
  });

  it('reads health triggers, abort_rollout, and shift_traffic with or without its own runbook', () => {
    const health = parseHealingPolicy(
      full
        .replace('latency_p95 > 12s for 2m', 'health == critical for 1m')
        .replace(/action:\n(.*\n){2}/, 'action: { abort_rollout: true }\n'),
    );
    expect(health.problems).toEqual([]);
    expect(health.policy).toMatchObject({
      when: { metric: 'health', op: '==', value: 2, forSeconds: 60 },
      action: { kind: 'abort_rollout', runbookId: null, vars: {} },
    });
    const shift = parseHealingPolicy(
      full.replace(/action:\n(.*\n){2}/, 'action:\n  shift_traffic: { vars: { region: us-east-1 } }\n'),
    );
    expect(shift.policy?.action).toEqual({
      kind: 'shift_traffic',
      runbookId: 'shift-traffic-away-from-region',
      vars: { region: 'us-east-1' },
    });
    const own = parseHealingPolicy(
      full.replace(/action:\n(.*\n){2}/, 'action:\n  shift_traffic: { runbook: drain-region }\n'),
    );
    expect(own.policy?.action).toMatchObject({ kind: 'shift_traffic', runbookId: 'drain-region' });
  });

  it('names the line, column and field of each problem and says what to write, all at once', () => {
    const text = `apiVersion: fleetdeck.io/v1
kind: HealingPolicy
id: Scale Out
title: x
mdoe: run
when: latency_p95 > 12 for 2m and more
match:
  models: [a]
action:
  runbook: scale-out
  abort_rollout: true
limits:
  per_endpoint_per_hour: -1
`;
    expect(problems(text)).toEqual([
      "5:1 mdoe: Unknown field 'mdoe'. Did you mean 'mode'? Allowed: apiVersion, kind, id, title, enabled, mode, when, match, action, limits.",
      "3:5 id: id 'Scale Out' must be lower-case words joined by dashes, e.g. scale-out-on-latency.",
      expect.stringMatching(
        /^6:7 when: 'latency_p95 > 12 for 2m and more' is not a metric condition; .* A trigger looks like /,
      ),
      '8:3 match.clusters: match.clusters is required: list the clusters the policy may act in, e.g. clusters: [prod-us-east].',
      '10:3 action: action has runbook and abort_rollout; a policy does one thing (write two policies).',
      '13:26 limits.per_endpoint_per_hour: limits.per_endpoint_per_hour must be a whole number of actions per hour, 0 or more (got -1); 0 means only propose.',
    ]);
    expect(parseHealingPolicy(text).policy).toBeNull();
  });

  it('refuses triggers that would act on one sample, == on a metric, and units that do not fit', () => {
    const when = (w: string) => problems(full.replace('latency_p95 > 12s for 2m', w))[0];
    expect(when('latency_p95 > 12s')).toBe(
      "6:7 when: 'latency_p95 > 12s' needs a duration it must hold for, e.g. 'latency_p95 > 12s for 2m': a policy never acts on one sample.",
    );
    expect(when('health == critcal for 1m')).toBe(
      "6:7 when: 'critcal' is not a health level. Did you mean 'critical'? Levels: ok, warning, critical.",
    );
    expect(when('error_rate == 5% for 1m')).toMatch(/^6:7 when: '==' only compares health/);
    expect(when('error_rate > 2s for 1m')).toMatch(
      /^6:7 when: 's' is a time unit but error_rate is measured in ratio\./,
    );
    expect(when('latncy_p95 > 2s for 1m')).toMatch(
      /unknown metric 'latncy_p95'\. Did you mean 'latency_p95'\?/,
    );
  });

  it('requires the header, an id, a title, match and action, and reports YAML syntax errors with their line', () => {
    expect(problems('title: x\n')).toEqual([
      '1:1 apiVersion: apiVersion is required: apiVersion: fleetdeck.io/v1.',
      '1:1 kind: kind is required: kind: HealingPolicy.',
      '1:1 id: id is required, e.g. id: scale-out-on-latency.',
      "1:1 when: when is required: the trigger, e.g. when: 'latency_p95 > 12s for 2m'.",
      '1:1 match: match is required and must name the clusters the policy may act in, e.g. match: { clusters: [prod-us-east] }.',
      '1:1 action: action is required, e.g. action: { runbook: scale-out, vars: { replicas: "4" } }.',
    ]);
    expect(problems(full.replace('mode: run', 'mode: [run'))[0]).toMatch(/^\d+:\d+ null: YAML syntax: /);
    expect(problems(full.replace('kind: HealingPolicy', 'kind: Runbook'))).toEqual([
      "2:7 kind: kind must be HealingPolicy (got 'Runbook').",
    ]);
    expect(problems(full.replace('mode: run', 'mode: live'))).toEqual([
      "5:7 mode: mode 'live' is not one of run, dry-run. dry-run only proposes; run acts.",
    ]);
  });
});
