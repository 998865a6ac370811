import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../../../src/core/runbooks/runbook.parse';
import { renderRunbook } from '../../../../src/core/runbooks/runbook.render';
import type { Runbook } from '../../../../src/shared/contract/runbook.schema';

/** A runbook whose metric check takes its threshold and its window from parameters. */
const runbook = (check: string) => `apiVersion: fleetdeck.io/v1
kind: Runbook
id: wait-latency
title: Wait for latency
params:
  - name: target
    type: duration
    default: 12s
  - name: hold
    type: duration
    default: 2m
  - name: max_errors
    type: number
    default: 1.5
  - name: verbose
    type: boolean
    default: false
  - name: which
    default: latency_p95
steps:
  - id: wait
    title: Wait
    command: 'true'
    check: ${check}
`;

const parse = (check: string) => parseRunbook(runbook(check), '/rb/wait.yaml', 'user');

function parsed(check: string): Runbook {
  const { runbook: rb, problems } = parse(check);
  expect(problems).toEqual([]);
  return rb!;
}

const renderedCheck = (rb: Runbook, vars: Record<string, string> = {}) =>
  renderRunbook(rb, { vars, endpoint: null }).steps[0]!.check;

describe('metric checks with parameters', () => {
  it('takes the threshold and the window from parameters, each rendered in base units', () => {
    const rb = parsed("'latency_p95 < {{ params.target }} for {{ params.hold }}'");
    expect(rb.steps[0]!.check).toMatchObject({
      kind: 'metric',
      expression: 'latency_p95 < {{ params.target }} for {{ params.hold }}',
      metric: 'latency_p95',
      templated: { timeoutGiven: false },
    });
    // Defaults: 12 s for 2 min; with no timeout given it gives up 5 min after the window.
    expect(renderedCheck(rb)).toEqual({
      kind: 'metric',
      expression: 'latency_p95 < 12s for 2m',
      metric: 'latency_p95',
      op: '<',
      value: 12,
      forSeconds: 120,
      timeoutSeconds: 420,
    });
    expect(renderedCheck(rb, { target: '800ms', hold: '10m' })).toMatchObject({
      expression: 'latency_p95 < 800ms for 10m',
      value: 0.8,
      forSeconds: 600,
      timeoutSeconds: 900,
    });
  });

  it('keeps a timeout that was given, and reads a number with a unit written after it', () => {
    const rb = parsed("{ metric: 'error_rate < {{ params.max_errors }}% for 1m', timeout: 3m }");
    expect(renderedCheck(rb)).toMatchObject({ value: 0.015, forSeconds: 60, timeoutSeconds: 180 });
    expect(renderedCheck(rb, { max_errors: '0.5' })).toMatchObject({
      expression: 'error_rate < 0.5% for 1m',
      value: 0.005,
      timeoutSeconds: 180,
    });
  });

  it('refuses, when the file is read, a parameter as the metric, an undeclared one, and a boolean as a value', () => {
    const asMetric = parse("'{{ params.which }} < 1s'").problems;
    expect(asMetric).toEqual([
      expect.objectContaining({
        field: 'steps[0].check',
        line: 24,
        message: expect.stringContaining('not the metric'),
      }),
    ]);
    const undeclared = parse("'latency_p95 < {{ params.targte }} for 1m'").problems;
    expect(undeclared).toEqual([
      expect.objectContaining({
        line: 24,
        column: expect.any(Number),
        message: expect.stringMatching(/Unknown variable 'params\.targte'.*Did you mean 'target'/),
      }),
    ]);
    const boolean = parse("'latency_p95 < {{ params.verbose }}'").problems;
    expect(boolean).toEqual([
      expect.objectContaining({ message: expect.stringContaining('params.verbose (boolean)') }),
    ]);
  });

  it('stops a render whose values do not fit the condition, naming the step, before anything runs', () => {
    const rb = parsed("'latency_p95 < {{ params.target }} for 1m'");
    // 1h30m is a duration, but a latency threshold takes ms, s or m.
    expect(() => renderedCheck(rb, { target: '1h30m' })).toThrow(
      expect.objectContaining({
        code: 'bad_request',
        message: expect.stringContaining("Step wait: its check reads 'latency_p95 < 1h30m for 1m'"),
      }),
    );
  });
});
