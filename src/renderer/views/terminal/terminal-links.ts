import { safeExternalUrl } from '../../../shared/links/safe-url';

/**
 * Terminal output is untrusted (xterm.js CVE-2019-0542): a link in it, whether a plain URL
 * (web-links addon) or an OSC 8 hyperlink, opens only when it parses as http: or https: and
 * carries no credentials, the same rule as the desktop host's openExternalSafely
 * (electron/main/security.ts). It opens with noopener, so the page it opens gets no handle on
 * this one; on the desktop, window.open is caught by setWindowOpenHandler, which hands the URL
 * to the OS browser through that same check.
 */
export const safeLinkUrl = (raw: string): string | null => safeExternalUrl(raw);

/** Opens a link from terminal output if safeLinkUrl accepts it; returns whether it did. */
export function openTerminalLink(raw: string, open: (url: string) => void = defaultOpen): boolean {
  const url = safeLinkUrl(raw);
  if (url === null) return false;
  open(url);
  return true;
}

const defaultOpen = (url: string) => {
  window.open(url, '_blank', 'noopener,noreferrer');
};
