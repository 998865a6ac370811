import type Database from 'better-sqlite3';
import { defaultSloByKind, defaultSlo, type Slo } from '../../shared/fleet/slo';

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
      rows.map((r) => [r.model, { ...defaultSlo, ...(JSON.parse(r.slo) as Partial<Slo>) }]),
    );
  }

  override(model: string): Slo | undefined {
    return this.overrides.get(model);
  }

  set(model: string, slo: Partial<Slo>): Slo {
    const merged = { ...(this.overrides.get(model) ?? defaultSlo), ...slo };
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

/** The model's kind is guessed from its name when no override says otherwise: embedding, code or chat. */
export function modelKind(model: string): keyof typeof defaultSloByKind {
  if (/embed|bge|e5-|gte-|minilm/i.test(model)) return 'embedding';
  if (/code|coder/i.test(model)) return 'code';
  return 'chat';
}

export function sloFor(book: SloBook, model: string, _endpointName: string): Slo {
  return book.override(model) ?? defaultSloByKind[modelKind(model)] ?? defaultSlo;
}
