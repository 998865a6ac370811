import { afterEach, describe, expect, it } from 'vitest';
import { TERMINAL_FLOW } from '../../../../src/shared/contract/terminal.schema';
import { TERMINAL_CLOSE } from '../../../../src/shared/api/terminal-stream';
import { EventBus } from '../../../../src/core/events/event-bus';
import { FleetError } from '../../../../src/shared/errors/fleet-error';
import { createTerminalPlane } from '../../../../src/core/terminal/terminal-plane';
import { ctx, startPlane, waitFor, RecordingPeer, type Harness } from './plane-harness';

// Real PTYs (node-pty) and a real SQLite file per test.
let h: Harness;
afterEach(async () => {
  await h?.dispose();
});

describe('terminal sessions', () => {
  it('runs a shell: input goes in, output comes out, the exit code is recorded', async () => {
    h = startPlane();
    const session = h.open();
    expect(session).toMatchObject({ state: 'running', cols: 80, rows: 24, exitCode: null });
    expect(h.events.filter((e) => e.event === 'terminal.session')).toHaveLength(1);
    h.plane.host.write(session.id, 'echo "sum=$((40+2))"\r');
    await h.waitOutput(session.id, 'sum=42');

    const exited = new Promise((done) => h.plane.host.onExit(session.id, done));
    h.plane.host.write(session.id, 'exit 3\r');
    expect(await exited).toMatchObject({ state: 'exited', exitCode: 3, signal: null });
    const row = h.store.db
      .prepare('SELECT exit_code, signal, exited_at FROM terminal_session WHERE id = ?')
      .get(session.id);
    expect(row).toMatchObject({ exit_code: 3, signal: null, exited_at: expect.any(Number) });
    const last = h.events.filter((e) => e.event === 'terminal.session').at(-1)!;
    expect(last.payload).toMatchObject({ id: session.id, state: 'exited', exitCode: 3 });
  });

  it('resizes the PTY: stty sees the new size, and the change is an event', async () => {
    h = startPlane();
    const session = h.open({ cols: 80, rows: 24 });
    const resized = await h.plane.handlers['terminal.resize']({ id: session.id, cols: 100, rows: 30 }, ctx);
    expect(resized).toMatchObject({ cols: 100, rows: 30 });
    expect(h.events.at(-1)).toMatchObject({ event: 'terminal.session', payload: { cols: 100, rows: 30 } });
    h.plane.host.write(session.id, 'stty size\r');
    await h.waitOutput(session.id, /\r30 100\r\n/);
    // A resize frame from the attached view works the same way.
    const view = await h.attach(session.id);
    view.connection!.receive({ t: 'resize', cols: 120, rows: 40 });
    h.plane.host.write(session.id, 'stty size\r');
    await h.waitOutput(session.id, /\r40 120\r\n/);
  });

  it('answers a resize while the shell is exiting with a conflict, never an internal error', async () => {
    h = startPlane();
    // A view resizes as its layout settles, whenever that is; a shell that has just exited
    // closes its PTY before node-pty reports the exit, and resizing it then threw (ioctl EBADF),
    // which the console answered with a 500. Resize on every turn of the event loop while shells
    // exit, so some land in that window.
    for (let round = 0; round < 8; round++) {
      const session = h.open();
      const exited = new Promise((done) => h.plane.host.onExit(session.id, done));
      let done = false;
      void exited.then(() => (done = true));
      h.plane.host.write(session.id, 'exit 7\r');
      const answers = new Set<string>();
      for (let cols = 81; !done; cols = cols === 81 ? 82 : 81) {
        try {
          await h.plane.handlers['terminal.resize']({ id: session.id, cols, rows: 24 }, ctx);
          answers.add('resized');
        } catch (error) {
          answers.add(error instanceof FleetError ? error.code : `raw: ${String(error)}`);
        }
        await new Promise((next) => setImmediate(next));
      }
      expect([...answers].filter((a) => a !== 'resized' && a !== 'conflict')).toEqual([]);
    }
  });

  it('reports a signal when the shell is killed by one', async () => {
    h = startPlane();
    const session = h.open();
    const exited = new Promise((done) => h.plane.host.onExit(session.id, done));
    h.plane.host.write(session.id, 'kill -KILL $$\r');
    expect(await exited).toMatchObject({ state: 'exited', exitCode: null, signal: 9 });
  });

  it('keeps a session across views: a new attach replays the scrollback and replaces the old view', async () => {
    h = startPlane();
    const session = h.open();
    const first = await h.attach(session.id);
    h.plane.host.write(session.id, 'echo "first=$((1+1))"\r');
    await waitFor('first view output', () => first.text.includes('first=2'));

    // The renderer reloads: the old view is gone, the session is listed, a new view attaches.
    const listed = await h.plane.handlers['terminal.list']({}, ctx);
    expect(listed.map((s) => s.id)).toEqual([session.id]);
    const second = await h.attach(session.id);
    expect(first.frames.at(-1)).toMatchObject({ t: 'closed' });
    expect(first.ended).toMatchObject({ code: TERMINAL_CLOSE.replaced });
    expect(second.frames[0]).toMatchObject({ t: 'replay' });
    expect(second.text).toContain('first=2');

    // Only the new view gets live output, and its input reaches the shell.
    const before = first.frames.length;
    second.connection!.receive({ t: 'input', d: 'echo "second=$((2+2))"\r' });
    await waitFor('second view output', () => second.text.includes('second=4'));
    expect(first.frames.length).toBe(before);
    // The old view's late frames are ignored.
    first.connection!.receive({ t: 'input', d: 'echo "ghost=$((3+3))"\r' });
    h.plane.host.write(session.id, 'echo "third=$((3+0))"\r');
    await waitFor('third', () => second.text.includes('third=3'));
    expect(second.text).not.toContain('ghost=6');
  });

  it('replays the scrollback of an exited session, then its exit', async () => {
    h = startPlane();
    const session = h.open();
    const exited = new Promise((done) => h.plane.host.onExit(session.id, done));
    h.plane.host.write(session.id, 'echo "bye=$((5+5))"; exit 7\r');
    await exited;
    const view = await h.attach(session.id);
    expect(view.frames.map((f) => f.t)).toEqual(['replay', 'exit']);
    expect(view.text).toContain('bye=10');
    expect(view.frames[1]).toEqual({ t: 'exit', code: 7, signal: null });
    expect(view.ended?.code).toBe(TERMINAL_CLOSE.ended);
  });

  it('keeps the scrollback bounded', async () => {
    h = startPlane({ limits: { scrollbackChars: 50_000 } });
    const session = h.open();
    h.plane.host.write(
      session.id,
      'for i in $(seq 1 20000); do echo "line $i"; done; echo "done=$((9*9))"\r',
    );
    await h.waitOutput(session.id, 'done=81');
    await waitFor('batch flushed', () => h.plane.inspect(session.id)!.scrollbackChars > 0);
    const view = await h.attach(session.id);
    const replay = view.frames[0]!;
    expect(replay.t).toBe('replay');
    if (replay.t !== 'replay') return;
    expect(replay.d.length).toBeLessThanOrEqual(50_000);
    expect(replay.d).toContain('line 20000');
    expect(replay.d).not.toContain('line 1\r\n');
    // Cut at a line boundary: the replay starts with a whole line.
    expect(replay.d).toMatch(/^line \d+\r\n/);
  });

  it('keeps UTF-8 sequences whole when a character is split across reads', async () => {
    h = startPlane();
    const session = h.open();
    const chunks: string[] = [];
    h.plane.host.onOutput(session.id, (text) => chunks.push(text));
    // The euro sign's three bytes leave the PTY in two writes, 300 ms apart.
    h.plane.host.write(session.id, "printf '\\342\\202'; sleep 0.3; printf '\\254<-euro\\n'\r");
    await h.waitOutput(session.id, '€<-euro');
    expect(chunks.join('')).not.toContain('\uFFFD');
    // The split really happened: no single chunk carried the whole sequence with its suffix.
    expect(chunks.some((c) => c.includes('€<-euro'))).toBe(true);
    expect(chunks.some((c) => c.endsWith('€'))).toBe(false);
  });
});

