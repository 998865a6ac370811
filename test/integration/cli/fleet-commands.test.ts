import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Endpoint } from '../../../src/shared/contract/index';
import { canonicalMetricNames } from '../../../src/shared/fleet/metrics';
import pkg from '../../../package.json' with { type: 'json' };
import { startConsole, type RunningConsole } from '../../e2e/support/console-host';
import { ensureCliBuilt, expectOneLineError, removeEmptyHome, runCli, until } from './support/fleetdeck-cli';

/**
 * The `fleetdeck` command line (issue 5) against a real console with the demo fleet: the real
 * bin/fleetdeck is spawned for every case, and what it prints is compared with what the same
 * API answers. One console for the file: the demo fleet takes a while to come up.
 */

// Each case spawns real node processes; on a machine shared by many test runs that takes time.
vi.setConfig({ testTimeout: 120_000 });

let fleet: RunningConsole;
let endpoints: Endpoint[];
/** An endpoint with latency samples, for `endpoint` and `metrics`. */
let sample: Endpoint;

const inDir = (...args: string[]) => runCli(['--data-dir', fleet.dataDir, ...args]);

beforeAll(async () => {
  ensureCliBuilt();
  fleet = await startConsole({ demo: true });
  endpoints = await until('the demo fleet with latency figures', async () => {
    const page = await fleet.call<{ items: Endpoint[] }>('fleet.endpoints', { limit: 20_000 });
    const measured = page.items.filter((e) => e.metrics.latency_p95 !== undefined);
    return page.items.length > 0 && measured.length >= 2 ? page.items : null;
  });
  sample = endpoints.find((e) => e.metrics.latency_p95 !== undefined)!;
});

afterAll(async () => {
  await fleet?.dispose();
  removeEmptyHome();
});

describe('fleetdeck status', () => {
  it('prints the console and the fleet figures', async () => {
    const result = await inDir('status');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const summary = await fleet.call<{ endpoints: { total: number } }>('fleet.summary');
    expect(result.stdout).toContain(`Fleetdeck ${pkg.version} (console) · data ${fleet.dataDir}`);
    expect(result.stdout).toMatch(
      new RegExp(
        `^Endpoints +${summary.endpoints.total} total: \\d+ ok, \\d+ warning, \\d+ critical, \\d+ unknown$`,
        'm',
      ),
    );
    for (const label of ['Traffic', 'GPUs', 'Spend', 'Sources', 'Data'])
      expect(result.stdout).toMatch(new RegExp(`^${label} +\\S`, 'm'));
    expect(result.stdout).toMatch(/req\/s · p95 .+ · errors /);
  });

  it('--json gives app.info and fleet.summary as the API returns them', async () => {
    const result = await inDir('status', '--json');
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as {
      app: Record<string, unknown>;
      fleet: Record<string, unknown>;
    };
    const info = await fleet.call<Record<string, unknown>>('app.info');
    expect(body.app).toEqual(info);
    expect(Object.keys(body.fleet).sort()).toEqual(Object.keys(await fleet.call('fleet.summary')).sort());
    expect(body.fleet.endpoints).toMatchObject({ total: endpoints.length });
  });
});

