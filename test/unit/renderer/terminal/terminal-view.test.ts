import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TerminalStream, TerminalStreamHandlers } from '../../../../src/shared/api/terminal-stream';
import { TERMINAL_FLOW, type TerminalClientFrame } from '../../../../src/shared/contract/index';
import { FleetError } from '../../../../src/shared/errors/fleet-error';
import {
  BACKLOG_ALLOWANCE_CHARS,
  TerminalConnection,
  type ConnectionStatus,
} from '../../../../src/renderer/views/terminal/terminal-connection';
import { safeLinkUrl } from '../../../../src/renderer/views/terminal/terminal-links';
import { terminalHash, terminalIdOf } from '../../../../src/renderer/views/terminal/terminal-url';
import { parseRoute } from '../../../../src/renderer/routing/routes';
import { shortcutTarget } from '../../../../src/renderer/shell/useShellEffects';

/**
 * The pane's stream logic without a browser: a scripted stream stands in for the transport (the
 * e2e test runs the real one), and the sink records what xterm would be given.
 */
function harness(attachResults: Array<'ok' | FleetError> = ['ok']) {
  const sent: TerminalClientFrame[] = [];
  const statuses: ConnectionStatus[] = [];
  const written: string[] = [];
  const pendingParse: Array<() => void> = [];
  const streams: Array<{ handlers: TerminalStreamHandlers; closed: boolean }> = [];
  let attaches = 0;
  const connection = new TerminalConnection(
    's1',
    async (_id, handlers) => {
      const result = attachResults[Math.min(attaches, attachResults.length - 1)];
      attaches += 1;
      if (result instanceof FleetError) throw result;
      const entry = { handlers, closed: false };
      streams.push(entry);
      const stream: TerminalStream = {
        send: (frame) => sent.push(frame),
        close: () => (entry.closed = true),
      };
      return stream;
    },
    {
      reset: () => written.push('<reset>'),
      write: (data, parsed) => {
        written.push(data);
        pendingParse.push(parsed);
      },
      size: () => ({ cols: 100, rows: 30 }),
      status: (s) => statuses.push(s),
    },
  );
  const settle = () => vi.advanceTimersByTimeAsync(0);
  const parseAll = () => pendingParse.splice(0).forEach((f) => f());
  return {
    connection,
    sent,
    statuses,
    written,
    streams,
    settle,
    parseAll,
    attaches: () => attaches,
  };
}

