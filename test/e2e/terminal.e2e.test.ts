import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Endpoint, TerminalSession } from '../../src/shared/contract/index';
import { openBrowser, screenshot } from './support/chromium';
import { ensureBuilt, startConsole } from './support/console-host';
import { until } from '../support/until';

/**
 * The embedded terminal end to end (issue 5): the built console on a fresh data directory and a
 * free port per test, Debian's Chromium, real PTYs running the login shell. The screen is read
 * from xterm's own buffer (the pane puts the instance on its host element for this), so what is
 * asserted is what xterm parsed, whichever renderer drew it. Nothing waits on time, only on
 * conditions.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: { demo?: boolean; colorScheme?: 'light' | 'dark' } = {}) {
  const fleet = await startConsole({ demo: options.demo ?? false });
  cleanups.push(() => fleet.dispose());
  const browser = await openBrowser({ colorScheme: options.colorScheme ?? 'dark' });
  cleanups.push(() => browser.close());
  await browser.page.goto(fleet.url);
  await browser.page.waitForSelector('[data-testid=status-bar][data-ready=true]');
  return { fleet, browser, page: browser.page };
}

/** The visible pane (the active tab's). */
const ACTIVE_PANE = '.terminal-panel:not([hidden]) [data-testid=terminal-pane]';

/** The visible pane's screen and scrollback as lines, right-trimmed, from xterm's buffer. */
const READ_LINES = `(() => {
  const panes = [...document.querySelectorAll('[data-testid=terminal-pane]')].filter((p) => p.offsetParent !== null);
  const host = panes[0]?.querySelector('[data-testid=terminal-host]');
  const term = host?.xterm;
  if (!term) return null;
  const buffer = term.buffer.active;
  const lines = [];
  for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i).translateToString(true));
  return { lines, cursorLine: lines[buffer.baseY + buffer.cursorY] ?? '', session: panes[0].dataset.sessionId };
})()`;

interface Screen {
  lines: string[];
  cursorLine: string;
  session: string;
}
const readScreen = (page: Page) => page.evaluate<Screen | null>(READ_LINES);

/** Waits until a line of the visible terminal equals `text` exactly (not the command that printed it). */
async function waitForLine(page: Page, text: string, timeoutMs = 30_000): Promise<Screen> {
  return until(
    `the line "${text}" in the terminal`,
    async () => {
      const screen = await readScreen(page);
      return screen && screen.lines.some((l) => l.trim() === text) ? screen : null;
    },
    timeoutMs,
  );
}

/** The visible pane is attached and its shell has printed a prompt: returns the prompt line. */
async function waitForPrompt(page: Page): Promise<string> {
  await page.waitForSelector(`.terminal-pane[data-state=live]`, { state: 'attached' });
  const screen = await until('a shell prompt', async () => {
    const s = await readScreen(page);
    return s && s.cursorLine.trim() !== '' ? s : null;
  });
  return screen.cursorLine.trimEnd();
}

