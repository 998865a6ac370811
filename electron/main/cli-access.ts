import type { Core } from '../../src/core/core';
import { publishConsoleFile, removeConsoleFile } from '../../src/server/console-file';
import { startConsoleServer, type ConsoleServer } from '../../src/server/console-server';

export interface CliAccess {
  readonly server: ConsoleServer;
  /** Stops the loopback server and removes console.json (if it is still ours). */
  close(): Promise<void>;
}

/**
 * The desktop host offers the console's /api/v1 surface on loopback too, so the `fleetdeck`
 * command line (in a Fleetdeck terminal, or any shell through console.json) reaches this core
 * (issue 5). It is the console server itself, with its per-launch token, Host and Origin checks,
 * on 127.0.0.1 and a free port; console.json is written owner-only exactly as the console does.
 */
export async function startCliAccess(options: {
  core: Core;
  dataDir: string;
  rendererDir: string;
}): Promise<CliAccess> {
  const { core, dataDir } = options;
  const server = await startConsoleServer({
    core,
    host: '127.0.0.1',
    port: 0,
    rendererDir: options.rendererDir,
  });
  // Terminals still get the address through the environment; only other shells lose out.
  const unpublished = publishConsoleFile(dataDir, server);
  if (unpublished) core.log.warn(`desktop: ${unpublished}`);
  core.setCliAccess({ url: server.origin, token: server.token });
  return {
    server,
    async close() {
      core.setCliAccess(null);
      await server.close(1000);
      removeConsoleFile(dataDir);
    },
  };
}
