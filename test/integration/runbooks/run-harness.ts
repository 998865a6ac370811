import { startCore, type Core } from '../../../src/core/core';
import { silentLogger } from '../../../src/core/log/logger';
import type { Run, RunSummary } from '../../../src/shared/contract/runbook.schema';
import { freshDir } from '../../support/tmp';
import { writeFixtureRunbooks } from './run-fixtures';

export interface RunCore {
  core: Core;
  dir: string;
  /** Calls a command as `tester`; throws with the refusal's body when refused. */
  call<T = unknown>(command: string, args?: unknown): Promise<T>;
  refusal(command: string, args?: unknown): Promise<{ code: string; message: string; hint?: string }>;
  /** Resolves with the run once `holds` is true, re-checking on every runs.changed. */
  waitRun(id: string, what: string, holds: (run: Run) => boolean, timeoutMs?: number): Promise<Run>;
  /** Stops the core and keeps its data directory (to start another core on it). */
  close(): Promise<void>;
  dispose(): Promise<void>;
}

/** A real core (SQLite, PTYs, command registry) on a fresh data dir, with the fixture runbooks. */
export async function startRunCore(options: { dir?: string } = {}): Promise<RunCore> {
  const tmp = options.dir ? { dir: options.dir, cleanup: () => {} } : freshDir('fleetdeck-runs-');
  const core = startCore({ dataDir: tmp.dir, host: 'console', log: silentLogger, validateResults: true });
  const ctx = { actor: 'tester', host: 'console' as const };
  const call = async <T>(command: string, args: unknown = {}): Promise<T> => {
    const reply = await core.call(command, args, ctx);
    if (!reply.ok) throw new Error(`${command} failed: ${JSON.stringify(reply.error)}`);
    return reply.result as T;
  };
  await call('settings.set', { runbooksFolder: writeFixtureRunbooks(tmp.dir) });

  const waitRun = (id: string, what: string, holds: (run: Run) => boolean, timeoutMs = 60_000) =>
    new Promise<Run>((resolve, reject) => {
      let last: Run | null = null;
      let settled = false;
      const check = async () => {
        if (settled) return;
        last = await call<Run>('runs.get', { id });
        if (!settled && holds(last)) {
          settled = true;
          cleanup();
          resolve(last);
        }
      };
      const off = core.subscribe((m) => {
        if (m.event === 'runs.changed' && (m.payload as RunSummary).id === id) void check().catch(fail);
      });
      const timer = setTimeout(
        () => fail(new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last, null, 1)}`)),
        timeoutMs,
      );
      function cleanup() {
        off();
        clearTimeout(timer);
      }
      function fail(error: unknown) {
        if (settled) return;
        settled = true;
        cleanup();
        reject(error instanceof Error ? error : new Error(String(error)));
      }
      void check().catch(fail);
    });

  return {
    core,
    dir: tmp.dir,
    call,
    async refusal(command, args = {}) {
      const reply = await core.call(command, args, ctx);
      if (reply.ok) throw new Error(`${command} was expected to be refused`);
      return reply.error;
    },
    waitRun,
    close: () => core.close(),
    async dispose() {
      await core.close();
      tmp.cleanup();
    },
  };
}
