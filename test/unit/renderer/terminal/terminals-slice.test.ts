import { describe, expect, it } from 'vitest';
import type { TerminalSession } from '../../../../src/shared/contract/index';
import { FleetError } from '../../../../src/shared/errors/fleet-error';
import { fakeApi, settle, storeWith } from '../sources-fake-api';

const session = (id: string, over: Partial<TerminalSession> = {}): TerminalSession => ({
  id,
  title: 'bash',
  shell: '/bin/bash',
  cwd: '/root',
  cols: 80,
  rows: 24,
  createdAt: 1000,
  endpointId: null,
  runId: null,
  state: 'running',
  exitCode: null,
  signal: null,
  exitedAt: null,
  transcriptBytes: 0,
  transcriptTruncated: false,
  name: null,
  ...over,
});

describe('terminals slice', () => {
  it('takes its tabs from the core: running sessions in creation order, exited ones from before put away, events merged', async () => {
    const fake = fakeApi({
      'terminal.list': () => [
        session('b', { createdAt: 2000 }),
        session('a', { createdAt: 1000 }),
        session('old', { createdAt: 500, state: 'exited', exitCode: 0 }),
      ],
    });
    const store = storeWith(fake);
    const stop = store.getState().watchTerminals();
    await settle();
    const state = store.getState();
    expect(state.terminals.map((s) => s.id)).toEqual(['old', 'a', 'b']);
    expect(state.dismissedTerminals).toEqual({ old: true });

    // A session opened elsewhere, then one of ours exiting: both arrive as terminal.session events.
    fake.emit('terminal.session', session('c', { createdAt: 3000 }));
    fake.emit('terminal.session', session('a', { state: 'exited', exitCode: 2 }));
    expect(store.getState().terminals.map((s) => [s.id, s.state])).toEqual([
      ['old', 'exited'],
      ['a', 'exited'],
      ['b', 'running'],
      ['c', 'running'],
    ]);
    // An exit seen in this window keeps its tab (it shows the code and a Restart).
    expect(store.getState().dismissedTerminals).toEqual({ old: true });
    stop();
    expect(fake.listeners('terminal.session')).toBe(0);
  });

  it('opens in an endpoint context, closes running sessions through the core, and says why when the core refuses', async () => {
    let refuse = false;
    const fake = fakeApi({
      'terminal.open': (args: { endpointId?: string }) => {
        if (refuse)
          throw new FleetError({ code: 'unavailable', message: 'No PTY.', hint: 'Install node-pty.' });
        return session('e1', { endpointId: args.endpointId ?? null });
      },
      'terminal.close': (args: { id: string }) => session(args.id, { state: 'exited', signal: 1 }),
    });
    const store = storeWith(fake);
    const opened = await store.getState().newTerminal({ endpointId: 'prod:llama' });
    expect(opened?.endpointId).toBe('prod:llama');
    expect(fake.named('terminal.open')[0]?.args).toMatchObject({
      endpointId: 'prod:llama',
      cols: 80,
      rows: 24,
    });

    expect(await store.getState().closeTerminal('e1')).toBe(true);
    expect(fake.named('terminal.close')).toHaveLength(1);
    expect(store.getState().terminals.find((s) => s.id === 'e1')?.state).toBe('exited');
    expect(store.getState().dismissedTerminals).toEqual({ e1: true });

    refuse = true;
    expect(await store.getState().newTerminal()).toBeNull();
    expect(store.getState().terminalActionError).toMatchObject({
      code: 'unavailable',
      hint: 'Install node-pty.',
    });
    expect(store.getState().terminalOpening).toBe(false);
  });

  it('names a tab through the core, and keeps the name in this window when the core refuses it', async () => {
    let refuse = false;
    const fake = fakeApi({
      'terminal.list': () => [session('t1')],
      'terminal.rename': (args: { id: string; name: string | null }) => {
        if (refuse) throw new FleetError({ code: 'unavailable', message: 'The database is read-only.' });
        return session(args.id, { name: args.name });
      },
    });
    const store = storeWith(fake);
    await store.getState().loadTerminals();

    const pending = store.getState().renameTerminal('t1', '  node-7   triage ');
    // Shown at once, tidied as the core would.
    expect(store.getState().terminalTitles).toEqual({ t1: 'node-7 triage' });
    await pending;
    expect(fake.named('terminal.rename')[0]?.args).toEqual({ id: 't1', name: 'node-7 triage' });
    // Confirmed: the name is the session's now, nothing is left pending.
    expect(store.getState().terminals.find((s) => s.id === 't1')?.name).toBe('node-7 triage');
    expect(store.getState().terminalTitles).toEqual({});

    // A blank name takes it away.
    await store.getState().renameTerminal('t1', '   ');
    expect(fake.named('terminal.rename')[1]?.args).toEqual({ id: 't1', name: null });
    expect(store.getState().terminals.find((s) => s.id === 't1')?.name).toBeNull();

    refuse = true;
    await store.getState().renameTerminal('t1', 'kept here');
    expect(store.getState().terminalTitles).toEqual({ t1: 'kept here' });
    expect(store.getState().terminalActionError).toMatchObject({ code: 'unavailable' });
    await settle();
  });

  it('keeps the font size within bounds', () => {
    const store = storeWith(fakeApi({}));
    store.getState().setTerminalFontSize(100);
    expect(store.getState().terminalFontSize).toBe(32);
    store.getState().setTerminalFontSize(2);
    expect(store.getState().terminalFontSize).toBe(8);
  });
});
