import { afterEach, describe, expect, it } from 'vitest';
import type { TerminalSession } from '../../../../src/shared/contract/terminal.schema';
import { freshDir } from '../../../support/tmp';
import { ctx, startPlane, type Harness } from './plane-harness';

let h: Harness | null = null;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await h?.dispose();
  h = null;
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const rename = (id: string, name: string | null) =>
  h!.plane.handlers['terminal.rename']({ id, name }, ctx) as Promise<TerminalSession> | TerminalSession;

describe('naming a terminal', () => {
  it('keeps the name in the core: announced, listed, in the history, and after a restart of the core', async () => {
    const tmp = freshDir('fleetdeck-terminal-rename-');
    cleanups.push(tmp.cleanup);
    h = startPlane({}, tmp.dir);
    const session = h.open();
    expect(session.name).toBeNull();

    const named = await rename(session.id, '  gpu-node-7\t triage  ');
    // Whitespace is tidied; the title given at opening stays what it was.
    expect(named).toMatchObject({ id: session.id, name: 'gpu-node-7 triage', title: session.title });
    const announced = h.events.filter(
      (e) => e.event === 'terminal.session' && (e.payload as TerminalSession).id === session.id,
    );
    expect((announced.at(-1)?.payload as TerminalSession).name).toBe('gpu-node-7 triage');
    const listed = await h.plane.handlers['terminal.list']({}, ctx);
    expect(listed.find((s) => s.id === session.id)?.name).toBe('gpu-node-7 triage');

    // A blank name takes it away.
    expect((await rename(session.id, '   ')).name).toBeNull();
    await rename(session.id, 'kept');

    // The core restarts: the session is history now, and keeps its name there.
    await h.plane.close();
    h.store.close();
    h = startPlane({}, tmp.dir);
    const history = await h.plane.handlers['terminal.history']({ includeRunning: true, limit: 10 }, ctx);
    expect(history.find((s) => s.id === session.id)).toMatchObject({ name: 'kept', state: 'exited' });
    // A recorded session can still be named (for the review of an incident).
    expect((await rename(session.id, 'node-7 drain, 03:10')).name).toBe('node-7 drain, 03:10');
    const again = await h.plane.handlers['terminal.history']({ includeRunning: true, limit: 10 }, ctx);
    expect(again.find((s) => s.id === session.id)?.name).toBe('node-7 drain, 03:10');
  });

  it('says which terminal it does not know', async () => {
    h = startPlane();
    await expect((async () => rename('no-such-terminal', 'x'))()).rejects.toMatchObject({
      code: 'not_found',
      where: 'terminal.rename',
      message: expect.stringContaining('no-such-terminal'),
    });
  });
});
