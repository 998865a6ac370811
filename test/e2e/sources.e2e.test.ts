import { createServer } from 'node:net';

import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DemoFaultInfo, Source } from '../../src/shared/contract/index';
import { openBrowser, screenshot, type BrowserSession } from './support/chromium';
import { ensureBuilt, startConsole, type RunningConsole } from './support/console-host';

/**
 * Sources and demo faults end to end (issue 3 §1 "fault injection … from the console", §2
 * "sources are added, tested, listed and removed from Settings"): the built console WITH its
 * demo fleet on a fresh data directory and a free port per test, Debian's Chromium, and the
 * same commands over the API with the printed token. Nothing waits on time, only on conditions.
 */

/** support/console-host.ts starts consoles without the demo; these tests need it (or say so). */

/** A port nothing listens on: bound, read, released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: { demo: boolean; colorScheme?: 'light' | 'dark' }): Promise<{
  fleet: RunningConsole;
  browser: BrowserSession;
  page: Page;
}> {
  const fleet = await startConsole(options);
  cleanups.push(() => fleet.dispose());
  const browser = await openBrowser({ colorScheme: options.colorScheme ?? 'dark' });
  cleanups.push(() => browser.close());
  const { page } = browser;
  // Tall enough that a whole Add form fits a screenshot.
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(fleet.url);
  await page.waitForSelector('[data-testid=status-bar][data-ready=true]');
  return { fleet, browser, page };
}

const text = async (page: Page, selector: string) => (await page.locator(selector).innerText()).trim();
/** The words of an element on one line, however its parts are laid out. */
const words = async (page: Page, selector: string) =>
  ((await page.locator(selector).textContent()) ?? '').replace(/\s+/g, ' ').trim();
const row = (id: string) => `[data-testid=source-row][data-source-id="${id}"]`;
// Page-side code as strings: this file is type-checked with the Node libraries, not the DOM's.
const activeTestId = (page: Page) =>
  page.evaluate<string | null>("document.activeElement?.getAttribute('data-testid') ?? null");

/**
 * Refusals a test provokes show in Chromium's console as failed loads; nothing else may. 503 is
 * demo.faults saying the demo is not (yet) running, which is how the rail decides on its entry.
 */
const unexpected = (problems: string[], statuses: number[] = []) =>
  problems.filter((p) => ![503, ...statuses].some((s) => p.includes(`status of ${s} `)));

/** Focus moves in an effect after the render that shows the reason: wait for it, not for time. */
const waitForFocus = (page: Page, testId: string) =>
  page.waitForFunction(`document.activeElement?.getAttribute('data-testid') === ${JSON.stringify(testId)}`);

/** The demo's sources come up a few seconds after the console. */
const DEMO_UP_MS = 45_000;

