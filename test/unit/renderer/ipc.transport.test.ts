import { describe, expect, it } from 'vitest';
import type { FleetBridge } from '../../../src/shared/api/bridge';
import type { CommandEnvelope, ConnectionState } from '../../../src/shared/api/fleet-api';
import { commandNames } from '../../../src/shared/contract/index';
import { findBridge } from '../../../src/renderer/api/fleet-client';
import { createIpcTransport } from '../../../src/renderer/api/ipc.transport';

/** A preload bridge with every contract command wired to `invoke`. */
const bridge = (invoke: (args: unknown) => Promise<CommandEnvelope>): FleetBridge => ({
  commands: Object.fromEntries(commandNames.map((name) => [name, invoke])) as FleetBridge['commands'],
  subscribe: () => () => {},
  listen: () => {},
});

describe('ipc transport (desktop)', () => {
  it('is picked only when the preload put a bridge on window', () => {
    const b = bridge(async () => ({ ok: true, result: 1 }));
    expect(findBridge({ fleetdeck: b })).toBe(b);
    expect(findBridge({})).toBeNull();
  });

  it('passes envelopes through and turns a rejected IPC call into an unavailable envelope', async () => {
    const ok = createIpcTransport(bridge(async () => ({ ok: true, result: { theme: 'dark' } })));
    await expect(ok.invoke('settings.get', {})).resolves.toEqual({ ok: true, result: { theme: 'dark' } });

    const broken = createIpcTransport(
      bridge(async () => {
        throw new Error('No handler registered');
      }),
    );
    const envelope = await broken.invoke('app.info', {});
    expect(envelope).toMatchObject({ ok: false, error: { code: 'unavailable', where: 'app.info' } });
    if (!envelope.ok) expect(envelope.error.hint).toMatch(/start it again/);
  });

  it("passes the names its FleetApi listens to on to the preload's listen", () => {
    const asked: (readonly string[])[] = [];
    const transport = createIpcTransport({
      ...bridge(async () => ({ ok: true, result: null })),
      listen: (names) => asked.push(names),
    });
    transport.listen(['app.status', 'fleet.pulse']);
    expect(asked).toEqual([['app.status', 'fleet.pulse']]);
  });

  it('reports itself connected at once', () => {
    const states: ConnectionState[] = [];
    createIpcTransport(bridge(async () => ({ ok: true, result: null }))).onConnection((s) => states.push(s));
    expect(states).toEqual(['connected']);
  });
});