describe('fleetdeck endpoints', () => {
  it('prints an aligned table with one row per endpoint', async () => {
    const result = await inDir('endpoints');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    const header = lines[0]!;
    expect(header).toMatch(/^ID +HEALTH +MODEL +VERSION +CLUSTER +READY +RPS +P95 +ERRORS +GPUS +SPEND$/);
    const rows = lines.slice(1, -1);
    expect(rows.map((r) => r.split(/\s+/)[0]).sort()).toEqual(endpoints.map((e) => e.id).sort());
    expect(lines.at(-1)).toBe(`${endpoints.length} endpoints`);
    // Aligned: every row's HEALTH cell starts under the header's, and right-aligned SPEND ends with it.
    const healthAt = header.indexOf('HEALTH');
    for (const row of rows) {
      expect(row[healthAt - 1]).toBe(' ');
      expect(row.slice(healthAt)).toMatch(/^(ok|warning|critical|unknown) /);
      expect(row.length).toBe(header.length);
    }
  });

  it('--json is an array of endpoint objects with their ids, as fleet.endpoints returns them', async () => {
    const result = await inDir('endpoints', '--json');
    expect(result.code).toBe(0);
    const items = JSON.parse(result.stdout) as Endpoint[];
    expect(Array.isArray(items)).toBe(true);
    expect(items.map((e) => e.id)).toEqual(endpoints.map((e) => e.id));
    for (const item of items) expect(Object.keys(item).sort()).toEqual(Object.keys(endpoints[0]!).sort());
  });

  it('filters by text, cluster, model and health like the API', async () => {
    const cluster = sample.cluster;
    const model = sample.model;
    const cases: Array<[string[], Record<string, unknown>]> = [
      [['--filter', sample.name], { text: sample.name }],
      [['--cluster', cluster], { cluster: [cluster] }],
      [['--model', model, '--cluster', cluster], { model: [model], cluster: [cluster] }],
    ];
    for (const [flags, query] of cases) {
      const result = await inDir('endpoints', ...flags, '--json');
      expect(result.code, flags.join(' ')).toBe(0);
      const expected = await fleet.call<{ items: Endpoint[] }>('fleet.endpoints', {
        ...query,
        limit: 20_000,
      });
      const ids = (JSON.parse(result.stdout) as Endpoint[]).map((e) => e.id);
      expect(ids, flags.join(' ')).toEqual(expected.items.map((e) => e.id));
      expect(ids.length, flags.join(' ')).toBeGreaterThan(0);
    }
    // Health moves with the live demo: check what came back, not an API answer read later.
    const healthy = await inDir('endpoints', '--health', 'ok,unknown', '--health', 'warning', '--json');
    expect(healthy.code).toBe(0);
    const byHealth = JSON.parse(healthy.stdout) as Endpoint[];
    expect(byHealth.length).toBeGreaterThan(0);
    for (const e of byHealth) expect(['ok', 'unknown', 'warning']).toContain(e.health.status);
    const critical = JSON.parse(
      (await inDir('endpoints', '--health', 'critical', '--json')).stdout,
    ) as Endpoint[];
    for (const e of critical) expect(e.health.status).toBe('critical');

    const none = await inDir('endpoints', '--filter', 'no-such-endpoint-anywhere');
    expect(none).toMatchObject({ code: 0, stdout: 'No endpoints match.\n' });
    const noneJson = await inDir('endpoints', '--filter', 'no-such-endpoint-anywhere', '--json');
    expect(JSON.parse(noneJson.stdout)).toEqual([]);
  });
});

describe('fleetdeck endpoint', () => {
  it('prints one endpoint with its metrics, pods and nodes', async () => {
    const result = await inDir('endpoint', sample.id);
    expect(result.code).toBe(0);
    const detail = await fleet.call<{ pods: { name: string }[]; nodes: { name: string }[] }>(
      'fleet.endpoint',
      {
        id: sample.id,
      },
    );
    expect(result.stdout.split('\n')[0]).toBe(sample.id);
    expect(result.stdout).toMatch(/^ {2}health (OK|WARNING|CRITICAL|UNKNOWN): /m);
    expect(result.stdout).toMatch(/^Metrics · /m);
    expect(result.stdout).toMatch(/^ {2}latency_p95 +Latency p95 +\S+ (ms|s)$/m);
    for (const pod of detail.pods) expect(result.stdout).toContain(pod.name);
    for (const node of detail.nodes) expect(result.stdout).toContain(node.name);
  });

  it('--json is the endpoint detail as fleet.endpoint returns it', async () => {
    const result = await inDir('endpoint', sample.id, '--json');
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { endpoint: Endpoint; pods: unknown[] };
    expect(Object.keys(body).sort()).toEqual(['endpoint', 'events', 'nodes', 'pods', 'siblings']);
    expect(body.endpoint.id).toBe(sample.id);
    const detail = await fleet.call<{ pods: unknown[] }>('fleet.endpoint', { id: sample.id });
    expect(body.pods).toEqual(detail.pods);
  });

  it('an unknown endpoint is one line and exit 4', async () => {
    const result = await inDir('endpoint', 'nowhere:ns:missing');
    expectOneLineError(result, 4, /no endpoint "nowhere:ns:missing" — .*`fleetdeck endpoints` lists them/);
    const json = await inDir('endpoint', 'nowhere:ns:missing', '--json');
    expectOneLineError(json, 4, /no endpoint/);
  });
});

