// The bench baseline: a plain node:http static file server, nothing else. Run as a process
// (`node static-server.mjs DIR`) so its spawn costs the same Node start-up as the console's; it
// prints `Static server: http://127.0.0.1:PORT/` once listening.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

export function serveStatic(rootDir) {
  const root = resolve(rootDir);
  return createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = resolve(root, path === '/' ? 'index.html' : `.${path}`);
    let size = -1;
    try {
      if (file.startsWith(root + sep) && req.method === 'GET') size = statSync(file).size;
    } catch {
      /* 404 below */
    }
    if (size < 0) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not found\n');
      return;
    }
    res.writeHead(200, {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'content-length': size,
    });
    createReadStream(file).pipe(res);
  });
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const server = serveStatic(process.argv[2] ?? '.');
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`Static server: http://127.0.0.1:${server.address().port}/\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
  server.on('close', () => process.exit(0));
}
