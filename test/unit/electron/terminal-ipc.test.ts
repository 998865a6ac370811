import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IpcMainInvokeEvent } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppOrigin } from '../../../electron/main/app-origin';
import { registerTerminalStreams } from '../../../electron/main/ipc';
import { createBridge } from '../../../electron/preload/bridge';
import { startCore, type Core } from '../../../src/core/core';
import { createIpcTransport } from '../../../src/renderer/api/ipc.transport';
import {
  IPC_TERMINAL_CLOSE,
  IPC_TERMINAL_FRAME,
  IPC_TERMINAL_OPEN,
  IPC_TERMINAL_OUTPUT,
  type TerminalBridgeMessage,
} from '../../../src/shared/api/bridge';
import { TERMINAL_CLOSE } from '../../../src/shared/api/terminal-stream';
import type { TerminalServerFrame, TerminalSession } from '../../../src/shared/contract/terminal.schema';
import { freshDir } from '../../support/tmp';
import { FakeEmitter, FakeWebContents, FakeWebFrame, fakeElectron, resetFakeElectron } from './fake-electron';
import { logSpy } from './log-spy';

vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron);

const rendererDir = join('/opt', 'fleetdeck', 'out', 'renderer');
const appUrl = pathToFileURL(join(rendererDir, 'index.html')).href + '#/terminal';
const appOrigin = createAppOrigin({ rendererDir });

/** A window whose page talks to main for real: its sends come back as the preload's IPC events. */
class WiredContents extends FakeWebContents {
  readonly page = new FakeEmitter();
  readonly output: Array<[string, TerminalBridgeMessage]> = [];
  constructor(url = appUrl) {
    super();
    this.mainFrame.url = url;
  }
  override send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    if (channel === IPC_TERMINAL_OUTPUT) this.output.push(args as [string, TerminalBridgeMessage]);
    this.page.emit(channel, {}, ...args);
  }
  /** The frames main sent for one stream, and how it ended. */
  frames(streamId: string): TerminalServerFrame[] {
    return this.output.flatMap(([id, m]) => (id === streamId && m.kind === 'frame' ? [m.frame] : []));
  }
  end(streamId: string) {
    return this.output.find(([id, m]) => id === streamId && m.kind === 'end')?.[1] ?? null;
  }
  text(streamId: string): string {
    return this.frames(streamId)
      .map((f) => (f.t === 'data' || f.t === 'replay' ? f.d : ''))
      .join('');
  }
}

/** What ipcRenderer.invoke does: runs main's handler with an event from `frame` of `contents`. */
function invoke(
  contents: WiredContents,
  channel: string,
  args: unknown[],
  frame: FakeWebFrame = contents.mainFrame,
) {
  const handler = fakeElectron.ipcMain.handlers.get(channel);
  if (!handler) throw new Error(`no handler for ${channel}`);
  const event = { sender: contents, senderFrame: frame } as unknown as IpcMainInvokeEvent;
  return Promise.resolve(handler(event, ...args));
}

/** The preload bridge of `contents`' page, over the real main handlers. */
function pageBridge(contents: WiredContents) {
  return createBridge({
    invoke: ((channel: string, ...args: unknown[]) => invoke(contents, channel, args)) as never,
    on: ((channel: string, listener: (...a: unknown[]) => void) =>
      contents.page.on(channel, listener)) as never,
    removeListener: ((channel: string, listener: (...a: unknown[]) => void) =>
      contents.page.removeListener(channel, listener)) as never,
  });
}

async function until<T>(what: string, probe: () => T | null | undefined | false): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let core: Core;
let cleanup: () => void;
let log: ReturnType<typeof logSpy>;
const ctx = { actor: 'desktop-user', host: 'desktop' } as const;

