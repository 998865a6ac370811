import { describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../../src/shared/api/fleet-api';
import type { RunSummary } from '../../../src/shared/contract/index';
import { followList } from '../../../src/renderer/stores/follow-list';

/** The two FleetApi calls followList uses, driven by the test. */
function events() {
  const listeners = new Set<(payload: unknown) => void>();
  const connections = new Set<(state: ConnectionState) => void>();
  return {
    api: {
      on: (_event: string, listener: (payload: never) => void) => {
        const l = listener as (payload: unknown) => void;
        listeners.add(l);
        return () => listeners.delete(l);
      },
      onConnection: (listener: (state: ConnectionState) => void) => {
        connections.add(listener);
        return () => connections.delete(listener);
      },
    },
    emit: (payload: Partial<RunSummary>) => listeners.forEach((l) => l(payload)),
    connection: (state: ConnectionState) => connections.forEach((l) => l(state)),
  };
}

describe('followList', () => {
  it('patches rows it holds, reads again for anything else and after a reconnect, and stops', () => {
    const e = events();
    const held = new Set(['run-1']);
    const patched: string[] = [];
    let loads = 0;
    const stop = followList(
      e.api as never,
      'runs.changed',
      (summary) => {
        if (!held.has(summary.id)) return false;
        patched.push(summary.id);
        return true;
      },
      () => loads++,
    );
    e.emit({ id: 'run-1' });
    expect({ patched, loads }).toEqual({ patched: ['run-1'], loads: 0 });
    e.emit({ id: 'run-2' });
    expect(loads).toBe(1);
    e.connection('disconnected');
    expect(loads).toBe(1);
    e.connection('connected');
    expect(loads).toBe(2);
    stop();
    e.emit({ id: 'run-3' });
    e.connection('connected');
    expect({ patched, loads }).toEqual({ patched: ['run-1'], loads: 2 });
  });
});
