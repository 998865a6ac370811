import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../../../src/core/runbooks/runbook.parse';
import { renderRunbook, type EndpointBinding } from '../../../../src/core/runbooks/runbook.render';
import { quoteShellArg } from '../../../../src/core/runbooks/shell-quote';
import type { Runbook } from '../../../../src/shared/contract/runbook.schema';
import { FleetError } from '../../../../src/shared/errors/fleet-error';

const text = `apiVersion: fleetdeck.io/v1
kind: Runbook
id: echo-args
title: Echo
params:
  - name: message
    description: Anything at all.
  - name: namespace
    bind: namespace
    default: default
  - name: replicas
    type: integer
    default: 2
  - name: ratio
    type: number
    required: false
  - name: dry
    type: boolean
    default: false
  - name: wait
    type: duration
    default: 30s
  - name: mode
    enum: [fast, safe]
    default: safe
  - name: zone
    pattern: '[a-z]+-[0-9]'
    default: us-1
steps:
  - title: Print {{ params.message }}
    guidance: Prints **{{ params.message }}** as one argument.
    command: printf '%s\\n' {{ params.message }}
    check:
      output: '^{{ params.message }}$'
    rollback: printf 'undo %s\\n' {{ params.message }}
  - title: Show the rest
    command: printf '[%s]' {{ params.namespace }} {{ params.replicas }} {{ params.ratio }} {{ params.dry }} {{ params.wait }} {{ params.mode }} {{ params.zone }}
`;

function load(): Runbook {
  const { runbook, problems } = parseRunbook(text, 'echo.yaml', 'builtin');
  expect(problems).toEqual([]);
  return runbook!;
}

const endpoint: EndpointBinding = {
  id: 'prod-us-east:llm:llama-8b-chat',
  cluster: 'prod-us-east',
  context: 'prod-us-east',
  namespace: 'llm',
  deployment: 'llama-8b-chat',
  model: 'llama-3.1-8b-instruct',
  version: 'v1',
  node: null,
};

/** Runs a rendered command in a real bash and returns what it printed. */
const bash = (command: string) =>
  execFileSync('bash', ['-c', command], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });

function thrown(fn: () => unknown): FleetError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FleetError);
    return e as FleetError;
  }
  throw new Error('expected a FleetError');
}

