/**
 * The one rule for following a link that came from data (terminal output, runbook Markdown, a
 * page asking to open a window): only http: and https: after parsing with `new URL` (never a
 * prefix test), and never with embedded credentials, which exist mostly to disguise the real
 * host ("https://bank.example@evil.example"). Returns the normalised URL, or null.
 * (xterm.js CVE-2019-0542; reference/performance-and-safety.md.)
 */
export function safeExternalUrl(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '') return null;
  return url.href;
}