describe('fleetdeck metrics', () => {
  it('prints a small table and min/avg/max', async () => {
    const result = await inDir('metrics', sample.id, 'latency_p95', '--since', '1h');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      new RegExp(`^latency_p95 \\(Latency p95\\) of ${sample.id}, last 1h · \\d+ points?, raw, every `),
    );
    expect(lines[1]).toMatch(/^TIME +VALUE$/);
    const rows = lines.slice(2, -1);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(12);
    for (const row of rows) expect(row).toMatch(/^\d\d:\d\d:\d\d +[\d.]+ (ms|s)$/);
    expect(lines.at(-1)).toMatch(/^min [\d.]+ m?s · avg [\d.]+ m?s · max [\d.]+ m?s$/);
  });

  it('--json is the metrics.series result', async () => {
    const result = await inDir('metrics', sample.id, 'request_rate', '--since', '15m', '--json');
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as {
      metric: string;
      series: { endpointId: string; points: [number, number][] }[];
    };
    expect(body.metric).toBe('request_rate');
    expect(body.series).toHaveLength(1);
    expect(body.series[0]!.endpointId).toBe(sample.id);
    expect(body.series[0]!.points.length).toBeGreaterThan(0);
    const since = Date.now() - 15 * 60_000 - 60_000;
    for (const [at, value] of body.series[0]!.points) {
      expect(at).toBeGreaterThan(since);
      expect(Number.isFinite(value)).toBe(true);
    }
  });

  it('a bad metric name is a usage error that lists the canonical names', async () => {
    const result = await inDir('metrics', sample.id, 'p95_latency');
    const line = expectOneLineError(result, 1, /"p95_latency" is not a metric — use one of /);
    for (const name of canonicalMetricNames) expect(line).toContain(name);
  });

  it('an unknown endpoint is exit 4, not an empty series', async () => {
    expectOneLineError(
      await inDir('metrics', 'nowhere:ns:missing', 'latency_p95'),
      4,
      /no endpoint "nowhere:ns:missing"/,
    );
  });
});

describe('finding the console', () => {
  it('through FLEETDECK_URL and FLEETDECK_TOKEN (as in a Fleetdeck terminal)', async () => {
    const result = await runCli(['status', '--json'], {
      env: { FLEETDECK_URL: fleet.origin, FLEETDECK_TOKEN: fleet.token },
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).app.dataDir).toBe(fleet.dataDir);
    // The printed URL (with its ?token=) works as FLEETDECK_URL too: only the origin is used.
    const full = await runCli(['endpoints', '--json'], {
      env: { FLEETDECK_URL: fleet.url, FLEETDECK_TOKEN: fleet.token },
    });
    expect(JSON.parse(full.stdout)).toHaveLength(endpoints.length);
  });

  it('through --data-dir, ahead of the environment', async () => {
    const result = await runCli(['--data-dir', fleet.dataDir, 'status', '--json'], {
      env: { FLEETDECK_URL: 'http://127.0.0.1:9', FLEETDECK_TOKEN: 'not-this-one' },
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).app.dataDir).toBe(fleet.dataDir);
    // Also after the command word, and as --data-dir=D.
    const after = await runCli(['status', `--data-dir=${fleet.dataDir}`, '--json']);
    expect(JSON.parse(after.stdout).app.dataDir).toBe(fleet.dataDir);
  });

  it('through the default data directory: FLEETDECK_DATA_DIR, then the OS one', async () => {
    const viaVar = await runCli(['status', '--json'], { env: { FLEETDECK_DATA_DIR: fleet.dataDir } });
    expect(JSON.parse(viaVar.stdout).app.dataDir).toBe(fleet.dataDir);

    // On Linux the OS default is $XDG_CONFIG_HOME/Fleetdeck: point it at the running console's.
    const config = join(fleet.dataDir, '..', `${fleet.dataDir.split('/').at(-1)}-config`);
    mkdirSync(config);
    symlinkSync(fleet.dataDir, join(config, 'Fleetdeck'));
    const viaDefault = await runCli(['status', '--json'], { env: { XDG_CONFIG_HOME: config } });
    expect(viaDefault.code).toBe(0);
    expect(JSON.parse(viaDefault.stdout).app.dataDir).toBe(fleet.dataDir);
  });
});

