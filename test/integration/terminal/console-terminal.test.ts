import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TERMINAL_CLOSE } from '../../../src/shared/api/terminal-stream';
import { freshDir } from '../../support/tmp';
import {
  bearer,
  callApi,
  ensureConsoleBuilt,
  startConsole,
  stopAllConsoles,
  type ConsoleHost,
} from '../server/console-host';
import { openTerminalSocket } from './terminal-ws-client';

// The built console host (out/main/console.js) as `npm run console` runs it: terminals over its
// API and WebSocket, with the fleetdeck command line's access set in every shell.
describe('console host: terminals', () => {
  const tmp = freshDir('fleetdeck-console-terminal-');
  let host: ConsoleHost;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    host = await startConsole(tmp.dir);
  });
  afterAll(async () => {
    await stopAllConsoles();
    tmp.cleanup();
  });

  async function call<T>(command: string, args: unknown): Promise<T> {
    const reply = await callApi(host, command, args, bearer(host));
    const body = reply.json() as { ok: boolean; result?: T; error?: { message: string } };
    if (!body.ok) throw new Error(`${command}: ${body.error?.message}`);
    return body.result as T;
  }

  it('opens a shell that knows how to reach this console, and streams it to the page', async () => {
    const session = await call<{ id: string }>('terminal.open', { cols: 90, rows: 20 });
    const { attachToken } = await call<{ attachToken: string }>('terminal.attach', { id: session.id });
    const page = { origin: host.origin, cookie: `fleetdeck_token_${host.port}=${host.token}` };
    const stream = await openTerminalSocket(host.authority, session.id, attachToken, page);
    if (stream.kind !== 'open') throw new Error(`refused ${stream.status}: ${stream.body}`);
    stream.send({
      t: 'input',
      d: `printf '<%s=%s>\\n' URL "$FLEETDECK_URL" TOKEN "$FLEETDECK_TOKEN" DATA "$FLEETDECK_DATA_DIR"\r`,
    });
    const shown = await stream.waitText('<DATA=');
    expect(shown).toContain(`<URL=${host.origin}>`);
    expect(shown).toContain(`<TOKEN=${host.token}>`);
    expect(shown).toContain(`<DATA=${tmp.dir}>`);

    const listed = await call<Array<{ id: string; state: string }>>('terminal.list', {});
    expect(listed).toEqual([expect.objectContaining({ id: session.id, state: 'running' })]);
    const closed = await call<{ state: string; signal: number | null }>('terminal.close', { id: session.id });
    expect(closed).toMatchObject({ state: 'exited', signal: 1 });
    expect(await stream.closed).toMatchObject({ code: TERMINAL_CLOSE.closed });
  });

  it('refuses the terminal socket to a foreign page even with the cookie and a fresh attach token', async () => {
    const session = await call<{ id: string }>('terminal.open', {});
    const { attachToken } = await call<{ attachToken: string }>('terminal.attach', { id: session.id });
    const outcome = await openTerminalSocket(host.authority, session.id, attachToken, {
      origin: 'http://evil.example',
      cookie: `fleetdeck_token_${host.port}=${host.token}`,
    });
    expect(outcome).toMatchObject({ kind: 'refused', status: 403 });
    if (outcome.kind === 'refused') expect(outcome.body).toContain('Origin');
    await host.proc.waitForStderr(/WebSocket upgrade refused/);
    // The log names the path, never the attach token in its query.
    expect(host.proc.stderr).not.toContain(attachToken);
  });
});
