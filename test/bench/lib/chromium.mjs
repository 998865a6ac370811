import { chromium } from 'playwright-core';

/** Debian's Chromium; benches never download a browser. */
export const CHROMIUM = process.env.FLEETDECK_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** One browser for the whole bench (Playwright gives it a fresh temporary --user-data-dir). */
export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** The first-contentful-paint entry of the page, in ms since its navigation started. */
export async function firstContentfulPaint(page) {
  const handle = await page.waitForFunction(
    () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    null,
    { timeout: 30_000 },
  );
  return handle.jsonValue();
}
