import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../../../src/core/runbooks/runbook.parse';
import { renderRunbook } from '../../../../src/core/runbooks/runbook.render';

/** A small valid runbook; tests break one thing at a time. */
const valid = `apiVersion: fleetdeck.io/v1
kind: Runbook
id: scale-out
title: Scale out
description: Adds replicas.
tags: [capacity]
severity: high
signals: [latency_p95]
params:
  - name: namespace
    bind: namespace
  - name: deployment
    bind: deployment
  - name: replicas
    type: integer
    default: 4
steps:
  - id: scale
    title: Scale to {{ params.replicas }}
    guidance: Scales **{{ params.deployment }}**.
    command: kubectl -n {{ params.namespace }} scale deployment/{{ params.deployment }} --replicas={{ params.replicas }}
    check:
      output: 'deployment\\.apps/{{ params.deployment }} scaled'
    confirm: true
    rollback: kubectl -n {{ params.namespace }} scale deployment/{{ params.deployment }} --replicas=1
    on_failure: rollback
    timeout: 45s
  - title: Wait for latency
    command: kubectl -n {{ params.namespace }} rollout status deployment/{{ params.deployment }}
    check: latency_p95 < 1.2s for 2m
  - id: tick
    title: Tell the team
    manual: true
`;

const parse = (text: string) => parseRunbook(text, '/rb/test.yaml', 'user');

