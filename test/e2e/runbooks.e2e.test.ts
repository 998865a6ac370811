import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Endpoint, Run, RunbookProblem, RunbookSummary } from '../../src/shared/contract/index';
import { openBrowser, screenshot } from './support/chromium';
import { ensureBuilt, startConsole, type RunningConsole } from './support/console-host';
import { until } from '../support/until';

/**
 * Runbooks end to end (issue 5, "Guided execution"): the built console on a fresh data directory
 * and a free port per test, Debian's Chromium, a user runbook folder in a temp directory, and the
 * same commands over the API to compare with. Nothing waits on time, only on conditions.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const go = (page: Page, hash: string) => page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
const texts = (page: Page, selector: string) =>
  // textContent, not innerText: a finished step's details are folded away, but still there.
  page.$$eval(selector, (els) => els.map((e) => (e.textContent ?? '').trim()));
const attrs = (page: Page, selector: string, name: string) =>
  page.$$eval(selector, (els, n) => els.map((e) => e.getAttribute(n) ?? ''), name);

/** A user runbook folder: one good runbook with a destructive step, one malformed file. */
function userFolder() {
  const dir = mkdtempSync(join(tmpdir(), 'fleetdeck-e2e-runbooks-'));
  const marker = join(dir, 'confirmed.marker');
  writeFileSync(
    join(dir, 'confirm-demo.yaml'),
    [
      'apiVersion: fleetdeck.io/v1',
      'kind: Runbook',
      'id: e2e-confirm',
      'title: E2E confirmation gate',
      'description: Writes a marker file, but only once a person confirms the step.',
      'tags: [e2e, gate]',
      'severity: low',
      'params:',
      '  - name: marker',
      '    description: The file the destructive step writes.',
      `    default: ${JSON.stringify(marker)}`,
      'steps:',
      '  - id: look',
      '    title: Look first',
      '    guidance: Nothing changes **yet**.',
      '    command: echo looking-before-writing',
      '    timeout: 30s',
      '  - id: write',
      '    title: Write the marker',
      '    guidance: This one changes things, so it asks.',
      '    confirm: true',
      '    command: echo confirmed-by-a-person > {{ params.marker }}',
      '    check: { exit_code: 0 }',
      '    timeout: 30s',
      '',
    ].join('\n'),
  );
  // Line 7, column 5: `comand` is not a step field (a typo must never silently do nothing).
  writeFileSync(
    join(dir, 'broken.yaml'),
    [
      'apiVersion: fleetdeck.io/v1',
      'kind: Runbook',
      'id: e2e-broken',
      'title: Broken on purpose',
      'steps:',
      '  - id: one',
      '    comand: echo typo',
      '',
    ].join('\n'),
  );
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, marker };
}

async function open(fleet: RunningConsole, colorScheme: 'light' | 'dark' = 'dark') {
  const browser = await openBrowser({ colorScheme });
  cleanups.push(() => browser.close());
  const { page } = browser;
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto(fleet.url);
  await page.waitForSelector('[data-testid=status-bar][data-ready=true]');
  return { page, problems: browser.problems };
}

