import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentSummary, TimelineEntry } from '../../../src/shared/contract/incident.schema';
import { seededRandom } from '../../../src/demo/world/daily-pattern';
import { ensureBuilt, startConsole, type RunningConsole } from '../../e2e/support/console-host';
import { freshDir } from '../../support/tmp';

/**
 * Issue 7, with the console itself: the built console (no demo, no source) takes notes on an
 * incident as fast as the API answers, and is SIGKILLed at a seeded moment while they are being
 * written. After each restart on the same data directory: `PRAGMA integrity_check` is ok, every
 * entry is whole (its JSON parses, seqs are contiguous, the counter matches), and every note the
 * API had acknowledged is there — an answered write is on disk (synchronous=FULL).
 * FLEETDECK_CRASH_SEED replays a schedule. (crash-during-write.test.ts kills a bare writer 25 times.)
 */
const KILLS = 12;
const seed = Number(process.env.FLEETDECK_CRASH_SEED ?? Date.now() % 1_000_000_007);
const tmp = freshDir('fleetdeck-console-crash-');

describe('SIGKILL of the console while it writes an incident', { timeout: 600_000 }, () => {
  beforeAll(() => ensureBuilt(), 180_000);
  afterAll(() => tmp.cleanup());

  it(`keeps the database whole and every acknowledged entry (seed ${seed})`, async () => {
    const random = seededRandom(seed);
    const acknowledged = new Set<string>();
    let incidentId: string | null = null;
    for (let round = 0; round < KILLS; round++) {
      const c: RunningConsole = await startConsole({ dataDir: tmp.dir });
      try {
        incidentId ??= (
          await c.call<IncidentSummary>('incidents.open', { title: 'Crash drill', severity: 'sev4' })
        ).id;
        // Writers in flight at the kill: several at once, so one is mid-transaction when it lands.
        const killAfter = 20 + Math.floor(random() * 60);
        let answered = 0;
        let stop = false;
        const writer = async (w: number) => {
          for (let i = 0; !stop; i++) {
            const text = `round ${round} writer ${w} note ${i} ${'x'.repeat(2000 + Math.floor(random() * 4000))}`;
            try {
              await c.call('incidents.annotate', { id: incidentId, text });
              acknowledged.add(text.slice(0, 40));
              if (++answered === killAfter) {
                stop = true;
                c.child.kill('SIGKILL');
              }
            } catch {
              return; // the console is gone: this write was never acknowledged
            }
          }
        };
        await Promise.all([0, 1, 2, 3].map(writer));
        await new Promise((done) =>
          c.child.exitCode !== null || c.child.signalCode ? done(null) : c.child.once('exit', done),
        );
      } finally {
        if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
      }
      expect(c.child.signalCode).toBe('SIGKILL');

      const db = new Database(join(tmp.dir, 'fleetdeck.db'), { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const incident = db.prepare('SELECT entry_count FROM incident WHERE id = ?').get(incidentId) as {
          entry_count: number;
        };
        const rows = db
          .prepare('SELECT seq, summary, detail FROM incident_entry WHERE incident_id = ? ORDER BY seq')
          .all(incidentId) as Array<{ seq: number; summary: string; detail: string }>;
        expect(rows.length).toBe(incident.entry_count);
        expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
        for (const r of rows) expect(() => JSON.parse(r.detail)).not.toThrow();
        const stored = new Set(rows.map((r) => r.summary.slice(0, 40)));
        for (const text of acknowledged) expect(stored.has(text), text).toBe(true);
      } finally {
        db.close();
      }
    }

    // And the console opens it afterwards, whole, through the API.
    const c = await startConsole({ dataDir: tmp.dir });
    try {
      const entries = (
        await c.call<{ entries: TimelineEntry[] }>('incidents.timeline', { id: incidentId, limit: 5000 })
      ).entries;
      expect(entries.filter((e) => e.kind === 'note').length).toBeGreaterThanOrEqual(acknowledged.size);
    } finally {
      await c.stop();
    }
  });
});
