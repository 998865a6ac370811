import { join } from 'node:path';
import headless from '@xterm/headless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../src/shared/contract/runbook.schema';
import { until } from '../../support/until';
import { startRunCore, type RunCore } from './run-harness';

/** The run terminal as a person sees it: its stream (scrollback, then live) on an xterm grid. */
async function watchScreen(h: RunCore, sessionId: string) {
  const term = new headless.Terminal({ cols: 120, rows: 32, scrollback: 1000, allowProposedApi: true });
  const { attachToken } = await h.call<{ attachToken: string }>('terminal.attach', { id: sessionId });
  const attached = h.core.terminalStreams.connect(sessionId, attachToken, {
    send: (frame) => {
      if (frame.t === 'replay' || frame.t === 'data') term.write(frame.d);
    },
    end: () => {},
  });
  if (!attached.ok) throw new Error(`attach refused: ${attached.reason}`);
  const lines = async () => {
    await new Promise<void>((done) => term.write('', done));
    const buffer = term.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < buffer.length; i++) out.push(buffer.getLine(i)!.translateToString(true).trimEnd());
    return out.filter((l) => l.trim() !== '');
  };
  return {
    lines,
    type: (text: string) => attached.connection.receive({ t: 'input', d: text }),
    dispose: () => {
      attached.connection.detach();
      term.dispose();
    },
  };
}

// Real core, real PTY, real bash: what the run's terminal shows, checked on a real xterm grid.
describe("a run's terminal shows the commands, not the machinery around them", () => {
  let h: RunCore;
  beforeAll(async () => {
    h = await startRunCore();
  });
  afterAll(async () => {
    await h?.dispose();
  });

  it('shows each command as typed and its output, echoes what a person types while the run waits, and hides the wrapper', async () => {
    const marker = join(h.dir, 'screen-marker');
    const run = await h.call<Run>('runs.start', { runbookId: 'confirm-flow', vars: { marker } });
    await h.waitRun(run.id, 'the confirmation', (r) => r.steps[1]!.state === 'waiting_confirm');
    const screen = await watchScreen(h, run.terminalId!);
    try {
      // The run waits for a person: what they type shows, and runs.
      screen.type('echo typed-by-$((40+2))\r');
      await until('the typed command and its output on screen', async () => {
        const l = await screen.lines();
        return l.some((x) => x.includes('echo typed-by-$((40+2))')) && l.includes('typed-by-42') ? l : null;
      });
      await h.call('runs.control', { id: run.id, action: 'confirm' });
      await h.waitRun(run.id, 'the manual step', (r) => r.steps[2]!.state === 'waiting_manual');
      await h.call('runs.control', { id: run.id, action: 'done' });
      await h.waitRun(run.id, 'the end', (r) => r.state === 'succeeded');

      const prompt = process.getuid?.() === 0 ? '#' : '$';
      // The prompt comes back a moment after the last output: wait for both, not the output alone.
      const lines = await until('the last command on screen, then the prompt', async () => {
        const l = await screen.lines();
        return l.includes('created') && l.at(-1) === prompt ? l : null;
      });
      expect(lines).toEqual([
        `${prompt} echo looking`,
        'looking',
        `${prompt} echo typed-by-$((40+2))`,
        'typed-by-42',
        `${prompt} touch ${marker} && echo created`,
        'created',
        prompt,
      ]);
      // Nothing of the marks, the echo switching or the set-up line is left on screen.
      expect(lines.join('\n')).not.toMatch(/printf|7770|__fd|stty|PS1/);
    } finally {
      screen.dispose();
    }
  });
});
