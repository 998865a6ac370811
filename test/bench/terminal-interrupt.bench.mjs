// Ctrl-C under a flood (issue 5; the xterm.js flow-control test): `yes` fills the terminal,
// then Ctrl-C, and the time until the shell's prompt is back on screen.
//
// value:    median over RUNS (default 10, after one unmeasured warm-up) of the time from the
//           Ctrl-C keydown in the page to the first parse after which the cursor's line is the
//           prompt again; both instants are taken in the page (keydown capture, onWriteParsed).
//           Each run lets `yes` flood until xterm has parsed FLOOD_MB, so the pipeline is full
//           (core paused on its high watermark) when the key is pressed.
// baseline: the goal, 250 ms; goal ratio < 1. Every run's time goes to stderr.
/* global document, window -- page.evaluate bodies run in Chromium */
import { launchChromium } from './lib/chromium.mjs';
import { ensureBuilt } from './lib/processes.mjs';
import { figure, median, openTerminalPage } from './lib/terminal-page.mjs';

const RUNS = Number(process.env.FLEETDECK_BENCH_RUNS ?? 10);
const FLOOD_MB = 2;
const GOAL_MS = 250;
const log = (...args) => console.error('[terminal-interrupt]', ...args);

async function interruptOnce(page, prompt) {
  // Count what xterm is given from here on, to know when the flood is in full swing.
  await page.evaluate(() => {
    const term = document.querySelector('[data-testid=terminal-host]').xterm;
    window.__flood = 0;
    if (!term.__counted) {
      const write = term.write.bind(term);
      term.write = (data, done) => {
        window.__flood += data.length;
        return write(data, done);
      };
      term.__counted = true;
    }
  });
  await page.keyboard.type('yes');
  await page.keyboard.press('Enter');
  await page.waitForFunction((chars) => window.__flood >= chars, FLOOD_MB * 1024 * 1024, {
    timeout: 120_000,
    polling: 50,
  });
  await page.evaluate((expected) => {
    const term = document.querySelector('[data-testid=terminal-host]').xterm;
    const state = { t0: 0, t1: 0 };
    window.__interrupt = state;
    const onKey = (e) => {
      if (e.ctrlKey && e.key.toLowerCase() === 'c' && !state.t0) state.t0 = performance.now();
    };
    window.addEventListener('keydown', onKey, true);
    const sub = term.onWriteParsed(() => {
      if (!state.t0) return;
      const b = term.buffer.active;
      const line =
        b
          .getLine(b.baseY + b.cursorY)
          ?.translateToString(true)
          .trimEnd() ?? '';
      if (line !== expected) return;
      state.t1 = performance.now();
      sub.dispose();
      window.removeEventListener('keydown', onKey, true);
    });
  }, prompt);
  await page.keyboard.press('Control+C');
  const { t0, t1 } = await (
    await page.waitForFunction(() => (window.__interrupt.t1 ? window.__interrupt : null), null, {
      timeout: 60_000,
      polling: 50,
    })
  ).jsonValue();
  return t1 - t0;
}

async function main() {
  ensureBuilt();
  const browser = await launchChromium();
  let terminal;
  try {
    terminal = await openTerminalPage(browser);
    const { page, prompt } = terminal;
    await interruptOnce(page, prompt);
    const times = [];
    for (let i = 0; i < RUNS; i++) times.push(await interruptOnce(page, prompt));
    figure('terminal-interrupt', median(times), 'ms', GOAL_MS);
    log(`runs (ms): ${times.map((t) => t.toFixed(0)).join(' ')}; prompt "${prompt}"`);
  } finally {
    await terminal?.close();
    await browser.close();
  }
}

main().catch((error) => {
  process.stderr.write(`terminal-interrupt bench failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
