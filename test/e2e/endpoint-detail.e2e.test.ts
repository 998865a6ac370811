import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Endpoint } from '../../src/shared/contract/index';
import { openBrowser, screenshot } from './support/chromium';
import { ensureBuilt, startConsole, type RunningConsole } from './support/console-host';
import { until } from '../support/until';

/**
 * The endpoint detail's live charts (issue 4): live updating pauses while the person hovers or
 * zooms and catches up when they leave or resume; other versions of the model overlay the
 * latency chart. Against the built console with its demo fleet, in Debian's Chromium.
 */

const LIVE_POLL_MS = 5_000;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const latency = '[data-testid=chart-latency]';
const attr = async (page: Page, name: string) => Number(await page.locator(latency).getAttribute(name));

/** The newest latency_p95 point the core holds for an endpoint. */
async function newestPointAt(fleet: RunningConsole, id: string) {
  const to = Date.now();
  const result = await fleet.call<{ series: Array<{ points: Array<[number, number]> }> }>('metrics.series', {
    endpointIds: [id],
    metric: 'latency_p95',
    from: to - 15 * 60_000,
    to,
    maxPoints: 2000,
  });
  return result.series[0]?.points.at(-1)?.[0] ?? 0;
}

describe('Endpoint detail live charts in Chromium (demo fleet)', { timeout: 240_000 }, () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('pauses live updates while hovering or zoomed, catches up after, and overlays other versions', async () => {
    const fleet = await startConsole({ demo: true });
    cleanups.push(() => fleet.dispose());
    const browser = await openBrowser({ colorScheme: 'light' });
    cleanups.push(() => browser.close());
    const { page } = browser;
    await page.setViewportSize({ width: 1440, height: 1100 });

    // An endpoint with traffic whose deployment group has another live version in its cluster.
    const target = await until(
      'a demo endpoint with traffic and a sibling version',
      async () => {
        const { items } = await fleet.call<{ items: Endpoint[] }>('fleet.endpoints', { limit: 1000 });
        return items.find(
          (e) =>
            (e.metrics.latency_p95?.value ?? 0) > 0 &&
            e.group !== null &&
            items.some(
              (o) =>
                o.id !== e.id &&
                o.group === e.group &&
                o.cluster === e.cluster &&
                (o.metrics.latency_p95?.value ?? 0) > 0,
            ),
        );
      },
      90_000,
    );
    await page.goto(fleet.url);
    await page.waitForSelector('[data-testid=status-bar][data-ready=true]');
    await page.evaluate(`location.hash = ${JSON.stringify(`#/endpoints/${encodeURIComponent(target.id)}`)}`);
    await page.waitForSelector(`${latency}[data-points]:not([data-points="0"])`);
    await page.waitForSelector('[data-testid=live-state][data-paused=false]');

    // Versions overlaid: more series on the latency chart, one per sibling version.
    const alone = await attr(page, 'data-series');
    await page.locator('[data-testid=compare-versions]').check();
    const overlaid = await until('sibling versions on the latency chart', async () => {
      const n = await attr(page, 'data-series');
      return n > alone ? n : null;
    });
    expect(overlaid).toBeGreaterThan(alone);

    // Hovering pauses: no loads while the core gathers two poll periods of newer data.
    const box = (await page.locator(latency).boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForSelector('[data-testid=live-state][data-paused=true]');
    expect(await page.locator('[data-testid=live-state]').innerText()).toContain('hovering');
    const loadsPaused = await attr(page, 'data-loads');
    const lastAtPaused = await attr(page, 'data-last-at');
    await until(
      'newer data in the core while the chart is paused',
      async () => (await newestPointAt(fleet, target.id)) > lastAtPaused + 2 * LIVE_POLL_MS,
      90_000,
      1000,
    );
    expect(await attr(page, 'data-loads')).toBe(loadsPaused);
    expect(await attr(page, 'data-last-at')).toBe(lastAtPaused);

    // Leaving resumes at once and catches up.
    await page.mouse.move(5, 5);
    await page.waitForSelector('[data-testid=live-state][data-paused=false]');
    await until('the chart to catch up', async () => (await attr(page, 'data-last-at')) > lastAtPaused);

    // Zooming (mouse wheel inside the chart) pauses until the person resumes, even after the mouse leaves.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -300);
    await page.mouse.move(5, 5);
    await page.waitForSelector('[data-testid=live-state][data-paused=true]');
    expect(await page.locator('[data-testid=live-state]').innerText()).toContain('zoomed');
    await screenshot(page, 'endpoint-detail-zoomed');
    const loadsZoomed = await attr(page, 'data-loads');
    await page.locator('[data-testid=live-resume]').click();
    await page.waitForSelector('[data-testid=live-state][data-paused=false]');
    await until('a load after resuming', async () => (await attr(page, 'data-loads')) > loadsZoomed);
    expect(browser.problems).toEqual([]);
  });
});
