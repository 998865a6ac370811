import { createReadStream, existsSync, realpathSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { sendPage, sendText } from './http-responses';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(file: string): string {
  return contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticResult = 'served' | 'traversal' | 'bad-path' | 'not-found' | 'method' | 'not-built';

/**
 * Serves the built renderer (out/renderer). These files hold no fleet data, so they need no
 * token; every byte of data comes through the token-checked API. Paths are resolved and must stay
 * inside the root, symlinks included.
 */
export class StaticFiles {
  private readonly root: string;

  constructor(rootDir: string) {
    this.root = resolve(rootDir);
  }

  get built(): boolean {
    return existsSync(resolve(this.root, 'index.html'));
  }

  serve(
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
    headers: Record<string, string>,
  ): StaticResult {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'Only GET and HEAD are allowed for files.\n', { ...headers, Allow: 'GET, HEAD' });
      return 'method';
    }

    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      sendText(res, 400, 'Malformed path.\n', headers);
      return 'bad-path';
    }
    // NUL ends paths in C; a backslash is a separator on Windows: neither belongs in a bundle URL.
    if (decoded.includes('\0') || decoded.includes('\\')) {
      sendText(res, 400, 'Malformed path.\n', headers);
      return 'bad-path';
    }

    const relative = decoded === '/' ? 'index.html' : decoded.replace(/^[/\\]+/, '');
    const file = resolve(this.root, relative);
    if (!this.inside(file)) {
      sendText(res, 403, 'Forbidden: that path is outside the console files.\n', headers);
      return 'traversal';
    }

    if (relative === 'index.html' && !this.built) {
      sendPage(
        res,
        503,
        'Fleetdeck console is not built',
        'The browser console has no user interface to serve yet. Run <code>npm run build</code> (or start it with <code>npm run console</code>, which builds first), then reload this page.',
        headers,
      );
      return 'not-built';
    }

    let size: number;
    try {
      const stat = statSync(file);
      // A symlink inside the root may still point outside it.
      if (!stat.isFile() || !this.inside(realpathSync(file), realpathSync(this.root)))
        throw new Error('not a file');
      size = stat.size;
    } catch {
      sendText(res, 404, 'Not found.\n', headers);
      return 'not-found';
    }

    res.writeHead(200, {
      ...headers,
      'Content-Type': contentTypeFor(file),
      'Content-Length': String(size),
      // index.html names the hashed bundles of the current build: never serve a stale one.
      'Cache-Control': relative === 'index.html' ? 'no-store' : 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return 'served';
    }
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
    return 'served';
  }

  private inside(file: string, root: string = this.root): boolean {
    return file.startsWith(root + sep) && file.length > root.length + 1;
  }
}
