import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Endpoint, FleetSummary, HealthStatus } from '../../src/shared/contract/index';
import { openBrowser, screenshot, type BrowserSession } from './support/chromium';
import { ensureBuilt, startConsole, type RunningConsole } from './support/console-host';

/**
 * The Fleet view and the command palette end to end (issue 4): the built console WITH its demo
 * fleet on a fresh data directory and a free port per test, Debian's Chromium, and the API over
 * HTTP with the printed token to compare against. No sleeps: every wait is on a condition.
 */

/** Retries `check` until it stops throwing (the UI redraws at most once a second). */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((done) => setTimeout(done, 250));
    }
  }
}

type Counts = Record<HealthStatus, number> & { total: number };
const countHealth = (list: Endpoint[]): Counts => {
  const c: Counts = { ok: 0, warning: 0, critical: 0, unknown: 0, total: 0 };
  for (const e of list) {
    c[e.health.status] += 1;
    c.total += 1;
  }
  return c;
};

const allEndpoints = async (fleet: RunningConsole) =>
  (await fleet.call<{ items: Endpoint[] }>('fleet.endpoints', { limit: 20_000 })).items;

/** Per region as the map's region list shows it (data-* on each row). */
const mapRegions = (page: Page) =>
  page.$$eval('[data-testid=fleet-region]', (rows) =>
    Object.fromEntries(
      rows.map((row) => {
        const n = (name: string) => Number(row.getAttribute(`data-${name}`));
        return [
          row.getAttribute('data-region') ?? '',
          {
            ok: n('ok'),
            warning: n('warning'),
            critical: n('critical'),
            unknown: n('unknown'),
            total: n('total'),
          },
        ];
      }),
    ),
  );

/** Every data-* attribute of one element, by its name without `data-`. */
const dataOf = (page: Page, testId: string): Promise<Record<string, string>> =>
  page.$eval(`[data-testid=${testId}]`, (el) =>
    Object.fromEntries(
      el
        .getAttributeNames()
        .filter((name: string) => name.startsWith('data-'))
        .map((name: string) => [name.slice(5), el.getAttribute(name) ?? '']),
    ),
  );

/** Waits until demo endpoints report health (not just inventory) so comparisons are meaningful. */
async function waitForLiveFleet(fleet: RunningConsole): Promise<Endpoint[]> {
  return eventually(async () => {
    const list = await allEndpoints(fleet);
    if (list.length === 0 || list.some((e) => e.health.status === 'unknown'))
      throw new Error('fleet not live yet');
    return list;
  }, 60_000);
}

