import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoFleetDefinition } from '../../../../src/demo/fleet-definition';
import {
  startSimulatedClusters,
  type SimulatedCluster,
  type SimulatedClusterOptions,
} from '../../../../src/demo/kube/simulated-cluster';
import { freshDir } from '../../../support/tmp';

/**
 * The demo clusters from resources/demo/fleet.json behind their own apiservers on free ports,
 * a fresh kubeconfig, and the real kubectl run against them (argv arrays, never a shell).
 */
export const kubectlPath = process.env.KUBECTL ?? '/usr/bin/kubectl';

export const kubectlAvailable = (() => {
  try {
    accessSync(kubectlPath, constants.X_OK);
    return true;
  } catch {
    return false;
  }
})();

export function loadDemoFleet(): DemoFleetDefinition {
  return JSON.parse(readFileSync(new URL('../../../../resources/demo/fleet.json', import.meta.url), 'utf8'));
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface DemoKube {
  clusters: SimulatedCluster[];
  cluster(name: string): SimulatedCluster;
  kubeconfig: string;
  /** Every request line the apiservers saw (`METHOD path status ms`), per cluster. */
  requests: Map<string, string[]>;
  kubectl(args: string[], options?: { timeoutMs?: number }): Promise<KubectlResult>;
  /** A long-running kubectl (for `get -w`), with its output collected as it arrives. */
  spawnKubectl(args: string[]): { child: ChildProcessWithoutNullStreams; output: () => string };
  close(): Promise<void>;
}

export async function startDemoKube(options: SimulatedClusterOptions = {}): Promise<DemoKube> {
  const { dir, cleanup } = freshDir('fleetdeck-kubectl-');
  const kubeconfig = join(dir, 'demo', 'kubeconfig');
  const requests = new Map<string, string[]>();
  const definition = loadDemoFleet();
  for (const cluster of definition.clusters) requests.set(cluster.name, []);
  const clusters = await startSimulatedClusters(definition, {
    ...options,
    kubeconfigPath: kubeconfig,
    log: (line) => requests.get(line.slice(0, line.indexOf(' ')))?.push(line.slice(line.indexOf(' ') + 1)),
  });
  for (const cluster of clusters) await cluster.controllers.idle();
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    KUBECONFIG: kubeconfig,
    KUBECACHEDIR: join(dir, 'kube-cache'),
  };
  const children = new Set<ChildProcessWithoutNullStreams>();

  return {
    clusters,
    cluster(name) {
      const found = clusters.find((cluster) => cluster.name === name);
      if (!found) throw new Error(`no demo cluster ${name}`);
      return found;
    },
    kubeconfig,
    requests,
    kubectl(args, { timeoutMs = 25_000 } = {}) {
      return new Promise((resolve) => {
        execFile(
          kubectlPath,
          args,
          { env, timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 },
          (error, stdout, stderr) => {
            const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
            resolve({ code, stdout, stderr });
          },
        );
      });
    },
    spawnKubectl(args) {
      const child = spawn(kubectlPath, args, { env, stdio: 'pipe' });
      children.add(child);
      child.on('exit', () => children.delete(child));
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      return { child, output: () => output };
    },
    async close() {
      for (const child of children) child.kill('SIGKILL');
      await Promise.allSettled(clusters.map((cluster) => cluster.close()));
      cleanup();
    },
  };
}

/** Polls `check` every 50 ms until it returns truthy; no fixed sleeps. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await check();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
