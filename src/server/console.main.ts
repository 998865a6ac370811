// The browser console host: `npm run console -- [--host H] [--port N] [--data-dir D] [--no-open]`.
// Built to out/main/console.js and run with plain Node (no Electron). stdout carries exactly one
// line, the URL; everything else goes to stderr so scripts can read the URL with `head -1`.
import { fileURLToPath } from 'node:url';
import { resolveDataDir, startCore, StoreOpenError, type Core } from '../core/core';
import { demoSources, startDemoFleet, type DemoFleet } from '../demo/demo-fleet';
import { isLoopbackHost } from './console-address';
import { parseConsoleArgs, usage, UsageError, type ConsoleArgs } from './console-args';
import { publishConsoleFile, removeConsoleFile } from './console-file';
import { ListenError, startConsoleServer, type ConsoleServer } from './console-server';
import { openBrowser } from './open-browser';

// This file is built to out/main/console.js: the renderer is out/renderer, resources/ the repo's.
const rendererDir = fileURLToPath(new URL('../renderer/', import.meta.url));
const resourcesDir = fileURLToPath(new URL('../../resources/', import.meta.url));

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function parse(argv: readonly string[]): ConsoleArgs {
  try {
    return parseConsoleArgs(argv);
  } catch (error) {
    if (error instanceof UsageError)
      fail(`fleetdeck console: ${error.message.replace(/\.$/, '')}. ${usage}`, 2);
    throw error;
  }
}

/**
 * SIGINT/SIGTERM/SIGHUP: stop accepting, close the sockets, let in-flight requests finish,
 * close the database, remove console.json, exit 0. The handlers go in before anything is
 * started or announced: a caller that reads the URL line and signals at once must get the
 * orderly shutdown, not the default "killed by signal". A repeated signal counts once, because
 * a terminal's Ctrl-C reaches both this process and the npm/console.mjs wrapper, which forwards
 * it again.
 */
function onStopSignal(): { stopWith(stop: () => Promise<void>): boolean } {
  let stop: (() => Promise<void>) | null = null;
  let requested = false;
  const run = () => {
    void stop!().then(
      () => process.exit(process.exitCode ?? 0),
      () => process.exit(1),
    );
  };
  const onSignal = () => {
    if (requested) return;
    requested = true;
    if (stop) run();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  return {
    stopWith(fn) {
      stop = fn;
      // A signal that came while starting is honoured as soon as there is something to stop.
      if (requested) run();
      return requested;
    },
  };
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parse(argv);
  if (args.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const signals = onStopSignal();
  const dataDir = resolveDataDir({ argv: args.dataDir !== undefined ? ['--data-dir', args.dataDir] : [] });

  if (!isLoopbackHost(args.host)) {
    process.stderr.write(
      `WARNING: --host ${args.host} is not a loopback address. Anyone who can reach this machine at that ` +
        'address and has the token can drive the fleet (run commands, change settings), and the ' +
        'connection is plain HTTP, so the token can be read on the network. Prefer the default ' +
        '127.0.0.1 with an SSH tunnel (ssh -L PORT:127.0.0.1:PORT this-host).\n',
    );
  }

  let core: Core;
  try {
    core = startCore({ dataDir, host: 'console', resourcesDir });
  } catch (error) {
    if (error instanceof StoreOpenError) fail(error.describe(), 1);
    throw error;
  }

  let server: ConsoleServer;
  try {
    server = await startConsoleServer({ core, host: args.host, port: args.port, rendererDir });
  } catch (error) {
    await core.close();
    if (error instanceof ListenError) fail(`fleetdeck console: ${error.message}`, 1);
    throw error;
  }

  // The `fleetdeck` command line in a Fleetdeck terminal reaches this console with these.
  core.setCliAccess({ url: server.origin, token: server.token });

  // Last resort for an unexpected exit; the orderly path below removes it too.
  process.on('exit', () => removeConsoleFile(dataDir));
  // The console still works from the printed URL; only local tools that read the file lose out.
  const unpublished = publishConsoleFile(dataDir, server);
  if (unpublished) core.log.warn(`console: ${unpublished}`);

  let demo: DemoFleet | null = null;
  const stopping = signals.stopWith(async () => {
    core.log.info('console: stopping');
    try {
      await server.close();
      await core.close();
      await demo?.close();
    } catch (error) {
      core.log.error('console: shutdown failed', { error: (error as Error).message });
      process.exitCode = 1;
    }
    removeConsoleFile(dataDir);
  });
  if (stopping) return;

  process.stdout.write(`Fleetdeck console: ${server.url}\n`);
  if (args.open) openBrowser(server.url);

  // The demo fleet starts after the URL is out, so the console paints (from the cache) at once.
  if (args.demo && (args.demoScale !== undefined || core.userSourceCount() === 0)) {
    try {
      demo = await startDemoFleet({
        dataDir,
        resourcesDir,
        ...(args.demoScale !== undefined ? { scale: args.demoScale } : {}),
      });
      core.useDemo({ sources: demoSources(demo), control: demo });
      core.log.info('demo fleet started', {
        endpoints: demo.definition.endpoints.length,
        kubeconfig: demo.kubeconfigPath,
      });
    } catch (error) {
      process.stderr.write(
        `fleetdeck console: the demo fleet could not start: ${(error as Error).message}\n`,
      );
      core.log.error('demo fleet failed to start', { error: (error as Error).stack ?? String(error) });
    }
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  fail(`fleetdeck console: ${(error as Error)?.stack ?? String(error)}`, 1);
});
