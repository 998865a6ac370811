/**
 * The list with `row` in place of the held row of the same id, or null when the list holds no
 * such row (a new one: the caller reads the list again). A `*.changed` event for a row already
 * shown then costs no read, which matters for frequent changes (a rollout's weight, a run's step).
 */
export function replaceRow<T extends { id: string }>(rows: readonly T[] | null, row: T): T[] | null {
  const at = rows?.findIndex((r) => r.id === row.id) ?? -1;
  if (!rows || at < 0) return null;
  const next = rows.slice();
  next[at] = row;
  return next;
}
