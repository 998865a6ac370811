// Terminal output throughput (issue 5): `cat` of a 100 MB file through the whole pipeline.
//
// value:    MB/s from the Enter that runs `cat FILE; echo DONE-$((40+2))` to the moment xterm in
//           Chromium has parsed the line `DONE-42`: PTY -> core batching and flow control ->
//           WebSocket -> TerminalPane -> xterm.write, acknowledged as it goes. Both instants are
//           taken in the page (keydown capture, onWriteParsed), on one clock.
// baseline: MB/s of @xterm/headless parsing the same bytes in this Node process (the PTY's
//           \n -> \r\n applied, same grid and scrollback), fed with back-pressure so its 50 MB
//           write buffer never discards. Goal: ratio >= 0.7.
// Second figure: growth of the console process's resident memory (/proc VmRSS, sampled every
//           100 ms) from just before the run to its peak during it, in MB. baseline: the goal,
//           100 MB; goal ratio < 1 (Freelens #1655: a pipeline without back-pressure buffers it all).
// FLEETDECK_BENCH_TERMINAL_MB sets the file size (default 100).
/* global document, window -- page.evaluate bodies run in Chromium */
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import headless from '@xterm/headless';
import { launchChromium } from './lib/chromium.mjs';
import { ensureBuilt } from './lib/processes.mjs';
import { figure, openTerminalPage, rssBytes } from './lib/terminal-page.mjs';

const MB = 1024 * 1024;
const SIZE_MB = Number(process.env.FLEETDECK_BENCH_TERMINAL_MB ?? 100);
const RSS_GOAL_MB = 100;
const log = (...args) => console.error('[terminal-throughput]', ...args);

/** Text like a log or `kubectl describe`: printable ASCII lines of varying length, deterministic. */
function writeSample(path, bytes) {
  writeFileSync(path, '');
  const alphabet = 'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 -_=:/.,';
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  let written = 0;
  let n = 0;
  while (written < bytes) {
    const lines = [];
    let block = 0;
    while (block < MB && written + block < bytes) {
      const length = 20 + (next() % 100);
      let line = `${String(n++).padStart(8, '0')} `;
      for (let i = 0; i < length; i++) line += alphabet[next() % alphabet.length];
      line += '\n';
      lines.push(line);
      block += line.length;
    }
    appendFileSync(path, lines.join(''));
    written += block;
  }
  return statSync(path).size;
}

/** @xterm/headless parsing the file as the PTY delivers it; resolves with seconds. */
async function headlessSeconds(path, cols, rows) {
  const term = new headless.Terminal({ cols, rows, scrollback: 10_000, allowProposedApi: true });
  const started = performance.now();
  let pending = 0;
  let wake = null;
  await new Promise((done, fail) => {
    const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: MB });
    stream.on('data', (chunk) => {
      pending += 1;
      term.write(chunk.replace(/\n/g, '\r\n'), () => {
        pending -= 1;
        if (pending < 8 && stream.isPaused()) stream.resume();
        if (pending === 0 && wake) wake();
      });
      if (pending >= 8) stream.pause();
    });
    stream.on('error', fail);
    stream.on('end', () => {
      if (pending === 0) done();
      else wake = done;
    });
  });
  const seconds = (performance.now() - started) / 1000;
  term.dispose();
  return seconds;
}

async function main() {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-cat-'));
  const file = join(dir, 'sample.txt');
  const bytes = writeSample(file, SIZE_MB * MB);
  const browser = await launchChromium();
  let terminal;
  try {
    terminal = await openTerminalPage(browser);
    const { page } = terminal;
    const grid = await page.evaluate(() => {
      const term = document.querySelector('[data-testid=terminal-host]').xterm;
      window.__bench = { t0: 0, t1: 0 };
      window.addEventListener(
        'keydown',
        (e) => {
          if (e.key === 'Enter' && !window.__bench.t0) window.__bench.t0 = performance.now();
        },
        true,
      );
      const sub = term.onWriteParsed(() => {
        const b = term.buffer.active;
        const last = b.baseY + b.cursorY;
        for (let y = Math.max(0, last - 3); y <= last; y++) {
          if (b.getLine(y)?.translateToString(true) === 'DONE-42') {
            window.__bench.t1 = performance.now();
            sub.dispose();
            return;
          }
        }
      });
      return { cols: term.cols, rows: term.rows };
    });
    await page.keyboard.type(`cat ${file}; echo DONE-$((40+2))`);

    const rssBefore = rssBytes(terminal.pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      try {
        rssPeak = Math.max(rssPeak, rssBytes(terminal.pid));
      } catch {
        /* the process is gone: the run fails below */
      }
    }, 100);
    await page.keyboard.press('Enter');
    const { t0, t1 } = await (
      await page.waitForFunction(() => (window.__bench.t1 ? window.__bench : null), null, {
        timeout: 15 * 60_000,
        polling: 250,
      })
    ).jsonValue();
    clearInterval(sampler);
    const rssAfter = rssBytes(terminal.pid);
    const seconds = (t1 - t0) / 1000;
    const browserMBs = bytes / MB / seconds;

    const headlessS = await headlessSeconds(file, grid.cols, grid.rows);
    const headlessMBs = bytes / MB / headlessS;
    figure('terminal-throughput', browserMBs, 'MB/s', headlessMBs);
    const growthMB = (rssPeak - rssBefore) / MB;
    figure('terminal-throughput-console-rss-growth', Math.max(0, growthMB), 'MB', RSS_GOAL_MB);
    log(
      `${(bytes / MB).toFixed(1)} MB in ${seconds.toFixed(2)} s in Chromium (${grid.cols}x${grid.rows}, ` +
        `renderer ${await page.getAttribute('.terminal-pane', 'data-renderer')}); headless ${headlessS.toFixed(2)} s; ` +
        `console RSS before ${(rssBefore / MB).toFixed(0)} MB, peak ${(rssPeak / MB).toFixed(0)} MB, after ${(rssAfter / MB).toFixed(0)} MB`,
    );
  } finally {
    await terminal?.close();
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`terminal-throughput bench failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
