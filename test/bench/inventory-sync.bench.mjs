// Inventory sync at scale: the Kubernetes source listing and storing a 10,000-endpoint cluster.
//
// value:    a fresh Kubernetes source (src/core/providers/kubernetes) pointed at one simulated
//           API server holding N model endpoints (Deployments, ReplicaSets' pods, Services,
//           InferenceServices, nodes, events): discovery, paginated lists (limit=500) of every
//           resource it follows, mapping to canonical records, and the store step: the full
//           snapshot applied to the fleet's InventoryCache in a fresh SQLite file. Measured from
//           provider.start() to the end of that apply.
// baseline: `kubectl get deploy,pods,inferenceservices -A -o json` against the same server (the
//           real kubectl, warm discovery cache, output discarded): what listing the same cluster
//           costs the reference client, without mapping or storing anything.
// The simulated cluster runs in a child process, so neither side shares an event loop with it.
// Each figure is the median of RUNS runs after one unmeasured warm-up of each.
//   FLEETDECK_BENCH_ENDPOINTS (default 10000), FLEETDECK_BENCH_RUNS (default 3),
//   FLEETDECK_KUBECTL (default /usr/bin/kubectl)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '../..');
const ENDPOINTS = Number(process.env.FLEETDECK_BENCH_ENDPOINTS ?? 10_000);
const RUNS = Number(process.env.FLEETDECK_BENCH_RUNS ?? 3);
const KUBECTL = process.env.FLEETDECK_KUBECTL ?? '/usr/bin/kubectl';
const log = (...args) => console.error('[inventory-sync]', ...args);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const ts = (path) => import(join(repoRoot, path));

// ---- child role: the simulated cluster ----------------------------------------------------------

/** generateScaleFleet spreads N over six clusters; fold them into one cluster of N endpoints. */
function oneCluster(definition) {
  const pools = [];
  const poolName = (cluster, pool) => `${cluster}-${pool}`;
  for (const cluster of definition.clusters) {
    for (const pool of cluster.nodePools) pools.push({ ...pool, name: poolName(cluster.name, pool.name) });
  }
  return {
    ...definition,
    clusters: [
      {
        name: 'bench',
        cloud: 'aws',
        region: 'us-east-1',
        zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
        nodePools: pools,
      },
    ],
    endpoints: definition.endpoints.map((e) => ({
      ...e,
      cluster: 'bench',
      // Endpoint names repeat across the original clusters: keep them apart by namespace.
      namespace: `${e.cluster}-${e.namespace}`,
      pool: poolName(e.cluster, e.pool),
    })),
  };
}

async function serveSimulatedCluster(dir, n) {
  const { generateScaleFleet } = await ts('src/demo/scale/scale-fleet.ts');
  const { createClusterObjectStore } = await ts('src/demo/kube/object-store.ts');
  const { startClusterControllers, seededRandom } = await ts(
    'src/demo/kube/controllers/cluster-controllers.ts',
  );
  const { seedCluster } = await ts('src/demo/kube/seed.ts');
  const { startKubeApiServer } = await ts('src/demo/kube/api-server.ts');
  const { createSelfSignedCertificate } = await ts('src/demo/kube/tls-certificate.ts');
  const { writeDemoKubeconfig } = await ts('src/demo/kube/kubeconfig.ts');

  const definition = oneCluster(generateScaleFleet(n, 20261126));
  const store = createClusterObjectStore('bench');
  const controllers = startClusterControllers(store, { readyDelayMs: 0, random: seededRandom(7) });
  const seeded = seedCluster(store, definition, 'bench');
  await controllers.idle();
  const token = 'bench-token';
  const server = await startKubeApiServer({
    store,
    token,
    host: '127.0.0.1',
    port: 0,
    tls: createSelfSignedCertificate({ commonName: 'bench' }),
  });
  const kubeconfig = join(dir, 'kubeconfig');
  await writeDemoKubeconfig(kubeconfig, [
    { name: 'bench', url: server.url, token, certificateAuthority: server.certificateAuthority },
  ]);
  const count = (resource) =>
    store.list({ group: resource === 'deployments' ? 'apps' : '', version: 'v1', resource }).length;
  process.stdout.write(
    `READY ${JSON.stringify({ kubeconfig, endpoints: definition.endpoints.length, deployments: seeded.deployments, pods: count('pods'), services: seeded.services, nodes: seeded.nodes, inferenceServices: seeded.inferenceServices })}\n`,
  );
  process.on('SIGTERM', () => {
    controllers.stop();
    server.close().then(() => process.exit(0));
  });
}

// ---- main role ----------------------------------------------------------------------------------

function startChild(dir) {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const child = spawn(
    process.execPath,
    ['--import', tsx, import.meta.filename, '--serve-sim', dir, String(ENDPOINTS)],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((done, fail) => {
    let buffered = '';
    const timer = setTimeout(
      () => fail(new Error('the simulated cluster did not start within 180 s')),
      180_000,
    );
    child.once('exit', (code) =>
      fail(new Error(`the simulated cluster exited (${code}) before it was ready`)),
    );
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const match = /^READY (.+)$/m.exec(buffered);
      if (!match) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      done({ child, info: JSON.parse(match[1]) });
    });
  });
}