describe('renderRunbook', () => {
  it('keeps a hostile value one literal argument in a real shell', () => {
    const hostile = [
      'x; rm -rf ~',
      "it's $(whoami) `id` $HOME",
      'a\nb',
      '"; echo pwned; "',
      "'''",
      '*',
      '',
      '-n',
      '=ls',
      '~',
    ];
    for (const message of hostile) {
      const rendered = renderRunbook(load(), { vars: { message }, endpoint: null });
      const out = bash(rendered.steps[0]!.command!);
      expect(out).toBe(`${message}\n`);
      expect(bash(rendered.steps[0]!.rollback!)).toBe(`undo ${message}\n`);
    }
  });

  it('fills parameters from --var, then the endpoint, then defaults, and says where each came from', () => {
    const rendered = renderRunbook(load(), { vars: { message: 'hi', replicas: '5' }, endpoint });
    expect(rendered.params).toEqual([
      { name: 'message', value: 'hi', from: 'var' },
      { name: 'namespace', value: 'llm', from: 'endpoint' },
      { name: 'replicas', value: '5', from: 'var' },
      { name: 'ratio', value: '', from: 'default' },
      { name: 'dry', value: 'false', from: 'default' },
      { name: 'wait', value: '30s', from: 'default' },
      { name: 'mode', value: 'safe', from: 'default' },
      { name: 'zone', value: 'us-1', from: 'default' },
    ]);
    expect(bash(rendered.steps[1]!.command!)).toBe('[llm][5][][false][30s][safe][us-1]');
    const unbound = renderRunbook(load(), { vars: { message: 'hi' }, endpoint: null });
    expect(unbound.params[1]).toEqual({ name: 'namespace', value: 'default', from: 'default' });
  });

  it('renders titles, guidance and output checks with the values', () => {
    const rendered = renderRunbook(load(), { vars: { message: 'a.b (c)' }, endpoint: null });
    const step = rendered.steps[0]!;
    expect(step).toMatchObject({
      idx: 0,
      id: 'step-1',
      title: 'Print a.b (c)',
      guidance: 'Prints **a.b (c)** as one argument.',
      kind: 'command',
      confirm: false,
      onFailure: 'stop',
    });
    expect(step.check).toMatchObject({ kind: 'output' });
    const matches = (step.check as { matches: string }).matches;
    expect(new RegExp(matches).test('a.b (c)')).toBe(true);
    expect(new RegExp(matches).test('axb (c)')).toBe(false);
  });

  it('refuses unknown --var names with the declared ones', () => {
    const e = thrown(() => renderRunbook(load(), { vars: { message: 'x', replica: '3' }, endpoint: null }));
    expect(e.code).toBe('bad_request');
    expect(e.message).toContain("'replica'");
    expect(e.message).toContain("Did you mean 'replicas'?");
    expect(e.where).toBe('runbook echo-args');
  });

  it('refuses a missing required parameter, naming it', () => {
    const e = thrown(() => renderRunbook(load(), { vars: {}, endpoint }));
    expect(e.code).toBe('bad_request');
    expect(e.message).toContain("'message' is required");
  });

  it.each([
    ['replicas', 'three', 'not a whole number'],
    ['replicas', '3; ls', 'not a whole number'],
    ['ratio', '1.2.3', 'not a number'],
    ['dry', 'maybe', 'not true or false'],
    ['wait', '10 minutes', 'not a duration'],
    ['mode', 'fats', "Did you mean 'fast'?"],
    ['zone', 'us-east', 'does not match the pattern'],
  ])('refuses %s=%s', (name, value, why) => {
    const e = thrown(() => renderRunbook(load(), { vars: { message: 'x', [name]: value }, endpoint: null }));
    expect(e.code).toBe('bad_request');
    expect(e.message).toContain(`'${name}'`);
    expect(e.message).toContain(why);
  });

  it('accepts well-typed values and normalises booleans', () => {
    const rendered = renderRunbook(load(), {
      vars: { message: 'x', ratio: '-0.5e3', dry: 'TRUE', wait: '1h30m', mode: 'fast', zone: 'eu-4' },
      endpoint: null,
    });
    expect(bash(rendered.steps[1]!.command!)).toBe('[default][2][-0.5e3][true][1h30m][fast][eu-4]');
  });

  it('reports every bad parameter at once', () => {
    const e = thrown(() => renderRunbook(load(), { vars: { replicas: 'x', dry: 'y' }, endpoint: null }));
    expect(e.message).toContain("'message'");
    expect(e.message).toContain("'replicas'");
    expect(e.message).toContain("'dry'");
  });
});

describe('quoteShellArg', () => {
  it('keeps any string one literal argument in a real bash', () => {
    // Deterministic pseudo-random strings over every byte a shell treats specially.
    let seed = 20261126;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const alphabet = ` \t\n'"\\$\`!*?[]{}();&|<>#~=%^,:-_./aZ09é😀`;
    const values = Array.from({ length: 300 }, () =>
      Array.from({ length: next() % 12 }, () => [...alphabet][next() % [...alphabet].length]).join(''),
    );
    const out = bash(`printf '%s\\0' ${values.map(quoteShellArg).join(' ')}`);
    expect(out.split('\0').slice(0, -1)).toEqual(values);
  });

  it('leaves plain words readable and quotes everything else', () => {
    expect(quoteShellArg('llama-8b-chat')).toBe('llama-8b-chat');
    expect(quoteShellArg('prod-us-east:llm:llama-8b-chat')).toBe('prod-us-east:llm:llama-8b-chat');
    expect(quoteShellArg('')).toBe("''");
    expect(quoteShellArg('x; rm -rf ~')).toBe("'x; rm -rf ~'");
    expect(quoteShellArg("it's")).toBe("'it'\\''s'");
    expect(quoteShellArg('=ls')).toBe("'=ls'");
    expect(quoteShellArg('-rf')).toBe("'-rf'");
  });
});
