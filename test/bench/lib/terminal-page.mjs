/* global document, window -- page.evaluate bodies run in Chromium */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnAndWait, stop } from './processes.mjs';

/**
 * The terminal benches' common setup: the built console (no demo fleet, so nothing else keeps
 * it busy) on a fresh data directory, a page on `#/terminal` with one new shell attached and
 * its prompt on screen. The xterm instance is reached through the pane's host element, as the
 * e2e tests do.
 */
export async function openTerminalPage(browser) {
  const dataDir = mkdtempSync(join(tmpdir(), 'fleetdeck-bench-terminal-'));
  const started = await spawnAndWait(
    ['out/main/console.js', '--port', '0', '--no-open', '--no-demo', '--data-dir', dataDir],
    /^Fleetdeck console: (\S+)$/m,
  );
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(started.url);
  await page.waitForSelector('[data-testid=status-bar][data-ready=true]', { timeout: 30_000 });
  await page.evaluate(() => (window.location.hash = '#/terminal'));
  await page.click('[data-testid=terminal-empty-new]');
  await page.waitForSelector('.terminal-pane[data-state=live]', { state: 'attached', timeout: 30_000 });
  const prompt = await (
    await page.waitForFunction(
      () => {
        const term = document.querySelector('[data-testid=terminal-host]')?.xterm;
        if (!term) return null;
        const b = term.buffer.active;
        const line = b.getLine(b.baseY + b.cursorY)?.translateToString(true) ?? '';
        return line.trim() === '' ? null : line.trimEnd();
      },
      null,
      { timeout: 30_000 },
    )
  ).jsonValue();
  await page.click('[data-testid=terminal-host]');
  return {
    page,
    prompt,
    pid: started.child.pid,
    async close() {
      await context.close();
      await stop(started.child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resident memory of a process in bytes, from /proc (Linux, where the benches run). */
export function rssBytes(pid) {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export const figure = (bench, value, unit, baseline) =>
  process.stdout.write(
    `${JSON.stringify({
      bench,
      value: Number(value.toFixed(2)),
      unit,
      baseline: Number(baseline.toFixed(2)),
      ratio: Number((value / baseline).toFixed(3)),
    })}\n`,
  );
