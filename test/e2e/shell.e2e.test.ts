import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AppInfo, Settings } from '../../src/shared/contract/index';
import { openBrowser, screenshot, type BrowserSession } from './support/chromium';
import { ensureBuilt, startConsole, type RunningConsole } from './support/console-host';
import { probeScript, startForeignOrigin, type ProbeResult } from './support/foreign-origin';
import { recordConsoleTraffic } from './support/network-log';

/**
 * The shell end to end: the real console host (out/main/console.js) on a fresh data directory
 * and a free port, the built renderer, and Debian's Chromium through playwright-core. Every test
 * gets its own console and its own browser profile; nothing waits on time, only on conditions.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startShell(options: { colorScheme?: 'light' | 'dark' } = {}): Promise<{
  fleet: RunningConsole;
  browser: BrowserSession;
  page: Page;
}> {
  const fleet = await startConsole();
  cleanups.push(() => fleet.dispose());
  const browser = await openBrowser(options);
  cleanups.push(() => browser.close());
  const { page } = browser;
  await page.goto(fleet.url);
  await waitForShell(page);
  return { fleet, browser, page };
}

/** The shell is up: rail drawn, status bar connected with a real status from the core. */
async function waitForShell(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid=nav-rail]');
  await page.waitForSelector('[data-testid=status-bar][data-ready=true]');
}

const text = async (page: Page, testId: string) => (await page.getByTestId(testId).innerText()).trim();

/** Problems the page logged, minus the refused requests a test provoked on purpose. */
const unexpected = (problems: string[], allowed: RegExp[] = []) =>
  problems.filter((p) => !allowed.some((pattern) => pattern.test(p)));

