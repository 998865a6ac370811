import { spawnAndWait, stop } from './processes.mjs';

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

/**
 * Fills `dataDir`'s cache with the demo fleet at `scale` endpoints: a console with
 * `--demo-scale` runs until fleet.summary holds them all with health (all but 5 %), then stops.
 * The first scrape pass of 10,000 endpoints takes minutes on these machines, hence the patience.
 */
export async function seedCache(dataDir, scale, timeoutMs = 600_000) {
  const seeding = await startConsole(dataDir, ['--demo-scale', String(scale)]);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const summary = await seeding.call('fleet.summary').catch(() => null);
      if (summary && summary.endpoints.total >= scale && summary.endpoints.unknown < scale * 0.05) return;
      if (Date.now() > deadline)
        throw new Error(
          `the demo fleet did not reach ${scale} endpoints with health in ${timeoutMs / 1000} s`,
        );
      await new Promise((done) => setTimeout(done, 1000));
    }
  } finally {
    await stop(seeding.child);
  }
}
