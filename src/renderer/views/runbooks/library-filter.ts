import type { RunbookSummary } from '../../../shared/contract/index';
import type { LibraryFilter } from './runbooks-url';
import { severityOrder } from './run-words';

/** Every word of the query must appear in the runbook's id, title, description or tags. */
function matchesText(r: RunbookSummary, q: string): boolean {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = [r.id, r.title, r.description, ...r.tags].join(' ').toLowerCase();
  return words.every((w) => hay.includes(w));
}

/**
 * The runbooks to show, in order: with an endpoint bound, those the core found relevant first
 * (in the core's order, most relevant first), then the rest by severity and title.
 */
export function filterRunbooks(all: readonly RunbookSummary[], f: LibraryFilter): RunbookSummary[] {
  const shown = all.filter(
    (r) =>
      matchesText(r, f.q) &&
      (!f.tag || r.tags.includes(f.tag)) &&
      (!f.severity || r.severity === f.severity) &&
      (!f.source || r.source === f.source),
  );
  const relevant = shown.filter((r) => r.relevance !== null);
  const rest = shown
    .filter((r) => r.relevance === null)
    .sort((a, b) => severityOrder[a.severity] - severityOrder[b.severity] || a.title.localeCompare(b.title));
  return [...relevant, ...rest];
}

/** How many runbooks carry each value, for the facet chips (counted over the whole library). */
export function countBy(all: readonly RunbookSummary[], pick: (r: RunbookSummary) => string[]) {
  const counts = new Map<string, number>();
  for (const r of all) for (const v of pick(r)) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0]));
}
