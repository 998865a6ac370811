import { canonicalMetricNames, metricInfo } from '../../shared/fleet/metrics';
import { formatMetric, formatUsd } from '../../shared/fleet/format';
import type { CommandResult } from '../../shared/contract/index';
import { printJson, type CliCommand, type CliContext } from '../cli-command';
import { CliError, usageError } from '../cli-error';
import { describeFreshness, orDash, replicasText } from '../fleet-text';
import { textTable } from '../text-table';
import { clock } from '../time-text';

type EndpointDetail = CommandResult<'fleet.endpoint'>;

/** fleet.endpoint with the CLI's wording for an unknown id (shared with `metrics`). */
export async function getEndpoint(ctx: CliContext, id: string): Promise<EndpointDetail> {
  try {
    return await ctx.client().call('fleet.endpoint', { id });
  } catch (error) {
    if (error instanceof CliError && error.code === 'not_found')
      throw new CliError(
        'failed',
        `no endpoint "${id}"`,
        'ids look like <cluster>:<namespace>:<name>; `fleetdeck endpoints` lists them',
      );
    throw error;
  }
}

export const endpointCommand: CliCommand = {
  name: 'endpoint',
  summary: 'One endpoint: health, metrics, pods, nodes, recent events and sibling versions.',
  help: `Usage: fleetdeck endpoint <id> [--json]

Shows one endpoint (ids as listed by \`fleetdeck endpoints\`, e.g. <cluster>:<namespace>:<name>).

  --json   the endpoint detail as the API returns it: {"endpoint", "pods", "nodes", "events", "siblings"}`,
  flags: {},
  async run(ctx) {
    const { args, io, json } = ctx;
    const [id, extra] = args.positionals;
    if (!id)
      throw usageError(
        'endpoint needs an endpoint id',
        'run `fleetdeck endpoint <id>`; `fleetdeck endpoints` lists the ids',
      );
    if (extra !== undefined)
      throw usageError(`endpoint takes one id (got also "${extra}")`, 'run `fleetdeck endpoint <id>`');
    const detail = await getEndpoint(ctx, id);
    if (json) return printJson(io, detail);
    io.out(describe(detail, Date.now()));
  },
};

function describe({ endpoint: e, pods, nodes, events, siblings }: EndpointDetail, now: number): string {
  const lines = [
    e.id,
    `  ${e.name} · model ${e.model} ${e.version} · ${e.runtime} · ${e.target.kind}/${e.target.name}`,
    `  cluster ${e.cluster} · region ${e.region} · namespace ${orDash(e.namespace)} · source ${e.source} (${e.sourceKind})`,
    `  health ${e.health.status.toUpperCase()}: ${e.health.reason}${e.health.since !== null ? ` (since ${clock(e.health.since)})` : ''}`,
    `  replicas ${replicasText(e)} ready · GPUs ${e.gpus}${e.gpuType ? ` × ${e.gpuType}` : ''} · ${
      e.hourlyPriceUsd === null ? 'no price' : formatMetric('spend_per_hour', e.hourlyPriceUsd)
    } · ${formatUsd(e.spendTodayUsd)} today`,
  ];
  if (e.trafficPercent !== null)
    lines.push(`  traffic ${e.trafficPercent} %${e.group ? ` of ${e.group}` : ''}`);
  if (e.url) lines.push(`  url ${e.url}`);

  lines.push('', `Metrics · ${describeFreshness(e.freshness, now)}`);
  const metricRows = canonicalMetricNames
    .filter((m) => e.metrics[m] !== undefined)
    .map((m) => [m, metricInfo[m].label, formatMetric(m, e.metrics[m]!.value)]);
  lines.push(
    metricRows.length
      ? indent(textTable(['METRIC', 'WHAT', 'VALUE'], metricRows, ['left', 'left', 'right']))
      : '  no metrics yet',
  );
  if (e.missingMetrics.length)
    lines.push(`  missing or renamed at the source: ${e.missingMetrics.join(', ')}`);

  if (pods.length) {
    lines.push('', 'Pods');
    lines.push(
      indent(
        textTable(
          ['NAME', 'NODE', 'PHASE', 'READY', 'RESTARTS'],
          pods.map((p) => [p.name, orDash(p.node), p.phase, p.ready ? 'yes' : 'no', String(p.restarts)]),
          ['left', 'left', 'left', 'left', 'right'],
        ),
      ),
    );
  }
  if (nodes.length) {
    lines.push('', 'Nodes');
    lines.push(
      indent(
        textTable(
          ['NAME', 'ZONE', 'TYPE', 'GPU', 'GPUS', 'READY', 'PROBLEMS'],
          nodes.map((n) => [
            n.name,
            orDash(n.zone),
            orDash(n.instanceType),
            orDash(n.gpuProduct),
            `${n.gpuAllocated}/${n.gpuCapacity}`,
            n.ready ? 'yes' : 'no',
            n.problems.join('; ') || '—',
          ]),
          ['left', 'left', 'left', 'left', 'right', 'left', 'left'],
        ),
      ),
    );
  }
  if (events.length) {
    lines.push('', 'Recent events');
    lines.push(
      indent(
        textTable(
          ['WHEN', 'TYPE', 'REASON', 'MESSAGE'],
          events
            .slice(0, 10)
            .map((ev) => [
              clock(ev.at),
              ev.type,
              ev.reason,
              `${ev.message}${ev.count > 1 ? ` (×${ev.count})` : ''}`,
            ]),
        ),
      ),
    );
  }
  if (siblings.length) {
    lines.push('', 'Served with');
    lines.push(
      indent(
        textTable(
          ['ID', 'VERSION', 'TRAFFIC', 'HEALTH'],
          siblings.map((s) => [
            s.id,
            s.version,
            s.trafficPercent === null ? '—' : `${s.trafficPercent} %`,
            s.health.status,
          ]),
          ['left', 'left', 'right', 'left'],
        ),
      ),
    );
  }
  return lines.join('\n');
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
