import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Endpoint, Rollout, RolloutProblem, RolloutSummary } from '../../src/shared/contract/index';
import { openBrowser, screenshot } from './support/chromium';
import { ensureBuilt, startConsole, type RunningConsole } from './support/console-host';
import { until } from '../support/until';

/**
 * Rollouts end to end (issue 6, Views): the built console with the demo fleet on a fresh data
 * directory and a free port, Debian's Chromium, and the same commands over the API to compare
 * with. The plan is generated from an endpoint's page and then edited to short intervals and
 * lenient gates, so the rollout moves within seconds and waits for a person at 25 %. Nothing
 * waits on time, only on conditions.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const go = (page: Page, hash: string) => page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
const attrs = (page: Page, selector: string, name: string) =>
  page.$$eval(selector, (els, n) => els.map((e) => e.getAttribute(n) ?? ''), name);

async function open(fleet: RunningConsole, colorScheme: 'light' | 'dark') {
  const browser = await openBrowser({ colorScheme });
  cleanups.push(() => browser.close());
  const { page } = browser;
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto(fleet.url);
  await page.waitForSelector('[data-testid=status-bar][data-ready=true]');
  return { page, problems: browser.problems };
}

/** A demo endpoint that has another version deployed beside it (a KServe canary or a Service). */
async function endpointWithSibling(fleet: RunningConsole) {
  return until('a demo endpoint with a sibling version', async () => {
    const { items } = await fleet.call<{ items: Endpoint[] }>('fleet.endpoints', { limit: 1000 });
    for (const e of items.filter((x) => x.name === 'llama-70b-chat-v1')) {
      const detail = await fleet.call<{ siblings: Endpoint[] }>('fleet.endpoint', { id: e.id });
      const sibling = detail.siblings.find((s) => s.version !== e.version);
      if (sibling) return { endpoint: e, candidate: sibling.version };
    }
    return null;
  });
}

/**
 * The generated plan, made quick and lenient for a test: short measurements (the demo is
 * scraped every 5 s), two gates that a
 * healthy demo candidate passes (one absolute, one relative to stable, so both kinds of limit
 * are drawn), and steps that stop at 25 % for a person.
 */