describe('flow control', () => {
  it('pauses a flooding PTY while the view does not ack, and resumes when it does', async () => {
    h = startPlane();
    const session = h.open();
    const view = await h.attach(session.id);
    view.connection!.receive({ t: 'input', d: 'yes flood-line\r' });
    await waitFor('the PTY paused', () => h.plane.inspect(session.id)!.paused);
    const { unackedChars } = h.plane.inspect(session.id)!;
    // Bounded: at most one batch past the high watermark, however long the flood runs.
    expect(unackedChars).toBeGreaterThan(TERMINAL_FLOW.highWatermarkChars);
    expect(unackedChars).toBeLessThanOrEqual(TERMINAL_FLOW.highWatermarkChars + TERMINAL_FLOW.batchMaxChars);
    expect(view.dataChars).toBe(unackedChars);

    const seen = view.dataChars;
    view.connection!.receive({ t: 'ack', n: seen });
    expect(h.plane.inspect(session.id)!.paused).toBe(false);
    await waitFor('more output after the ack', () => view.dataChars > seen);

    // Ctrl-C under the flood: keystrokes are never held back; the prompt comes back.
    view.connection!.receive({ t: 'input', d: '\x03' });
    view.connection!.receive({ t: 'input', d: 'echo "after=$((6*7))"\r' });
    let acked = seen;
    await waitFor('the prompt after Ctrl-C', () => {
      // The view keeps acking what it gets, as xterm.js would after writing it.
      const total = view.dataChars;
      if (total > acked) {
        view.connection!.receive({ t: 'ack', n: total - acked });
        acked = total;
      }
      return view.text.includes('after=42');
    });
  });

  it('never pauses with no view attached (a runbook step keeps running), and Ctrl-C still works', async () => {
    h = startPlane({ limits: { scrollbackChars: 100_000 } });
    const session = h.open();
    h.plane.host.write(session.id, 'yes flood-line\r');
    await waitFor(
      'a flood bigger than the high watermark',
      () => h.output(session.id).length > 3 * TERMINAL_FLOW.highWatermarkChars,
    );
    expect(h.plane.inspect(session.id)).toMatchObject({ paused: false, unackedChars: 0 });
    expect(h.plane.inspect(session.id)!.scrollbackChars).toBeLessThanOrEqual(100_000);
    h.plane.host.write(session.id, '\x03');
    h.plane.host.write(session.id, 'echo "after=$((7*7))"\r');
    await h.waitOutput(session.id, 'after=49');
  });

  it('releases a paused PTY when its view goes away', async () => {
    h = startPlane();
    const session = h.open();
    const view = await h.attach(session.id);
    view.connection!.receive({ t: 'input', d: 'yes flood-line\r' });
    await waitFor('the PTY paused', () => h.plane.inspect(session.id)!.paused);
    view.connection!.detach();
    expect(h.plane.inspect(session.id)).toMatchObject({ paused: false, unackedChars: 0 });
    const length = h.output(session.id).length;
    await waitFor('output flowing again', () => h.output(session.id).length > length + 100_000);
    h.plane.host.write(session.id, '\x03');
  });
});

