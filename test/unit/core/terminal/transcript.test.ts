import { afterEach, describe, expect, it } from 'vitest';
import { cutToBytes, truncationMarker } from '../../../../src/core/terminal/transcript.recorder';
import { ctx, startPlane, type Harness } from './plane-harness';

let h: Harness;
afterEach(async () => {
  await h?.dispose();
});

const transcriptText = async (id: string) =>
  (await h.plane.handlers['terminal.transcript']({ id, afterSeq: -1, limit: 5000 }, ctx)).chunks
    .map((c) => c.data)
    .join('');

describe('terminal transcripts', () => {
  it('records timestamped chunks in order and pages them', async () => {
    let clock = 1_700_000_000_000;
    h = startPlane({ now: () => clock });
    const session = h.open();
    for (let i = 1; i <= 3; i++) {
      clock += 1000;
      h.plane.host.write(session.id, `echo "step-${i}=$((${i}*11))"\r`);
      await h.waitOutput(session.id, `step-${i}=${i * 11}`);
      h.plane.host.transcriptSeq(session.id);
    }
    const all = await h.plane.handlers['terminal.transcript'](
      { id: session.id, afterSeq: -1, limit: 5000 },
      ctx,
    );
    expect(all.session).toMatchObject({ id: session.id, transcriptBytes: expect.any(Number) });
    expect(all.session.transcriptBytes).toBeGreaterThan(0);
    const seqs = all.chunks.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs[0]).toBe(0);
    const ats = all.chunks.map((c) => c.at);
    expect(ats).toEqual([...ats].sort((a, b) => a - b));
    expect(new Set(ats).size).toBeGreaterThan(1);
    const text = all.chunks.map((c) => c.data).join('');
    expect(text.indexOf('step-1=11')).toBeLessThan(text.indexOf('step-3=33'));

    const page = await h.plane.handlers['terminal.transcript'](
      { id: session.id, afterSeq: 0, limit: 1 },
      ctx,
    );
    expect(page.chunks.map((c) => c.seq)).toEqual([1]);
    expect(page.more).toBe(all.chunks.length > 2);
  });

  it('brackets a runbook step with transcriptSeq', async () => {
    h = startPlane();
    const session = h.open();
    expect(h.plane.host.transcriptSeq(session.id)).toBe(-1);
    h.plane.host.write(session.id, 'echo "before=$((1+1))"\r');
    await h.waitOutput(session.id, 'before=2');
    const start = h.plane.host.transcriptSeq(session.id);
    h.plane.host.write(session.id, 'echo "during=$((2+2))"\r');
    await h.waitOutput(session.id, 'during=4');
    const end = h.plane.host.transcriptSeq(session.id);
    expect(end).toBeGreaterThan(start);
    const segment = await h.plane.handlers['terminal.transcript'](
      { id: session.id, afterSeq: start, limit: end - start },
      ctx,
    );
    const text = segment.chunks.map((c) => c.data).join('');
    expect(text).toContain('during=4');
    expect(text).not.toContain('before=2');
  });

  it('redacts a secret even when it leaves the PTY in two pieces', async () => {
    h = startPlane();
    const session = h.open();
    const chunks: string[] = [];
    h.plane.host.onOutput(session.id, (text) => chunks.push(text));
    // Key-shaped, built at runtime (no secret-shaped literal in the repo); the command line only
    // ever shows the two halves, the output shows the whole key.
    const head = ['s', 'k', '-'].join('') + 'Q'.repeat(6);
    const tail = 'Z9'.repeat(12);
    h.plane.host.write(session.id, `printf '%s' ${head}; sleep 0.3; printf '%s\\n' ${tail}\r`);
    await h.waitOutput(session.id, head + tail);
    // It really was split: a chunk boundary falls inside the printed key.
    const joined = chunks.join('');
    const at = joined.lastIndexOf(head + tail);
    let offset = 0;
    const boundaries = chunks.map((c) => (offset += c.length));
    expect(boundaries.some((b) => b > at && b < at + head.length + tail.length)).toBe(true);
    const text = await transcriptText(session.id);
    expect(text).not.toContain(head + tail);
    expect(text).toContain('sk-[redacted]');
  });

  it('redacts the console token the shell was given, wherever it is printed', async () => {
    h = startPlane();
    const token = Buffer.from(`console-token-${process.pid}-${Date.now()}`).toString('base64url');
    h.plane.setCliAccess({ url: 'http://127.0.0.1:4100', token });
    const session = h.open();
    h.plane.host.write(session.id, 'printf "<%s>\\n" "$FLEETDECK_TOKEN"\r');
    await h.waitOutput(session.id, `<${token}>`);
    const text = await transcriptText(session.id);
    expect(text).toContain('<[redacted token]>');
    expect(text).not.toContain(token);
  });

  it('stops at the per-session cap with a marker and the truncated flag', async () => {
    const capBytes = 20_000;
    h = startPlane({ limits: { transcript: { capBytes } as never } });
    const session = h.open();
    h.plane.host.write(session.id, 'for i in $(seq 1 3000); do echo "row $i"; done; echo "end=$((4*4))"\r');
    await h.waitOutput(session.id, 'end=16');
    h.plane.host.transcriptSeq(session.id);
    const info = h.plane.host.get(session.id)!;
    expect(info.transcriptTruncated).toBe(true);
    expect(info.transcriptBytes).toBeLessThanOrEqual(capBytes);
    const text = await transcriptText(session.id);
    expect(text.endsWith(truncationMarker(capBytes))).toBe(true);
    expect(text).toContain('row 1\r\n');
    expect(text).not.toContain('end=16');
    const row = h.store.db
      .prepare('SELECT transcript_truncated, transcript_bytes FROM terminal_session WHERE id = ?')
      .get(session.id);
    expect(row).toMatchObject({ transcript_truncated: 1, transcript_bytes: info.transcriptBytes });
  });

  it('lists history by endpoint and by run', async () => {
    h = startPlane();
    const plain = h.open();
    const forRun = h.open({ runId: 'run-42' });
    const history = await h.plane.handlers['terminal.history']({ includeRunning: true, limit: 100 }, ctx);
    expect(history.map((s) => s.id).sort()).toEqual([plain.id, forRun.id].sort());
    const byRun = await h.plane.handlers['terminal.history'](
      { runId: 'run-42', includeRunning: true, limit: 100 },
      ctx,
    );
    expect(byRun.map((s) => s.id)).toEqual([forRun.id]);
    expect(byRun[0]).toMatchObject({ runId: 'run-42', title: 'run run-42' });
    const finished = await h.plane.handlers['terminal.history']({ includeRunning: false, limit: 100 }, ctx);
    expect(finished).toEqual([]);
  });
});

