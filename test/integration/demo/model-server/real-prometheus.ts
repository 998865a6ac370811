import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';

/**
 * The Debian `prometheus` binary, started by a test on a free loopback port with a generated
 * config and a throwaway TSDB, and stopped by it. Waits are on conditions (ready, targets up,
 * enough samples), polled at a short interval, never fixed sleeps.
 */
export interface ScrapeTarget {
  /** host:port */
  address: string;
  metricsPath: string;
  labels: Record<string, string>;
}

export interface RealPrometheus {
  url: string;
  /** Instant query; returns the vector result. */
  query(promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  /** Resolves when `check` returns a truthy value; polls every `intervalMs`. */
  until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
  log(): string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startPrometheus(
  dir: string,
  targets: ScrapeTarget[],
  scrapeIntervalS = 1,
): Promise<RealPrometheus> {
  // JSON is YAML: no YAML writer needed. Each target gets its own __metrics_path__ via labels,
  // since all simulated replicas share one host:port.
  const config = {
    global: {
      scrape_interval: `${scrapeIntervalS}s`,
      scrape_timeout: `${scrapeIntervalS}s`,
      evaluation_interval: '1s',
    },
    scrape_configs: [
      {
        job_name: 'model-servers',
        static_configs: targets.map((t) => ({
          targets: [t.address],
          labels: { __metrics_path__: t.metricsPath, ...t.labels },
        })),
      },
    ],
  };
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const port = await freePort();
  const child: ChildProcessWithoutNullStreams = spawn(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: 'pipe' },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const until: RealPrometheus['until'] = async (what, check, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`prometheus exited (${child.exitCode}) waiting for ${what}:\n${output}`);
      let value: Awaited<ReturnType<typeof check>> | undefined;
      try {
        value = await check();
      } catch {
        value = undefined;
      }
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; prometheus log:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const prometheus: RealPrometheus = {
    url,
    async query(promql) {
      const res = await request(`${url}/api/v1/query`, { query: { query: promql } });
      const body = (await res.body.json()) as { status: string; error?: string; data?: { result: [] } };
      if (body.status !== 'success') throw new Error(`query ${promql} failed: ${body.error}`);
      return body.data!.result;
    },
    until,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    log: () => output,
  };
  try {
    await until('prometheus /-/ready', async () => {
      const res = await request(`${url}/-/ready`);
      await res.body.dump();
      return res.statusCode === 200;
    });
  } catch (error) {
    await prometheus.stop();
    throw error;
  }
  return prometheus;
}