describe('closing', () => {
  it('terminal.close sends SIGHUP and drops the session from the list; the transcript stays', async () => {
    h = startPlane();
    const session = h.open();
    h.plane.host.write(session.id, 'echo "kept=$((8*8))"\r');
    await h.waitOutput(session.id, 'kept=64');
    const view = await h.attach(session.id);
    const closed = await h.plane.handlers['terminal.close']({ id: session.id }, ctx);
    expect(closed).toMatchObject({ state: 'exited', signal: 1, exitCode: null });
    expect(view.frames.at(-1)).toMatchObject({ t: 'closed' });
    expect(view.ended?.code).toBe(TERMINAL_CLOSE.closed);
    expect(await h.plane.handlers['terminal.list']({}, ctx)).toEqual([]);
    const transcript = await h.plane.handlers['terminal.transcript'](
      { id: session.id, afterSeq: -1, limit: 100 },
      ctx,
    );
    expect(transcript.chunks.map((c) => c.data).join('')).toContain('kept=64');
    await expect(
      Promise.resolve().then(() => h.plane.handlers['terminal.attach']({ id: session.id }, ctx)),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('kills a shell that ignores SIGHUP', async () => {
    h = startPlane({ limits: { killGraceMs: 200 } });
    const session = h.open();
    h.plane.host.write(session.id, 'trap \'\' HUP; echo "trapped=$((2*5))"\r');
    await h.waitOutput(session.id, 'trapped=10');
    const closed = await h.plane.handlers['terminal.close']({ id: session.id }, ctx);
    expect(closed).toMatchObject({ state: 'exited', signal: 9 });
  });

  it('closing the core ends every PTY and writes what was pending', async () => {
    h = startPlane();
    const a = h.open();
    const b = h.open();
    h.plane.host.write(a.id, 'echo "alpha=$((1+2))"\r');
    h.plane.host.write(b.id, 'printf "%s" "no-newline-$((2+2))"\r');
    await h.waitOutput(a.id, 'alpha=3');
    await h.waitOutput(b.id, 'no-newline-4');
    await h.plane.close();
    const rows = h.store.db
      .prepare('SELECT id, exited_at FROM terminal_session ORDER BY created_at')
      .all() as Array<{ exited_at: number | null }>;
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.exited_at !== null)).toBe(true);
    const text = (id: string) =>
      (
        h.store.db
          .prepare('SELECT data FROM terminal_transcript WHERE session_id = ? ORDER BY seq')
          .all(id) as Array<{ data: string }>
      )
        .map((r) => r.data)
        .join('');
    expect(text(a.id)).toContain('alpha=3');
    expect(text(b.id)).toContain('no-newline-4');
  });

  it('marks sessions a dead process left running as exited, with no exit code', async () => {
    h = startPlane();
    const session = h.open();
    h.plane.host.write(session.id, 'echo "alive=$((3*3))"\r');
    await h.waitOutput(session.id, 'alive=9');
    h.plane.host.transcriptSeq(session.id);
    // What a crash leaves behind: the row still says running.
    h.store.db.prepare('UPDATE terminal_session SET exited_at = NULL, exit_code = NULL').run();
    const second = createSecondPlane(h);
    const row = second.host.get(session.id);
    expect(row).toMatchObject({ state: 'exited', exitCode: null, signal: null });
    expect(row!.exitedAt).toBeGreaterThanOrEqual(session.createdAt);
    expect(await second.handlers['terminal.list']({}, ctx)).toEqual([]);
    await second.close();
  });
});

/** A second plane on the same database: what the next start of the core sees. */
function createSecondPlane(harness: Harness) {
  return createTerminalPlane({
    db: harness.store.db,
    log: harness.log,
    bus: new EventBus(),
    dataDir: harness.dir,
  });
}

describe('attach tokens', () => {
  it('open a stream once, for their own session, within their lifetime', async () => {
    let clock = 1_000_000;
    h = startPlane({ now: () => clock });
    const a = h.open();
    const b = h.open();
    const { attachToken } = await h.plane.handlers['terminal.attach']({ id: a.id }, ctx);
    expect(attachToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(h.plane.streams.connect(a.id, attachToken, new RecordingPeer())).toMatchObject({ ok: true });
    expect(h.plane.streams.connect(a.id, attachToken, new RecordingPeer())).toMatchObject({
      ok: false,
      code: TERMINAL_CLOSE.refused,
      reason: expect.stringContaining('already used'),
    });

    const forA = (await h.plane.handlers['terminal.attach']({ id: a.id }, ctx)).attachToken;
    expect(h.plane.streams.connect(b.id, forA, new RecordingPeer())).toMatchObject({
      ok: false,
      reason: expect.stringContaining('another terminal'),
    });
    // Presented once for the wrong session, it is gone for the right one too.
    expect(h.plane.streams.connect(a.id, forA, new RecordingPeer())).toMatchObject({ ok: false });

    const late = (await h.plane.handlers['terminal.attach']({ id: a.id }, ctx)).attachToken;
    clock += 60_001;
    expect(h.plane.streams.connect(a.id, late, new RecordingPeer())).toMatchObject({
      ok: false,
      reason: expect.stringContaining('expired'),
    });
    expect(h.plane.streams.connect(a.id, 'x'.repeat(43), new RecordingPeer())).toMatchObject({ ok: false });
  });
});