function runKubectl(kubeconfig, cacheDir, capture) {
  const started = performance.now();
  const child = spawn(
    KUBECTL,
    [
      '--kubeconfig',
      kubeconfig,
      '--cache-dir',
      cacheDir,
      'get',
      'deploy,pods,inferenceservices',
      '-A',
      '-o',
      'json',
    ],
    {
      stdio: ['ignore', capture ? 'pipe' : 'ignore', 'pipe'],
    },
  );
  const chunks = [];
  let stderr = '';
  if (capture) child.stdout.on('data', (chunk) => chunks.push(chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) return fail(new Error(`kubectl exited ${code}: ${stderr}`));
      done({ ms, items: capture ? JSON.parse(Buffer.concat(chunks).toString('utf8')).items.length : null });
    });
  });
}

async function runProvider(kubeconfig, modules) {
  const { createKubernetesProvider, silentLogger, openStore, InventoryCache } = modules;
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-inventory-'));
  const store = openStore({ dataDir, log: silentLogger });
  const cache = new InventoryCache(store.db);
  const provider = createKubernetesProvider(
    { kubeconfigPath: kubeconfig },
    { log: silentLogger, dataDir, secret: async () => null },
    {
      execEnv: async () => process.env,
      settleDeadlineMs: 600_000,
      timeouts: { requestMs: 120_000, watchIdleMs: 600_000 },
    },
  );
  const controller = new AbortController();
  let failure = null;
  let check;
  try {
    return await new Promise((done, fail) => {
      const started = performance.now();
      provider.start({
        sourceId: 'bench-k8s',
        sourceName: 'Kubernetes (bench)',
        log: silentLogger,
        now: () => Date.now(),
        signal: controller.signal,
        reportInventory(snapshot, options) {
          if (options?.partial) return;
          const mapped = performance.now();
          cache.apply('bench-k8s', snapshot, false, Date.now());
          done({
            ms: performance.now() - started,
            mapMs: mapped - started,
            endpoints: snapshot.endpoints.length,
            nodes: snapshot.nodes.length,
          });
        },
        reportSamples() {},
        reportMissingMetrics() {},
        reportStatus(status) {
          if (status.state === 'error') failure = status.reason;
        },
        inventory: () => cache,
      });
      check = setInterval(() => {
        if (failure) fail(new Error(`the Kubernetes source failed: ${failure}`));
      }, 50);
    });
  } finally {
    clearInterval(check);
    await provider.stop();
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const { register } = await import('tsx/esm/api');
  register();
  const modules = {
    ...(await ts('src/core/providers/kubernetes/kubernetes.provider.ts')),
    ...(await ts('src/core/log/logger.ts')),
    ...(await ts('src/core/store/database.ts')),
    ...(await ts('src/core/fleet/inventory.cache.ts')),
  };
  const dir = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-k8s-'));
  const cacheDir = join(dir, 'kubectl-cache');
  const seedStarted = performance.now();
  const { child, info } = await startChild(dir);
  try {
    log(
      `simulated cluster ready in ${Math.round(performance.now() - seedStarted)} ms:`,
      JSON.stringify(info),
    );
    // Warm-up (unmeasured): kubectl fills its discovery cache; both sides load their code.
    const warmKubectl = await runKubectl(info.kubeconfig, cacheDir, true);
    const warmProvider = await runProvider(info.kubeconfig, modules);
    log(
      `warm-up: kubectl ${Math.round(warmKubectl.ms)} ms for ${warmKubectl.items} objects; provider ${Math.round(warmProvider.ms)} ms for ${warmProvider.endpoints} endpoints, ${warmProvider.nodes} nodes`,
    );
    if (warmProvider.endpoints !== info.endpoints)
      throw new Error(
        `the provider found ${warmProvider.endpoints} endpoints, the cluster holds ${info.endpoints}`,
      );

    const providerMs = [];
    const kubectlMs = [];
    for (let i = 0; i < RUNS; i++) {
      // Alternate the order so neither side always runs on a warmer machine.
      if (i % 2 === 0) {
        providerMs.push(await runProvider(info.kubeconfig, modules));
        kubectlMs.push((await runKubectl(info.kubeconfig, cacheDir, false)).ms);
      } else {
        kubectlMs.push((await runKubectl(info.kubeconfig, cacheDir, false)).ms);
        providerMs.push(await runProvider(info.kubeconfig, modules));
      }
      const last = providerMs[providerMs.length - 1];
      log(
        `run ${i + 1}: provider ${Math.round(last.ms)} ms (list+map ${Math.round(last.mapMs)} ms, store ${Math.round(last.ms - last.mapMs)} ms), kubectl ${Math.round(kubectlMs[kubectlMs.length - 1])} ms`,
      );
    }
    const value = Math.round(median(providerMs.map((r) => r.ms)));
    const baseline = Math.round(median(kubectlMs));
    log(`median list+map: ${Math.round(median(providerMs.map((r) => r.mapMs)))} ms`);
    process.stdout.write(
      `${JSON.stringify({ bench: 'inventory-sync', value, unit: 'ms', baseline, ratio: Math.round((value / baseline) * 1000) / 1000 })}\n`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((done) => (child.exitCode !== null ? done() : child.once('exit', done)));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--serve-sim') {
  await serveSimulatedCluster(process.argv[3], Number(process.argv[4]));
} else {
  await main();
}
