#!/usr/bin/env node
// `npm test`: everything CI checks, in the order that fails fastest.
// typecheck (node + web) -> lint (ESLint + Prettier) -> build (electron-vite) -> vitest
// (unit, integration with real Prometheus/kubectl, e2e in Chromium). Extra args go to vitest.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// Electron is an optional dependency so that an offline `npm install` never fails; but when its
// binary download fails npm removes the package, and with it the types the desktop host is
// checked against. Say so in one line instead of failing later in the type check.
if (!existsSync(new URL('../node_modules/electron/package.json', import.meta.url))) {
  console.error(
    'npm test: the electron package is not installed (an offline `npm install` drops it when its binary cannot be downloaded). ' +
      'Run `ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install` to install it without the binary, then `npm test` again.',
  );
  process.exit(1);
}

const steps = [
  ['typecheck', 'npm', ['run', '-s', 'typecheck']],
  ['lint', 'npm', ['run', '-s', 'lint']],
  ['build', 'npm', ['run', '-s', 'build']],
  ['vitest', 'npx', ['vitest', 'run', ...process.argv.slice(2)]],
];

for (const [name, cmd, args] of steps) {
  const started = Date.now();
  process.stdout.write(`\n== ${name}\n`);
  const result = spawnSync(cmd, args, { stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`\nnpm test: ${name} failed after ${seconds}s (exit ${result.status ?? result.signal}).`);
    process.exit(result.status || 1);
  }
  process.stdout.write(`== ${name} ok (${seconds}s)\n`);
}
