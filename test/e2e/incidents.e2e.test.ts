import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type {
  Endpoint,
  Incident,
  IncidentSummary,
  MetricSnapshot,
  Run,
} from '../../src/shared/contract/index';
import { EventBus } from '../../src/core/events/event-bus';
import { IncidentService } from '../../src/core/incidents/incident.service';
import { IncidentStore } from '../../src/core/incidents/incident.store';
import { silentLogger } from '../../src/core/log/logger';
import { openStore } from '../../src/core/store/database';
import { openBrowser, screenshot } from './support/chromium';
import { ensureBuilt, startConsole, type RunningConsole } from './support/console-host';
import { until } from '../support/until';
import { echoRunbook } from '../integration/incidents/support/echo-runbook';

/**
 * Incidents end to end (issue 7, Views and Offline review): the built console on a fresh data
 * directory and a free port, Debian's Chromium, and the same commands over the API to compare
 * with. Nothing waits on time, only on conditions.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const go = (page: Page, hash: string) => page.evaluate(`location.hash = ${JSON.stringify(hash)}`);

async function open(fleet: RunningConsole) {
  const browser = await openBrowser({ colorScheme: 'light' });
  cleanups.push(() => browser.close());
  const { page } = browser;
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto(fleet.url);
  await page.waitForSelector('[data-testid=status-bar][data-ready=true]');
  return { page, problems: browser.problems };
}

/** A demo endpoint with latency data (so a chart of it has points). */
const endpointWithData = (fleet: RunningConsole) =>
  until(
    'a demo endpoint with latency data',
    async () => {
      const { items } = await fleet.call<{ items: Endpoint[] }>('fleet.endpoints', { limit: 1000 });
      return items.find((e) => (e.metrics.latency_p95?.value ?? 0) > 0 && e.health.status === 'ok');
    },
    90_000,
  );

const TARGET = 'prod-us-east:code:qwen-coder';
const MODEL = 'qwen2.5-coder-32b-instruct';