describe('Fleetdeck shell in Chromium (console host)', { timeout: 90_000 }, () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('opens the printed URL into a connected shell whose About view shows what app.info returns', async () => {
    const { fleet, browser, page } = await startShell();

    // The token left the address bar at once (cookie + redirect), and the Fleet is the default.
    expect(page.url()).toBe(`${fleet.origin}/#/fleet`);
    // Only views that exist appear (no placeholders); the demo's view only when a demo runs.
    expect(await page.getByTestId('nav-rail').getByRole('link').allInnerTexts()).toEqual([
      'Fleet',
      'Incidents',
      'Endpoints',
      'Spend',
      'Runbooks',
      'Rollouts',
      'Terminal',
      'Health',
      'Settings',
      'Sources',
    ]);
    await page.getByTestId('nav-rail').getByRole('link', { name: 'Health' }).click();
    await page.waitForURL(`${fleet.origin}/#/about`);
    expect(await page.getByTestId('status-connection').getAttribute('data-state')).toBe('connected');
    expect(await text(page, 'status-connection')).toBe('Connected');
    await page.waitForSelector('[data-testid=status-database][data-state=ok]');
    expect(await text(page, 'status-database')).toBe('Database OK');
    // Nothing live until a fleet source (the demo fleet, when it runs) has delivered data.
    const freshness = await page.getByTestId('status-freshness').getAttribute('data-state');
    expect(await text(page, 'status-freshness')).toBe(
      freshness === 'live' ? 'Data: live' : 'Data: no live data yet',
    );
    expect(await text(page, 'status-data-dir')).toBe(fleet.dataDir);

    const info = await fleet.call<AppInfo>('app.info');
    expect(await text(page, 'about-sqlite')).toBe(info.sqliteVersion);
    expect(await text(page, 'about-version')).toBe(info.version);
    expect(await text(page, 'about-node')).toBe(info.nodeVersion);
    expect(await text(page, 'about-host')).toBe('Browser console');
    expect(await text(page, 'about-data-dir')).toBe(info.dataDir);
    expect(await text(page, 'about-database-file')).toBe(info.databaseFile);

    await page.getByTestId('run-health-check').click();
    await page.waitForSelector('[data-testid=health-summary][data-status=ok]');
    const statuses = await page
      .getByTestId('health-check')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-status')));
    expect(statuses.length).toBeGreaterThanOrEqual(3);
    expect(new Set(statuses)).toEqual(new Set(['ok']));
    await expectWords(page, '[data-testid=health-check] .badge', 'OK');

    await page.getByTestId('about-data-dir-copy').click();
    await page.waitForSelector('[data-testid=about-data-dir-copy][data-state=copied]');

    await screenshot(page, 'about-health-dark');
    expect(unexpected(browser.problems)).toEqual([]);
  });

  it('applies a theme change at once, keeps it across a reload and in settings.get, and shows refusals', async () => {
    const { fleet, browser, page } = await startShell({ colorScheme: 'dark' });
    const theme = () => page.locator('html').getAttribute('data-theme');

    // "system" follows the OS, which this browser says is dark.
    await page.waitForSelector('html[data-theme=dark]', { state: 'attached' });

    await page.getByTestId('nav-settings').click();
    await page.waitForSelector('[data-testid=view-settings] [data-testid=settings-form]');
    expect(page.url()).toBe(`${fleet.origin}/#/settings`);
    expect(await page.getByTestId('setting-theme').inputValue()).toBe('system');

    await page.getByTestId('setting-theme').selectOption('light');
    await page.getByTestId('settings-save').click();
    await page.waitForSelector('html[data-theme=light]', { state: 'attached' });
    await page.waitForSelector('[data-testid=settings-status] .saved');
    await screenshot(page, 'settings-light');

    expect((await fleet.call<Settings>('settings.get')).theme).toBe('light');
    await page.reload();
    await waitForShell(page);
    await page.waitForSelector('[data-testid=settings-form]');
    expect(await page.getByTestId('setting-theme').inputValue()).toBe('light');
    expect(await theme()).toBe('light');

    // Out of range: the core refuses and the view says why, beside the field and in a notice.
    await page.getByTestId('setting-staleAfterSeconds').fill('99999');
    await page.getByTestId('settings-save').click();
    await page.waitForSelector('[data-testid=settings-error]');
    expect(await page.getByTestId('settings-error').getAttribute('data-code')).toBe('bad_request');
    expect(await text(page, 'settings-error')).toMatch(/staleAfterSeconds.*3600/);
    expect(await text(page, 'setting-staleAfterSeconds-issue')).toMatch(/3600/);
    expect(await page.getByTestId('setting-staleAfterSeconds').getAttribute('aria-invalid')).toBe('true');
    expect((await fleet.call<Settings>('settings.get')).staleAfterSeconds).toBe(60);
    await screenshot(page, 'settings-refused-light');

    // Back to dark, which is also what the OS says; then a valid number saves.
    await page.getByTestId('setting-theme').selectOption('dark');
    await page.getByTestId('setting-staleAfterSeconds').fill('120');
    await page.getByTestId('settings-save').click();
    await page.waitForSelector('[data-testid=settings-status] .saved');
    expect(await fleet.call<Settings>('settings.get')).toMatchObject({
      theme: 'dark',
      staleAfterSeconds: 120,
    });
    await page.waitForSelector('html[data-theme=dark]', { state: 'attached' });
    await screenshot(page, 'settings-dark');

    expect(unexpected(browser.problems, [/status of 400 \(Bad Request\)/])).toEqual([]);
  });

  it('reloads deep links into their view, follows the keyboard shortcuts and handles unknown routes', async () => {
    const { fleet, browser, page } = await startShell({ colorScheme: 'light' });

    await page.goto(`${fleet.origin}/#/settings`);
    await page.waitForSelector('[data-testid=view-settings]');
    await page.reload();
    await waitForShell(page);
    await page.waitForSelector('[data-testid=view-settings]');
    expect(await page.getByTestId('nav-settings').getAttribute('aria-current')).toBe('page');

    await page.keyboard.press('Alt+1');
    await page.waitForSelector('[data-testid=view-about]');
    expect(page.url()).toBe(`${fleet.origin}/#/about`);
    await page.keyboard.press('Alt+2');
    await page.waitForSelector('[data-testid=view-settings]');
    await page.keyboard.press('Alt+1');
    await page.waitForSelector('[data-testid=view-about]');
    await page.keyboard.press('Control+Comma');
    await page.waitForSelector('[data-testid=view-settings]');
    expect(page.url()).toBe(`${fleet.origin}/#/settings`);

    // Back goes to the previous view: routes are real history entries.
    await page.goBack();
    await page.waitForSelector('[data-testid=view-about]');

    // Focus is visible on the rail when reached by keyboard.
    await page.getByTestId('nav-settings').focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    expect(await page.getByTestId('nav-settings').evaluate((el) => el.matches(':focus-visible'))).toBe(true);
    expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');

    await page.goto(`${fleet.origin}/#/fleet/gpu-a100`);
    await page.waitForSelector('[data-testid=view-not-found]');
    expect(await text(page, 'not-found-path')).toBe('#/fleet/gpu-a100');
    await screenshot(page, 'not-found-light');
    await page.getByTestId('not-found-back').click();
    await page.waitForSelector('[data-testid=view-about]');
    await screenshot(page, 'about-light');

    expect(unexpected(browser.problems)).toEqual([]);
  });

  it('says so when the console goes away, and recovers through the URL a restarted console prints', async () => {
    const { fleet, page } = await startShell();
    await page.goto(`${fleet.origin}/#/about`);
    await page.waitForSelector('[data-testid=view-about]');
    expect(await fleet.stop()).toBe(0);

    await page.waitForSelector('[data-testid=status-connection][data-state=disconnected]', {
      timeout: 30_000,
    });
    expect(await text(page, 'status-connection')).toBe('Disconnected');
    expect(await text(page, 'status-freshness')).toBe('Data: offline');
    expect(await text(page, 'status-database')).toBe('Database OK (last known)');
    const banner = await text(page, 'core-disconnected');
    expect(banner).toContain(fleet.origin.replace('http://', ''));
    expect(banner).toMatch(/npm run console/);
    await screenshot(page, 'disconnected-dark');

    // A command now fails as an envelope naming the console and what to do, not a stack trace.
    await page.getByTestId('run-health-check').click();
    await page.waitForSelector('[data-testid=health-error][data-code=unavailable]');
    expect(await text(page, 'health-error')).toMatch(
      /Cannot reach the Fleetdeck console at http:\/\/127\.0\.0\.1:\d+/,
    );

    // Restarted on the same port: a new token, so this page's cookie is worthless. A reload
    // gets the full error state, saying to open the newly printed URL; doing so recovers.
    const restarted = await startConsole({ port: fleet.port });
    cleanups.push(() => restarted.dispose());
    await page.reload();
    await page.waitForSelector('[data-testid=core-unreachable][data-code=unauthorized]');
    expect(await text(page, 'core-unreachable')).toMatch(/Open the URL the console printed/);
    await screenshot(page, 'unreachable-dark');
    await page.goto(restarted.url);
    await waitForShell(page);
    await page.goto(`${restarted.origin}/#/about`);
    expect(await text(page, 'about-data-dir')).toBe(restarted.dataDir);
  });

  it('a page from another origin cannot read the console API or open its events socket', async () => {
    const { fleet, browser, page } = await startShell();

    // The real console page has set its session cookie in this browser context.
    const cookies = await browser.context.cookies(fleet.origin);
    expect(cookies.find((c) => c.name === `fleetdeck_token_${fleet.port}`)).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });

    // Positive control: the same probe from the console's own page reads data and opens the socket.
    await page.evaluate(probeScript(fleet.origin));
    const own = await waitForProbe(page, 'socket-opened-or-closed');
    expect(own.simpleFetch?.readable).toBe(true);
    expect(own.jsonFetch?.body).toContain('sqliteVersion');
    expect(own.socket.opened).toBe(true);

    const foreign = await startForeignOrigin(fleet.origin);
    cleanups.push(() => foreign.close());
    // 127.0.0.1:<other port> is same-site (the Strict cookie IS sent) but another origin;
    // localhost:<other port> is cross-site. Neither may read data or hold the socket.
    for (const foreignOrigin of [`http://127.0.0.1:${foreign.port}`, `http://localhost:${foreign.port}`]) {
      const sameSite = foreignOrigin.startsWith('http://127.0.0.1');
      const attacker = await browser.context.newPage();
      const traffic = await recordConsoleTraffic(
        browser.context,
        attacker,
        fleet.origin,
        `fleetdeck_token_${fleet.port}`,
      );
      await attacker.goto(`${foreignOrigin}/`);
      const probe = await waitForProbe(attacker, 'socket-closed');

      expect(probe.simpleFetch, foreignOrigin).toEqual({
        readable: false,
        error: expect.stringMatching(/TypeError/),
      });
      expect(probe.jsonFetch, foreignOrigin).toEqual({
        readable: false,
        error: expect.stringMatching(/TypeError/),
      });
      expect(probe.socket, foreignOrigin).toMatchObject({ opened: false, closed: true, messages: 0 });

      // On the wire: the console itself answered 403 to the POST, the preflight and the upgrade,
      // so this holds even for a browser with a CORS bug. Same-site requests did carry the
      // cookie: the Origin check, not SameSite, is what stopped them.
      await expect.poll(() => traffic.statuses.length, { message: foreignOrigin }).toBeGreaterThanOrEqual(2);
      expect(new Set(traffic.statuses), foreignOrigin).toEqual(new Set([403]));
      await expect
        .poll(() => traffic.socketErrors, { message: foreignOrigin })
        .toEqual([expect.stringMatching(/Unexpected response code: 403/)]);
      if (sameSite) expect(traffic.requestsWithCookie, foreignOrigin).toBeGreaterThan(0);
      else expect(traffic.requestsWithCookie, foreignOrigin).toBe(0);
      await attacker.close();
    }
  });
});

/** Waits until both fetches have settled and the socket has opened or closed (`until`). */
async function waitForProbe(
  page: Page,
  until: 'socket-opened-or-closed' | 'socket-closed',
): Promise<ProbeResult> {
  const handle = await page.waitForFunction((mode) => {
    const probe = (globalThis as { __probe?: ProbeResult }).__probe;
    if (!probe?.simpleFetch || !probe.jsonFetch) return null;
    const socketDone =
      mode === 'socket-closed' ? probe.socket.closed : probe.socket.opened || probe.socket.closed;
    return socketDone ? probe : null;
  }, until);
  return (await handle.jsonValue()) as ProbeResult;
}

/** Every matched element shows the words, not only a colour. */
async function expectWords(page: Page, selector: string, words: string): Promise<void> {
  const texts = await page.locator(selector).allInnerTexts();
  expect(texts.length).toBeGreaterThan(0);
  for (const t of texts) expect(t.trim()).toBe(words);
}
