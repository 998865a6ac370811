import { describe, expect, it } from 'vitest';
import {
  createFleetApi,
  type CommandEnvelope,
  type FleetTransport,
} from '../../../../src/shared/api/fleet-api';
import type { EventMessage } from '../../../../src/shared/contract/index';
import { FleetError } from '../../../../src/shared/errors/fleet-error';

function fakeTransport(reply: (name: string, args: unknown) => CommandEnvelope) {
  const sinks = new Set<(m: EventMessage) => void>();
  let subscribeCalls = 0;
  const transport: FleetTransport = {
    kind: 'console',
    invoke: async (name, args) => reply(name, args),
    subscribe(listener) {
      subscribeCalls++;
      sinks.add(listener);
      return () => sinks.delete(listener);
    },
    onConnection: () => () => {},
    openTerminal: () => ({ send() {}, close() {} }),
  };
  return {
    transport,
    push: (m: unknown) => sinks.forEach((s) => s(m as EventMessage)),
    get subscribers() {
      return sinks.size;
    },
    get subscribeCalls() {
      return subscribeCalls;
    },
  };
}

describe('the FleetApi client', () => {
  it('returns results and rebuilds errors with their code, place and hint', async () => {
    const fake = fakeTransport((name) =>
      name === 'settings.get'
        ? { ok: true, result: { theme: 'dark', timeFormat: '24h', staleAfterSeconds: 60 } }
        : {
            ok: false,
            error: {
              code: 'bad_request',
              message: 'Invalid arguments for settings.set: theme: nope',
              where: 'settings.set',
              hint: 'Check',
            },
          },
    );
    const api = createFleetApi(fake.transport);
    await expect(api.call('settings.get', {})).resolves.toMatchObject({ theme: 'dark' });
    const error = await api.call('settings.set', { theme: 'dark' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FleetError);
    expect(error).toMatchObject({ code: 'bad_request', where: 'settings.set', hint: 'Check' });
  });

  it('subscribes to the transport once, delivers only contract events, and unsubscribes with the last listener', () => {
    const fake = fakeTransport(() => ({ ok: true, result: null }));
    const api = createFleetApi(fake.transport);
    const seen: unknown[] = [];
    const offA = api.on('app.status', (p) => seen.push(['a', p.dataDir]));
    const offB = api.on('app.status', (p) => seen.push(['b', p.dataDir]));
    expect(fake.subscribeCalls).toBe(1);
    fake.push({ event: 'app.status', payload: { dataDir: '/d' } });
    fake.push({ event: 'not.in.contract', payload: {} });
    expect(seen).toEqual([
      ['a', '/d'],
      ['b', '/d'],
    ]);
    offA();
    expect(fake.subscribers).toBe(1);
    offB();
    expect(fake.subscribers).toBe(0);
  });

  it('turns a garbled error body into an internal FleetError instead of crashing', () => {
    expect(FleetError.fromBody({ code: 'weird', message: 42 })).toMatchObject({
      code: 'internal',
      message: 'Unknown error',
    });
    expect(FleetError.fromBody('plain text')).toMatchObject({ code: 'internal', message: 'plain text' });
  });
});