beforeEach(() => {
  resetFakeElectron();
  const tmp = freshDir('fleetdeck-terminal-ipc-');
  cleanup = tmp.cleanup;
  log = logSpy();
  core = startCore({ dataDir: tmp.dir, host: 'desktop', log, statusIntervalMs: 60_000 });
});
afterEach(async () => {
  await core.close();
  cleanup();
});

async function call<T>(name: string, args: unknown): Promise<T> {
  const envelope = await core.call(name, args, ctx);
  if (!envelope.ok) throw new Error(envelope.error.message);
  return envelope.result as T;
}
const openSession = () => call<TerminalSession>('terminal.open', {});
const attachToken = async (id: string) =>
  (await call<{ attachToken: string }>('terminal.attach', { id })).attachToken;

describe('desktop terminal streams over IPC', () => {
  it('registers its three channels and removes them when disposed', () => {
    const dispose = registerTerminalStreams(core, appOrigin);
    expect([...fakeElectron.ipcMain.handlers.keys()].sort()).toEqual(
      [IPC_TERMINAL_CLOSE, IPC_TERMINAL_FRAME, IPC_TERMINAL_OPEN].sort(),
    );
    dispose();
    expect(fakeElectron.ipcMain.handlers.size).toBe(0);
  });

  it('streams a session to our page: replay, input, output, exit', async () => {
    registerTerminalStreams(core, appOrigin);
    const contents = new WiredContents();
    const session = await openSession();
    const token = await attachToken(session.id);
    expect(await invoke(contents, IPC_TERMINAL_OPEN, ['stream-0001', session.id, token])).toEqual({
      ok: true,
    });
    expect(contents.frames('stream-0001')[0]).toMatchObject({ t: 'replay' });
    await invoke(contents, IPC_TERMINAL_FRAME, ['stream-0001', { t: 'input', d: 'echo "ipc=$((20+22))"\r' }]);
    await until('output over IPC', () => contents.text('stream-0001').includes('ipc=42'));
    await invoke(contents, IPC_TERMINAL_FRAME, ['stream-0001', { t: 'input', d: 'exit 5\r' }]);
    await until('the end', () => contents.end('stream-0001'));
    expect(contents.frames('stream-0001').at(-1)).toEqual({ t: 'exit', code: 5, signal: null });
    expect(contents.end('stream-0001')).toMatchObject({ code: TERMINAL_CLOSE.ended });
  });

  it.each<[string, { url?: string; subFrame?: boolean }]>([
    ['a foreign page', { url: 'https://evil.example/' }],
    ['a sub-frame', { subFrame: true }],
  ])('refuses %s before looking at the attach token, which stays usable', async (_what, options) => {
    registerTerminalStreams(core, appOrigin);
    const session = await openSession();
    const token = await attachToken(session.id);
    const contents = new WiredContents(options.url ?? appUrl);
    const frame = options.subFrame ? new FakeWebFrame(appUrl, contents.mainFrame) : contents.mainFrame;
    expect(
      await invoke(contents, IPC_TERMINAL_OPEN, ['stream-0001', session.id, token], frame),
    ).toMatchObject({
      ok: false,
      code: TERMINAL_CLOSE.refused,
    });
    expect(contents.output).toEqual([]);
    expect(log.warnings().map((l) => l.message)).toContain('IPC call rejected');
    const ours = new WiredContents();
    expect(await invoke(ours, IPC_TERMINAL_OPEN, ['stream-0002', session.id, token])).toEqual({ ok: true });
  });

  it('refuses a used attach token and a malformed request', async () => {
    registerTerminalStreams(core, appOrigin);
    const contents = new WiredContents();
    const session = await openSession();
    const token = await attachToken(session.id);
    expect(await invoke(contents, IPC_TERMINAL_OPEN, ['stream-0001', session.id, token])).toEqual({
      ok: true,
    });
    expect(await invoke(contents, IPC_TERMINAL_OPEN, ['stream-0002', session.id, token])).toMatchObject({
      ok: false,
      code: TERMINAL_CLOSE.refused,
      reason: expect.stringContaining('already used'),
    });
    expect(await invoke(contents, IPC_TERMINAL_OPEN, ['x', session.id, 'token'])).toMatchObject({
      ok: false,
      code: TERMINAL_CLOSE.badFrame,
    });
  });

  it('ends a stream that sends a malformed frame; a frame from another page never reaches it', async () => {
    registerTerminalStreams(core, appOrigin);
    const contents = new WiredContents();
    const session = await openSession();
    expect(
      await invoke(contents, IPC_TERMINAL_OPEN, ['stream-0001', session.id, await attachToken(session.id)]),
    ).toEqual({ ok: true });
    // Another window cannot type into this stream by guessing its id.
    const other = new WiredContents();
    await invoke(other, IPC_TERMINAL_FRAME, ['stream-0001', { t: 'input', d: 'echo "intruder=$((1+1))"\r' }]);
    await invoke(contents, IPC_TERMINAL_FRAME, ['stream-0001', { t: 'input', d: 'echo "owner=$((3+3))"\r' }]);
    await until('owner output', () => contents.text('stream-0001').includes('owner=6'));
    expect(contents.text('stream-0001')).not.toContain('intruder=2');

    await invoke(contents, IPC_TERMINAL_FRAME, ['stream-0001', { t: 'input', d: 42 }]);
    expect(contents.end('stream-0001')).toEqual({
      kind: 'end',
      code: TERMINAL_CLOSE.badFrame,
      reason: 'malformed frame',
    });
  });

  it('lets go of a page that reloads: its streams are detached, not left to be replaced', async () => {
    registerTerminalStreams(core, appOrigin);
    const contents = new WiredContents();
    const session = await openSession();
    expect(
      await invoke(contents, IPC_TERMINAL_OPEN, ['stream-old1', session.id, await attachToken(session.id)]),
    ).toEqual({ ok: true });
    contents.emit('did-navigate', {}, appUrl);
    expect(
      await invoke(contents, IPC_TERMINAL_OPEN, ['stream-new1', session.id, await attachToken(session.id)]),
    ).toEqual({ ok: true });
    // Had the old stream still been attached, it would have been told it was replaced.
    expect(contents.frames('stream-old1').some((f) => f.t === 'closed')).toBe(false);
    expect(contents.listenerCount('did-navigate')).toBe(1);
    contents.destroy();
    expect(contents.listenerCount('did-navigate')).toBe(0);
  });

  it('works end to end through the preload bridge and the renderer transport', async () => {
    registerTerminalStreams(core, appOrigin);
    const contents = new WiredContents();
    const bridge = pageBridge(contents);
    expect(Object.keys(bridge.terminal!).sort()).toEqual(['close', 'frame', 'listen', 'open']);
    const transport = createIpcTransport(bridge);
    const session = await openSession();
    const frames: TerminalServerFrame[] = [];
    const closed: string[] = [];
    const stream = transport.openTerminal(session.id, await attachToken(session.id), {
      onFrame: (frame) => frames.push(frame),
      onClose: (reason) => closed.push(reason),
    });
    const shown = () => frames.map((f) => (f.t === 'data' || f.t === 'replay' ? f.d : '')).join('');
    stream.send({ t: 'input', d: 'echo "bridge=$((9+9))"\r' });
    await until('output through the bridge', () => shown().includes('bridge=18'));
    expect(frames[0]).toMatchObject({ t: 'replay' });
    stream.send({ t: 'input', d: 'exit\r' });
    await until('close through the bridge', () => closed.length > 0);
    expect(closed).toEqual(['the shell has exited']);

    // A refused token comes back as the stream's close, with the reason.
    const refused: string[] = [];
    transport.openTerminal(session.id, 'not-a-token', { onFrame: () => {}, onClose: (r) => refused.push(r) });
    await until('the refusal', () => refused.length > 0);
    expect(refused[0]).toMatch(/attach token/);
  });
});
