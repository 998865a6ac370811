import type { FleetBridge } from '../../shared/api/bridge';
import type { FleetTransport } from '../../shared/api/fleet-api';
import { ConnectionTracker } from './connection-tracker';

/**
 * The desktop transport: the preload's one-function-per-command bridge on `window.fleetdeck`.
 * IPC to our own main process has no network in between, so it is always 'connected'; a call
 * that still fails (main process gone, handler missing) becomes an envelope like any other.
 */
export function createIpcTransport(bridge: FleetBridge): FleetTransport {
  const connection = new ConnectionTracker('connected');
  return {
    kind: 'desktop',
    async invoke(name, args) {
      const send = bridge.commands[name];
      if (typeof send !== 'function') {
        return {
          ok: false,
          error: {
            code: 'not_found',
            message: `The desktop host does not offer ${name}.`,
            where: name,
            hint: 'The window and the app are from different versions: quit Fleetdeck completely and start it again.',
          },
        };
      }
      try {
        return await send(args ?? {});
      } catch (error) {
        return {
          ok: false,
          error: {
            code: 'unavailable',
            message: `The Fleetdeck desktop host did not answer ${name}: ${error instanceof Error ? error.message : String(error)}`,
            where: name,
            hint: 'Quit Fleetdeck and start it again; if it keeps happening, the log in the data directory says why.',
          },
        };
      }
    },
    subscribe: (listener) => bridge.subscribe(listener),
    onConnection: (listener) => connection.listen(listener),
  };
}