describe('Runbooks in Chromium (console host)', { timeout: 300_000 }, () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('lists the built-ins, filters by search and tag, keeps the good files beside a malformed one, and opens with the keyboard', async () => {
    const fleet = await startConsole({ demo: false });
    cleanups.push(() => fleet.dispose());
    const folder = userFolder();
    await fleet.call('settings.set', { runbooksFolder: folder.dir });
    const api = await fleet.call<{ runbooks: RunbookSummary[]; problems: RunbookProblem[] }>(
      'runbooks.list',
      {},
    );
    const { page, problems } = await open(fleet, 'light');

    await go(page, '#/runbooks');
    await page.waitForSelector('[data-testid=runbook-row]');
    await page.waitForSelector('[data-testid=runbook-problem]');
    const ids = await attrs(page, '[data-testid=runbook-row]', 'data-runbook-id');
    // Every runbook the core lists is on screen: the six built-ins and the good user file.
    expect(new Set(ids)).toEqual(new Set(api.runbooks.map((r) => r.id)));
    for (const id of ['latency-diagnostics', 'scale-out', 'restart-crashloop-pods', 'e2e-confirm'])
      expect(ids).toContain(id);
    expect(ids).not.toContain('e2e-broken');

    // The malformed file: listed with its file, line and column, as the core reported them.
    const broken = api.problems.find((p) => p.file.endsWith('broken.yaml') && p.field?.endsWith('comand'));
    expect(broken?.line).toBe(7);
    expect(broken?.column).toBe(5);
    const problem = page.locator('[data-testid=runbook-problem][data-line="7"]', { hasText: 'broken.yaml' });
    expect(await problem.getAttribute('data-line')).toBe('7');
    expect(await problem.getAttribute('data-column')).toBe('5');
    const problemText = await problem.innerText();
    expect(problemText).toContain('broken.yaml:7:5');
    expect(problemText).toContain(broken!.message);
    await screenshot(page, 'runbooks-library-light');

    // Search: `/` focuses it from anywhere in the view; the list follows what is typed.
    await page.locator('[data-testid=view-runbooks] h1').click();
    await page.keyboard.press('/');
    expect(await page.evaluate(`document.activeElement?.dataset.testid`)).toBe('runbook-search');
    await page.keyboard.type('latency');
    await until('the search to filter', async () => {
      const shown = await attrs(page, '[data-testid=runbook-row]', 'data-runbook-id');
      return shown.length > 0 && shown.length < ids.length && shown.includes('latency-diagnostics')
        ? shown
        : null;
    });
    const shown = await attrs(page, '[data-testid=runbook-row]', 'data-runbook-id');
    for (const id of shown) {
      const r = api.runbooks.find((x) => x.id === id)!;
      expect(`${r.id} ${r.title} ${r.description} ${r.tags.join(' ')}`.toLowerCase()).toContain('latency');
    }
    expect(await page.evaluate('location.hash')).toContain('q=latency');
    // The malformed file stays listed whatever the filter.
    expect(await page.locator('[data-testid=runbook-problem]').count()).toBeGreaterThan(0);

    // A tag facet narrows to the runbooks that carry it.
    await page.fill('[data-testid=runbook-search]', '');
    await page.click('[data-testid=facet-tag] button[data-value=gate]');
    await until('the tag facet', async () => {
      const rows = await attrs(page, '[data-testid=runbook-row]', 'data-runbook-id');
      return rows.length === 1 && rows[0] === 'e2e-confirm';
    });
    await page.click('[data-testid=facet-tag] button[data-value=gate]');
    await until(
      'all rows back',
      async () => (await page.locator('[data-testid=runbook-row]').count()) === ids.length,
    );

    // Keyboard: into the list, down one, Enter opens that runbook.
    await page.focus('[data-testid=runbook-search]');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const second = (await attrs(page, '[data-testid=runbook-row]', 'data-runbook-id'))[1]!;
    expect(
      await page.locator('[data-testid=runbook-row][aria-selected=true]').getAttribute('data-runbook-id'),
    ).toBe(second);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`[data-testid=view-runbook][data-runbook-id="${second}"]`);
    await page.waitForSelector('[data-testid=runbook-step]');
    await screenshot(page, 'runbook-detail-light');
    expect(problems).toEqual([]);
  });

  it('shows a run whose terminal died as interrupted, with why, and resumes it from that step', async () => {
    const fleet = await startConsole({ demo: false });
    cleanups.push(() => fleet.dispose());
    const dir = mkdtempSync(join(tmpdir(), 'fleetdeck-e2e-runbooks-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    // The first attempt ends the run's shell mid-step (as a crash would); the second succeeds.
    writeFileSync(
      join(dir, 'dies-once.yaml'),
      [
        'apiVersion: fleetdeck.io/v1',
        'kind: Runbook',
        'id: e2e-dies-once',
        'title: E2E terminal dies once',
        'description: Its second step ends the shell the first time it runs.',
        'severity: low',
        'params:',
        '  - name: marker',
        '    description: Set once the step has died.',
        `    default: ${JSON.stringify(join(dir, 'died.marker'))}`,
        'steps:',
        '  - id: before',
        '    title: Before',
        '    command: echo before',
        '  - id: dies',
        '    title: Dies the first time',
        "    command: 'test -e {{ params.marker }} || { touch {{ params.marker }}; exit 7; }'",
        '',
      ].join('\n'),
    );
    await fleet.call('settings.set', { runbooksFolder: dir });
    const { page, problems } = await open(fleet, 'light');
    const refused: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) refused.push(`${new URL(r.url()).pathname} ${r.request().postData() ?? ''}`);
    });
    await go(page, '#/runbooks/e2e-dies-once');
    await page.click('[data-testid=start-run]');
    await page.waitForSelector('[data-testid=view-run]');
    const runId = (await page.getAttribute('[data-testid=view-run]', 'data-run-id'))!;
    // The core's word first, so a failure says which side did not follow (and what the core saw).
    const interrupted = await until('the core to mark the run interrupted', async () => {
      const r = await fleet.call<Run>('runs.get', { id: runId });
      if (r.state !== 'interrupted')
        throw new Error(`run is ${r.state}: ${r.steps.map((x) => x.state).join(', ')}; ${r.message ?? ''}`);
      return r;
    });
    await page.waitForSelector('[data-testid=view-run][data-state=interrupted]');
    expect(interrupted.state).toBe('interrupted');
    expect(await page.innerText('[data-testid=run-interrupted]')).toContain(interrupted.message!);
    expect(await attrs(page, '[data-testid=run-step]', 'data-state')).toEqual(
      interrupted.steps.map((s) => s.state),
    );
    await screenshot(page, 'runbook-run-interrupted-light');

    await page.click('[data-testid=run-interrupted-resume]');
    await page.waitForSelector('[data-testid=view-run][data-state=succeeded]', { timeout: 60_000 });
    const resumed = await fleet.call<Run>('runs.get', { id: runId });
    expect(resumed.steps.map((s) => s.state)).toEqual(['succeeded', 'succeeded']);
    expect(resumed.terminalId).not.toBe(interrupted.terminalId);
    // The only refusals allowed: the terminal pane resizing the dead shell's session as the
    // layout settles (the core answers 409; the browser logs each as a console error).
    const dead = `"id":"${interrupted.terminalId}"`;
    expect(refused.every((r) => r.startsWith('/api/v1/terminal.resize ') && r.includes(dead))).toBe(true);
    expect(problems.filter((p) => !p.includes('status of 409'))).toEqual([]);
    expect(problems.length).toBe(refused.length);
  });

  it('runs latency diagnostics read-only for a demo endpoint, gates a destructive step on Confirm, and finds both runs in the history', async () => {
    const fleet = await startConsole({ demo: true });
    cleanups.push(() => fleet.dispose());
    const folder = userFolder();
    await fleet.call('settings.set', { runbooksFolder: folder.dir });
    const [endpoint, sick] = (await until('two demo Kubernetes endpoints', async () => {
      const { items } = await fleet.call<{ items: Endpoint[] }>('fleet.endpoints', { limit: 1000 });
      const found = items.filter(
        (e) => e.sourceKind === 'kubernetes' && e.namespace && e.target.kind === 'Deployment',
      );
      return found.length >= 2 ? found : null;
    })) as [Endpoint, Endpoint];
    // A second endpoint made unhealthy, for the suggestions at the end.
    await fleet.call('demo.fault', { kind: 'crash_loop', target: sick.id, durationS: 600 });
    const { page, problems } = await open(fleet, 'dark');

    // Bound to the endpoint: parameters resolved from it, with where they came from.
    await go(page, `#/runbooks/latency-diagnostics?endpoint=${encodeURIComponent(endpoint.id)}`);
    await page.waitForSelector('[data-testid=view-runbook][data-runbook-id=latency-diagnostics]');
    expect(await page.getAttribute('[data-testid=endpoint-picked]', 'data-endpoint-id')).toBe(endpoint.id);
    await page.waitForSelector('[data-testid=param-source-namespace][data-from=endpoint]');
    expect(await page.innerText('[data-testid=param-source-namespace]')).toContain(endpoint.namespace!);
    expect(await page.getAttribute('[data-testid=param-source-since]', 'data-from')).toBe('default');

    // Dry run: every rendered command, as the core renders them, nothing run.
    await page.check('[data-testid=read-only]');
    await page.click('[data-testid=dry-run-button]');
    await page.waitForSelector('[data-testid=dry-run-command]');
    const render = await fleet.call<{ steps: Array<{ command: string | null }> }>('runbooks.render', {
      id: 'latency-diagnostics',
      endpointId: endpoint.id,
    });
    const rendered = await texts(page, '[data-testid=dry-run-command]');
    expect(rendered).toEqual(render.steps.flatMap((s) => (s.command ? [s.command] : [])));
    expect(rendered.some((c) => c.includes(endpoint.namespace!) && c.startsWith('kubectl'))).toBe(true);
    expect(rendered.join('\n')).not.toContain('{{');
    await screenshot(page, 'runbook-dry-run-dark');
    expect((await fleet.call<Run[]>('runs.list', {})).length).toBe(0);

    // Start it: the run page, beside its terminal, steps succeeding one by one.
    await page.click('[data-testid=start-run]');
    await page.waitForSelector('[data-testid=view-run]');
    const runId = (await page.getAttribute('[data-testid=view-run]', 'data-run-id'))!;
    expect(await page.evaluate('location.hash')).toBe(`#/runs/${encodeURIComponent(runId)}`);
    const started = await fleet.call<Run>('runs.get', { id: runId });
    expect(started.readOnly).toBe(true);
    expect(started.endpointId).toBe(endpoint.id);
    await page.waitForSelector('[data-testid=run-terminal] .xterm');
    // The last step is manual: the run waits there for a person.
    await page.waitForSelector('[data-testid=mark-done]', { timeout: 120_000 });
    const states = await attrs(page, '[data-testid=run-step]', 'data-state');
    const run = await fleet.call<Run>('runs.get', { id: runId });
    expect(states).toEqual(run.steps.map((s) => s.state));
    for (const step of run.steps.filter((s) => s.kind === 'command')) {
      expect(step.state, `${step.title}: ${step.output.slice(-300)}`).toBe('succeeded');
      expect(step.exitCode).toBe(0);
    }
    const kubectlStep = run.steps.find((s) => s.command?.includes('get deployment'))!;
    expect(kubectlStep.output).toContain(run.params['deployment']!);
    expect(await texts(page, '[data-testid=run-step-command]')).toContain(kubectlStep.command);
    await screenshot(page, 'runbook-run-waiting-manual-dark');

    // A note, then the manual step ticked done: the run succeeds.
    await page.fill('[data-testid=note-input]', 'latency normal; nothing to scale');
    await page.click('[data-testid=note-add]');
    await page.waitForSelector('[data-testid=run-note]');
    await page.click('[data-testid=mark-done]');
    await page.waitForSelector('[data-testid=view-run][data-state=succeeded]');
    const finished = await fleet.call<Run>('runs.get', { id: runId });
    expect(finished.state).toBe('succeeded');
    expect(finished.notes.map((n) => n.text)).toContain('latency normal; nothing to scale');

    // The destructive step: the run waits, the dialog shows the exact command, nothing runs until Confirm.
    await go(page, '#/runbooks/e2e-confirm');
    await page.waitForSelector('[data-testid=view-runbook][data-runbook-id=e2e-confirm]');
    await page.click('[data-testid=start-run]');
    await page.waitForSelector('[data-testid=confirm-step-dialog]', { timeout: 60_000 });
    const gateRunId = (await page.getAttribute('[data-testid=view-run]', 'data-run-id'))!;
    const waiting = await fleet.call<Run>('runs.get', { id: gateRunId });
    expect(waiting.steps[0]?.state).toBe('succeeded');
    expect(waiting.steps[1]?.state).toBe('waiting_confirm');
    expect(await page.innerText('[data-testid=confirm-step-command]')).toBe(waiting.steps[1]!.command);
    expect(waiting.steps[1]!.command).toContain(folder.marker);
    expect(existsSync(folder.marker)).toBe(false);
    await screenshot(page, 'runbook-confirm-dialog-dark');
    // "Not yet" only closes the dialog: the step keeps waiting and nothing runs.
    await page.click('[data-testid=confirm-step-cancel]');
    await page.waitForSelector('[data-testid=confirm-step-dialog]', { state: 'detached' });
    expect((await fleet.call<Run>('runs.get', { id: gateRunId })).steps[1]?.state).toBe('waiting_confirm');
    expect(existsSync(folder.marker)).toBe(false);
    await page.click('[data-testid=review-confirm]');
    await page.waitForSelector('[data-testid=confirm-step-dialog]');
    await page.click('[data-testid=confirm-step]');
    await page.waitForSelector('[data-testid=view-run][data-state=succeeded]', { timeout: 60_000 });
    expect(readFileSync(folder.marker, 'utf8').trim()).toBe('confirmed-by-a-person');
    const gated = await fleet.call<Run>('runs.get', { id: gateRunId });
    expect(gated.steps[1]?.state).toBe('succeeded');
    expect(gated.steps[1]?.confirmedBy).not.toBeNull();

    // Run history: newest first, searchable.
    await go(page, '#/runs');
    await page.waitForSelector('[data-testid=run-row]');
    expect(await attrs(page, '[data-testid=run-row]', 'data-run-id')).toEqual([gateRunId, runId]);
    await page.fill('[data-testid=run-search]', 'latency');
    await until('the history search', async () => {
      const rows = await attrs(page, '[data-testid=run-row]', 'data-run-id');
      return rows.length === 1 && rows[0] === runId;
    });
    await screenshot(page, 'runbook-history-dark');

    // An unhealthy endpoint: the runbooks that answer its signals come first, with the reason.
    const relevant = await until('runbooks relevant to the crash-looping endpoint', async () => {
      const l = await fleet.call<{ runbooks: RunbookSummary[] }>('runbooks.list', { endpointId: sick.id });
      return l.runbooks.find((r) => r.id === 'restart-crashloop-pods')?.relevance ? l.runbooks : null;
    });
    expect(relevant[0]?.relevance).not.toBeNull();
    await go(page, `#/runbooks?endpoint=${encodeURIComponent(sick.id)}`);
    await until('the relevant runbooks first', async () => {
      const rows = await page.$$eval('[data-testid=runbook-row]', (els) =>
        els.map((e) => ({
          id: e.getAttribute('data-runbook-id'),
          relevant: e.getAttribute('data-relevant'),
        })),
      );
      const first = rows.findIndex((r) => r.relevant !== 'true');
      const lead = rows.slice(0, first < 0 ? rows.length : first).map((r) => r.id);
      return (
        lead.includes('restart-crashloop-pods') && rows.slice(lead.length).every((r) => r.relevant !== 'true')
      );
    });
    const reason = await page.innerText(
      '[data-testid=runbook-row][data-runbook-id=restart-crashloop-pods] [data-testid=runbook-relevance]',
    );
    expect(reason).toContain(relevant.find((r) => r.id === 'restart-crashloop-pods')!.relevance!);
    await screenshot(page, 'runbooks-relevant-dark');

    // The endpoint page suggests them too, each opening bound to that endpoint.
    await go(page, `#/endpoints/${encodeURIComponent(sick.id)}`);
    const suggestion = '[data-testid=endpoint-runbook][data-runbook-id=restart-crashloop-pods] a';
    await page.waitForSelector(suggestion);
    expect(await page.getAttribute(suggestion, 'href')).toBe(
      `#/runbooks/restart-crashloop-pods?endpoint=${encodeURIComponent(sick.id)}`,
    );
    await screenshot(page, 'endpoint-runbooks-dark');
    await page.click(suggestion);
    await page.waitForSelector('[data-testid=view-runbook][data-runbook-id=restart-crashloop-pods]');
    expect(await page.getAttribute('[data-testid=endpoint-picked]', 'data-endpoint-id')).toBe(sick.id);

    // The endpoint picker: unbind, search by name, pick; the address follows.
    await page.click('[data-testid=endpoint-unbind]');
    await until('unbound', async () => !(await page.evaluate<string>('location.hash')).includes('endpoint='));
    await page.fill('[data-testid=endpoint-search]', sick.name);
    await page.click(`[data-testid=endpoint-option][data-endpoint-id="${sick.id}"]`);
    await until('bound again', async () =>
      (await page.evaluate<string>('location.hash')).endsWith(`?endpoint=${encodeURIComponent(sick.id)}`),
    );
    expect(await page.getAttribute('[data-testid=endpoint-picked]', 'data-endpoint-id')).toBe(sick.id);
    expect(problems).toEqual([]);
  });
});
