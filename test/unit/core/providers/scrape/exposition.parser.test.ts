import { describe, expect, it } from 'vitest';
import {
  ExpositionParseError,
  parseExposition,
  parseNumber,
} from '../../../../../src/core/providers/scrape/exposition.parser';
import { VllmMetrics, stratified, uniform } from '../http/support/exposition-fixture';

describe('the exposition parser', () => {
  it('reads HELP, TYPE, comments, labels, special values and timestamps', () => {
    const text = [
      '# A free comment line',
      '# HELP http_requests_total Total requests.\\nSecond line with a \\\\ backslash.',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="post",code="200"} 1027 1395066363000',
      'http_requests_total{method="post",code="400"}    3 1395066363000',
      '',
      '   # indented comment',
      'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
      'metric_without_timestamp_and_labels 12.47',
      'something_weird{problem="division by zero"} +Inf -3982045',
      'minus_inf -Inf',
      'not_a_number NaN',
      'tabs\t{a="1"}\t2',
      'trailing_comma{a="1",} 5',
      'empty_labels{} 6',
      'colon:name{x="y"} 7\r',
    ].join('\n');
    const e = parseExposition(text);
    expect(e.types.get('http_requests_total')).toBe('counter');
    expect(e.help.get('http_requests_total')).toBe('Total requests.\nSecond line with a \\ backslash.');
    expect(e.samples.get('http_requests_total')).toEqual([
      { labels: { method: 'post', code: '200' }, value: 1027, timestampMs: 1395066363000 },
      { labels: { method: 'post', code: '400' }, value: 3, timestampMs: 1395066363000 },
    ]);
    const [dos] = e.samples.get('msdos_file_access_time_seconds')!;
    expect(dos!.labels).toEqual({ path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' });
    expect(dos!.value).toBe(1.458255915e9);
    expect(e.samples.get('metric_without_timestamp_and_labels')![0]).toEqual({
      labels: {},
      value: 12.47,
      timestampMs: null,
    });
    expect(e.samples.get('something_weird')![0]).toEqual({
      labels: { problem: 'division by zero' },
      value: Infinity,
      timestampMs: -3982045,
    });
    expect(e.samples.get('minus_inf')![0]!.value).toBe(-Infinity);
    expect(e.samples.get('not_a_number')![0]!.value).toBeNaN();
    expect(e.samples.get('tabs')![0]).toMatchObject({ labels: { a: '1' }, value: 2 });
    expect(e.samples.get('trailing_comma')![0]!.labels).toEqual({ a: '1' });
    expect(e.samples.get('empty_labels')![0]!.value).toBe(6);
    expect(e.samples.get('colon:name')![0]).toMatchObject({ labels: { x: 'y' }, value: 7 });
  });

  it('groups histogram series by their labels without le, bucket bounds parsed (+Inf included)', () => {
    const text = `# HELP vllm:e2e_request_latency_seconds Histogram of e2e request latency in seconds.
# TYPE vllm:e2e_request_latency_seconds histogram
vllm:e2e_request_latency_seconds_sum{model_name="a"} 9.5
vllm:e2e_request_latency_seconds_bucket{le="0.5",model_name="a"} 2.0
vllm:e2e_request_latency_seconds_bucket{le="1.0",model_name="a"} 8.0
vllm:e2e_request_latency_seconds_bucket{le="+Inf",model_name="a"} 10.0
vllm:e2e_request_latency_seconds_count{model_name="a"} 10.0
vllm:e2e_request_latency_seconds_sum{model_name="b"} 30
vllm:e2e_request_latency_seconds_bucket{model_name="b",le="0.5"} 0
vllm:e2e_request_latency_seconds_bucket{model_name="b",le="1.0"} 1
vllm:e2e_request_latency_seconds_bucket{model_name="b",le="+Inf"} 12
vllm:e2e_request_latency_seconds_count{model_name="b"} 12
# TYPE vllm:e2e_request_latency_seconds_created gauge
vllm:e2e_request_latency_seconds_created{model_name="a"} 1.7e9
`;
    const e = parseExposition(text);
    const series = e.histograms.get('vllm:e2e_request_latency_seconds')!;
    expect(series).toHaveLength(2);
    expect(series[0]).toEqual({
      labels: { model_name: 'a' },
      buckets: [
        { le: 0.5, count: 2 },
        { le: 1, count: 8 },
        { le: Infinity, count: 10 },
      ],
      sum: 9.5,
      count: 10,
    });
    expect(series[1]!.labels).toEqual({ model_name: 'b' });
    expect(series[1]!.count).toBe(12);
    expect(e.names.has('vllm:e2e_request_latency_seconds')).toBe(true);
    expect(e.samples.has('vllm:e2e_request_latency_seconds_bucket')).toBe(false);
  });

  it('recognises a histogram without a TYPE line by its le label and claims its _sum and _count', () => {
    const e = parseExposition(
      ['x_bucket{le="1"} 1', 'x_bucket{le="+Inf"} 3', 'x_sum 4.5', 'x_count 3', 'y_count 2'].join('\n'),
    );
    expect(e.histograms.get('x')).toEqual([
      {
        labels: {},
        buckets: [
          { le: 1, count: 1 },
          { le: Infinity, count: 3 },
        ],
        sum: 4.5,
        count: 3,
      },
    ]);
    expect(e.samples.has('x_sum')).toBe(false);
    expect(e.samples.get('y_count')![0]!.value).toBe(2);
  });

  it('stops at an OpenMetrics # EOF', () => {
    const e = parseExposition('a 1\n# EOF\nthis is not parsed');
    expect(e.samples.get('a')![0]!.value).toBe(1);
  });

  it.each([
    ['a', 'line 1: a has no value'],
    ['a{b="c"}', 'line 1: a has no value'],
    ['ok 1\na{b="c} 1', 'line 2: label b: unterminated value'],
    ['a{b="1",b="2"} 1', 'line 1: label b appears twice'],
    ['a{b=1} 1', 'line 1: label b: value must be quoted'],
    ['a 1 12.5', 'line 1: a has an invalid timestamp "12.5"'],
    ['a one', 'line 1: a has an invalid value "one"'],
    ['a 1 2 3', 'line 1: unexpected text after the timestamp of a'],
    ['9bad 1', 'line 1: expected a metric name, got "9bad 1"'],
    ['# TYPE a gaugeish', 'line 1: unknown metric type "gaugeish" for a'],
    ['# TYPE x histogram\nx_bucket 1', 'line 2: x_bucket has no "le" label'],
    [
      '<html><body>Not Found</body></html>',
      'line 1: expected a metric name, got "<html><body>Not Found</body></html>"',
    ],
  ])('rejects %j with the line and the reason', (text, message) => {
    expect(() => parseExposition(text)).toThrow(ExpositionParseError);
    expect(() => parseExposition(text)).toThrow(message);
  });

  it('reads every number spelling Go accepts', () => {
    expect(parseNumber('+Inf')).toBe(Infinity);
    expect(parseNumber('Inf')).toBe(Infinity);
    expect(parseNumber('-inf')).toBe(-Infinity);
    expect(parseNumber('NaN')).toBeNaN();
    expect(parseNumber('1e-3')).toBe(0.001);
    expect(parseNumber('-0.5')).toBe(-0.5);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('')).toBeNull();
    expect(parseNumber('abc')).toBeNull();
    expect(parseNumber('+')).toBeNull();
  });

  it('parses a realistic vLLM /metrics in well under a millisecond', () => {
    const m = new VllmMetrics('meta-llama/Llama-3.1-8B-Instruct');
    for (const latency of stratified(uniform(0.5, 1.5), 500)) {
      m.observe({ latency, ttft: latency / 10, itl: 0.02, promptTokens: 500, outputTokens: 100, ok: true });
    }
    const text = m.render();
    const lines = text.split('\n').length;
    for (let i = 0; i < 50; i++) parseExposition(text); // warm up
    const runs = 500;
    const started = performance.now();
    for (let i = 0; i < runs; i++) parseExposition(text);
    const perParse = (performance.now() - started) / runs;
    console.log(
      `exposition parse: ${lines} lines, ${text.length} bytes, ${(perParse * 1000).toFixed(0)} µs per parse`,
    );
    expect(perParse).toBeLessThan(5);
  });
});
