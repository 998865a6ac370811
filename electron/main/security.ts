import { shell, type Session, type WebContents } from 'electron';
import type { Logger } from '../../src/core/log/logger';
import { describeOrigin, type AppOrigin } from './app-origin';
import { safeExternalUrl } from '../../src/shared/links/safe-url';

/**
 * The renderer's Content-Security-Policy. Scripts only from our own bundle, never eval, no
 * plugins, frames or form posts; the renderer talks to nothing but its own origin (all data
 * comes through the preload bridge). Styles allow 'unsafe-inline' because React and the chart
 * and terminal libraries set inline styles; that cannot run code.
 *
 * In development only, the Vite dev server needs its inline React-refresh preamble and its
 * HMR WebSocket; still no 'unsafe-eval'.
 */
export function contentSecurityPolicy(devOrigin: string | null): string {
  const dev = devOrigin !== null;
  const hmrSocket = dev ? ` ${devOrigin.replace(/^http/, 'ws')}` : '';
  return [
    "default-src 'none'",
    `script-src 'self'${dev ? " 'unsafe-inline'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${hmrSocket}`,
    "worker-src 'self'",
    "object-src 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * Permissions our own page may use. Electron grants every permission unless a handler says
 * otherwise, so everything else is refused:
 * - 'clipboard-sanitized-write' lets copy buttons (IDs, commands, terminal selections) put
 *   plain text on the clipboard; it cannot read it. 'clipboard-read' stays denied, which also
 *   refuses OSC 52 clipboard reads from terminal output (reference/performance-and-safety.md).
 * - 'notifications' is NOT allowed: desktop alerts will come from the main process through
 *   Electron's Notification API, which needs no renderer permission.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function isPermissionAllowed(
  appOrigin: AppOrigin,
  permission: string,
  requestingUrl: string | undefined,
  isMainFrame: boolean,
): boolean {
  return (
    ALLOWED_PERMISSIONS.has(permission) && isMainFrame && !!requestingUrl && appOrigin.isAppUrl(requestingUrl)
  );
}

/** CSP on every response, and permission requests and checks denied by default. */
export function installSessionSecurity(ses: Session, options: { appOrigin: AppOrigin; log: Logger }): void {
  const { appOrigin, log } = options;
  const csp = contentSecurityPolicy(appOrigin.devOrigin);
  // Electron docs list the CSP header as the preferred delivery. Older Electron releases did
  // not run webRequest for file:// (electron/electron#23485), so the renderer's index.html
  // should carry the same policy in a <meta> tag as well.
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === 'content-security-policy') delete headers[key];
    }
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [csp] } });
  });
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const allowed = isPermissionAllowed(appOrigin, permission, details.requestingUrl, details.isMainFrame);
    if (!allowed)
      log.warn('permission request denied', { permission, origin: describeOrigin(details.requestingUrl) });
    callback(allowed);
  });
  ses.setPermissionCheckHandler((_contents, permission, _requestingOrigin, details) =>
    isPermissionAllowed(appOrigin, permission, details.requestingUrl, details.isMainFrame),
  );
}

/** The URL to hand to the OS browser, or null (the shared http/https rule). */
export const externalUrl = safeExternalUrl;

/** Opens a link in the user's browser if `externalUrl` accepts it; returns whether it did. */
export function openExternalSafely(raw: unknown, log: Logger): boolean {
  const url = externalUrl(raw);
  if (url === null) {
    log.warn('refused to open a link externally', {
      url: describeOrigin(typeof raw === 'string' ? raw : null),
    });
    return false;
  }
  shell.openExternal(url).catch((error: unknown) => {
    log.warn('could not open a link in the browser', { url: describeOrigin(url), error: String(error) });
  });
  return true;
}

/**
 * Applied to every WebContents the app creates (app 'web-contents-created'): no new windows
 * (links go to the OS browser), no navigation away from our own page, no <webview>.
 */
export function hardenWebContents(
  contents: WebContents,
  options: { appOrigin: AppOrigin; log: Logger },
): void {
  const { appOrigin, log } = options;
  contents.setWindowOpenHandler((details) => {
    openExternalSafely(details.url, log);
    return { action: 'deny' };
  });
  const guard = (event: Electron.Event, url: string, kind: string) => {
    if (appOrigin.isAppUrl(url)) return;
    event.preventDefault();
    log.warn(`${kind} denied`, { origin: describeOrigin(url) });
  };
  contents.on('will-navigate', (event) => guard(event, event.url, 'navigation'));
  contents.on('will-redirect', (event) => guard(event, event.url, 'redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('webview denied', {});
  });
}
