import { formatMetric, formatUsd } from '../../shared/fleet/format';
import type { CliCommand } from '../cli-command';
import { printJson } from '../cli-command';
import { usageError } from '../cli-error';
import { describeFreshness } from '../fleet-text';
import { clock, span } from '../time-text';

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'The console and the fleet at a glance: health, traffic, latency, errors, GPUs, spend.',
  help: `Usage: fleetdeck status [--json]

The running console (version, host, data directory) and the fleet's figures: endpoints by
health, requests/s, p95 latency, error rate, GPUs in use, spend, and how fresh the data is.

  --json   {"app": <app.info>, "fleet": <fleet.summary>}, as the API returns them`,
  flags: {},
  async run({ args, io, json, client }) {
    if (args.positionals.length > 0)
      throw usageError(`status takes no arguments (got "${args.positionals[0]}")`, 'run `fleetdeck status`');
    const api = client();
    const [app, fleet] = await Promise.all([api.call('app.info', {}), api.call('fleet.summary', {})]);
    if (json) return printJson(io, { app, fleet });

    const e = fleet.endpoints;
    const now = Date.now();
    io.out(
      [
        `Fleetdeck ${app.version} (${app.host}) · data ${app.dataDir} · up ${span(now - app.startedAt)} (since ${clock(app.startedAt)})`,
        `Endpoints  ${e.total} total: ${e.ok} ok, ${e.warning} warning, ${e.critical} critical, ${e.unknown} unknown`,
        `Traffic    ${formatMetric('request_rate', fleet.requestRate)} · p95 ${formatMetric('latency_p95', fleet.latencyP95)} · errors ${formatMetric('error_rate', fleet.errorRate)}`,
        `GPUs       ${fleet.gpusInUse} in use`,
        `Spend      ${formatMetric('spend_per_hour', fleet.spendPerHour)} · ${formatUsd(fleet.spendToday)} today`,
        `Sources    ${fleet.sources.ok} of ${fleet.sources.total} ok${fleet.sources.failing ? `, ${fleet.sources.failing} failing` : ''}`,
        `Data       ${describeFreshness(fleet.freshness, now)}`,
      ].join('\n'),
    );
  },
};
