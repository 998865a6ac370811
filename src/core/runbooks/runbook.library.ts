import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Endpoint } from '../../shared/contract/fleet.schema';
import type { Runbook, RunbookProblem } from '../../shared/contract/runbook.schema';
import type { Logger } from '../log/logger';
import { parseRunbook, type ParsedRunbook } from './runbook.parse';
import { relevanceFor } from './runbook.relevance';

export interface RunbookLibraryOptions {
  /** The app's resources folder; built-ins live in `<resourcesDir>/runbooks/`. */
  resourcesDir: string;
  /** The user's runbook folder (Settings -> runbooksFolder), or null when none is set. */
  userFolder: () => string | null;
  log: Logger;
}

/** A runbook is a page of YAML; anything this big in the folder is not one and is not parsed. */
const MAX_RUNBOOK_BYTES = 512 * 1024;

interface CachedFile {
  mtimeMs: number;
  size: number;
  parsed: ParsedRunbook;
}

/**
 * The built-in runbooks and the user's folder, read on demand. Files are re-parsed only when
 * their mtime or size changes, so an author who saves a fix sees it on the next list without a
 * restart. A file that cannot be used is listed in `problems` and never hides the others.
 */
export class RunbookLibrary {
  private readonly cache = new Map<string, CachedFile>();

  constructor(private readonly opts: RunbookLibraryOptions) {}

  list(): { runbooks: Runbook[]; problems: RunbookProblem[] } {
    const problems: RunbookProblem[] = [];
    const files = [
      ...this.filesIn(join(this.opts.resourcesDir, 'runbooks'), 'builtin', problems),
      ...this.filesIn(this.opts.userFolder(), 'user', problems),
    ];
    const live = new Set(files.map((f) => f.path));
    for (const key of this.cache.keys()) if (!live.has(key)) this.cache.delete(key);

    const byId = new Map<string, Runbook>();
    for (const f of files) {
      const parsed = this.read(f.path, f.source, problems);
      if (!parsed) continue;
      problems.push(...parsed.problems);
      const rb = parsed.runbook;
      if (!rb) continue;
      const first = byId.get(rb.id);
      if (first) {
        // Built-ins come first, so a user file can never silently replace a built-in.
        problems.push({
          file: f.path,
          line: null,
          column: null,
          field: 'id',
          message: `Runbook id '${rb.id}' is already used by ${first.file}; this file is ignored until one of them is renamed.`,
        });
        continue;
      }
      byId.set(rb.id, rb);
    }
    return { runbooks: [...byId.values()], problems };
  }

  get(id: string): Runbook | null {
    return this.list().runbooks.find((r) => r.id === id) ?? null;
  }

  /**
   * The runbooks ordered for an endpoint: those whose `signals` match its health first (with
   * why), then the rest in their usual order with relevance null.
   */
  suggest(endpoint: Endpoint): { runbooks: Runbook[]; problems: RunbookProblem[] } {
    const { runbooks, problems } = this.list();
    const scored = runbooks.map((rb, order) => {
      const r = relevanceFor(rb, endpoint);
      return { rb: { ...rb, relevance: r?.text ?? null }, score: r?.score ?? 0, order };
    });
    scored.sort((a, b) => b.score - a.score || a.order - b.order);
    return { runbooks: scored.map((s) => s.rb), problems };
  }

  private filesIn(
    dir: string | null,
    source: 'builtin' | 'user',
    problems: RunbookProblem[],
  ): Array<{ path: string; source: 'builtin' | 'user' }> {
    if (!dir) return [];
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.push({
        file: dir,
        line: null,
        column: null,
        field: null,
        message:
          code === 'ENOENT'
            ? `The ${source === 'user' ? 'runbook folder (Settings → runbooksFolder)' : 'built-in runbook folder'} does not exist.`
            : `The runbook folder cannot be read: ${(e as Error).message}`,
      });
      if (source === 'builtin') this.opts.log.warn('built-in runbooks unreadable', { dir, code });
      return [];
    }
    const pattern = source === 'builtin' ? /\.yaml$/ : /\.ya?ml$/;
    return names
      .filter((n) => pattern.test(n))
      .sort()
      .map((n) => ({ path: join(dir, n), source }));
  }

  private read(path: string, source: 'builtin' | 'user', problems: RunbookProblem[]): ParsedRunbook | null {
    try {
      const st = statSync(path);
      if (!st.isFile()) return null;
      if (st.size > MAX_RUNBOOK_BYTES) {
        problems.push({
          file: path,
          line: null,
          column: null,
          field: null,
          message: `The file is ${Math.round(st.size / 1024)} KB; a runbook may be at most ${MAX_RUNBOOK_BYTES / 1024} KB.`,
        });
        return null;
      }
      const hit = this.cache.get(path);
      if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.parsed;
      const parsed = parseRunbook(readFileSync(path, 'utf8'), path, source);
      this.cache.set(path, { mtimeMs: st.mtimeMs, size: st.size, parsed });
      return parsed;
    } catch (e) {
      problems.push({
        file: path,
        line: null,
        column: null,
        field: null,
        message: `Cannot read the file: ${(e as Error).message}`,
      });
      return null;
    }
  }
}
