import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freshDir } from '../../support/tmp';
import {
  bearer,
  callApi,
  ensureConsoleBuilt,
  openEvents,
  send,
  spawnConsole,
  startConsole,
  stopAllConsoles,
  URL_LINE,
} from './console-host';

// Start-up and shutdown of the real host process: the URL line, console.json, signals, the
// instance lock and the flags.
describe('console host: lifecycle', () => {
  const dirs: Array<{ dir: string; cleanup(): void }> = [];
  const fresh = () => {
    const tmp = freshDir('fleetdeck-console-life-');
    dirs.push(tmp);
    return tmp.dir;
  };

  beforeAll(ensureConsoleBuilt);
  afterAll(async () => {
    await stopAllConsoles();
    for (const tmp of dirs) tmp.cleanup();
  });

  it('prints exactly one line on stdout and writes console.json with mode 0600', async () => {
    const dir = fresh();
    const host = await startConsole(dir);
    expect(host.proc.stdout).toBe(`Fleetdeck console: ${host.url}\n`);
    expect(host.proc.stdout.trimEnd()).toMatch(URL_LINE);
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const file = join(dir, 'console.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const info = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(info).toMatchObject({
      url: host.url,
      host: '127.0.0.1',
      port: host.port,
      token: host.token,
      pid: host.proc.child.pid,
    });
    expect(new Date(String(info.startedAt)).getTime()).not.toBeNaN();
    // What other local tools do with it: call the API.
    const reply = await callApi(host, 'app.info', {}, { authorization: `Bearer ${String(info.token)}` });
    expect(reply.status).toBe(200);
    expect(host.proc.stdout.split('\n')).toHaveLength(2);
    expect((await host.stop()).code).toBe(0);
  });

  it('on SIGTERM closes sockets, exits 0, removes console.json and leaves a clean database', async () => {
    const dir = fresh();
    const host = await startConsole(dir);
    await callApi(host, 'settings.set', { timeFormat: '12h' }, bearer(host));
    const events = await openEvents(host, bearer(host));
    if (events.kind !== 'open') throw new Error(`events socket refused: ${events.status}`);
    const closed = new Promise<number>((done) => events.ws.once('close', (code) => done(code)));
    // An idle keep-alive connection must not hold the shutdown up.
    await send(host, '/');

    const exit = await host.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(await closed).toBe(1001);
    expect(events.ws.readyState).toBe(WebSocket.CLOSED);
    expect(existsSync(join(dir, 'console.json'))).toBe(false);
    expect(host.proc.stdout.split('\n')).toHaveLength(2);

    const db = new Database(join(dir, 'fleetdeck.db'));
    try {
      expect(db.pragma('quick_check', { simple: true })).toBe('ok');
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThan(0);
    } finally {
      db.close();
    }
    // The WAL was checkpointed on close: nothing was left only in the log.
    const wal = join(dir, 'fleetdeck.db-wal');
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
  });

  it('exits 0 on SIGINT too', async () => {
    const dir = fresh();
    const host = await startConsole(dir);
    expect(await host.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dir, 'console.json'))).toBe(false);
  });

  it('refuses a second console on the same data directory (exit 1, names the reason)', async () => {
    const dir = fresh();
    const first = await startConsole(dir);
    const second = spawnConsole(['--port', '0', '--no-open', '--data-dir', dir]);
    const exit = await second.exited;
    expect(exit.code).toBe(1);
    expect(second.stderr).toMatch(/another Fleetdeck is already running/i);
    expect(second.stderr).toContain(join(dir, 'fleetdeck.db'));
    expect(second.stdout).toBe('');
    // The first one is untouched, console.json still names it.
    expect(JSON.parse(readFileSync(join(dir, 'console.json'), 'utf8'))).toMatchObject({ token: first.token });
    expect((await callApi(first, 'app.info', {}, bearer(first))).status).toBe(200);
    expect((await first.stop()).code).toBe(0);
  });

  it('warns on stderr when bound to a non-loopback address', async () => {
    const host = await startConsole(fresh(), ['--host', '0.0.0.0']);
    expect(host.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+\/\?token=/);
    await host.proc.waitForStderr(/WARNING: --host 0\.0\.0\.0 is not a loopback address/);
    expect(host.proc.stderr).toMatch(/anyone who can reach .* has the token can drive the fleet/i);
    // Reachable through this machine's own addresses, still only with the token.
    const viaLoopback = {
      ...host,
      origin: `http://127.0.0.1:${host.port}`,
      authority: `127.0.0.1:${host.port}`,
    };
    expect((await callApi(viaLoopback, 'app.info', {})).status).toBe(401);
    expect((await callApi(viaLoopback, 'app.info', {}, bearer(host))).status).toBe(200);
    expect((await host.stop()).code).toBe(0);
  });

  it('does not warn for the default loopback host', async () => {
    const host = await startConsole(fresh());
    expect((await host.stop()).code).toBe(0);
    expect(host.proc.stderr).not.toContain('WARNING');
  });

  it('rejects unknown flags and bad values with a one-line usage error (exit 2)', async () => {
    for (const args of [
      ['--bogus'],
      ['--port', 'eighty'],
      ['--port', '70000'],
      ['stray'],
      ['--host'],
      ['--demo-scale', 'lots'],
      ['--demo-scale', '0'],
      ['--demo-scale', '10', '--no-demo'],
    ]) {
      const proc = spawnConsole(args);
      const exit = await proc.exited;
      expect(exit.code, args.join(' ')).toBe(2);
      expect(proc.stdout).toBe('');
      expect(proc.stderr).toMatch(
        /^fleetdeck console: [^\n]+\. Usage: npm run console -- \[--host H\] \[--port N\] \[--data-dir D\] \[--no-open\] \[--no-demo\] \[--demo-scale N\]\n$/,
      );
    }
  });

  it('reports a port already in use and exits 1', async () => {
    const first = await startConsole(fresh());
    const second = spawnConsole(['--port', String(first.port), '--no-open', '--data-dir', fresh()]);
    expect((await second.exited).code).toBe(1);
    expect(second.stderr).toContain(`Port ${first.port} on 127.0.0.1 is already in use`);
    expect(second.stdout).toBe('');
    expect(existsSync(join(dirs.at(-1)!.dir, 'console.json'))).toBe(false);
    expect((await first.stop()).code).toBe(0);
  });
});
