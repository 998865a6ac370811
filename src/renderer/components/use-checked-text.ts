import { useEffect } from 'react';

/** Long enough that a check is not sent per keystroke, short enough to feel like it follows typing. */
const CHECK_DEBOUNCE_MS = 400;

/**
 * A text the core checks as it is typed (a rollout plan, a healing policy): every edit is checked
 * once typing stops, and a text the last check already covers is not re-sent. Returns the last
 * check when it is of this very text, else null (a newer edit is waiting for its check).
 */
export function useCheckedText<C extends { text: string }>(
  text: string,
  check: C | null,
  validate: (text: string) => Promise<void>,
): C | null {
  useEffect(() => {
    if (!text.trim() || check?.text === text) return;
    const timer = setTimeout(() => void validate(text), CHECK_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, check?.text, validate]);
  return check && check.text === text ? check : null;
}