describe('parseRunbook', () => {
  it('reads a valid runbook into the contract shape', () => {
    const { runbook, problems } = parse(valid);
    expect(problems).toEqual([]);
    expect(runbook).toMatchObject({
      apiVersion: 'fleetdeck.io/v1',
      id: 'scale-out',
      title: 'Scale out',
      severity: 'high',
      source: 'user',
      file: '/rb/test.yaml',
      stepCount: 3,
      destructive: true,
      signals: ['latency_p95'],
    });
    expect(runbook!.params.map((p) => [p.name, p.type, p.bind, p.default])).toEqual([
      ['namespace', 'string', 'namespace', null],
      ['deployment', 'string', 'deployment', null],
      ['replicas', 'integer', null, 4],
    ]);
    const [scale, wait, tick] = runbook!.steps;
    expect(scale).toMatchObject({
      id: 'scale',
      kind: 'command',
      confirm: true,
      onFailure: 'rollback',
      timeoutSeconds: 45,
      check: {
        kind: 'output',
        matches: 'deployment\\.apps/{{ params.deployment }} scaled',
        timeoutSeconds: 45,
      },
    });
    expect(wait).toMatchObject({
      id: 'step-2',
      onFailure: 'stop',
      timeoutSeconds: 300,
      check: {
        kind: 'metric',
        expression: 'latency_p95 < 1.2s for 2m',
        metric: 'latency_p95',
        op: '<',
        value: 1.2,
        forSeconds: 120,
        timeoutSeconds: 420,
      },
    });
    expect(tick).toMatchObject({
      kind: 'manual',
      command: null,
      check: null,
      rollback: null,
      confirm: false,
    });
  });

  it('reports malformed YAML with its line and column', () => {
    const broken = valid.replace('tags: [capacity]', 'tags: [capacity\nseverity: high');
    const { runbook, problems } = parse(broken);
    expect(runbook).toBeNull();
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ file: '/rb/test.yaml', line: 7, column: expect.any(Number) });
    expect(problems[0]!.message).toMatch(/^YAML syntax: /);
  });

  it('reports a tab-indented line at its own position', () => {
    const { problems } = parse('apiVersion: fleetdeck.io/v1\nkind: Runbook\nid: x\n\ttitle: y\n');
    expect(problems[0]).toMatchObject({ line: 4, column: 1 });
  });

  it('refuses unknown fields and suggests the one meant', () => {
    const { runbook, problems } = parse(valid.replace('    confirm: true', '    confrim: true'));
    expect(runbook).toBeNull();
    expect(problems).toEqual([expect.objectContaining({ line: 24, column: 5, field: 'steps[0].confrim' })]);
    expect(problems[0]!.message).toContain("Did you mean 'confirm'?");
  });

  it('refuses unknown top-level fields too', () => {
    const { problems } = parse(`${valid}descripton: typo\n`);
    expect(problems).toEqual([expect.objectContaining({ field: 'descripton', line: 34, column: 1 })]);
    expect(problems[0]!.message).toContain("Did you mean 'description'?");
  });

  it('refuses another apiVersion or kind', () => {
    const { runbook, problems } = parse(
      valid.replace('fleetdeck.io/v1', 'fleetdeck.io/v2').replace('kind: Runbook', 'kind: Rollout'),
    );
    expect(runbook).toBeNull();
    expect(problems.map((p) => [p.field, p.line, p.column])).toEqual([
      ['apiVersion', 1, 13],
      ['kind', 2, 7],
    ]);
    expect(problems[0]!.message).toContain("'fleetdeck.io/v1'");
  });

  it('needs apiVersion, kind, id, title and steps', () => {
    const { problems } = parse('description: nothing else\n');
    expect(problems.map((p) => p.field).sort()).toEqual(['apiVersion', 'id', 'kind', 'steps', 'title']);
    expect(problems.every((p) => p.line === 1)).toBe(true);
  });

  it('names an unknown variable at the line of the template', () => {
    const text = valid.replace(
      '    command: kubectl -n {{ params.namespace }} rollout status',
      '    command: |\n      echo start\n      kubectl -n {{ params.namespce }} rollout status',
    );
    const { runbook, problems } = parse(text);
    expect(runbook).toBeNull();
    expect(problems).toEqual([expect.objectContaining({ field: 'steps[1].command', line: 31, column: 18 })]);
    expect(problems[0]!.message).toContain("Unknown variable 'params.namespce'");
    expect(problems[0]!.message).toContain("Did you mean 'namespace'?");
  });

  it('refuses a placeholder that is not params.<name>, and one written inside quotes', () => {
    const text = valid
      .replace(
        'rollout status deployment/{{ params.deployment }}',
        "rollout status '{{ params.deployment }}'",
      )
      .replace('guidance: Scales **{{ params.deployment }}**.', 'guidance: Scales {{ deployment }}.');
    const { problems } = parse(text);
    expect(problems.map((p) => p.field).sort()).toEqual(['steps[0].guidance', 'steps[1].command']);
    expect(problems.find((p) => p.field === 'steps[0].guidance')!.message).toContain('{{ params.<name> }}');
    expect(problems.find((p) => p.field === 'steps[1].command')!.message).toContain('inside quotes');
  });

  it.each([
    ['echo "{{ params.deployment }}"', 'inside quotes'],
    ["echo '{{ params.deployment }}'", 'inside quotes'],
    ['echo \\{{ params.deployment }}', 'after a backslash'],
    ['echo "$(printf %s {{ params.deployment }})"', 'inside quotes'],
    ['cat <<EOF\n{{ params.deployment }}\nEOF', 'inside a heredoc'],
    ["cat <<'EOF'\n{{ params.deployment }}\nEOF", 'inside a heredoc'],
  ])('refuses a placeholder the quoting cannot protect: %s', (command, why) => {
    const text = valid.replace(
      / {4}command: kubectl -n \{\{ params.namespace \}\} rollout.*\n/,
      `    command: ${JSON.stringify(command)}\n`,
    );
    const { problems } = parse(text);
    expect(problems).toEqual([expect.objectContaining({ field: 'steps[1].command', line: 29 })]);
    expect(problems[0]!.message).toContain(why);
  });

  it('accepts placeholders in words, here-strings and after closed quotes', () => {
    for (const command of [
      "printf '%s' {{ params.deployment }}",
      'grep -c x <<< {{ params.deployment }}',
      "kubectl patch x -p '{\"n\":'{{ params.replicas }}'}'",
      'echo \\\\{{ params.deployment }}',
    ]) {
      const text = valid.replace(
        / {4}command: kubectl -n \{\{ params.namespace \}\} rollout.*\n/,
        `    command: ${JSON.stringify(command)}\n`,
      );
      expect(parse(text).problems, command).toEqual([]);
    }
  });

  it('validates output regexes', () => {
    const { problems } = parse(valid.replace("output: 'deployment\\.apps/", "output: 'deployment(\\.apps/"));
    expect(problems).toEqual([
      expect.objectContaining({ field: 'steps[0].check.output', line: 23, column: 15 }),
    ]);
    expect(problems[0]!.message).toMatch(/not a valid regular expression/);
  });

  it.each([
    ['latency_p95 < fast', /not a metric condition/],
    ['latency_p96 < 1.2s', /unknown metric 'latency_p96'.*Did you mean 'latency_p95'/],
    ['error_rate < 2s', /time unit but error_rate is measured in ratio/],
    ['latency_p95 < 5%', /'%' applies to ratios/],
    ['latency_p95 < 1.2s for ever', /'for ever' is not a duration/],
  ])('refuses the metric condition %s', (condition, message) => {
    const { problems } = parse(valid.replace('check: latency_p95 < 1.2s for 2m', `check: ${condition}`));
    expect(problems).toEqual([expect.objectContaining({ field: 'steps[1].check', line: 30, column: 12 })]);
    expect(problems[0]!.message).toMatch(message);
  });

  it.each([
    ['error_rate <= 1% for 30s', { metric: 'error_rate', op: '<=', value: 0.01, forSeconds: 30 }],
    ['ttft_p95 < 250ms', { metric: 'ttft_p95', op: '<', value: 0.25, forSeconds: 0 }],
    ['queue_depth >= 5 for 1m30s', { metric: 'queue_depth', op: '>=', value: 5, forSeconds: 90 }],
  ])('reads the metric condition %s in base units', (condition, shape) => {
    const { runbook, problems } = parse(
      valid.replace('check: latency_p95 < 1.2s for 2m', `check: { metric: "${condition}", timeout: 10m }`),
    );
    expect(problems).toEqual([]);
    expect(runbook!.steps[1]!.check).toEqual({
      kind: 'metric',
      expression: condition,
      timeoutSeconds: 600,
      ...shape,
    });
  });

  it('reads exit_code checks and refuses a check that tests two things', () => {
    const ok = parse(
      valid.replace('check: latency_p95 < 1.2s for 2m', 'check: { exit_code: 0, timeout: 90s }'),
    );
    expect(ok.runbook!.steps[1]!.check).toEqual({ kind: 'exit_code', equals: 0, timeoutSeconds: 90 });
    const two = parse(
      valid.replace('check: latency_p95 < 1.2s for 2m', 'check: { exit_code: 0, output: ok }'),
    );
    expect(two.problems).toEqual([
      expect.objectContaining({ field: 'steps[1].check', line: 30, column: 12 }),
    ]);
    const bad = parse(valid.replace('check: latency_p95 < 1.2s for 2m', 'check: { exit_code: -1 }'));
    expect(bad.problems).toEqual([expect.objectContaining({ field: 'steps[1].check.exit_code' })]);
  });

  it('checks ids are slugs and step ids are unique', () => {
    const { problems } = parse(
      valid.replace('id: scale-out', 'id: Scale Out').replace('id: tick', 'id: scale'),
    );
    expect(problems.map((p) => [p.field, p.line])).toEqual([
      ['id', 3],
      ['steps[2].id', 31],
    ]);
  });

  it('checks parameter types, defaults, enums and patterns', () => {
    const text = valid.replace(
      '  - name: replicas\n    type: integer\n    default: 4\n',
      [
        '  - name: replicas',
        '    type: integr',
        '  - name: mode',
        '    enum: [fast, safe]',
        '    default: slow',
        '  - name: zone',
        '    pattern: "[a-z"',
        '  - name: count',
        '    type: integer',
        '    default: many',
        '  - name: bad-name',
        '    bind: nodes',
        '',
      ].join('\n'),
    );
    const { problems } = parse(text);
    expect(problems.map((p) => p.field)).toEqual([
      'params[2].type',
      'params[3].default',
      'params[4].pattern',
      'params[5].default',
      'params[6].name',
      'params[6].bind',
    ]);
    expect(problems[0]!.message).toContain("Did you mean 'integer'?");
    expect(problems[1]!.message).toContain('not one of fast, safe');
    expect(problems[3]!.message).toContain('not a whole number');
    expect(problems[5]!.message).toContain("Did you mean 'node'?");
  });

  it('keeps manual steps free of commands, and command steps need one', () => {
    const text = valid
      .replace('    manual: true\n', '    manual: true\n    command: echo hi\n')
      .replace(
        '  - title: Wait for latency\n    command: kubectl',
        '  - title: Wait for latency\n    guidance: kubectl',
      );
    const { problems } = parse(text);
    expect(problems.map((p) => p.field).sort()).toEqual(['steps[1].command', 'steps[2].command']);
  });

  it('refuses on_failure: rollback without any rollback command', () => {
    const text = valid.replace(/ {4}rollback: .*\n/, '');
    const { problems } = parse(text);
    expect(problems).toEqual([
      expect.objectContaining({ field: 'steps[0].on_failure', line: 25, column: 17 }),
    ]);
  });

  it('refuses an empty file and a file that is a list', () => {
    expect(parse('').problems[0]).toMatchObject({ line: 1, column: 1 });
    expect(parse('- a\n- b\n').problems[0]!.message).toMatch(/must be a mapping/);
  });
});

describe('docs/runbooks.md', () => {
  it('has a complete example that parses and renders as documented', () => {
    const doc = readFileSync(new URL('../../../../docs/runbooks.md', import.meta.url), 'utf8');
    const example = /```yaml\n(apiVersion[\s\S]*?)```/.exec(doc)![1]!;
    const { runbook, problems } = parseRunbook(example, 'docs/runbooks.md', 'builtin');
    expect(problems).toEqual([]);
    const rendered = renderRunbook(runbook!, {
      vars: {},
      endpoint: {
        id: 'prod-us-east:llm:llama-8b-chat',
        cluster: 'prod-us-east',
        context: 'prod-us-east',
        namespace: 'llm',
        deployment: 'llama-8b-chat',
        model: 'llama-3.1-8b-instruct',
        version: 'v1',
      },
    });
    const shown = /```sh\n(.*)\n```/.exec(doc)![1];
    expect(rendered.steps[1]!.command).toBe(shown);
  });
});
