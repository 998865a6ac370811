import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type {
  ChangeFreeze,
  Endpoint,
  HealingActionRecord,
  HealingPolicy,
} from '../../src/shared/contract/index';
import { openBrowser, screenshot } from './support/chromium';
import { demoKubectl, ensureBuilt, startConsole, type RunningConsole } from './support/console-host';
import { until } from '../support/until';

/**
 * Self-healing policies end to end (issue 7, `#/incidents/policies`): the built console on a
 * fresh data directory and a free port (no demo: policies, their checks and freezes need no
 * fleet; the built-in runbooks are enough), Debian's Chromium, and the same commands over the
 * API to compare with. Nothing waits on time, only on conditions.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const go = (page: Page, hash: string) => page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
const attr = (page: Page, selector: string, name: string) =>
  page.$eval(selector, (el, n) => el.getAttribute(n), name);

async function open(fleet: RunningConsole) {
  const browser = await openBrowser({ colorScheme: 'light' });
  cleanups.push(() => browser.close());
  const { page } = browser;
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto(fleet.url);
  await page.waitForSelector('[data-testid=status-bar][data-ready=true]');
  return { page, problems: browser.problems };
}

/** The editor's text, and the core's verdict on exactly that text. */
async function typePolicy(page: Page, text: string, verdict: 'valid' | 'invalid') {
  await page.fill('[data-testid=plan-text]', text);
  await page.waitForSelector(`[data-testid=policy-check][data-state=${verdict}]`);
}

