import { endpointsQuerySchema, healthStatusSchema, type EndpointsQuery } from '../../shared/contract/index';
import { formatMetric } from '../../shared/fleet/format';
import { flagList, flagString } from '../cli-args';
import { printJson, type CliCommand } from '../cli-command';
import { usageError } from '../cli-error';
import { orDash, replicasText } from '../fleet-text';
import { textTable } from '../text-table';

/** Large enough for every fleet we target in one page; the CLI never pages. */
const ALL = 20_000;

export const endpointsCommand: CliCommand = {
  name: 'endpoints',
  summary: 'Endpoints with health, replicas, traffic, latency, errors, GPUs and spend.',
  help: `Usage: fleetdeck endpoints [--filter TEXT] [--health H] [--cluster C] [--model M] [--json]

Lists the fleet's endpoints as an aligned table, sorted by name.

  --filter TEXT   free text over name, model, version, cluster, region, namespace
  --health H      ok, warning, critical or unknown (repeat or comma-separate for several)
  --cluster C     only these clusters (repeatable)
  --model M       only these models (repeatable)
  --json          an array of endpoint objects, each with its "id", as the API returns them`,
  flags: { filter: 'string', health: 'list', cluster: 'list', model: 'list' },
  async run({ args, io, json, client }) {
    if (args.positionals.length > 0)
      throw usageError(
        `endpoints takes no arguments (got "${args.positionals[0]}")`,
        'use --filter TEXT to search, or `fleetdeck endpoint <id>` for one endpoint',
      );
    const health = flagList(args, 'health');
    for (const h of health) {
      if (!healthStatusSchema.safeParse(h).success)
        throw usageError(
          `--health "${h}" is not a health state`,
          `use one of ${healthStatusSchema.options.join(', ')}`,
        );
    }
    const query: EndpointsQuery = { limit: ALL };
    const filter = flagString(args, 'filter');
    if (filter !== undefined) query.text = filter;
    if (health.length) query.health = health as EndpointsQuery['health'];
    if (flagList(args, 'cluster').length) query.cluster = flagList(args, 'cluster');
    if (flagList(args, 'model').length) query.model = flagList(args, 'model');
    const checked = endpointsQuerySchema.safeParse(query);
    if (!checked.success)
      throw usageError(
        `--filter is too long (${filter?.length ?? 0} characters)`,
        'use at most 200 characters',
      );

    const page = await client().call('fleet.endpoints', query);
    if (json) return printJson(io, page.items);
    if (page.items.length === 0) {
      io.out('No endpoints match.');
      return;
    }
    const rows = page.items.map((e) => [
      e.id,
      e.health.status,
      e.model,
      e.version,
      e.cluster,
      replicasText(e),
      formatMetric('request_rate', e.metrics.request_rate?.value),
      formatMetric('latency_p95', e.metrics.latency_p95?.value),
      formatMetric('error_rate', e.metrics.error_rate?.value),
      orDash(e.gpus || null),
      e.hourlyPriceUsd === null ? '—' : formatMetric('spend_per_hour', e.hourlyPriceUsd),
    ]);
    io.out(
      textTable(
        ['ID', 'HEALTH', 'MODEL', 'VERSION', 'CLUSTER', 'READY', 'RPS', 'P95', 'ERRORS', 'GPUS', 'SPEND'],
        rows,
        ['left', 'left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
      ),
    );
    io.out(`${page.total} endpoint${page.total === 1 ? '' : 's'}`);
  },
};
