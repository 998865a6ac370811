import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What counts as "our own page": the packaged renderer loaded from file:// inside
 * out/renderer, or (development only) the electron-vite dev server's origin. Used for IPC
 * sender checks, navigation guards and permission checks, so they all agree.
 */
export interface AppOrigin {
  isAppUrl(url: string): boolean;
  /** The dev server origin, or null when the renderer is loaded from files. */
  readonly devOrigin: string | null;
}

export function createAppOrigin(options: { rendererDir: string; devServerUrl?: string | null }): AppOrigin {
  const rendererDir = resolve(options.rendererDir);
  const devOrigin = options.devServerUrl ? new URL(options.devServerUrl).origin : null;
  return {
    devOrigin,
    isAppUrl(raw) {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return false;
      }
      if (url.protocol === 'file:') {
        // file://host/... is a network share on Windows, never our bundle.
        if (url.host !== '') return false;
        let path: string;
        try {
          // Decodes %-escapes and refuses encoded separators; resolve() folds any "..".
          path = resolve(fileURLToPath(url));
        } catch {
          return false;
        }
        const rel = relative(rendererDir, path);
        return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
      }
      return devOrigin !== null && url.origin === devOrigin;
    },
  };
}

/** A short, log-safe description of where a URL points (no query string or fragment). */
export function describeOrigin(raw: string | undefined | null): string {
  if (!raw) return '(none)';
  try {
    const url = new URL(raw);
    return url.protocol === 'file:' ? `file://${url.host}${url.pathname}` : url.origin;
  } catch {
    return '(unparseable URL)';
  }
}