async function typeLine(page: Page, text: string) {
  await page.locator(`${ACTIVE_PANE} [data-testid=terminal-host]`).first().click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

const activeSession = async (page: Page) => (await readScreen(page))?.session ?? '';

describe('Embedded terminal in Chromium (console host, real PTYs)', { timeout: 240_000 }, () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('opens a shell from the empty state, runs a command, survives a reload, stops a yes flood with Ctrl-C, keeps several tabs, and restarts an exited shell', async () => {
    const { fleet, page, browser } = await start();
    await page.evaluate(`location.hash = '#/terminal'`);
    await page.waitForSelector('[data-testid=terminal-empty]');
    await screenshot(page, 'terminal-empty');

    await page.click('[data-testid=terminal-empty-new]');
    const prompt = await waitForPrompt(page);
    const first = await activeSession(page);
    expect(await page.evaluate<string>('location.hash')).toBe(`#/terminal/${first}`);

    // A command's output, read from the screen: the typed line holds "$((6*7))", only bash's output holds 42.
    await typeLine(page, 'echo fleet-$((6*7))');
    await waitForLine(page, 'fleet-42');

    // Ctrl+F finds in the screen and scrollback (the typed command holds "$((6*7))", not 42).
    await page.keyboard.press('Control+f');
    await page.waitForSelector('[data-testid=terminal-search-input]');
    await page.keyboard.type('fleet-42');
    await until('one match', async () =>
      (await page.locator('[data-testid=terminal-search-count]').textContent()) === '1 of 1' ? true : null,
    );
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=terminal-search]', { state: 'detached' });
    // Ctrl+= and Ctrl+- change the font size (the shell never sees them).
    const size = Number(
      (await page.locator('[data-testid=terminal-font-size]').textContent())?.split(' ')[0],
    );
    await page.keyboard.press('Control+Equal');
    await until('a larger font', async () =>
      (await page.locator('[data-testid=terminal-font-size]').textContent()) === `${size + 1} px`
        ? true
        : null,
    );
    await page.keyboard.press('Control+Minus');
    await until('the font size back', async () =>
      (await page.locator('[data-testid=terminal-font-size]').textContent()) === `${size} px` ? true : null,
    );

    // Output is text, never markup: a tag printed by a program stays characters on the screen.
    await typeLine(page, "printf '<b id=injected>bold-%s</b>\\n' x");
    await waitForLine(page, '<b id=injected>bold-x</b>');
    expect(await page.locator('#injected').count()).toBe(0);

    // A double-click names the tab; the name is the core's, so it is shown over the title the
    // program sets (below) and comes back after the reload.
    const firstTab = `[data-testid=terminal-tab][data-session-id="${first}"]`;
    await page.dblclick(`${firstTab} [role=tab]`);
    await page.fill(`${firstTab} .terminal-tab-rename`, 'node-7 triage');
    await page.keyboard.press('Enter');
    await until('the name kept by the core', async () =>
      (await fleet.call<TerminalSession[]>('terminal.list')).find((s) => s.id === first)?.name ===
      'node-7 triage'
        ? true
        : null,
    );
    await page.click('[data-testid=terminal-host]');
    await typeLine(page, "printf '\\033]0;%s\\007' program-title");

    // A reload: the tab comes back from terminal.list, reattaches, and the scrollback is replayed.
    await page.reload();
    await page.waitForSelector(`[data-testid=terminal-tab][data-session-id="${first}"]`);
    expect(await page.locator(`${firstTab} .terminal-tab-text`).textContent()).toBe('node-7 triage');
    await waitForLine(page, 'fleet-42');
    await waitForLine(page, '<b id=injected>bold-x</b>');
    expect(await activeSession(page)).toBe(first);
    await page.waitForSelector(`.terminal-pane[data-state=live]`, { state: 'attached' });
    await typeLine(page, 'echo reattached-$((3*3))');
    await waitForLine(page, 'reattached-9');

    // `yes` floods the terminal; Ctrl-C must get through and the prompt come back.
    await typeLine(page, 'yes');
    await until('a screen full of y', async () => {
      const s = await readScreen(page);
      return s && s.lines.filter((l) => l === 'y').length > 100 ? s : null;
    });
    await page.keyboard.press('Control+C');
    await until('the prompt back after Ctrl-C', async () => {
      const s = await readScreen(page);
      return s && s.cursorLine.trimEnd() === prompt ? s : null;
    });
    // And the shell takes commands again.
    await typeLine(page, 'echo after-$((1+1))');
    await waitForLine(page, 'after-2');
    await screenshot(page, 'terminal-dark');

    // A second tab is its own shell; the first keeps its screen.
    await page.click('[data-testid=terminal-new-tab]');
    await until('a second tab', async () => (await page.locator('[data-testid=terminal-tab]').count()) === 2);
    await until('the second tab active', async () => {
      const id = await activeSession(page);
      return id !== '' && id !== first;
    });
    await waitForPrompt(page);
    const second = await activeSession(page);
    await typeLine(page, 'echo second-$((2+3))');
    await waitForLine(page, 'second-5');
    expect((await readScreen(page))?.lines.some((l) => l.trim() === 'fleet-42')).toBe(false);
    await page.click(`[data-testid=terminal-tab][data-session-id="${first}"] [role=tab]`);
    await until('the first tab active again', async () => (await activeSession(page)) === first);
    await waitForLine(page, 'after-2');

    // The core lists both as running; closing a running one asks first, then ends its shell.
    const listed = await fleet.call<TerminalSession[]>('terminal.list');
    expect(listed.filter((s) => s.state === 'running').map((s) => s.id)).toEqual(
      expect.arrayContaining([first, second]),
    );
    await page.click(
      `[data-testid=terminal-tab][data-session-id="${second}"] [data-testid=terminal-tab-close]`,
    );
    await page.waitForSelector('[data-testid=terminal-close-confirm]');
    await page.click('[data-testid=terminal-close-yes]');
    await until('one tab left', async () => (await page.locator('[data-testid=terminal-tab]').count()) === 1);
    await until('the closed shell ended in the core', async () => {
      const sessions = await fleet.call<TerminalSession[]>('terminal.list');
      const closed = sessions.find((s) => s.id === second);
      return !closed || closed.state === 'exited';
    });

    // A shell that exits says so and offers a Restart, which opens a fresh shell in its place.
    await typeLine(page, 'exit 3');
    await until('the exit notice', async () =>
      (await page.locator('[data-testid=terminal-exit]').textContent())?.includes(
        '[process exited with code 3]',
      ),
    );
    await waitForLine(page, '[process exited with code 3]');
    await page.click('[data-testid=terminal-restart]');
    await until('a new shell in place of the exited one', async () => {
      const id = await activeSession(page);
      return id !== '' && id !== first && id !== second;
    });
    await waitForPrompt(page);
    // It keeps the name the exited one had.
    const restarted = await activeSession(page);
    await until('the restarted tab named like the old one', async () =>
      (await page
        .locator(`[data-testid=terminal-tab][data-session-id="${restarted}"] .terminal-tab-text`)
        .textContent()) === 'node-7 triage'
        ? true
        : null,
    );
    expect(await page.evaluate<string>('location.hash')).toBe(`#/terminal/${await activeSession(page)}`);
    await typeLine(page, 'echo restarted-$((4+4))');
    await waitForLine(page, 'restarted-8');

    // The tabs are the core's sessions: one opened elsewhere (here, over the API) joins at once.
    const opened = await fleet.call<TerminalSession>('terminal.open', { title: 'opened-elsewhere' });
    await page.waitForSelector(`[data-testid=terminal-tab][data-session-id="${opened.id}"]`);
    expect(
      await page.locator(`[data-testid=terminal-tab][data-session-id="${opened.id}"]`).textContent(),
    ).toContain('opened-elsewhere');

    expect(browser.problems.filter((p) => p.startsWith('pageerror'))).toEqual([]);
  });

  it('draws with WebGL when the GPU setting asks for it, and carries on in the DOM when the WebGL context is lost', async () => {
    const { fleet, page, browser } = await start();
    await page.evaluate(`location.hash = '#/terminal'`);
    await page.click('[data-testid=terminal-empty-new]');
    await waitForPrompt(page);
    // "auto" on this machine: Chromium offers only a software GL (SwiftShader), so the DOM draws.
    expect(await page.getAttribute(ACTIVE_PANE, 'data-renderer')).toBe('dom');
    const rendererIs = (kind: string) =>
      until(`the ${kind} renderer`, async () =>
        (await page.getAttribute(ACTIVE_PANE, 'data-renderer')) === kind ? true : null,
      );

    // "on" takes WebGL whenever the browser offers it; the open terminal switches at once.
    await fleet.call('settings.set', { terminalGpu: 'on' });
    await rendererIs('webgl');
    expect(await page.locator(`${ACTIVE_PANE} canvas`).count()).toBeGreaterThan(0);
    await typeLine(page, 'echo gl-$((5*5))');
    await waitForLine(page, 'gl-25');
    await screenshot(page, 'terminal-webgl-dark');

    // The GPU process restarts (or the page goes over its context cap): the context is lost.
    // xterm.js waits a moment for it to come back, then the pane draws with the DOM instead.
    const lost = await page.evaluate(`(() => {
      let n = 0;
      for (const canvas of document.querySelectorAll('${ACTIVE_PANE} canvas')) {
        const lose = canvas.getContext('webgl2')?.getExtension('WEBGL_lose_context');
        if (lose) { lose.loseContext(); n++; }
      }
      return n;
    })()`);
    expect(lost).toBeGreaterThan(0);
    await rendererIs('dom');
    // Nothing on the screen was lost, and the DOM rows really show new output.
    await waitForLine(page, 'gl-25');
    await typeLine(page, 'echo dom-$((6*6))');
    await waitForLine(page, 'dom-36');
    await until('the DOM rows drawing the output', async () =>
      (await page.locator(`${ACTIVE_PANE} .xterm-rows`).textContent())?.includes('dom-36') ? true : null,
    );

    // "off" never uses WebGL, also for a terminal opened afterwards.
    await fleet.call('settings.set', { terminalGpu: 'off' });
    await page.click('[data-testid=terminal-new-tab]');
    await until('a second tab', async () => (await page.locator('[data-testid=terminal-tab]').count()) === 2);
    await waitForPrompt(page);
    expect(await page.getAttribute(ACTIVE_PANE, 'data-renderer')).toBe('dom');
    expect(await page.locator(`${ACTIVE_PANE} canvas`).count()).toBe(0);

    expect(browser.problems.filter((p) => p.startsWith('pageerror'))).toEqual([]);
  });

  it('"Open terminal here" on an endpoint gives a shell that knows the endpoint (light theme)', async () => {
    const { fleet, page, browser } = await start({ demo: true, colorScheme: 'light' });
    const endpoints = await until('the demo fleet', async () => {
      const { items } = await fleet.call<{ items: Endpoint[] }>('fleet.endpoints', { limit: 100 });
      return items.length > 0 ? items : null;
    });
    const endpoint = endpoints[0] as Endpoint;
    await page.evaluate(
      `location.hash = ${JSON.stringify(`#/endpoints/${encodeURIComponent(endpoint.id)}`)}`,
    );
    await page.click('[data-testid=open-terminal-here]');
    await until('the terminal view', async () =>
      (await page.evaluate<string>('location.hash')).startsWith('#/terminal/'),
    );
    await waitForPrompt(page);
    const session = await activeSession(page);
    const sessions = await fleet.call<TerminalSession[]>('terminal.list');
    expect(sessions.find((s) => s.id === session)?.endpointId).toBe(endpoint.id);

    await typeLine(page, 'echo "[$FLEETDECK_ENDPOINT]"');
    await waitForLine(page, `[${endpoint.id}]`);
    await screenshot(page, 'terminal-endpoint-light');
    expect(browser.problems.filter((p) => p.startsWith('pageerror'))).toEqual([]);
  });
});