describe('cutToBytes', () => {
  it('never cuts a character in half', () => {
    expect(cutToBytes('a€b', 2)).toBe('a');
    expect(cutToBytes('a€b', 4)).toBe('a€');
    expect(cutToBytes('abc', 10)).toBe('abc');
    expect(cutToBytes('abc', 0)).toBe('');
  });
});

describe('transcript retention', () => {
  it('drops the longest-exited sessions first once all transcripts pass the budget, at the next start', async () => {
    const { freshDir } = await import('../../../support/tmp');
    const tmp = freshDir('fleetdeck-terminal-retention-');
    try {
      let clock = 1_700_000_000_000;
      h = startPlane({ now: () => clock }, tmp.dir);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        clock += 60_000;
        const session = h.open();
        // About 20 KB of transcript each.
        h.plane.host.write(
          session.id,
          `printf 'session-${i} %.0s' $(seq 1 2000); echo "end-$((${i}+100))"\r`,
        );
        // All of it read before the shell exits (output in flight when a PTY closes can be lost).
        await h.waitOutput(session.id, `end-${i + 100}`);
        const exited = new Promise<void>((done) => h.plane.host.onExit(session.id, () => done()));
        h.plane.host.write(session.id, 'exit\r');
        await exited;
        ids.push(session.id);
      }
      const sizes = await Promise.all(
        ids.map(
          async (id) =>
            (await h.plane.handlers['terminal.transcript']({ id, afterSeq: -1, limit: 1 }, ctx)).session,
        ),
      );
      for (const s of sizes) expect(s.transcriptBytes).toBeGreaterThan(15_000);
      await h.plane.close();
      h.store.close();

      // A budget that holds the newest two but not all three.
      const budget = sizes[1]!.transcriptBytes + sizes[2]!.transcriptBytes + 100;
      h = startPlane({ transcriptBudgetBytes: budget }, tmp.dir);
      const kept = (
        await h.plane.handlers['terminal.history']({ includeRunning: true, limit: 100 }, ctx)
      ).map((s) => s.id);
      expect(kept.sort()).toEqual([ids[1], ids[2]].sort());
      await expect(
        (async () =>
          h.plane.handlers['terminal.transcript']({ id: ids[0]!, afterSeq: -1, limit: 10 }, ctx))(),
      ).rejects.toThrow(/no terminal/);
      // Its chunks went with it (ON DELETE CASCADE).
      const orphanChunks = h.store.db
        .prepare('SELECT COUNT(*) AS n FROM terminal_transcript WHERE session_id = ?')
        .get(ids[0]) as { n: number };
      expect(orphanChunks.n).toBe(0);
      expect(
        (
          await h.plane.handlers['terminal.transcript']({ id: ids[2]!, afterSeq: -1, limit: 5000 }, ctx)
        ).chunks
          .map((c) => c.data)
          .join(''),
      ).toContain('session-2');
    } finally {
      await h?.dispose();
      h = undefined as unknown as Harness;
      tmp.cleanup();
    }
  });
});
