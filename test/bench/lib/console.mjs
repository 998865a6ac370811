import { spawnAndWait } from './processes.mjs';

const URL_LINE = /^Fleetdeck console: (\S+)$/m;

/**
 * Starts the built console (`out/main/console.js --port 0 --no-open`) on `dataDir`, with `extra`
 * arguments (`--no-demo`, `--demo-scale N`), and resolves once it printed its URL: the child, the
 * URL, its origin, and `call(command, args)`, which calls a command the way the CLI does and
 * throws on a refusal.
 */
export async function startConsole(dataDir, extra = []) {
  const started = await spawnAndWait(
    ['out/main/console.js', '--port', '0', '--no-open', '--data-dir', dataDir, ...extra],
    URL_LINE,
    { timeoutMs: 120_000 },
  );
  const url = new URL(started.url);
  const token = url.searchParams.get('token');
  const call = async (command, args = {}) => {
    const response = await fetch(`${url.origin}/api/v1/${command}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    const body = await response.json();
    if (!body.ok) throw new Error(`${command}: ${JSON.stringify(body.error)}`);
    return body.result;
  };
  return { child: started.child, url: started.url, origin: url.origin, call };
}