describe('Self-healing policies in Chromium (console host)', { timeout: 180_000 }, () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('checks a policy as it is typed, saves it, switches it off, freezes changes and deletes it', async () => {
    const fleet = await startConsole();
    cleanups.push(() => fleet.dispose());
    const { page, problems } = await open(fleet);

    // A literal route: `incidents/policies` is this view, never an incident called "policies".
    await go(page, '#/incidents/policies');
    await page.waitForSelector('[data-testid=view-healing][data-state=ready]');
    expect(await attr(page, '[data-testid=shell]', 'data-view')).toBe('healing');
    await page.waitForSelector('[data-testid=policies-empty]');

    // New policy: the starter is valid as it stands (the core checks its runbook and vars too).
    await page.click('[data-testid=policy-new]');
    await page.waitForSelector('[data-testid=policy-check][data-state=valid]');
    const starter = await page.inputValue('[data-testid=plan-text]');
    expect(starter).toContain('kind: HealingPolicy');

    // A trigger without a duration is refused, on its line, and Save stays off.
    const lines = starter.split('\n');
    const whenLine = lines.findIndex((l) => l.startsWith('when:')) + 1;
    const broken = starter.replace(/^when: .*$/m, "when: 'latency_p95 > 12s'");
    await typePolicy(page, broken, 'invalid');
    const problem = await page.$eval('[data-testid=plan-problem]', (el) => ({
      line: el.getAttribute('data-line'),
      field: el.getAttribute('data-field'),
      text: el.textContent,
    }));
    expect(problem).toMatchObject({ line: String(whenLine), field: 'when' });
    expect(problem.text).toContain(`line ${whenLine}`);
    expect(
      await page.$$eval('[data-testid=plan-bad-line]', (els) => els.map((e) => e.getAttribute('data-line'))),
    ).toEqual([String(whenLine)]);
    expect(await page.isDisabled('[data-testid=policy-save]')).toBe(true);
    // The same verdict as the API's.
    const api = await fleet.call<{ ok: boolean; problems: { line: number | null }[] }>('healing.validate', {
      text: broken,
    });
    expect(api.ok).toBe(false);
    expect(api.problems.map((p) => p.line)).toEqual([whenLine]);

    // Fixed and saved: it is listed with its mode, clusters and limits, and the core has it.
    const fixed = starter.replace(/^title: .*$/m, 'title: Scale out on slow p95 (e2e)');
    await typePolicy(page, fixed, 'valid');
    await page.click('[data-testid=policy-save]');
    await page.waitForSelector('[data-testid=policy-row][data-policy=scale-out-on-latency]');
    await page.waitForSelector('[data-testid=policy-editor]', { state: 'detached' });
    const row = await page.$eval('[data-testid=policy-row]', (el) => ({
      enabled: el.getAttribute('data-enabled'),
      text: el.textContent ?? '',
      mode: el.querySelector('[data-testid=policy-mode]')?.textContent,
      clusters: el.querySelector('[data-testid=policy-clusters]')?.textContent,
    }));
    expect(row).toMatchObject({ enabled: 'true', mode: 'Dry run', clusters: 'prod-us-east' });
    expect(row.text).toContain('Scale out on slow p95 (e2e)');
    expect(row.text).toContain('1 per endpoint, 3 fleet-wide per hour');
    const saved = await fleet.call<HealingPolicy[]>('healing.policies');
    expect(saved.map((p) => [p.id, p.title, p.enabled, p.mode])).toEqual([
      ['scale-out-on-latency', 'Scale out on slow p95 (e2e)', true, 'dry-run'],
    ]);

    // Switched off from the list.
    await page.click('[data-testid=policy-enabled]');
    await page.waitForSelector('[data-testid=policy-row][data-enabled=false]');
    await until('the core to have the policy off', async () => {
      const [p] = await fleet.call<HealingPolicy[]>('healing.policies');
      return p?.enabled === false;
    });

    // Edited in place: the editor opens on the saved text; switched to run, the row says so.
    await page.click('[data-testid=policy-edit]');
    await page.waitForSelector('[data-testid=policy-check][data-state=valid]');
    const savedText = await page.inputValue('[data-testid=plan-text]');
    expect(savedText).toBe(fixed);
    await typePolicy(page, savedText.replace(/^mode: dry-run$/m, 'mode: run'), 'valid');
    await page.click('[data-testid=policy-save]');
    await page.waitForSelector('[data-testid=policy-editor]', { state: 'detached' });
    expect(await page.textContent('[data-testid=policy-row] [data-testid=policy-mode]')).toBe('Runs');
    expect((await fleet.call<HealingPolicy[]>('healing.policies')).map((p) => p.mode)).toEqual(['run']);

    // Freeze changes for 2 h: it is on now, listed, and the core has it; "End now" ends it.
    await page.click('[data-testid=freeze-2h]');
    await page.waitForSelector('[data-testid=freeze-state][data-frozen=true]');
    await page.waitForSelector('[data-testid=freeze][data-active=true]');
    const freezes = await fleet.call<ChangeFreeze[]>('healing.freezes');
    expect(freezes).toHaveLength(1);
    expect(freezes[0]!.to - freezes[0]!.from).toBe(2 * 3600_000);
    await screenshot(page, 'healing-policies');
    await page.click('[data-testid=freeze-end]');
    await page.waitForSelector('[data-testid=freeze-state][data-frozen=false]');
    await until('the freeze to be over in the core', async () => {
      const now = Date.now();
      const left = await fleet.call<ChangeFreeze[]>('healing.freezes');
      return left.every((f) => f.to <= now);
    });

    // Delete asks first; confirmed, the policy is gone here and in the core.
    await page.click('[data-testid=policy-delete]');
    await page.waitForSelector('[data-testid=policy-delete-dialog]');
    await page.click('[data-testid=policy-delete-confirm]');
    await page.waitForSelector('[data-testid=policies-empty]');
    expect(await fleet.call<HealingPolicy[]>('healing.policies')).toEqual([]);

    expect(problems).toEqual([]);
  });

  it('is in the command palette', async () => {
    const fleet = await startConsole();
    cleanups.push(() => fleet.dispose());
    const { page } = await open(fleet);
    await page.keyboard.press('Control+k');
    await page.fill('[data-testid=palette-input]', 'self-healing');
    await page.waitForSelector('[data-testid=palette-option][data-key="view:Self-healing policies"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=view-healing]');
    expect(new URL(page.url()).hash).toBe('#/incidents/policies');
  });
});