describe('Incidents in Chromium (console host)', { timeout: 300_000 }, () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('opens an incident by hand on a demo endpoint, takes a note, acknowledges it, and shows state and timeline live', async () => {
    const fleet = await startConsole({ demo: true });
    cleanups.push(() => fleet.dispose());
    const endpoint = await endpointWithData(fleet);
    const { page, problems } = await open(fleet);

    // The rail has Incidents right after Fleet.
    const rail = await page.$$eval('[data-testid=nav-rail] .rail-item', (els) =>
      els.map((e) => e.getAttribute('data-testid')),
    );
    expect(rail.indexOf('nav-incidents')).toBe(rail.indexOf('nav-fleet') + 1);

    // The endpoint's page offers to open one for it while it is in none.
    await go(page, `#/endpoints/${encodeURIComponent(endpoint.id)}`);
    await page.waitForSelector('[data-testid=endpoint-open-incident]');
    expect(await page.locator('[data-testid=endpoint-incident-badge]').count()).toBe(0);

    await go(page, '#/incidents');
    await page.waitForSelector('[data-testid=view-incidents]');
    await page.click('[data-testid=incident-open]');
    await page.waitForSelector('[data-testid=incident-open-dialog]');
    await page.fill('[data-testid=incident-open-title]', 'Chat answers slowly for some users');
    await page.selectOption('[data-testid=incident-open-severity]', 'sev2');
    await page.fill('[data-testid=endpoint-search]', endpoint.name);
    await page.click(`[data-testid=endpoint-option]:has-text("${endpoint.name}")`);
    await page.waitForSelector(`[data-testid=incident-open-endpoints] [data-endpoint-id="${endpoint.id}"]`);
    await page.click('[data-testid=incident-open-submit]');

    // The page moves to the new incident, read back from the core.
    await page.waitForSelector('[data-testid=view-incident][data-state=open]');
    const id = await page.getAttribute('[data-testid=view-incident]', 'data-incident-id');
    expect(id).toMatch(/^inc-/);
    const listed = await fleet.call<IncidentSummary[]>('incidents.list', { active: true });
    const mine = listed.find((i) => i.id === id);
    expect(mine?.title).toBe('Chat answers slowly for some users');
    expect(mine?.severity).toBe('sev2');
    expect(await page.getAttribute('[data-testid=view-incident]', 'data-severity')).toBe('sev2');
    expect(await page.locator('[data-testid=incident-endpoints]').innerText()).toContain(endpoint.name);
    await page.waitForSelector('[data-testid=timeline-entry][data-kind=state]');

    // A note: written by the core, shown in the timeline without a reload.
    const note = `Restarted the gateway pod at ${Date.now()}`;
    await page.fill('[data-testid=incident-note-text]', note);
    await page.click('[data-testid=incident-note-add]');
    await page.waitForSelector(`[data-testid=timeline-entry][data-kind=note]:has-text("${note}")`);
    expect(await page.inputValue('[data-testid=incident-note-text]')).toBe('');

    // Acknowledge: the state badge and the timeline follow; the core agrees.
    await page.click('[data-testid=incident-acknowledge]');
    await page.waitForSelector('[data-testid=view-incident][data-state=acknowledged]');
    expect(await page.locator('[data-testid=incident-state]').innerText()).toContain('Acknowledged');
    await page.waitForSelector('[data-testid=timeline-entry][data-kind=state]:has-text("Acknowledged by")');
    const read = await fleet.call<Incident>('incidents.get', { id });
    expect(read.state).toBe('acknowledged');
    expect(read.acknowledgedAt).not.toBeNull();
    expect(read.timeline.some((e) => e.kind === 'note' && e.summary === note)).toBe(true);
    // Newest first: the acknowledgement sits above the note, which sits above the opening.
    const kinds = await page.$$eval('[data-testid=timeline-entry]', (els) =>
      els.map((e) => `${e.getAttribute('data-kind')}:${e.getAttribute('data-seq')}`),
    );
    const seqs = kinds.map((k) => Number(k.split(':')[1]));
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));

    // The title is edited in place; the change is kept in the timeline.
    await page.click('[data-testid=incident-title-edit]');
    await page.fill('[data-testid=incident-title-input]', 'Chat answers slowly in one region');
    await page.click('[data-testid=incident-title-save]');
    await page.waitForSelector('h1:has-text("Chat answers slowly in one region")');
    await page.waitForSelector('[data-testid=timeline-entry][data-kind=state]:has-text("title")');

    // A change made elsewhere (the command line, another person) arrives live.
    await fleet.call('incidents.annotate', { id, text: 'Paged the model owner' });
    await page.waitForSelector(
      '[data-testid=timeline-entry][data-kind=note]:has-text("Paged the model owner")',
    );

    // The rail counts it; the endpoint's page badges it with a link back.
    await page.waitForSelector('[data-testid=nav-incidents-count]');
    await go(page, `#/endpoints/${encodeURIComponent(endpoint.id)}`);
    const badge = page.locator(`[data-testid=endpoint-incident-badge][data-incident-id="${id}"]`);
    await badge.waitFor();
    expect(await page.locator('[data-testid=endpoint-open-incident]').count()).toBe(0);
    await badge.click();
    await page.waitForSelector(`[data-testid=view-incident][data-incident-id="${id}"]`);

    // The fleet view lists it over the map; the endpoints table badges the endpoint's row.
    await go(page, '#/fleet');
    await page.waitForSelector(`[data-testid=fleet-incidents] [data-incident-id="${id}"]`);
    // On the map's region list too: the endpoint's region wears the incident, linked.
    const regionBadge = page.locator(
      `[data-testid=fleet-region][data-region="${endpoint.region}"] [data-testid=fleet-region-incident]`,
    );
    await regionBadge.waitFor();
    expect(await regionBadge.getAttribute('data-incident-id')).toBe(id);
    expect(await regionBadge.innerText()).toMatch(/SEV\d incident/);
    await screenshot(page, 'fleet-with-incident-light');
    await go(page, `#/endpoints?q=${encodeURIComponent(endpoint.name)}`);
    await page.waitForSelector(`[data-testid=endpoint-incident-badge][data-incident-id="${id}"]`);
    await go(page, `#/incidents/${id}`);
    await page.waitForSelector(`[data-testid=view-incident][data-incident-id="${id}"]`);

    // Resolve asks first; then the clock stops and the rail count goes.
    await page.click('[data-testid=incident-resolve]');
    await page.waitForSelector('[data-testid=incident-resolve-dialog]');
    await page.fill('[data-testid=incident-resolve-note]', 'gateway restarted');
    await page.click('[data-testid=incident-resolve-confirm]');
    await page.waitForSelector('[data-testid=view-incident][data-state=resolved]');
    expect(await page.locator('[data-testid=incident-ttr]').innerText()).not.toBe('—');
    await page.waitForSelector('[data-testid=timeline-entry][data-kind=state]:has-text("gateway restarted")');
    await until('the rail count without it', async () => {
      const active = await fleet.call<IncidentSummary[]>('incidents.list', { active: true });
      const shown = await page.locator('[data-testid=nav-incidents-count]').count();
      return (
        active.length === 0
          ? shown === 0
          : (await page.locator('[data-testid=nav-incidents-count]').innerText()) === String(active.length)
      )
        ? true
        : null;
    });

    // The list shows it with its state, and the search finds it by the note's words.
    await go(page, '#/incidents?q=gateway');
    await page.waitForSelector(`[data-testid=incident-row][data-incident-id="${id}"][data-state=resolved]`);
    await go(page, '#/incidents?q=no-such-words-anywhere');
    await page.waitForSelector('[data-testid=incidents-empty]');
    await screenshot(page, 'incidents-search-empty');
    expect(problems).toEqual([]);
  });

  it('with everything network-facing stopped, a cached incident opens from the database and its charts render', async () => {
    // 1. A console with the demo fleet: an incident on a real endpoint, with chart snapshots.
    const first = await startConsole({ demo: true });
    cleanups.push(() => first.dispose());
    const endpoint = await endpointWithData(first);
    const opened = await first.call<IncidentSummary>('incidents.open', {
      title: 'Latency over the SLO (offline review)',
      severity: 'sev2',
      endpointIds: [endpoint.id],
    });
    // A few scrapes of it (the demo is scraped every 5 s), so the chart has a line to draw.
    const { to, points } = await until(
      'three latency points of the endpoint',
      async () => {
        const at = Date.now();
        const result = await first.call<{
          series: Array<{ endpointId: string; points: Array<[number, number | null]> }>;
        }>('metrics.series', {
          endpointIds: [endpoint.id],
          metric: 'latency_p95',
          from: at - 15 * 60_000,
          to: at,
          maxPoints: 300,
        });
        const got = result.series[0]?.points ?? [];
        return got.length >= 3 ? { to: at, points: got } : null;
      },
      90_000,
      1000,
    );
    await first.stop();

    // Snapshots the console wrote on its own (the collector) stay; one more is written through
    // the real store from the live series read above, so the test does not depend on when the
    // collector takes its pictures.
    const store = openStore({ dataDir: first.dataDir, log: silentLogger });
    try {
      const service = new IncidentService({
        store: new IncidentStore(store.db),
        bus: new EventBus(),
        log: silentLogger,
        now: Date.now,
      });
      const snapshot: MetricSnapshot = {
        metric: 'latency_p95',
        from: points[0]![0],
        to: points.at(-1)![0],
        threshold: 2,
        series: [{ endpointId: endpoint.id, label: endpoint.name, points }],
      };
      service.record(opened.id, {
        at: to,
        kind: 'snapshot',
        actor: 'fleetdeck',
        endpointId: endpoint.id,
        summary: `${endpoint.name} latency p95 around the event`,
        snapshot,
      });
    } finally {
      store.close();
    }

    // 2. The same data directory, no demo fleet and no sources: nothing network-facing runs.
    const offline = await startConsole({ dataDir: first.dataDir });
    cleanups.push(() => offline.stop().then(() => undefined));
    const sources = await offline.call<unknown[]>('sources.list', {});
    expect(sources).toEqual([]);
    const { page, problems } = await open(offline);
    await go(page, `#/incidents/${opened.id}`);
    await page.waitForSelector(`[data-testid=view-incident][data-incident-id="${opened.id}"]`);
    expect(await page.locator('h1').innerText()).toBe('Latency over the SLO (offline review)');
    const banner = await page.locator('[data-testid=incidents-offline]').innerText();
    expect(banner).toMatch(/Offline/);
    expect(banner).toContain('showing incidents from the local database');

    // Every stored chart in the timeline draws its series, from the database alone.
    await page.selectOption('[data-testid=timeline-kind-filter]', 'snapshot');
    const charts = page.locator('[data-testid=incident-snapshot-chart]');
    await charts.first().waitFor();
    const count = await charts.count();
    expect(count).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) {
      const chart = charts.nth(i);
      await chart.scrollIntoViewIfNeeded();
      await until(`snapshot chart ${i} drawn`, async () =>
        (await chart.getAttribute('data-rendered')) === 'true' ? true : null,
      );
      expect(Number(await chart.getAttribute('data-series'))).toBeGreaterThan(0);
      expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(1);
    }
    const seeded = page.locator(`[data-testid=incident-snapshot-chart][data-threshold="2"]`);
    expect(Number(await seeded.first().getAttribute('data-points'))).toBe(points.length);
    await screenshot(page, 'incident-offline');

    // The list opens offline too, with the same banner.
    await go(page, '#/incidents');
    await page.waitForSelector(`[data-testid=incident-row][data-incident-id="${opened.id}"]`);
    await page.waitForSelector('[data-testid=incidents-offline]');
    expect(problems).toEqual([]);
  });
  it('an injected fault opens an incident live: a notification, its stored charts inline, and a suggested runbook run in the page', async () => {
    const fleet = await startConsole({ demo: true });
    cleanups.push(() => fleet.dispose());
    const folder = mkdtempSync(join(tmpdir(), 'fleetdeck-runbooks-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    writeFileSync(join(folder, 'incident-echo.yaml'), echoRunbook);
    await fleet.call('settings.set', { runbooksFolder: folder, notifications: 'on' });
    await until(
      `${TARGET} with live figures`,
      async () => {
        const { items } = await fleet.call<{ items: Endpoint[] }>('fleet.endpoints', { limit: 1000 });
        return items.find((e) => e.id === TARGET && (e.metrics.error_rate?.value ?? -1) >= 0);
      },
      120_000,
    );

    // The real Notification API, permitted for the console's origin, wrapped to see what is shown.
    const browser = await openBrowser({ colorScheme: 'dark' });
    cleanups.push(() => browser.close());
    const { page, context } = browser;
    await context.grantPermissions(['notifications'], { origin: fleet.origin });
    // A string, not a function: this file is type-checked for Node, without the DOM's types.
    await context.addInitScript({
      content: `
        window.shownNotifications = [];
        window.Notification = new Proxy(window.Notification, {
          construct(target, args) {
            window.shownNotifications.push({ title: args[0], body: (args[1] && args[1].body) || '' });
            return Reflect.construct(target, args);
          },
        });`,
    });
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.goto(fleet.url);
    await page.waitForSelector('[data-testid=status-bar][data-ready=true]');
    await go(page, '#/incidents');
    await page.waitForSelector('[data-testid=view-incidents]');
    // Permission already granted: no button asks for it.
    await page.waitForSelector('[data-testid=incident-dnd]:not([disabled])');
    expect(await page.locator('[data-testid=incident-notify-permission]').count()).toBe(0);

    // A short hold, so the breach counts within seconds, then the fault.
    await fleet.call('slos.set', { model: MODEL, slo: { forSeconds: 5 } });
    await fleet.call('demo.fault', { kind: 'error_burst', target: TARGET, durationS: 900 });
    const row = page.locator('[data-testid=incident-row]').filter({ hasText: 'qwen-coder' });
    await row.first().waitFor({ timeout: 150_000 });
    const id = (await row.first().getAttribute('data-incident-id'))!;
    const notes = await until('a browser notification for the new incident', async () => {
      const shown = await page.evaluate<Array<{ title: string; body: string }>>('window.shownNotifications');
      return shown.length > 0 ? shown : null;
    });
    const summary = (await fleet.call<IncidentSummary[]>('incidents.list', { endpointId: TARGET }))[0]!;
    expect(notes[0]!.title).toBe(`${summary.severity.toUpperCase()} · ${summary.title}`);
    expect(notes[0]!.body).toContain('qwen-coder');

    // The page: the faulted endpoint, its stored charts drawn inline, a runbook for its signal.
    await row.first().locator('a').first().click();
    await page.waitForSelector(`[data-testid=view-incident][data-incident-id="${id}"]`);
    expect(await page.locator('[data-testid=incident-endpoints]').innerText()).toContain('qwen-coder');
    await page.selectOption('[data-testid=timeline-kind-filter]', 'snapshot');
    const chart = page.locator('[data-testid=incident-snapshot-chart][data-metric=error_rate]').first();
    await chart.waitFor();
    // Charts are drawn only once scrolled into view.
    await chart.scrollIntoViewIfNeeded();
    await until('the error-rate snapshot drawn', async () =>
      (await chart.getAttribute('data-rendered')) === 'true' ? true : null,
    );
    expect(Number(await chart.getAttribute('data-series'))).toBe(1);
    expect(await chart.getAttribute('data-threshold')).toBe('0.05');
    await page.selectOption('[data-testid=timeline-kind-filter]', '');

    const suggestion = page.locator('[data-testid=incident-suggestion][data-runbook-id=incident-echo]');
    await suggestion.waitFor();
    expect(await suggestion.innerText()).toContain('Run on qwen-coder');
    await suggestion.locator('[data-testid=incident-suggestion-run]').click();

    // The run opens in the page, terminal and all, and lands in the timeline with a link.
    const panel = page.locator('[data-testid=incident-run]');
    await panel.waitFor();
    const runId = (await panel.getAttribute('data-run-id'))!;
    await page.waitForSelector('[data-testid=incident-run][data-state=succeeded]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid=incident-run-terminal] .xterm');
    const run = await fleet.call<Run>('runs.get', { id: runId });
    expect(run).toMatchObject({ runbookId: 'incident-echo', endpointId: TARGET, state: 'succeeded' });
    await page.waitForSelector(`[data-testid=timeline-run-link][href="#/runs/${runId}"]`, {
      timeout: 60_000,
    });
    await screenshot(page, 'incident-live-run');
    // A step's entry links its transcript range, read back from the incident's record.
    await page.click('[data-testid=incident-run-close]');
    const transcriptLink = page.locator('[data-testid=timeline-transcript-link]').first();
    await transcriptLink.waitFor({ timeout: 60_000 });
    await transcriptLink.click();
    await page.waitForSelector('[data-testid=incident-transcript-text]:has-text("looked-at-errors")');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=incident-transcript]', { state: 'detached' });

    // Do-not-disturb is the notifications setting, switched from the view.
    await go(page, '#/incidents');
    // A controlled box: it shows the setting once the core has saved it, so click, then wait.
    await page.locator('[data-testid=incident-dnd]').click();
    await page.waitForSelector('[data-testid=incident-dnd]:checked');
    await until('do-not-disturb saved', async () =>
      (await fleet.call<{ notifications: string }>('settings.get', {})).notifications === 'do-not-disturb'
        ? true
        : null,
    );

    // Carried to another machine (a fresh data directory, no fleet at all): the run and its
    // transcript open from the imported record.
    const exported = await fleet.call<{ text: string }>('incidents.export', { id });
    const other = await startConsole();
    cleanups.push(() => other.dispose());
    await other.call('incidents.import', { text: exported.text });
    await page.goto(other.url);
    await page.waitForSelector('[data-testid=status-bar][data-ready=true]');
    await go(page, `#/incidents/${id}`);
    await page.waitForSelector('[data-testid=incident-imported]');
    await page.selectOption('[data-testid=timeline-kind-filter]', 'run');
    await page.locator('[data-testid=timeline-run-record]').first().click();
    const record = page.locator('[data-testid=incident-run-record]');
    await record.waitFor();
    await page.waitForSelector('[data-testid=incident-run-record] [data-testid=run-steps]');
    expect(await record.innerText()).toContain('Look');
    expect(await record.innerText()).toContain('Succeeded');
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=timeline-transcript-link]').first().click();
    await page.waitForSelector('[data-testid=incident-transcript-text]:has-text("looked-at-errors")');
    expect(browser.problems).toEqual([]);
  });

  it('postmortem and export from the page; import elsewhere is read-only, and a tampered file is refused with its reason', async () => {
    const fleet = await startConsole();
    cleanups.push(() => fleet.dispose());
    const opened = await fleet.call<IncidentSummary>('incidents.open', {
      title: 'Embeddings time out in eu-west',
      severity: 'sev3',
      note: 'Started after the 14:00 deploy',
    });
    await fleet.call('incidents.control', { id: opened.id, action: 'resolve', note: 'rolled back' });
    const { page, problems } = await open(fleet);

    // The postmortem: a draft from the timeline, edited, saved, downloaded as Markdown.
    await go(page, `#/incidents/${opened.id}?tab=postmortem`);
    const text = page.locator('[data-testid=incident-postmortem-text]');
    await text.waitFor();
    const draft = await text.inputValue();
    expect(draft).toContain('Embeddings time out in eu-west');
    const edited = `${draft}\n## Follow-ups\n\n- Alert on embedding timeouts\n`;
    await text.fill(edited);
    await page.click('[data-testid=incident-postmortem-save]');
    await page.waitForSelector('[data-testid=incident-postmortem-status]:has-text("Saved")');
    const saved = await fleet.call<{ markdown: string; saved: boolean }>('incidents.postmortem', {
      id: opened.id,
    });
    expect(saved).toEqual({ markdown: edited, saved: true });
    const [md] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=incident-postmortem-download]'),
    ]);
    expect(md.suggestedFilename()).toBe(`${opened.id}-postmortem.md`);
    expect(readFileSync((await md.path())!, 'utf8')).toBe(edited);

    // Export: one file, the same the core hands out.
    const [exported] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=incident-export]'),
    ]);
    const exportPath = (await exported.path())!;
    const file = JSON.parse(readFileSync(exportPath, 'utf8')) as {
      format: string;
      body: { incident: { id: string } };
    };
    expect(file.format).toBe('fleetdeck-incident');
    expect(file.body.incident.id).toBe(opened.id);

    // Imported back here: identical, nothing written.
    await go(page, '#/incidents');
    await page.setInputFiles('[data-testid=incident-import-file]', exportPath);
    await page.waitForSelector('[data-testid=incident-import-outcome] [data-outcome=identical]');

    // Changed here since the export: importing the old file would overwrite it, so it is refused
    // and offered as a copy under a new id.
    await fleet.call('incidents.annotate', { id: opened.id, text: 'added after the export' });
    await page.setInputFiles('[data-testid=incident-import-file]', exportPath);
    await page.waitForSelector('[data-testid=incident-import-error][data-code=conflict]');
    await page.click('[data-testid=incident-import-copy]');
    await page.waitForSelector('[data-testid=incident-import-outcome] [data-outcome=copied]');
    const all = await fleet.call<IncidentSummary[]>('incidents.list', {});
    expect(all.filter((i) => i.title === 'Embeddings time out in eu-west')).toHaveLength(2);

    // Tampered: refused, with the reason the core gives.
    const tampered = join(mkdtempSync(join(tmpdir(), 'fleetdeck-import-')), 'tampered.json');
    cleanups.push(() => rmSync(tampered, { force: true }));
    writeFileSync(
      tampered,
      readFileSync(exportPath, 'utf8').replace('Embeddings time out', 'Embeddings are fine'),
    );
    await page.setInputFiles('[data-testid=incident-import-file]', tampered);
    const refusal = page.locator('[data-testid=incident-import-error]');
    await refusal.waitFor();
    const reason = await fleet.refusal('incidents.import', { text: readFileSync(tampered, 'utf8') });
    expect(await refusal.innerText()).toContain(reason.message);
    // The refused import's HTTP status is the only console message the page may log.
    expect(problems.filter((p) => !/Failed to load resource: .* 4\d\d/.test(p))).toEqual([]);

    // On another machine (a fresh data directory): imported, read-only, with where it came from.
    const other = await startConsole();
    cleanups.push(() => other.dispose());
    await page.goto(other.url);
    await page.waitForSelector('[data-testid=status-bar][data-ready=true]');
    await go(page, '#/incidents');
    await page.waitForSelector('[data-testid=incidents-empty]');
    await page.setInputFiles('[data-testid=incident-import-file]', exportPath);
    await page.waitForSelector('[data-testid=incident-import-outcome] [data-outcome=imported]');
    await page.click(`[data-testid=incident-import-outcome] a[href="#/incidents/${opened.id}"]`);
    await page.waitForSelector(`[data-testid=view-incident][data-incident-id="${opened.id}"]`);
    expect(await page.locator('[data-testid=incident-imported]').innerText()).toContain('imported from');
    expect(await page.locator('[data-testid=incident-reopen]').count()).toBe(0);
    expect(await page.locator('[data-testid=incident-note-text]').count()).toBe(0);
    await page.waitForSelector(
      '[data-testid=timeline-entry][data-kind=note]:has-text("Started after the 14:00 deploy")',
    );
  });
});
