import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type Core } from '../../../src/core/core';
import { startConsoleServer, type ConsoleServer } from '../../../src/server/console-server';
import { TERMINAL_CLOSE } from '../../../src/shared/api/terminal-stream';
import type { TerminalSession } from '../../../src/shared/contract/terminal.schema';
import WebSocket from 'ws';
import { openTerminalSocket as consoleConnector } from '../../../src/renderer/api/terminal.socket';
import type { TerminalServerFrame as Frame } from '../../../src/shared/contract/terminal.schema';
import { freshDir } from '../../support/tmp';
import { waitFor } from '../../unit/core/terminal/plane-harness';
import {
  openTerminalSocket,
  type OpenTerminalSocket,
  type TerminalSocketOutcome,
} from './terminal-ws-client';

// The console host's terminal socket in this process, over a real core (real PTYs, real SQLite)
// and a real WebSocket; the clock is the test's, so an attach token can expire without waiting.
describe('console host: terminal WebSocket', () => {
  const tmp = freshDir('fleetdeck-terminal-socket-');
  let clock = Date.now();
  let core: Core;
  let server: ConsoleServer;
  let authority: string;
  const sockets: OpenTerminalSocket[] = [];

  beforeAll(async () => {
    core = startCore({ dataDir: tmp.dir, host: 'console', now: () => clock, statusIntervalMs: 60_000 });
    server = await startConsoleServer({
      core,
      host: '127.0.0.1',
      port: 0,
      rendererDir: `${tmp.dir}/no-renderer`,
    });
    authority = `127.0.0.1:${server.port}`;
    core.setCliAccess({ url: server.origin, token: server.token });
  });
  afterAll(async () => {
    for (const s of sockets) s.ws.terminate();
    await server.close(500);
    await core.close();
    tmp.cleanup();
  });

  const ctx = { actor: 'test', host: 'console' } as const;
  async function call<T>(name: string, args: unknown): Promise<T> {
    const envelope = await core.call(name, args, ctx);
    if (!envelope.ok) throw new Error(`${name}: ${envelope.error.message}`);
    return envelope.result as T;
  }
  const bearer = () => ({ authorization: `Bearer ${server.token}` });
  const browser = () => ({ origin: server.origin, cookie: `fleetdeck_token_${server.port}=${server.token}` });
  const open = () => call<TerminalSession>('terminal.open', { cols: 100, rows: 30 });
  const attachToken = async (id: string) =>
    (await call<{ attachToken: string }>('terminal.attach', { id })).attachToken;
  const connect = async (id: string, token: string | null, headers: Record<string, string> = bearer()) => {
    const outcome: TerminalSocketOutcome = await openTerminalSocket(authority, id, token, headers);
    if (outcome.kind === 'open') sockets.push(outcome);
    return outcome;
  };
  const mustOpen = (outcome: TerminalSocketOutcome): OpenTerminalSocket => {
    if (outcome.kind !== 'open') throw new Error(`refused ${outcome.status}: ${outcome.body}`);
    return outcome;
  };

  it('streams a session: replay first, input in, output out, with the console URL and token inside', async () => {
    const session = await open();
    const stream = mustOpen(await connect(session.id, await attachToken(session.id), browser()));
    await stream.waitText(/[$#] $/);
    expect(stream.frames[0]).toMatchObject({ t: 'replay' });
    // Names as printf arguments: the echoed command line never looks like a result.
    stream.send({ t: 'input', d: `printf '<%s=%s>\\n' URL "$FLEETDECK_URL" TOKEN "$FLEETDECK_TOKEN"\r` });
    const shown = await stream.waitText('<TOKEN=');
    expect(shown).toContain(`<URL=${server.origin}>`);
    expect(shown).toContain(`<TOKEN=${server.token}>`);
    stream.send({ t: 'ack', n: stream.dataChars() });
    stream.send({ t: 'input', d: 'exit 4\r' });
    await stream.waitText('exit 4');
    expect(await stream.closed).toMatchObject({ code: TERMINAL_CLOSE.ended });
    expect(stream.frames.at(-1)).toEqual({ t: 'exit', code: 4, signal: null });
  });

  it('accepts an attach token once', async () => {
    const session = await open();
    const token = await attachToken(session.id);
    const first = mustOpen(await connect(session.id, token));
    await first.waitText(/[$#] $/);
    const again = mustOpen(await connect(session.id, token));
    expect(await again.closed).toEqual({
      code: TERMINAL_CLOSE.refused,
      reason: 'attach token unknown or already used; ask for a new one',
    });
    expect(again.frames).toEqual([]);
    // The first stream is untouched by the refused one.
    first.send({ t: 'input', d: 'echo "still=$((2*21))"\r' });
    await first.waitText('still=42');
  });

  it('refuses a token for another session, and an expired one, without a byte of the PTY', async () => {
    const a = await open();
    const b = await open();
    const forA = await attachToken(a.id);
    const wrong = mustOpen(await connect(b.id, forA));
    expect(await wrong.closed).toMatchObject({
      code: TERMINAL_CLOSE.refused,
      reason: expect.stringContaining('another terminal'),
    });
    expect(wrong.frames).toEqual([]);

    const late = await attachToken(a.id);
    clock += 61_000;
    const expired = mustOpen(await connect(a.id, late));
    expect(await expired.closed).toMatchObject({
      code: TERMINAL_CLOSE.refused,
      reason: expect.stringContaining('expired'),
    });
    expect(expired.frames).toEqual([]);
  });

  it('a new attach replaces the old view, which is told why', async () => {
    const session = await open();
    const first = mustOpen(await connect(session.id, await attachToken(session.id)));
    first.send({ t: 'input', d: 'echo "mark=$((3*3))"\r' });
    await first.waitText('mark=9');
    const second = mustOpen(await connect(session.id, await attachToken(session.id)));
    expect(await first.closed).toMatchObject({ code: TERMINAL_CLOSE.replaced });
    expect(first.frames.at(-1)).toMatchObject({ t: 'closed' });
    await second.waitText('mark=9');
    expect(second.frames[0]).toMatchObject({ t: 'replay', d: expect.stringContaining('mark=9') });
  });

  it('checks Origin and the console token before the attach token, which stays unused', async () => {
    const session = await open();
    const token = await attachToken(session.id);
    expect(await connect(session.id, token, { ...browser(), origin: 'http://evil.example' })).toMatchObject({
      kind: 'refused',
      status: 403,
    });
    expect(await connect(session.id, token, { origin: 'null', ...bearer() })).toMatchObject({
      kind: 'refused',
      status: 403,
    });
    expect(await connect(session.id, token, { origin: server.origin })).toMatchObject({
      kind: 'refused',
      status: 401,
    });
    expect(await connect(session.id, token, { authorization: `Bearer ${'x'.repeat(43)}` })).toMatchObject({
      kind: 'refused',
      status: 401,
    });
    expect(await connect(session.id, null)).toMatchObject({ kind: 'refused', status: 400 });
    expect(await connect('not a valid id!', token)).toMatchObject({ kind: 'refused', status: 404 });
    // None of those reached the attach token: it still opens the stream, once.
    const stream = mustOpen(await connect(session.id, token, browser()));
    await stream.waitText(/[$#] $/);
  });

  it('drops a socket that sends garbage', async () => {
    const session = await open();
    const stream = mustOpen(await connect(session.id, await attachToken(session.id)));
    await stream.waitText(/[$#] $/);
    stream.send('{"t":"input","d":1}');
    expect(await stream.closed).toEqual({ code: TERMINAL_CLOSE.badFrame, reason: 'malformed frame' });
    // The session lives on; a new view can attach.
    const again = mustOpen(await connect(session.id, await attachToken(session.id)));
    again.send({ t: 'input', d: 'echo "alive=$((6*6))"\r' });
    await again.waitText('alive=36');
  });

  it('keeps the stream flowing under `yes` with acks, and Ctrl-C brings the prompt back', async () => {
    const session = await open();
    const stream = mustOpen(await connect(session.id, await attachToken(session.id)));
    let acked = 0;
    const ackAll = () => {
      const total = stream.dataChars();
      if (total > acked) stream.send({ t: 'ack', n: total - acked });
      acked = total;
    };
    stream.ws.on('message', ackAll);
    stream.send({ t: 'input', d: 'yes\r' });
    await stream.waitText(/(y\r\n){1000}/);
    stream.send({ t: 'input', d: '\x03' });
    stream.send({ t: 'input', d: 'echo "back=$((8*8))"\r' });
    await stream.waitText('back=64');
  });

  it("is what the browser console's transport speaks: openTerminal over the real socket", async () => {
    // The page's WebSocket, as a browser on this console's origin with its cookie would open it.
    const port = server.port;
    const token = server.token;
    const origin = server.origin;
    class PageSocket extends WebSocket {
      constructor(url: string) {
        super(url, { headers: { origin, cookie: `fleetdeck_token_${port}=${token}` } });
      }
    }
    const connect = consoleConnector({ origin, WebSocket: PageSocket as never });
    const session = await open();
    const frames: Frame[] = [];
    const closed: string[] = [];
    const shown = () => frames.map((f) => (f.t === 'data' || f.t === 'replay' ? f.d : '')).join('');
    const stream = connect(session.id, await attachToken(session.id), {
      onFrame: (frame) => frames.push(frame),
      onClose: (reason) => closed.push(reason),
    });
    // Sent before the socket is open: queued, not lost.
    stream.send({ t: 'input', d: 'echo "page=$((50+5))"\r' });
    await waitFor('the output', () => shown().includes('page=55'));
    expect(frames[0]).toMatchObject({ t: 'replay' });
    stream.send({ t: 'input', d: 'exit\r' });
    await waitFor('the close', () => closed.length > 0);
    expect(closed).toEqual(['the shell has exited']);

    const refused: string[] = [];
    connect(session.id, 'not-a-token', { onFrame: () => {}, onClose: (reason) => refused.push(reason) });
    await waitFor('the refusal', () => refused.length > 0);
    expect(refused[0]).toContain('attach token');
  });
});