function quickPlan(generated: string): string {
  const conditions = /(\n(\s+)conditions:\n)(?:\2 {2}.*\n)+/;
  expect(generated).toMatch(conditions);
  const steps = /(\n(\s+)steps:\n)(?:\2 {2}.*\n)+/;
  expect(generated).toMatch(steps);
  return generated
    .replace(conditions, (_m, head: string, indent: string) =>
      [
        head.slice(0, -1),
        `${indent}  - "error_rate < 90%"`,
        `${indent}  - "latency_p95 <= stable * 3"`,
        '',
      ].join('\n'),
    )
    .replace(/(\n\s+)interval: [^\n#]+/g, '$1interval: 6s ')
    .replace(/(\n\s+)count: \d+/g, '$1count: 2')
    .replace(/(\n\s+)inconclusiveLimit: \d+/g, '$1inconclusiveLimit: 6')
    .replace(/(\n\s+)minRequestRate: [\d.]+/g, '$1minRequestRate: 0.01')
    .replace(steps, (_m, head: string, indent: string) =>
      [
        head.slice(0, -1),
        `${indent}  - setWeight: 10`,
        `${indent}  - analysis: default`,
        `${indent}  - setWeight: 25`,
        `${indent}  - pause: {}`,
        '',
      ].join('\n'),
    );
}

describe('Rollouts in Chromium (console host, demo fleet)', { timeout: 300_000 }, () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('generates a plan from an endpoint, names a broken line and field, starts it, follows it live, and aborts it with confirmation', async () => {
    const fleet = await startConsole({ demo: true });
    cleanups.push(() => fleet.dispose());
    const { endpoint, candidate } = await endpointWithSibling(fleet);
    const { page, problems } = await open(fleet, 'light');

    // Nothing yet: the list explains both ways to start one.
    await go(page, '#/rollouts');
    await page.waitForSelector('[data-testid=rollouts-empty]');
    const empty = await page.getByTestId('rollouts-empty').innerText();
    expect(empty).toContain('Roll out a version');
    expect(empty).toContain('fleetdeck rollout start plan.yaml');
    await screenshot(page, 'rollouts-empty-light');

    // From the endpoint's page: the candidate is offered from the versions deployed beside it.
    await go(page, `#/endpoints/${encodeURIComponent(endpoint.id)}`);
    await page.click('[data-testid=endpoint-rollout]');
    await page.waitForSelector('[data-testid=view-rollout-new]');
    await until('the sibling version to be offered', async () =>
      (await page.inputValue('[data-testid=rollout-version]')) === candidate ? true : null,
    );
    await page.click('[data-testid=rollout-generate]');
    await page.waitForSelector('[data-testid=plan-check][data-ok=true]');
    const generated = await page.inputValue('[data-testid=plan-text]');
    expect(generated).toContain('kind: Rollout');
    expect(generated).toContain(endpoint.id);
    expect(generated).toContain(candidate);

    // Broken: an unknown metric. The problem names the line and field the core names, and that
    // line is highlighted in the editor.
    const good = quickPlan(generated);
    const broken = good.replace('"error_rate < 90%"', '"error_rat < 90%"');
    const brokenLine = broken.split('\n').findIndex((l) => l.includes('error_rat <')) + 1;
    expect(brokenLine).toBeGreaterThan(0);
    const api = await fleet.call<{ ok: boolean; problems: RolloutProblem[] }>('rollouts.validate', {
      text: broken,
    });
    expect(api.ok).toBe(false);
    const expected = api.problems.find((p) => p.line === brokenLine);
    expect(expected?.field).toBeTruthy();
    await page.fill('[data-testid=plan-text]', broken);
    await page.waitForSelector('[data-testid=plan-check][data-ok=false]');
    const problem = page.locator(`[data-testid=plan-problem][data-line="${brokenLine}"]`);
    await problem.waitFor();
    expect(await problem.getAttribute('data-field')).toBe(expected!.field);
    const problemText = await problem.innerText();
    expect(problemText).toContain(`line ${brokenLine}`);
    expect(problemText).toContain(expected!.field!);
    expect(problemText).toContain(expected!.message);
    expect(await attrs(page, '[data-testid=plan-bad-line]', 'data-line')).toContain(String(brokenLine));
    expect(await page.locator('[data-testid=rollout-start]').isDisabled()).toBe(true);
    // Choosing the problem puts the caret on its line.
    await problem.click();
    const caretLine = await page.evaluate(
      `(() => { const a = document.querySelector('[data-testid=plan-text]'); return a.value.slice(0, a.selectionStart).split('\\n').length; })()`,
    );
    expect(caretLine).toBe(brokenLine);
    await screenshot(page, 'rollout-plan-problem-light');

    // Fixed: valid again, and Start asks first; Esc closes the question without starting.
    await page.fill('[data-testid=plan-text]', good);
    await page.waitForSelector('[data-testid=plan-check][data-ok=true]');
    expect(await page.locator('[data-testid=plan-problem]').count()).toBe(0);
    await page.click('[data-testid=rollout-start]');
    await page.waitForSelector('[data-testid=confirm-start-dialog][open]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=confirm-start-dialog]', { state: 'detached' });
    expect(await fleet.call<RolloutSummary[]>('rollouts.list', {})).toEqual([]);
    await page.click('[data-testid=rollout-start]');
    await page.click('[data-testid=confirm-start]');
    await page.waitForSelector('[data-testid=view-rollout]');
    const id = (await page.getAttribute('[data-testid=view-rollout]', 'data-rollout-id'))!;
    expect(page.url()).toContain(`#/rollouts/${encodeURIComponent(id)}`);

    // Live: the weight steps up as the core moves it, analysis runs are logged with their
    // numbers, and the rollout waits for a person at 25 %.
    await until('weight 10 on screen', async () =>
      (await page.getAttribute('[data-testid=rollout-timeline]', 'data-weights'))?.split(',').includes('10')
        ? true
        : null,
    );
    // The core's word first (its last decision says what happened if this times out), then the page's.
    let seen = '';
    await until(
      'the rollout to wait for a person at 25 %',
      async () => {
        const r = await fleet.call<Rollout>('rollouts.get', { id });
        seen = `${r.state} at ${r.weight} %: ${r.message ?? ''} / ${r.decisions.at(-1)?.message ?? ''}`;
        if (r.endedAt !== null) throw new Error(`the rollout ended: ${seen}`);
        return r.state === 'paused' && r.weight === 25 ? r : null;
      },
      120_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; last seen: ${seen}`);
    });
    await page.waitForSelector('[data-testid=view-rollout][data-state=paused][data-weight="25"]');
    const weights = (await page.getAttribute('[data-testid=rollout-timeline]', 'data-weights'))!.split(',');
    expect(weights.indexOf('10')).toBeGreaterThan(0);
    expect(weights.indexOf('25')).toBeGreaterThan(weights.indexOf('10'));
    const markers = (await page.getAttribute('[data-testid=rollout-timeline]', 'data-markers'))!.split(',');
    expect(markers).toContain('success');
    const paused = await fleet.call<Rollout>('rollouts.get', { id });
    expect(paused.state).toBe('paused');
    expect(paused.weight).toBe(25);
    // The log on screen is the core's, newest first.
    await until('every decision on screen', async () =>
      (await page.locator('[data-testid=decision]').count()) >= paused.decisions.length ? true : null,
    );
    const shown = await page.$$eval('[data-testid=decision-message]', (els) => els.map((e) => e.textContent));
    const newestFirst = paused.decisions
      .slice()
      .sort((a, b) => b.at - a.at)
      .map((d) => d.message);
    expect(shown.slice(0, newestFirst.length)).toEqual(newestFirst);
    const measured = paused.decisions.find((d) => d.kind === 'measurement' && d.measurements.length > 0);
    expect(measured).toBeTruthy();
    expect(await page.locator('[data-testid=decision][data-kind=measurement] table').count()).toBeGreaterThan(
      0,
    );
    // Charts: candidate against stable for each charted metric of the plan.
    for (const metric of ['error_rate', 'latency_p95'])
      await page.waitForSelector(`[data-testid=rollout-chart-${metric}][data-series="2"]`, {
        timeout: 30_000,
      });
    expect(await page.getByTestId('rollout-plan').innerText()).toContain('setWeight: 25');
    await screenshot(page, 'rollout-paused-light');

    // The endpoint's page says its traffic is being shifted, and links to the rollout.
    await go(page, `#/endpoints/${encodeURIComponent(endpoint.id)}`);
    const live = page.getByTestId('endpoint-live-rollout');
    await live.waitFor();
    expect(await live.getAttribute('data-rollout-id')).toBe(id);
    expect(await live.getAttribute('data-role')).toBe('stable');
    expect(await live.innerText()).toContain(`→ ${candidate}`);
    await live.click();
    await page.waitForSelector(`[data-testid=view-rollout][data-state=paused]`);

    // Abort asks first (Cancel leaves it paused), then puts all traffic back on stable.
    await page.click('[data-testid=rollout-abort]');
    await page.waitForSelector('[data-testid=confirm-abort-dialog][open]');
    await page.click('[data-testid=confirm-abort-cancel]');
    await page.waitForSelector('[data-testid=confirm-abort-dialog]', { state: 'detached' });
    expect((await fleet.call<Rollout>('rollouts.get', { id })).state).toBe('paused');
    await page.click('[data-testid=rollout-abort]');
    await page.fill('[data-testid=confirm-abort-reason]', 'e2e: enough for today');
    await page.click('[data-testid=confirm-abort]');
    await page.waitForSelector('[data-testid=view-rollout][data-state=aborted][data-weight="0"]', {
      timeout: 60_000,
    });
    expect(await page.getByTestId('rollout-state').innerText()).toContain('Aborted');
    const aborted = await fleet.call<Rollout>('rollouts.get', { id });
    expect(aborted.state).toBe('aborted');
    expect(aborted.weight).toBe(0);
    const abort = aborted.decisions.find((d) => d.kind === 'abort');
    expect(abort).toBeTruthy();
    expect(abort!.actor).not.toBe('fleetdeck');
    expect(await page.locator('[data-testid=rollout-abort]').count()).toBe(0);
    // The log on screen follows: the abort in it, newest first as the core has it.
    const newestAfter = aborted.decisions.slice().sort((a, b) => b.at - a.at)[0]!;
    await until('the abort in the log on screen', async () => {
      const kinds = await attrs(page, '[data-testid=decision]', 'data-kind');
      return kinds.includes('abort') && kinds[0] === newestAfter.kind ? kinds : null;
    });
    await screenshot(page, 'rollout-aborted-light');

    // The list shows it among past rollouts, not active ones; `/` focuses the filter.
    await go(page, '#/rollouts');
    const row = page.locator(`[data-testid=rollout-row][data-rollout-id="${id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-state')).toBe('aborted');
    expect(await row.innerText()).toContain('Aborted');
    await page.click('[data-testid=rollout-show-active]');
    await page.waitForSelector('[data-testid=rollouts-empty]');
    await page.click('[data-testid=rollout-show-past]');
    await row.waitFor();
    await page.locator('[data-testid=view-rollouts] h1').click();
    await page.keyboard.press('/');
    expect(await page.evaluate('document.activeElement?.dataset.testid')).toBe('rollout-search');
    await page.keyboard.type('no-such-rollout');
    await page.waitForSelector('[data-testid=rollouts-empty]');
    await page.fill('[data-testid=rollout-search]', candidate);
    await row.waitFor();
    await screenshot(page, 'rollouts-list-light');
    expect(problems).toEqual([]);

    // Dark theme: the same rollout and list.
    const dark = await open(fleet, 'dark');
    await go(dark.page, `#/rollouts/${encodeURIComponent(id)}`);
    await dark.page.waitForSelector('[data-testid=view-rollout][data-state=aborted]');
    await dark.page.waitForSelector('[data-testid=decision]');
    // An ended rollout's charts show its own window, fixed: nothing after it ended (+1 min).
    await dark.page.waitForSelector('[data-testid=rollout-window]');
    const panel = dark.page.locator('[data-testid=rollout-chart-error_rate]');
    await dark.page.waitForSelector('[data-testid=rollout-chart-error_rate][data-series="2"]', {
      timeout: 30_000,
    });
    expect(Number(await panel.getAttribute('data-last-at'))).toBeLessThanOrEqual(aborted.endedAt! + 60_000);
    expect(Number(await panel.getAttribute('data-last-at'))).toBeGreaterThanOrEqual(aborted.startedAt);
    await screenshot(dark.page, 'rollout-aborted-dark');
    await go(dark.page, '#/rollouts');
    await dark.page.waitForSelector('[data-testid=rollout-row]');
    await screenshot(dark.page, 'rollouts-list-dark');
    expect(dark.problems).toEqual([]);
  });
  it('shows an A/B test live and, when it completes, its comparison as the core computed it', async () => {
    const fleet = await startConsole({ demo: true });
    cleanups.push(() => fleet.dispose());
    const { endpoint, candidate } = await endpointWithSibling(fleet);
    // Short, for a test: 20 s at 50 %, measured by the demo's 5 s scrapes.
    const text = [
      'apiVersion: fleetdeck.io/v1',
      'kind: Rollout',
      'metadata:',
      '  name: e2e-ab',
      'spec:',
      `  endpoint: ${JSON.stringify(endpoint.id)}`,
      `  stable: {version: ${JSON.stringify(endpoint.version)}}`,
      `  candidate: {version: ${JSON.stringify(candidate)}}`,
      '  strategy:',
      '    ab:',
      '      weight: 50',
      '      duration: 20s',
      '      metrics: [latency_p95, error_rate, tokens_per_request, cost_per_1k_requests]',
      '',
    ].join('\n');
    const started = await fleet.call<Rollout>('rollouts.start', { text });
    const { page, problems } = await open(fleet, 'dark');
    await go(page, `#/rollouts/${encodeURIComponent(started.id)}`);
    await page.waitForSelector('[data-testid=view-rollout][data-weight="50"]');
    expect(await page.getByTestId('rollout-state').innerText()).toContain('Progressing');
    await page.waitForSelector('[data-testid=view-rollout][data-state=completed]', { timeout: 120_000 });
    const done = await fleet.call<Rollout>('rollouts.get', { id: started.id });
    expect(done.state).toBe('completed');
    expect(done.comparison).not.toBeNull();
    await page.waitForSelector('[data-testid=rollout-comparison]');
    const rows = page.locator('[data-testid=comparison-row]');
    expect(await attrs(page, '[data-testid=comparison-row]', 'data-metric')).toEqual(
      done.comparison!.metrics.map((m) => m.metric),
    );
    expect(await attrs(page, '[data-testid=comparison-row]', 'data-verdict')).toEqual(
      done.comparison!.metrics.map((m) => m.verdict),
    );
    const words = {
      candidate_better: 'Candidate better',
      candidate_worse: 'Candidate worse',
      no_significant_difference: 'No significant difference',
      not_enough_data: 'Not enough data',
    };
    for (const [i, m] of done.comparison!.metrics.entries())
      expect(await rows.nth(i).innerText()).toContain(words[m.verdict]);
    // Traffic back on stable at the end of the experiment.
    expect(done.weight).toBe(0);
    expect(await page.getAttribute('[data-testid=view-rollout]', 'data-weight')).toBe('0');
    await screenshot(page, 'rollout-ab-dark');
    expect(problems).toEqual([]);
  });
});