describe('fleet view (e2e)', () => {
  let fleet: RunningConsole | null = null;
  let browser: BrowserSession | null = null;

  beforeAll(() => ensureBuilt());
  afterEach(async () => {
    await browser?.close();
    await fleet?.dispose();
    browser = null;
    fleet = null;
  });

  it('shows every endpoint of fleet.endpoints on the map and in the topology, with matching health', async () => {
    fleet = await startConsole({ demo: true });
    browser = await openBrowser();
    const { page } = browser;
    await waitForLiveFleet(fleet);
    await page.goto(fleet.url);
    // The default route is the fleet map.
    await page.waitForSelector('[data-testid=fleet-map][data-rendered=true]', { timeout: 30_000 });
    expect(new URL(page.url()).hash).toBe('#/fleet');

    const list0Regions = [...new Set((await allEndpoints(fleet)).map((e) => e.region))];
    await eventually(async () => {
      const list = await allEndpoints(fleet!);
      const expected: Record<string, Counts> = {};
      for (const e of list) expected[e.region] ??= countHealth(list.filter((x) => x.region === e.region));
      expect(await mapRegions(page)).toEqual(expected);
      expect(Number((await dataOf(page, 'fleet-map')).endpoints)).toBe(list.length);
      const header = await dataOf(page, 'fleet-health-counts');
      const all = countHealth(list);
      expect(Number(header.total)).toBe(all.total);
      expect(Number(header.critical)).toBe(all.critical);
      expect(Number(header.ok)).toBe(all.ok);
    });
    await screenshot(page, 'fleet-map');

    // The world and the live regions are two charts on top of each other; zooming the map
    // (the upper one takes the mouse) must move the world beneath to the same view.
    const chart = page.getByTestId('fleet-map-chart');
    const area = (await chart.boundingBox())!;
    await page.mouse.move(area.x + area.width * 0.45, area.y + area.height * 0.35);
    await page.mouse.wheel(0, -400);
    await eventually(async () => {
      const view = JSON.parse((await chart.getAttribute('data-view'))!) as {
        zoom: number;
        center?: number[];
      };
      expect(view.zoom).toBeGreaterThan(1);
      expect(view.center).toHaveLength(2);
      expect(await page.getByTestId('fleet-map').getAttribute('data-world-view')).toBe(
        await chart.getAttribute('data-view'),
      );
    });
    await screenshot(page, 'fleet-map-zoomed');

    // A region's symbol, found on the regions layer's own canvas (ECharts gives each zlevel
    // one): hovering it gives the region's figures, clicking it lists its endpoints.
    const symbol = await page.$$eval('[data-testid=fleet-map-chart] canvas', (elements) => {
      /** What this needs of a canvas (the test's TypeScript has no DOM types). */
      interface Canvas {
        width: number;
        height: number;
        getContext(
          kind: '2d',
          options: { willReadFrequently: boolean },
        ): {
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        } | null;
        getBoundingClientRect(): { left: number; top: number; width: number };
      }
      for (const canvas of elements as unknown as Canvas[]) {
        const ctx = canvas.getContext('2d', { willReadFrequently: true });
        if (!ctx || canvas.width === 0) continue;
        const { width, height } = canvas;
        const { data } = ctx.getImageData(0, 0, width, height);
        // The first strongly green (health ok) pixel from the top is a symbol's top edge.
        for (let y = 0; y < height; y++)
          for (let x = 0; x < width; x++) {
            const i = (y * width + x) * 4;
            const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
            if (a > 180 && g > r + 60 && g > b + 30) {
              const box = canvas.getBoundingClientRect();
              const scale = box.width / width;
              return { x: box.left + x * scale, y: box.top + (y + 6) * scale };
            }
          }
      }
      return null;
    });
    expect(symbol).not.toBeNull();
    await page.mouse.move(symbol!.x, symbol!.y);
    await page.waitForSelector('.fleet-tip', { timeout: 10_000 });
    const tip = (await page.locator('.fleet-tip').first().innerText()).replace(/\s+/g, ' ');
    const region = list0Regions.find((r) => tip.includes(r));
    expect(region, tip).toBeDefined();
    // The region's figures, as the core summed them: its endpoints as the API lists them.
    const inRegion = (await allEndpoints(fleet)).filter((e) => e.region === region);
    expect(tip).toContain(`${inRegion.length} endpoints`);
    expect(tip).toContain('Click to list its endpoints');
    await screenshot(page, 'fleet-map-tooltip');
    await page.mouse.click(symbol!.x, symbol!.y);
    await page.waitForSelector('[data-testid=view-endpoints]');
    expect(decodeURIComponent(new URL(page.url()).hash)).toContain(`region=${region}`);
    await page.goto(`${fleet.origin}/#/fleet`);
    await page.waitForSelector('[data-testid=fleet-map][data-rendered=true]', { timeout: 30_000 });

    await page.getByTestId('fleet-tab-topology').click();
    await page.waitForSelector('[data-testid=fleet-topology][data-rendered=true]');
    expect(new URL(page.url()).hash).toBe('#/fleet?view=topology');
    await eventually(async () => {
      const list = await allEndpoints(fleet!);
      const all = countHealth(list);
      const topo = await dataOf(page, 'fleet-topology');
      expect({
        ok: Number(topo.ok),
        warning: Number(topo.warning),
        critical: Number(topo.critical),
        unknown: Number(topo.unknown),
        total: Number(topo.endpoints),
      }).toEqual(all);
      // The demo fleet is small: every endpoint is its own leaf.
      expect(Number(topo.leaves)).toBe(list.length);
      const unhealthy = list
        .filter((e) => e.health.status === 'critical' || e.health.status === 'warning')
        .map((e) => `${e.id}=${e.health.status}`)
        .sort();
      expect((topo.unhealthy ?? '').split(' ').filter(Boolean).sort()).toEqual(unhealthy);
    });
    await screenshot(page, 'fleet-topology');
    expect(browser.problems).toEqual([]);
  }, 120_000);

  it('turns an endpoint with an error burst critical on the map and in the header, then ok again', async () => {
    fleet = await startConsole({ demo: true });
    browser = await openBrowser();
    const { page } = browser;
    const list = await waitForLiveFleet(fleet);
    const target = list.find((e) => e.health.status === 'ok')!;
    expect(target).toBeDefined();
    await fleet.call('slos.set', { model: target.model, slo: { forSeconds: 3 } });
    await page.goto(fleet.url);
    await page.waitForSelector('[data-testid=fleet-map][data-rendered=true]', { timeout: 30_000 });
    const regionRow = `[data-testid=fleet-region][data-region="${target.region}"]`;
    const before = Number(await page.getAttribute(regionRow, 'data-critical'));

    await fleet.call('demo.fault', { kind: 'error_burst', target: target.id, durationS: 20 });
    // (A string predicate for waitForFunction would need 'unsafe-eval', which the CSP refuses.)
    await eventually(async () => {
      expect(Number(await page.getAttribute(regionRow, 'data-critical'))).toBeGreaterThan(before);
    }, 60_000);
    expect(await page.getAttribute(regionRow, 'data-health')).toBe('critical');
    await eventually(async () => {
      const [endpoint] = (await allEndpoints(fleet!)).filter((e) => e.id === target.id);
      expect(endpoint?.health.status).toBe('critical');
      const summary = await fleet!.call<FleetSummary>('fleet.summary', {});
      expect(Number((await dataOf(page, 'fleet-health-counts')).critical)).toBe(summary.endpoints.critical);
      expect(summary.endpoints.critical).toBeGreaterThan(0);
    });
    await screenshot(page, 'fleet-map-critical');

    // After the burst (20 s) and the health hold (3 s) it is ok again, on the map and in the header.
    await eventually(async () => {
      const [endpoint] = (await allEndpoints(fleet!)).filter((e) => e.id === target.id);
      expect(endpoint?.health.status).toBe('ok');
    }, 90_000);
    await eventually(async () => {
      const list2 = await allEndpoints(fleet!);
      const regionCounts = countHealth(list2.filter((e) => e.region === target.region));
      expect((await mapRegions(page))[target.region]).toEqual(regionCounts);
      expect(Number((await dataOf(page, 'fleet-health-counts')).critical)).toBe(countHealth(list2).critical);
    });
  }, 180_000);

  it("follows only the fleet's pulse while the map is open, every endpoint's figures while the table is", async () => {
    fleet = await startConsole({ demo: true });
    browser = await openBrowser();
    const { page } = browser;
    await waitForLiveFleet(fleet);
    // The page's events socket as Chromium sees it: what it asked for, what came, in order.
    const wire: Array<{ dir: 'in' | 'out'; text: string }> = [];
    page.on('websocket', (ws) => {
      if (!ws.url().endsWith('/api/v1/events')) return;
      ws.on(
        'framereceived',
        (f) => typeof f.payload === 'string' && wire.push({ dir: 'in', text: f.payload }),
      );
      ws.on('framesent', (f) => typeof f.payload === 'string' && wire.push({ dir: 'out', text: f.payload }));
    });
    let loads = 0;
    page.on('request', (r) => void (r.url().endsWith('/api/v1/fleet.endpoints') && (loads += 1)));
    const eventOf = (text: string) => /^\{"event":"([^"]+)"/.exec(text)?.[1] ?? '';
    /** The events named since wire entry `from`. */
    const received = (from: number) =>
      wire
        .slice(from)
        .filter((w) => w.dir === 'in')
        .map((w) => eventOf(w.text));
    const lastListen = () => {
      const sent = wire.filter((w) => w.dir === 'out' && w.text.startsWith('{"listen"')).at(-1);
      return sent ? (JSON.parse(sent.text) as { listen: string[] }).listen : null;
    };
    /** From the n-th tick after `from` on, only `event` of the two arrives (the server took the switch). */
    const onlyAfter = async (event: string, other: string) => {
      const from = wire.length;
      await eventually(() => {
        expect(received(from).filter((e) => e === event).length).toBeGreaterThanOrEqual(2);
        return Promise.resolve();
      }, 60_000);
      const settled = wire.length;
      await eventually(() => {
        expect(received(settled).filter((e) => e === event).length).toBeGreaterThanOrEqual(2);
        return Promise.resolve();
      }, 60_000);
      expect(received(settled).filter((e) => e === other)).toEqual([]);
    };

    await page.goto(fleet.url);
    await page.waitForSelector('[data-testid=fleet-map][data-rendered=true]', { timeout: 30_000 });
    expect(lastListen()).toContain('fleet.pulse');
    expect(lastListen()).not.toContain('fleet.delta');
    await onlyAfter('fleet.pulse', 'fleet.delta');
    const pulse = wire.filter((w) => eventOf(w.text) === 'fleet.pulse').at(-1)!.text;
    expect(JSON.parse(pulse).payload).not.toHaveProperty('metrics');
    // The map's regions are the pulse's summary by region, with the API's counts (first test).

    // The table shows every endpoint's figures: the window follows fleet.delta, after a fresh load
    // of the figures it skipped while on the map.
    const loadsBefore = loads;
    await page.evaluate("location.hash = '#/endpoints'");
    await page.waitForSelector('[data-testid=endpoint-row]');
    await eventually(() => {
      expect(lastListen()).toContain('fleet.delta');
      expect(lastListen()).not.toContain('fleet.pulse');
      expect(loads).toBe(loadsBefore + 1);
      return Promise.resolve();
    });
    await onlyAfter('fleet.delta', 'fleet.pulse');

    // Back on the map, the window lingers on deltas for a while (a quick look costs no reload),
    // then goes back to the pulse.
    await page.evaluate("location.hash = '#/fleet'");
    await page.waitForSelector('[data-testid=fleet-map][data-rendered=true]');
    await eventually(() => {
      expect(lastListen()).toContain('fleet.pulse');
      return Promise.resolve();
    }, 30_000);
    await onlyAfter('fleet.pulse', 'fleet.delta');
    expect(browser.problems).toEqual([]);
  }, 180_000);

  it('reloads a deep link into the same view, and the palette jumps to an endpoint', async () => {
    fleet = await startConsole({ demo: true });
    browser = await openBrowser();
    const { page } = browser;
    const list = await waitForLiveFleet(fleet);
    await page.goto(fleet.url); // exchanges the token for the session cookie
    await page.waitForSelector('[data-testid=fleet-view]');
    await page.goto(`${fleet.origin}/#/fleet?view=topology&size=spend`);
    await page.waitForSelector('[data-testid=fleet-topology][data-size=spend][data-rendered=true]');
    expect(await page.getAttribute('[data-testid=fleet-size-spend]', 'aria-checked')).toBe('true');
    await page.reload();
    await page.waitForSelector('[data-testid=fleet-topology][data-size=spend][data-rendered=true]');
    expect(new URL(page.url()).hash).toBe('#/fleet?view=topology&size=spend');

    // Keyboard only: Ctrl+K, type, arrows, Enter.
    const target = [...list].sort((a, b) => a.id.localeCompare(b.id))[0]!;
    await page.keyboard.press('Control+k');
    await page.waitForSelector('[data-testid=palette-input]');
    expect(await page.evaluate("document.activeElement?.getAttribute('data-testid')")).toBe('palette-input');
    await page.keyboard.type(target.id);
    await page.waitForSelector(`[data-testid=palette-option][data-key="endpoint:${target.id}"]`);
    await screenshot(page, 'palette');
    const keys = await page.$$eval('[data-testid=palette-option]', (rows) =>
      rows.map((r) => r.getAttribute('data-key')),
    );
    const at = keys.indexOf(`endpoint:${target.id}`);
    for (let i = 0; i < at; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await eventually(async () =>
      expect(new URL(page.url()).hash).toBe(`#/endpoints/${encodeURIComponent(target.id)}`),
    );
    expect(await page.$('[data-testid=palette]')).toBeNull();

    // Esc closes without moving.
    await page.keyboard.press('Control+k');
    await page.waitForSelector('[data-testid=palette-input]');
    await page.keyboard.type('spend');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=palette]', { state: 'detached' });
    expect(new URL(page.url()).hash).toBe(`#/endpoints/${encodeURIComponent(target.id)}`);

    // A view by name.
    await page.keyboard.press('Control+k');
    await page.keyboard.type('fleet');
    await page.waitForSelector('[data-testid=palette-option][data-key="view:Fleet"][aria-selected=true]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=fleet-view]');
    expect(new URL(page.url()).hash).toBe('#/fleet');
  }, 120_000);

  it('shows how to add a source when the fleet is empty (--no-demo)', async () => {
    fleet = await startConsole({ demo: false });
    browser = await openBrowser({ colorScheme: 'light' });
    const { page } = browser;
    await page.goto(fleet.url);
    await page.waitForSelector('[data-testid=fleet-empty]');
    expect(await page.getAttribute('[data-testid=fleet-add-source]', 'href')).toBe('#/settings/sources/new');
    await screenshot(page, 'empty');
    await page.getByTestId('fleet-add-source').click();
    await eventually(async () => expect(new URL(page.url()).hash).toBe('#/settings/sources/new'));
    expect(browser.problems).toEqual([]);
  }, 60_000);
});
