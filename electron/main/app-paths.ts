import { join } from 'node:path';

/** Where the built app lives, relative to `app.getAppPath()` (the repo root in development, app.asar when packaged). */
export interface AppPaths {
  readonly appRoot: string;
  /** The sandboxed preload; electron-vite builds it as one CommonJS file. */
  readonly preload: string;
  /** Every file the renderer may load from file:// lives under this folder. */
  readonly rendererDir: string;
  readonly rendererIndex: string;
  /** resources/ (price tables, demo fleet, icons): inside app.asar when packaged. */
  readonly resources: string;
  readonly icon: string;
}

export function appPaths(appRoot: string): AppPaths {
  const rendererDir = join(appRoot, 'out', 'renderer');
  return {
    appRoot,
    preload: join(appRoot, 'out', 'preload', 'index.cjs'),
    rendererDir,
    rendererIndex: join(rendererDir, 'index.html'),
    resources: join(appRoot, 'resources'),
    icon: join(appRoot, 'resources', 'icons', 'icon.png'),
  };
}

/**
 * The Vite dev server electron-vite started (`ELECTRON_RENDERER_URL`), honoured only in an
 * unpackaged app and only for an http(s) loopback URL: a packaged build always loads its own
 * files, whatever the environment says.
 */
export function devServerUrl(isPackaged: boolean, env: NodeJS.ProcessEnv): string | null {
  const raw = env.ELECTRON_RENDERER_URL;
  if (isPackaged || !raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (!['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return null;
  return url.href;
}
