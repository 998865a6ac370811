#!/usr/bin/env node
// `npm run bench [-- FILTER]`: runs every test/bench/*.bench.mjs (names containing FILTER, if
// given) one after another and passes their JSON lines through to stdout, one per figure:
//   {"bench": name, "value": v, "unit": u, "baseline": b, "ratio": v/b}
// A bench's other output goes to stderr. Exits non-zero if any bench fails or prints no figure.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const benchDir = join(root, 'test/bench');
const filter = process.argv[2] ?? '';
const files = readdirSync(benchDir)
  .filter((name) => name.endsWith('.bench.mjs') && name.includes(filter))
  .sort();

if (files.length === 0) {
  console.error(`bench: no test/bench/*.bench.mjs${filter ? ` matching "${filter}"` : ''}`);
  process.exit(1);
}

const isFigure = (value) =>
  value !== null &&
  typeof value === 'object' &&
  typeof value.bench === 'string' &&
  typeof value.value === 'number' &&
  typeof value.unit === 'string' &&
  typeof value.baseline === 'number' &&
  typeof value.ratio === 'number';

function run(file) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(benchDir, file)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let figures = 0;
    let buffered = '';
    const forward = (line) => {
      if (!line.trim()) return;
      let parsed = null;
      try {
        parsed = JSON.parse(line);
      } catch {
        /* not a figure */
      }
      if (isFigure(parsed)) {
        figures += 1;
        process.stdout.write(`${line.trim()}\n`);
      } else {
        process.stderr.write(`bench ${file}: not a figure line: ${line}\n`);
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      lines.forEach(forward);
    });
    child.on('close', (code, signal) => {
      forward(buffered);
      const ok = code === 0 && figures > 0;
      if (!ok) process.stderr.write(`bench ${file}: failed (exit ${code ?? signal}, ${figures} figures)\n`);
      done(ok);
    });
  });
}

let failed = 0;
for (const file of files) if (!(await run(file))) failed += 1;
process.exit(failed ? 1 : 0);
