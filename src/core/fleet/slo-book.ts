import type Database from 'better-sqlite3';
import { defaultSloByKind, defaultSlo, modelKind, type Slo } from '../../shared/fleet/slo';

/** Per-model SLO overrides (durable, edited in Settings), over defaults by model kind. */
export class SloBook {
  private overrides = new Map<string, Slo>();

  constructor(private readonly db: Database.Database) {
    this.reload();
  }

  reload(): void {
    const rows = this.db.prepare('SELECT model, slo FROM slo_overrides').all() as Array<{
      model: string;
      slo: string;
    }>;
    this.overrides = new Map(
      rows.map((r) => [r.model, { ...kindDefault(r.model), ...(JSON.parse(r.slo) as Partial<Slo>) }]),
    );
  }

  override(model: string): Slo | undefined {
    return this.overrides.get(model);
  }

  /** Changes some thresholds; the rest stay as they were (the model kind's defaults at first). */
  set(model: string, slo: Partial<Slo>): Slo {
    const merged = { ...(this.overrides.get(model) ?? kindDefault(model)), ...slo };
    this.db
      .prepare('INSERT OR REPLACE INTO slo_overrides (model, slo, updated_at) VALUES (?, ?, ?)')
      .run(model, JSON.stringify(merged), Date.now());
    this.overrides.set(model, merged);
    return merged;
  }

  all(): Record<string, Slo> {
    return Object.fromEntries(this.overrides);
  }
}

// Pure, so it moved to src/shared/fleet/slo.ts where the renderer can draw the same thresholds.
export { modelKind } from '../../shared/fleet/slo';

const kindDefault = (model: string): Slo => defaultSloByKind[modelKind(model)] ?? defaultSlo;

export function sloFor(book: SloBook, model: string): Slo {
  return book.override(model) ?? kindDefault(model);
}