describe('usage', () => {
  it('help, per-command --help and --version', async () => {
    const help = await runCli(['help']);
    expect(help.code).toBe(0);
    for (const command of ['status', 'endpoints', 'endpoint', 'metrics', 'runbook', 'annotate'])
      expect(help.stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    expect((await runCli([])).stdout).toBe(help.stdout);
    expect((await runCli(['--help'])).stdout).toBe(help.stdout);

    const endpointsHelp = await runCli(['endpoints', '--help']);
    expect(endpointsHelp).toMatchObject({ code: 0, stderr: '' });
    expect(endpointsHelp.stdout).toMatch(/^Usage: fleetdeck endpoints /);
    expect(endpointsHelp.stdout).toContain('--health H');
    expect((await runCli(['help', 'endpoints'])).stdout).toBe(endpointsHelp.stdout);
    const metricsHelp = await runCli(['metrics', '-h']);
    expect(metricsHelp.code, metricsHelp.stderr).toBe(0);
    for (const name of canonicalMetricNames) expect(metricsHelp.stdout).toContain(name);

    expect(await runCli(['--version'])).toMatchObject({ code: 0, stdout: `fleetdeck ${pkg.version}\n` });
  });

  it('mistakes are exit 1 with one line naming what to do, before the console is looked for', async () => {
    // No console is findable in these runs (clean environment): usage is checked first.
    const cases: Array<[string[], RegExp]> = [
      [['bogus'], /unknown command "bogus" — run `fleetdeck help`/],
      [
        ['endpoints', '--bogus'],
        /unknown option --bogus for `fleetdeck endpoints` — run `fleetdeck endpoints --help`/,
      ],
      [
        ['endpoints', '--health', 'bad'],
        /--health "bad" is not a health state — use one of ok, warning, critical, unknown/,
      ],
      [['endpoints', '--filter'], /--filter needs a value/],
      [['endpoints', 'extra'], /endpoints takes no arguments/],
      [['status', '--json=yes'], /--json takes no value/],
      [['endpoint'], /endpoint needs an endpoint id/],
      [['endpoint', 'a', 'b'], /endpoint takes one id/],
      [['metrics', 'some:id'], /metrics needs an endpoint id and a metric name/],
      [['metrics', 'some:id', 'latency_p95', '--since', '1 hour'], /--since "1 hour" is not a duration/],
      [['metrics', 'some:id', 'nope'], /"nope" is not a metric/],
      [['help', 'bogus'], /no command "bogus"/],
      [['runbook'], /runbook needs an action/],
      [['runbook', 'launch'], /unknown runbook action "launch"/],
      [['runbook', 'show'], /runbook show needs a runbook id/],
      [['runbook', 'run', 'x', '--var', 'novalue'], /--var "novalue" is not name=value/],
      [['runbook', 'list', '--yes'], /--yes does not apply to `fleetdeck runbook list`/],
      [['annotate'], /annotate needs the text of the note/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args)));
    cases.forEach(([, what], i) => expectOneLineError(results[i]!, 1, what));
  });
});
