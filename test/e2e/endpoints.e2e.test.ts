import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Endpoint } from '../../src/shared/contract/index';
import { openBrowser, screenshot } from './support/chromium';
import { ensureBuilt, startConsole, type RunningConsole } from './support/console-host';
import { until } from '../support/until';

/**
 * The Endpoints table and the endpoint detail end to end (issue 4): the built console WITH its
 * demo fleet on a fresh data directory and a free port per test, Debian's Chromium, and the same
 * commands over the API with the printed token. Nothing waits on time, only on conditions.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const listEndpoints = async (fleet: RunningConsole) =>
  (await fleet.call<{ total: number; items: Endpoint[] }>('fleet.endpoints', { limit: 20_000 })).items;

async function start() {
  const fleet = await startConsole({ demo: true });
  cleanups.push(() => fleet.dispose());
  const browser = await openBrowser({ colorScheme: 'dark' });
  cleanups.push(() => browser.close());
  const { page } = browser;
  // Tall enough that all 26 demo endpoints are rendered by the virtualiser at once.
  await page.setViewportSize({ width: 1440, height: 1300 });
  await page.goto(fleet.url);
  await page.waitForSelector('[data-testid=status-bar][data-ready=true]');
  // The demo fleet comes up a few seconds after the console, then its first metrics.
  const endpoints = await until(
    'the demo fleet with metrics',
    async () => {
      const items = await listEndpoints(fleet);
      // Most endpoints past "no metrics yet", so what is compared and shot is the live fleet.
      const known = items.filter((e) => e.health.status !== 'unknown').length;
      return items.length > 0 && known >= items.length / 2 ? items : null;
    },
    60_000,
  );
  return { fleet, browser, page, endpoints };
}

const go = (page: Page, hash: string) => page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
const currentHash = (page: Page) => page.evaluate<string>('location.hash');
const rowsInTable = (page: Page) =>
  page.evaluate<Array<{ id: string; health: string }>>(
    "[...document.querySelectorAll('[data-testid=endpoint-row]')].map(r => ({ id: r.dataset.endpointId, health: r.dataset.health }))",
  );

describe(
  'Endpoints table and endpoint detail in Chromium (console host with the demo fleet)',
  { timeout: 240_000 },
  () => {
    beforeAll(() => ensureBuilt(), 180_000);

    it('shows every endpoint fleet.endpoints returns with matching health, sorts and filters in the URL, and keeps them on reload', async () => {
      const { fleet, page, browser } = await start();
      await go(page, '#/endpoints');
      await page.waitForSelector('[data-testid=endpoint-row]');

      // Every endpoint, with the health the API gives it (both are live: compare until they agree).
      await until('the table to match fleet.endpoints', async () => {
        const [api, dom] = await Promise.all([listEndpoints(fleet), rowsInTable(page)]);
        if (api.length !== dom.length) return false;
        const byId = new Map(dom.map((r) => [r.id, r.health]));
        return api.every((e) => byId.get(e.id) === e.health.status);
      });
      const all = await listEndpoints(fleet);
      expect((await rowsInTable(page)).map((r) => r.id).sort()).toEqual(all.map((e) => e.id).sort());
      expect(await page.locator('[data-testid=endpoints-count]').innerText()).toContain(
        `${all.length} endpoints`,
      );
      // Health in words as well as colour.
      const firstHealth = page.locator('[data-testid=endpoint-row] [data-health]').first();
      expect((await firstHealth.innerText()).trim()).toMatch(/^(OK|Warning|Critical|Unknown)/);
      await screenshot(page, 'endpoints-table');

      // Sort: click a header; aria-sort and the address follow.
      await page.locator('[data-testid=sort-latency_p95]').click();
      await until('sort in the URL', async () =>
        (await currentHash(page)).includes('sort=latency_p95&order=desc'),
      );
      expect(
        await page.locator('[role=columnheader][data-column=latency_p95]').getAttribute('aria-sort'),
      ).toBe('descending');
      await page.locator('[data-testid=sort-latency_p95]').click();
      await until('ascending sort in the URL', async () => (await currentHash(page)).includes('order=asc'));

      // Filter: free text plus a facet chip; the rows narrow and the address keeps both.
      const model = all[0]!.model;
      const region = all.find((e) => e.model === model)!.region;
      const expected = all
        .filter((e) => e.model === model && e.region === region)
        .map((e) => e.id)
        .sort();
      await page.locator('[data-testid=endpoints-filter]').fill(model);
      await page.locator(`[data-testid=facet-region][data-value="${region}"]`).click();
      await until('filtered rows', async () => {
        const ids = (await rowsInTable(page)).map((r) => r.id).sort();
        return JSON.stringify(ids) === JSON.stringify(expected);
      });
      const hash = await currentHash(page);
      expect(hash).toContain(`q=${encodeURIComponent(model).replace(/%20/g, '+')}`);
      expect(hash).toContain(`region=${region}`);

      // Deep link: a reload restores the same view with the same filter and sort.
      await page.reload();
      await page.waitForSelector('[data-testid=endpoint-row]');
      expect(await currentHash(page)).toBe(hash);
      expect(await page.locator('[data-testid=endpoints-filter]').inputValue()).toBe(model);
      expect(
        await page.locator(`[data-testid=facet-region][data-value="${region}"]`).getAttribute('aria-pressed'),
      ).toBe('true');
      expect(
        await page.locator('[role=columnheader][data-column=latency_p95]').getAttribute('aria-sort'),
      ).toBe('ascending');
      await until('the same rows after reload', async () => {
        const ids = (await rowsInTable(page)).map((r) => r.id).sort();
        return JSON.stringify(ids) === JSON.stringify(expected);
      });

      // A zero-match filter says so, and clearing brings every row back.
      await page.locator('[data-testid=endpoints-filter]').fill('no-such-endpoint-xyz');
      await page.waitForSelector('[data-testid=endpoints-no-match]');
      await page.locator('[data-testid=endpoints-no-match] button').click();
      await until('all rows again', async () => (await rowsInTable(page)).length === all.length);

      // Group by model: collapsible group rows with aggregates, also in the URL.
      await page.locator('[data-testid=endpoints-group]').selectOption('model');
      await until('group in the URL', async () => (await currentHash(page)).includes('group=model'));
      const models = new Set(all.map((e) => e.model));
      await until(
        'one group row per model',
        async () => (await page.locator('[data-testid=group-row]').count()) === models.size,
      );
      await screenshot(page, 'endpoints-grouped');
      const firstGroup = page.locator('[data-testid=group-row]').first();
      const groupModel = (await firstGroup.getAttribute('data-group'))!;
      await firstGroup.click();
      expect(await firstGroup.getAttribute('aria-expanded')).toBe('false');
      await until(
        'the collapsed group to hide its rows',
        async () =>
          (await rowsInTable(page)).length === all.length - all.filter((e) => e.model === groupModel).length,
      );

      // Keyboard: `/` focuses the filter; arrows move the selection; Enter opens the detail.
      await page.locator('[data-testid=endpoints-group]').selectOption('none');
      await page.locator('h1').click();
      await page.keyboard.press('/');
      await until('filter focused', async () =>
        page.evaluate<boolean>("document.activeElement?.getAttribute('data-testid') === 'endpoints-filter'"),
      );
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('End');
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowDown');
      const selected = await page
        .locator('[data-testid=endpoint-row][aria-selected=true]')
        .getAttribute('data-endpoint-id');
      expect(selected).toBeTruthy();
      await page.keyboard.press('Enter');
      await page.waitForSelector(`[data-testid=view-endpoint-detail][data-endpoint-id="${selected}"]`);

      expect(browser.problems).toEqual([]);
    });

    it('turns an endpoint critical on an error burst, in the table and on its detail chart, and back to ok after it', async () => {
      const { fleet, page, browser } = await start();
      // An endpoint with traffic (errors need requests) and healthy now.
      const target = await until('a healthy endpoint with traffic', async () =>
        (await listEndpoints(fleet)).find(
          (e) =>
            e.health.status === 'ok' && (e.metrics.request_rate?.value ?? 0) > 0.5 && e.replicas.ready > 0,
        ),
      );
      const slo = await fleet.call<{ errorRateCrit: number }>('slos.set', {
        model: target.model,
        slo: { forSeconds: 3 },
      });

      // Its detail page, before the fault: pods, events and a live error-rate chart.
      await go(page, `#/endpoints/${encodeURIComponent(target.id)}`);
      await page.waitForSelector('[data-testid=view-endpoint-detail]');
      await page.waitForSelector('[data-testid=pod-row]');
      await page.waitForSelector('[data-testid=events-list]');
      const errorChart = '[data-testid=chart-error-rate]';
      await page.waitForSelector(`${errorChart}[data-points]:not([data-points="0"])`);
      const before = Number(await page.locator(errorChart).getAttribute('data-last-value'));
      expect(before).toBeLessThan(slo.errorRateCrit);

      await fleet.call('demo.fault', { kind: 'error_burst', target: target.id, durationS: 45 });

      // The chart's newest point rises past the critical line; the title says Critical.
      // (Read through the attribute: the page's CSP forbids evaluating strings.)
      const rising = await until(
        'the error-rate chart to rise past critical',
        async () => {
          const v = Number(await page.locator(errorChart).getAttribute('data-last-value'));
          return v > slo.errorRateCrit ? v : null;
        },
        60_000,
      );
      expect(rising).toBeGreaterThan(before);
      await page.waitForSelector('[data-testid=detail-health][data-health=critical]', { timeout: 60_000 });
      await page.locator('[data-testid=range-15m]').click();
      await until('the range in the URL', async () => (await currentHash(page)).endsWith('?range=15m'));
      await page.waitForSelector(`${errorChart}[data-points]:not([data-points="0"])`);
      await screenshot(page, 'endpoint-detail');

      // The table agrees.
      await go(page, '#/endpoints?health=critical');
      await page.waitForSelector(
        `[data-testid=endpoint-row][data-endpoint-id="${target.id}"][data-health=critical]`,
      );
      // ... and recovers after the fault ends.
      await go(page, '#/endpoints');
      await page.waitForSelector(
        `[data-testid=endpoint-row][data-endpoint-id="${target.id}"][data-health=ok]`,
        {
          timeout: 150_000,
        },
      );
      expect(browser.problems).toEqual([]);
    });

    it('shows a clear not-found for an unknown endpoint id, with a way back', async () => {
      const { page } = await start();
      await go(page, '#/endpoints/no-such-cluster%3Ans%3Anope');
      await page.waitForSelector('[data-testid=endpoint-not-found]');
      await page.locator('[data-testid=endpoint-not-found-back]').click();
      await page.waitForSelector('[data-testid=view-endpoints]');
    });
  },
);