describe('TerminalConnection', () => {
  // Backoff delays run on fake timers: what is tested is whether a retry happens, not when.
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('replays on attach without acking it, acks data every ackEveryChars, and holds acks once xterm is behind by more than its allowance', async () => {
    const h = harness();
    h.connection.start();
    await h.settle();
    const [stream] = h.streams;
    const acks = () => h.sent.filter((f) => f.t === 'ack');
    stream!.handlers.onFrame({ t: 'replay', d: 'x'.repeat(TERMINAL_FLOW.ackEveryChars * 3) });
    expect(h.written.slice(0, 1)).toEqual(['<reset>']);
    expect(h.statuses.at(-1)).toEqual({ kind: 'live' });
    // After the replay this window's grid is sent, so the PTY matches what is on screen.
    expect(h.sent).toEqual([{ t: 'resize', cols: 100, rows: 30 }]);
    h.parseAll();
    expect(acks()).toEqual([]);

    // Small amounts wait until ackEveryChars have come, then go in one ack.
    const chunk = 'y\r\n'.repeat(1000); // 3,000 chars
    stream!.handlers.onFrame({ t: 'data', d: chunk });
    expect(acks()).toEqual([]);
    stream!.handlers.onFrame({ t: 'data', d: chunk });
    expect(acks()).toEqual([{ t: 'ack', n: 6000 }]);
    // Once xterm has caught up, the rest is acked too: nothing stays counted against the PTY.
    stream!.handlers.onFrame({ t: 'data', d: chunk });
    expect(acks()).toHaveLength(1);
    h.parseAll();
    expect(acks()).toEqual([
      { t: 'ack', n: 6000 },
      { t: 'ack', n: 3000 },
    ]);

    // A flood xterm has not parsed: acks stop at its allowance, so the core pauses the PTY ...
    const big = 'y'.repeat(100_000);
    for (let i = 0; i < 6; i++) stream!.handlers.onFrame({ t: 'data', d: big });
    const ackedTotal = () => acks().reduce((sum, f) => sum + (f.t === 'ack' ? f.n : 0), 0);
    expect(ackedTotal()).toBe(9000 + BACKLOG_ALLOWANCE_CHARS);
    // ... until xterm's write callbacks show it has parsed the excess.
    h.parseAll();
    expect(ackedTotal()).toBe(9000 + 600_000);

    expect(h.connection.input('ls\r')).toBe(true);
    expect(h.sent.at(-1)).toEqual({ t: 'input', d: 'ls\r' });
    h.connection.dispose();
    expect(stream!.closed).toBe(true);
  });

  it('shows the exit, takes no more input, and does not reconnect when the stream then ends', async () => {
    const h = harness();
    h.connection.start();
    await h.settle();
    const [stream] = h.streams;
    stream!.handlers.onFrame({ t: 'replay', d: '' });
    stream!.handlers.onFrame({ t: 'exit', code: 3, signal: null });
    expect(h.written.at(-1)).toContain('[process exited with code 3]');
    expect(h.statuses.at(-1)).toEqual({ kind: 'exited', code: 3, signal: null });
    stream!.handlers.onClose('ended');
    await h.settle();
    expect(h.connection.input('x')).toBe(false);
    expect(h.attaches()).toBe(1);
    h.connection.dispose();
  });

  it('reattaches with a fresh attach after the stream drops, but not after another view took the session', async () => {
    const h = harness();
    h.connection.start();
    await h.settle();
    h.streams[0]!.handlers.onFrame({ t: 'replay', d: 'old' });
    h.streams[0]!.handlers.onClose('socket closed');
    expect(h.statuses.at(-1)).toEqual({ kind: 'reconnecting', reason: 'socket closed', auto: true });
    await vi.advanceTimersByTimeAsync(1_000); // the first backoff step is about 300 ms
    expect(h.attaches()).toBe(2);
    h.streams[1]!.handlers.onFrame({ t: 'replay', d: 'old and new' });
    expect(h.statuses.at(-1)).toEqual({ kind: 'live' });
    // Frames of the dropped stream are ignored.
    h.streams[0]!.handlers.onFrame({ t: 'data', d: 'stale' });
    expect(h.written).not.toContain('stale');

    h.streams[1]!.handlers.onFrame({ t: 'closed', reason: 'This terminal was opened in another view.' });
    expect(h.statuses.at(-1)).toMatchObject({ kind: 'reconnecting', auto: false });
    expect(h.streams[1]!.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.attaches()).toBe(2);
    h.connection.reconnect();
    await h.settle();
    expect(h.attaches()).toBe(3);
    h.connection.dispose();
  });

  it('says the session is gone when the core does not know it, and does not retry', async () => {
    const h = harness([new FleetError({ code: 'not_found', message: 'No terminal session s1.' })]);
    h.connection.start();
    await h.settle();
    expect(h.statuses.at(-1)).toMatchObject({ kind: 'gone' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.attaches()).toBe(1);
    h.connection.dispose();
  });
});

describe('terminal links and addresses', () => {
  it('opens only http and https links without credentials', () => {
    expect(safeLinkUrl('https://example.com/a?b=1')).toBe('https://example.com/a?b=1');
    expect(safeLinkUrl('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080/');
    expect(safeLinkUrl('javascript:alert(1)')).toBeNull();
    expect(safeLinkUrl('file:///etc/passwd')).toBeNull();
    expect(safeLinkUrl('data:text/html,<script>x</script>')).toBeNull();
    expect(safeLinkUrl('https://bank.example@evil.example/')).toBeNull();
    expect(safeLinkUrl('not a url')).toBeNull();
  });

  it('reads and writes #/terminal/<sessionId>', () => {
    expect(terminalIdOf('#/terminal')).toBeNull();
    expect(terminalIdOf('#/terminal/abc_1')).toBe('abc_1');
    expect(terminalIdOf('#/terminal/abc_1?x=1')).toBe('abc_1');
    expect(terminalIdOf('#/endpoints/abc')).toBeNull();
    expect(terminalHash('abc_1')).toBe('#/terminal/abc_1');
    expect(terminalHash(null)).toBe('#/terminal');
    expect(parseRoute('#/terminal')).toEqual({ view: 'terminal' });
    expect(parseRoute('#/terminal/abc_1')).toEqual({ view: 'terminal' });
    expect(parseRoute('#/terminal/a/b')).toMatchObject({ view: 'not-found' });
  });

  it('opens the terminal view with Ctrl+` (by physical key), and nothing else with it', () => {
    const key = {
      key: '`',
      code: 'Backquote',
      altKey: false,
      ctrlKey: true,
      metaKey: false,
      shiftKey: false,
    };
    expect(shortcutTarget(key)).toBe('terminal');
    expect(shortcutTarget({ ...key, key: 'Dead' })).toBe('terminal');
    expect(shortcutTarget({ ...key, ctrlKey: false })).toBeNull();
    // Ctrl+Shift+` is "new terminal", handled by the view itself.
    expect(shortcutTarget({ ...key, shiftKey: true })).toBeNull();
  });
});
