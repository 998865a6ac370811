import { metricNameSchema } from '../../shared/contract/index';
import { formatMetric } from '../../shared/fleet/format';
import { canonicalMetricNames, metricInfo, type MetricName } from '../../shared/fleet/metrics';
import { flagString } from '../cli-args';
import { printJson, type CliCommand } from '../cli-command';
import { usageError } from '../cli-error';
import { textTable } from '../text-table';
import { clock, parseSince, span } from '../time-text';
import { getEndpoint } from './endpoint.command';

/** The human table shows this many evenly spaced points; min/avg/max use them all. */
const TABLE_ROWS = 12;

export const metricsCommand: CliCommand = {
  name: 'metrics',
  summary: "One endpoint's metric over time: a short table and its min, average and max.",
  help: `Usage: fleetdeck metrics <endpoint-id> <metric> [--since 1h] [--json]

Metrics (canonical names, whatever the runtime):
  ${canonicalMetricNames.join(', ')}

  --since D   how far back: 90s, 15m, 1h (default), 7d
  --json      the metrics.series result as the API returns it:
              {"metric", "series": [{"endpointId", "resolution", "stepMs", "points": [[ms, value], ...]}]}`,
  flags: { since: 'string' },
  async run(ctx) {
    const { args, io, json } = ctx;
    const [id, metric, extra] = args.positionals;
    if (!id || !metric)
      throw usageError(
        'metrics needs an endpoint id and a metric name',
        'run `fleetdeck metrics <endpoint-id> <metric>`, e.g. `fleetdeck metrics <id> latency_p95`',
      );
    if (extra !== undefined)
      throw usageError(
        `metrics takes an endpoint id and one metric (got also "${extra}")`,
        'run `fleetdeck metrics <id> <metric>`',
      );
    if (!metricNameSchema.safeParse(metric).success)
      throw usageError(`"${metric}" is not a metric`, `use one of ${canonicalMetricNames.join(', ')}`);
    const name = metric as MetricName;
    const sinceText = flagString(args, 'since') ?? '1h';
    const since = parseSince(sinceText);

    // Asked first so an unknown id is an error, not an empty series.
    await getEndpoint(ctx, id);
    const to = Date.now();
    const result = await ctx
      .client()
      .call('metrics.series', { endpointIds: [id], metric: name, from: to - since, to });
    if (json) return printJson(io, result);

    const series = result.series.find((s) => s.endpointId === id);
    const points = series?.points ?? [];
    const header = `${name} (${metricInfo[name].label}) of ${id}, last ${sinceText}`;
    if (points.length === 0) {
      io.out(`${header}: no samples.`);
      return;
    }
    io.out(`${header} · ${points.length} points, ${series!.resolution}, every ${span(series!.stepMs)}`);
    const withDate = since > 86_400_000;
    const shown = evenlySpaced(points, TABLE_ROWS);
    io.out(
      textTable(
        ['TIME', 'VALUE'],
        shown.map(([t, v]) => [clock(t, withDate), formatMetric(name, v)]),
        ['left', 'right'],
      ),
    );
    const values = points.map(([, v]) => v);
    const avg = values.reduce((a, b) => a + b, 0) / values.length;
    io.out(
      `min ${formatMetric(name, Math.min(...values))} · avg ${formatMetric(name, avg)} · max ${formatMetric(name, Math.max(...values))}`,
    );
  },
};

/** At most `n` points, first and last included, evenly spread. */
function evenlySpaced<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.round((i * (items.length - 1)) / (n - 1))]!);
}
