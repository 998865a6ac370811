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
  /** Every transport.listen call, and where it came in the order of subscribe calls. */
  const calls: string[] = [];
  const transport: FleetTransport = {
    kind: 'console',
    invoke: async (name, args) => reply(name, args),
    subscribe(listener) {
      subscribeCalls++;
      calls.push('subscribe');
      sinks.add(listener);
      return () => {
        calls.push('unsubscribe');
        sinks.delete(listener);
      };
    },
    listen: (names) => calls.push(`listen ${names.join(',')}`),
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
    /** The calls so far, then forgets them. */
    takeCalls() {
      return calls.splice(0);
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

  it('tells the transport the sorted set of names with listeners, only when that set changes', () => {
    const fake = fakeTransport(() => ({ ok: true, result: null }));
    const api = createFleetApi(fake.transport);

    const offStatus = api.on('app.status', () => {});
    // Right after the subscription starts.
    expect(fake.takeCalls()).toEqual(['subscribe', 'listen app.status']);

    const offDelta = api.on('fleet.delta', () => {});
    const offSettings = api.on('settings.changed', () => {});
    expect(fake.takeCalls()).toEqual([
      'listen app.status,fleet.delta',
      'listen app.status,fleet.delta,settings.changed',
    ]);

    // A second listener of a name already listened to, and removing it again, change nothing.
    const offStatus2 = api.on('app.status', () => {});
    offStatus2();
    offStatus2();
    expect(fake.takeCalls()).toEqual([]);

    offDelta();
    expect(fake.takeCalls()).toEqual(['listen app.status,settings.changed']);
    const offSources = api.on('sources.status', () => {});
    expect(fake.takeCalls()).toEqual(['listen app.status,settings.changed,sources.status']);
    offSettings();
    offSources();
    expect(fake.takeCalls()).toEqual(['listen app.status,sources.status', 'listen app.status']);

    // The last listener ends the subscription rather than asking for nothing; a new one starts
    // again with its own set, even if it is the same as before.
    offStatus();
    expect(fake.takeCalls()).toEqual(['unsubscribe']);
    api.on('app.status', () => {});
    expect(fake.takeCalls()).toEqual(['subscribe', 'listen app.status']);
  });

  it('still delivers to a name listened to again after its last listener left', () => {
    const fake = fakeTransport(() => ({ ok: true, result: null }));
    const api = createFleetApi(fake.transport);
    const seen: string[] = [];
    api.on('fleet.delta', () => seen.push('delta'));
    api.on('app.status', () => seen.push('first'))();
    api.on('app.status', () => seen.push('second'));
    fake.push({ event: 'app.status', payload: {} });
    expect(seen).toEqual(['second']);
    expect(fake.takeCalls().at(-1)).toBe('listen app.status,fleet.delta');
  });

  it('turns a garbled error body into an internal FleetError instead of crashing', () => {
    expect(FleetError.fromBody({ code: 'weird', message: 42 })).toMatchObject({
      code: 'internal',
      message: 'Unknown error',
    });
    expect(FleetError.fromBody('plain text')).toMatchObject({ code: 'internal', message: 'plain text' });
  });
});