describe(
  'Sources and demo faults in Chromium (console host with the demo fleet)',
  { timeout: 150_000 },
  () => {
    beforeAll(() => ensureBuilt(), 180_000);

    it('lists the demo sources, adds a Kubernetes source from discovered contexts, removes it, and keeps a built-in one', async () => {
      const { fleet, browser, page } = await start({ demo: true });

      await page.getByTestId('nav-sources').click();
      await page.waitForSelector('[data-testid=view-sources]');
      expect(page.url()).toBe(`${fleet.origin}/#/settings/sources`);
      await page.waitForSelector(`${row('demo')}[data-state=ok]`, { timeout: DEMO_UP_MS });
      await page.waitForSelector(`${row('demo-metrics')}[data-state=ok]`, { timeout: DEMO_UP_MS });
      for (const id of ['demo', 'demo-metrics']) {
        // State in icon and words, never colour alone; built in; the reason; when it was last OK.
        expect(await text(page, `${row(id)} [data-testid=source-state]`)).toBe('OK');
        expect(await page.locator(`${row(id)} [data-testid=source-state] svg`).count()).toBe(1);
        expect(await text(page, `${row(id)} [data-testid=source-builtin]`)).toBe('Built in');
        expect(await text(page, `${row(id)} [data-testid=source-reason]`)).not.toBe('');
        expect(await text(page, `${row(id)} [data-testid=source-last-ok]`)).toMatch(/^last OK \d{2}:\d{2}$/);
      }
      expect(await text(page, `${row('demo')} [data-testid=source-kind]`)).toBe('Kubernetes');
      expect(await text(page, `${row('demo-metrics')} [data-testid=source-kind]`)).toBe('Direct scrape');
      expect(await text(page, `${row('demo')} [data-testid=source-reason]`)).toMatch(/watching 3 contexts/);

      await page.locator(`${row('demo')} [data-testid=source-test]`).click();
      await page.waitForSelector(`${row('demo')} [data-testid=source-check][data-state=ok]`);
      expect(await text(page, `${row('demo')} [data-testid=source-check-message]`)).toMatch(
        /^Test passed: 3 contexts reachable/,
      );
      await screenshot(page, 'sources-list-dark');

      // Add: the kubeconfig path, Enter to look in it, every discovered context ticked.
      await page.getByTestId('sources-add').click();
      await page.waitForSelector('[data-testid=view-source-new]');
      expect(page.url()).toBe(`${fleet.origin}/#/settings/sources/new`);
      expect(await page.getByTestId('kind-kubernetes').isChecked()).toBe(true);
      const kubeconfig = join(fleet.dataDir, 'demo', 'kubeconfig');
      await page.getByTestId('kubeconfig-path').fill(kubeconfig);
      await page.getByTestId('kubeconfig-path').press('Enter');
      await page.waitForSelector('[data-testid=contexts][data-state=found]');
      const offered = await fleet.call<{ contexts: { name: string }[] }>('sources.contexts', {
        kubeconfigPath: kubeconfig,
      });
      const options = page.getByTestId('context-option');
      expect(await options.evaluateAll((boxes) => boxes.map((b) => b.getAttribute('data-context')))).toEqual(
        offered.contexts.map((c) => c.name),
      );
      for (const box of await options.all()) expect(await box.isChecked()).toBe(true);
      expect(await text(page, '[data-testid=contexts-files]')).toContain(kubeconfig);
      await page.getByTestId('source-name').fill('Demo clusters (copy)');
      await page.getByTestId('draft-test').click();
      await page.waitForSelector('[data-testid=draft-check][data-state=ok]');
      expect(await text(page, '[data-testid=draft-check-message]')).toMatch(
        /Test passed: 3 contexts reachable/,
      );
      await screenshot(page, 'sources-add-kubernetes-tested-dark');

      await page.getByTestId('draft-add').click();
      await page.waitForSelector('[data-testid=view-sources]');
      await page.waitForSelector(`${row('demo-clusters-copy')}[data-state=ok]`, { timeout: 30_000 });
      expect(await text(page, `${row('demo-clusters-copy')} [data-testid=source-name]`)).toBe(
        'Demo clusters (copy)',
      );
      await screenshot(page, 'sources-added-dark');
      const listed = await fleet.call<Source[]>('sources.list');
      expect(listed.find((s) => s.id === 'demo-clusters-copy')).toMatchObject({
        kind: 'kubernetes',
        name: 'Demo clusters (copy)',
        builtIn: false,
        config: { kubeconfigPath: kubeconfig, contexts: offered.contexts.map((c) => c.name) },
        status: { state: 'ok' },
      });

      // Remove: the dialog names what is forgotten; Esc closes it and focus goes back.
      const remove = page.locator(`${row('demo-clusters-copy')} [data-testid=source-remove]`);
      await remove.click();
      await page.waitForSelector('[data-testid=remove-dialog][open]');
      expect(await activeTestId(page)).toBe('remove-cancel');
      expect(await text(page, '[data-testid=remove-dialog] h2')).toBe('Remove “Demo clusters (copy)”?');
      await page
        .getByTestId('remove-forgets')
        .filter({ hasText: /\d+ endpoints it reported/ })
        .waitFor();
      await screenshot(page, 'sources-remove-dialog-dark');
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid=remove-dialog]', { state: 'detached' });
      expect(await remove.evaluate((el) => el.matches(':focus'))).toBe(true);
      await remove.click();
      await page.getByTestId('remove-confirm').click();
      await page.waitForSelector(row('demo-clusters-copy'), { state: 'detached' });
      expect(await text(page, '[data-testid=sources-announce]')).toBe('Removed “Demo clusters (copy)”.');
      expect((await fleet.call<Source[]>('sources.list')).map((s) => s.id)).toEqual(['demo', 'demo-metrics']);

      // A built-in source: the core refuses, and its reason and hint are what the person reads.
      const expected = await fleet.refusal('sources.remove', { id: 'demo' });
      await page.locator(`${row('demo')} [data-testid=source-remove]`).click();
      await page.getByTestId('remove-confirm').click();
      await page.waitForSelector('[data-testid=remove-refused]');
      const refusal = await text(page, '[data-testid=remove-refused]');
      expect(refusal).toContain(expected.message);
      expect(refusal).toContain(expected.hint!);
      expect(refusal).toMatch(/--no-demo/);
      await waitForFocus(page, 'remove-close');
      await screenshot(page, 'sources-builtin-refused-dark');
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid=remove-dialog]', { state: 'detached' });
      expect(await text(page, `${row('demo')} [data-testid=source-refusal]`)).toContain(expected.hint!);
      expect((await fleet.call<Source[]>('sources.list')).map((s) => s.id)).toEqual(['demo', 'demo-metrics']);

      expect(unexpected(browser.problems, [409])).toEqual([]);
    });

    it('adds a Prometheus source at a closed port: field-level refusal, the token stored as a secret, then an error naming the URL', async () => {
      const { fleet, browser, page } = await start({ demo: true, colorScheme: 'light' });
      const port = await closedPort();
      const promUrl = `http://127.0.0.1:${port}`;
      const token = 'e2e-bearer-7c1d0f';

      await page.getByTestId('nav-settings').click();
      await page.getByTestId('settings-add-source').click();
      await page.waitForSelector('[data-testid=view-source-new]');
      await page.getByTestId('kind-prometheus').check();
      await page.getByTestId('source-name').fill('Closed Prometheus');
      await page.getByTestId('prometheus-url').fill('not a url');
      await page.getByTestId('prometheus-auth-bearer').check();

      // No token yet: said beside the field, and nothing is sent.
      await page.getByTestId('draft-test').click();
      expect(await text(page, '[data-testid=prometheus-token-issue]')).toBe('Enter the token.');
      await waitForFocus(page, 'prometheus-token');
      await page.getByTestId('prometheus-token').fill(token);

      // Enter submits; the core refuses the URL and its reason sits beside the URL field.
      await page.getByTestId('source-name').press('Enter');
      await page.waitForSelector('[data-testid=draft-add-error]');
      expect(await text(page, '[data-testid=prometheus-url-issue]')).toMatch(/Invalid URL/);
      expect(await page.getByTestId('prometheus-url').getAttribute('aria-invalid')).toBe('true');
      await waitForFocus(page, 'prometheus-url');
      // The token was stored on the way and is shown by name only from now on.
      const secretName = 'prometheus-closed-prometheus-token';
      expect(await words(page, '[data-testid=prometheus-token-stored] > span')).toBe(
        `Stored as secret ${secretName}`,
      );
      await screenshot(page, 'sources-add-refused-light');

      await page.getByTestId('prometheus-url').fill(promUrl);
      await page.getByTestId('draft-test').click();
      await page.waitForSelector('[data-testid=draft-check][data-state=failed]');
      expect(await text(page, '[data-testid=draft-check-message]')).toContain(promUrl);
      await screenshot(page, 'sources-add-prometheus-tested-light');

      await page.getByTestId('draft-add').click();
      await page.waitForSelector('[data-testid=view-sources]');
      await page.waitForSelector(`${row('closed-prometheus')}[data-state=error]`, { timeout: 30_000 });
      expect(await text(page, `${row('closed-prometheus')} [data-testid=source-state]`)).toBe('Error');
      expect(await text(page, `${row('closed-prometheus')} [data-testid=source-reason]`)).toContain(promUrl);
      expect(await text(page, `${row('closed-prometheus')} [data-testid=source-last-ok]`)).toBe(
        'never OK yet',
      );
      await screenshot(page, 'sources-prometheus-error-light');

      // The source refers to the secret by name; its value is nowhere on the page or in the list.
      const listed = await fleet.call<Source[]>('sources.list');
      const added = listed.find((s) => s.id === 'closed-prometheus');
      expect(added?.config).toMatchObject({ url: promUrl, auth: { type: 'bearer', tokenRef: secretName } });
      expect(JSON.stringify(listed)).not.toContain(token);
      expect((await fleet.call<{ names: string[] }>('secrets.list')).names).toEqual([secretName]);
      expect(await page.content()).not.toContain(token);

      expect(unexpected(browser.problems, [400])).toEqual([]);
    });

    it('injects an error burst from #/demo, lists it with its time left, and demo.faults returns it', async () => {
      const { fleet, browser, page } = await start({ demo: true });

      // The Demo entry joins the rail once demo.faults answers.
      await page.waitForSelector('[data-testid=nav-demo]', { timeout: DEMO_UP_MS });
      await page.getByTestId('nav-demo').click();
      await page.waitForSelector('[data-testid=view-demo] [data-testid=fault-form]');
      expect(page.url()).toBe(`${fleet.origin}/#/demo`);
      expect(await page.getByTestId('fault-duration').inputValue()).toBe('300');
      await page.getByTestId('fault-kind').selectOption('error_burst');
      expect(await text(page, '#fault-kind-desc')).toMatch(/35 %/);

      // The target is picked from the core's search over endpoint ids, by keyboard.
      const target = 'prod-us-east:llm:llama-8b-chat';
      await page.getByTestId('fault-target').fill('us-east:llm:llama-8b');
      await page.waitForSelector(`[data-testid=fault-target-option][data-value="${target}"]`);
      const offered = await page
        .getByTestId('fault-target-option')
        .evaluateAll((items) => items.map((i) => i.getAttribute('data-value')));
      expect(offered).toEqual([target]);
      await screenshot(page, 'demo-target-search-dark');
      await page.getByTestId('fault-target').press('ArrowDown');
      await page.getByTestId('fault-target').press('Enter');
      expect(await page.getByTestId('fault-target').inputValue()).toBe(target);
      await page
        .getByTestId('fault-target-summary')
        .filter({ hasText: /^1 endpoint matches\./ })
        .waitFor();

      await page.getByTestId('fault-target').press('Enter'); // the list is closed: Enter submits
      await page.waitForSelector(
        `[data-testid=active-fault][data-kind=error_burst][data-target="${target}"]`,
      );
      expect(await words(page, '[data-testid=fault-injected]')).toMatch(
        /^Error burst on prod-us-east:llm:llama-8b-chat until/,
      );
      expect(await text(page, '[data-testid=fault-time-left]')).toMatch(/^(4 min \d+|5 min 0) s left$/);
      await screenshot(page, 'demo-fault-active-dark');

      const faults = await fleet.call<DemoFaultInfo[]>('demo.faults');
      expect(faults).toEqual([
        { kind: 'error_burst', target, startedAt: expect.any(Number), endsAt: expect.any(Number) },
      ]);
      expect(faults[0]!.endsAt - faults[0]!.startedAt).toBe(300_000);

      // gpu_xid targets nodes: the picker offers node names instead of endpoint ids.
      await page.getByTestId('fault-kind').selectOption('gpu_xid');
      expect(await page.getByTestId('fault-target').inputValue()).toBe('');
      await page.getByTestId('fault-target').fill('h100');
      await page.waitForSelector('[data-testid=fault-target-option][data-value^="prod-us-east-h100"]');
      const nodes = await page
        .getByTestId('fault-target-option')
        .evaluateAll((items) => items.map((i) => i.getAttribute('data-value') ?? ''));
      expect(nodes.every((n) => n.includes('h100') && !n.includes(':'))).toBe(true);

      // The core's refusal, word for word.
      await page.getByTestId('fault-kind').selectOption('latency_spike');
      await page.getByTestId('fault-target').fill('prod-us-east:llm:no-such-model');
      await page.getByTestId('fault-duration').fill('60');
      const expected = await fleet.refusal('demo.fault', {
        kind: 'latency_spike',
        target: 'prod-us-east:llm:no-such-model',
        durationS: 60,
      });
      await page.getByTestId('fault-inject').click();
      await page.waitForSelector('[data-testid=fault-refused]');
      expect(await text(page, '[data-testid=fault-refused] .notice-message')).toBe(expected.message);
      expect(await text(page, '[data-testid=fault-refused] .notice-hint')).toBe(expected.hint);
      await screenshot(page, 'demo-fault-refused-dark');
      expect(await fleet.call<DemoFaultInfo[]>('demo.faults')).toHaveLength(1);

      expect(unexpected(browser.problems, [404])).toEqual([]);
    });

    it('without the demo: no Demo entry, #/demo says why, and Sources says how to add one', async () => {
      const { fleet, browser, page } = await start({ demo: false, colorScheme: 'light' });

      await page.getByTestId('nav-sources').click();
      await page.waitForSelector('[data-testid=sources-empty]');
      expect(await text(page, '[data-testid=sources-empty]')).toMatch(
        /Add a Kubernetes cluster from your kubeconfig/,
      );
      await screenshot(page, 'sources-empty-light');

      const expected = await fleet.refusal('demo.faults');
      expect(expected.code).toBe('unavailable');
      await page.goto(`${fleet.origin}/#/demo`);
      await page.waitForSelector('[data-testid=demo-absent]');
      expect(await text(page, '[data-testid=demo-absent] .notice-message')).toBe(expected.message);
      expect(await page.getByTestId('nav-demo').count()).toBe(0);
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
      await screenshot(page, 'demo-absent-light');

      expect(unexpected(browser.problems)).toEqual([]);
    });
  },
);
