import type { ConnectionState, FleetApi } from '../../../src/shared/api/fleet-api';
import type { Source } from '../../../src/shared/contract/index';
import { FleetError, type FleetErrorBody } from '../../../src/shared/errors/fleet-error';
import { createFleetStore } from '../../../src/renderer/stores/fleet.store';

/** Shared by the sources and demo slice tests: a steerable FleetApi and small fixtures. */
type Handler = (args: never) => unknown;

/** A FleetApi the test steers: per-command handlers, pushed events by name, connection changes. */
export function fakeApi(handlers: Record<string, Handler>) {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const connection = new Set<(state: ConnectionState) => void>();
  const calls: { name: string; args: unknown }[] = [];
  const api: FleetApi = {
    kind: 'console',
    openTerminal: () => ({ send() {}, close() {} }),
    async call(name, args) {
      calls.push({ name, args });
      const handler = handlers[name];
      if (!handler) throw new FleetError({ code: 'not_found', message: `no ${name}` });
      return (await handler(args as never)) as never;
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    onConnection(listener) {
      connection.add(listener);
      listener('connecting');
      return () => connection.delete(listener);
    },
  };
  return {
    api,
    calls,
    named: (name: string) => calls.filter((c) => c.name === name),
    emit: (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload)),
    connect: (state: ConnectionState) => connection.forEach((l) => l(state)),
    listeners: (event: string) => listeners.get(event)?.size ?? 0,
  };
}

export const storeWith = (fake: ReturnType<typeof fakeApi>) =>
  createFleetStore({ api: fake.api, now: () => 42, setHash: () => {} });

/** Lets pending promise chains (fake calls) settle; no time passes. */
export const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

export const source = (id: string, over: Partial<Source> = {}): Source => ({
  id,
  kind: 'kubernetes',
  name: id,
  config: {},
  builtIn: false,
  status: { state: 'connecting', reason: 'starting', lastOkAt: null, retryAt: null },
  ...over,
});

export const fail = (body: FleetErrorBody) => () => {
  throw new FleetError(body);
};