describe('Self-healing actions in Chromium (demo fleet)', { timeout: 420_000 }, () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('lists what a dry-run policy proposed on a real fault, with why, its trigger and its incident', async () => {
    const ENDPOINT = 'prod-us-east:llm:llama-8b-chat';
    const MODEL = 'llama-3.1-8b-instruct';
    const fleet = await startConsole({ demo: true });
    cleanups.push(() => fleet.dispose());
    await until(
      'the demo endpoint with latency figures',
      async () =>
        (await fleet.call<{ endpoint: Endpoint }>('fleet.endpoint', { id: ENDPOINT })).endpoint.metrics
          .latency_p95,
      90_000,
    );
    // Critical at 12 s held 10 s, so the incident opens soon after the surge.
    await fleet.call('slos.set', {
      model: MODEL,
      slo: { latencyP95WarnS: 8, latencyP95CritS: 12, forSeconds: 10 },
    });
    const { page, problems } = await open(fleet);
    await go(page, '#/incidents/policies');
    await page.waitForSelector('[data-testid=view-healing][data-state=ready]');
    await page.waitForSelector('[data-testid=actions-empty]');

    // Written and saved in the view: dry-run, so it only ever proposes.
    await page.click('[data-testid=policy-new]');
    await page.waitForSelector('[data-testid=policy-check][data-state=valid]');
    const starter = await page.inputValue('[data-testid=plan-text]');
    const text = starter
      .replace(/^when: .*$/m, "when: 'latency_p95 > 12s for 20s'")
      .replace(/^ {2}models: \[\]$/m, `  models: [${MODEL}]`);
    await typePolicy(page, text, 'valid');
    await page.click('[data-testid=policy-save]');
    await page.waitForSelector('[data-testid=policy-row][data-policy=scale-out-on-latency]');

    // The fault: one replica and three times the traffic push p95 far past 12 s at any hour (the
    // demo's traffic follows the day; a surge alone on three replicas is not enough at night).
    demoKubectl(fleet, 'prod-us-east', '-n', 'llm', 'scale', 'deployment/llama-8b-chat', '--replicas=1');
    await fleet.call('demo.fault', { kind: 'traffic_surge', target: ENDPOINT, durationS: 3600 });
    const proposed = await until(
      'the policy to propose scale-out',
      async () =>
        (await fleet.call<HealingActionRecord[]>('healing.actions', {})).find(
          (a) => a.outcome === 'proposed',
        ),
      240_000,
      1000,
    );
    expect(proposed.why).toMatch(/dry-run/);

    // The open view picks it up by itself.
    const row = page.locator(`[data-testid=action-row][data-outcome=proposed]`).first();
    await row.waitFor({ timeout: 60_000 });
    const shown = (await row.textContent()) ?? '';
    expect(shown).toContain('Proposed');
    expect(shown).toContain(proposed.why);
    expect(shown).toContain(proposed.trigger);
    expect(shown).toContain(ENDPOINT);
    const incidentId = await until(
      'the proposal to belong to an incident',
      async () =>
        (await fleet.call<HealingActionRecord[]>('healing.actions', {})).find((a) => a.id === proposed.id)
          ?.incidentId,
      60_000,
      1000,
    );
    const link = page.locator(`[data-testid=action-incident]`).first();
    await link.waitFor({ timeout: 30_000 });
    expect(await link.getAttribute('href')).toBe(`#/incidents/${incidentId}`);
    // Nothing ran: dry-run never starts the runbook.
    expect(await page.locator('[data-testid=action-run]').count()).toBe(0);
    await screenshot(page, 'healing-actions');
    expect(problems).toEqual([]);
  });
});
