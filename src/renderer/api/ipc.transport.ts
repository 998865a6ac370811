import type { FleetBridge, TerminalBridge, TerminalBridgeMessage } from '../../shared/api/bridge';
import type { FleetTransport } from '../../shared/api/fleet-api';
import {
  describeTerminalClose,
  parseTerminalServerFrame,
  type TerminalConnector,
  type TerminalStreamHandlers,
} from '../../shared/api/terminal-stream';
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
    listen: (names) => bridge.listen(names),
    onConnection: (listener) => connection.listen(listener),
    openTerminal: bridge.terminal ? ipcTerminalConnector(bridge.terminal) : missingTerminals,
  };
}

const missingTerminals: TerminalConnector = (_sessionId, _token, handlers) => {
  queueMicrotask(() =>
    handlers.onClose('This desktop host has no terminals: quit Fleetdeck completely and start it again.'),
  );
  return { send() {}, close() {} };
};

/** A random stream id the page picks, so frames that come before `open` resolves find their view. */
function newStreamId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Terminal streams over the preload's terminal bridge: one listener for every stream, frames
 * checked against the contract, keystrokes sent in order. `close()` from the view ends the
 * stream without calling `onClose`.
 */
export function ipcTerminalConnector(terminal: TerminalBridge): TerminalConnector {
  const streams = new Map<string, TerminalStreamHandlers>();
  let unlisten: (() => void) | null = null;
  const onMessage = (streamId: string, message: TerminalBridgeMessage) => {
    const handlers = streams.get(streamId);
    if (!handlers) return;
    if (message.kind === 'end') {
      streams.delete(streamId);
      handlers.onClose(describeTerminalClose(message.code, message.reason));
    } else {
      const frame = parseTerminalServerFrame(message.frame);
      if (frame) handlers.onFrame(frame);
    }
    if (streams.size === 0) {
      unlisten?.();
      unlisten = null;
    }
  };
  return (sessionId, attachToken, handlers) => {
    const streamId = newStreamId();
    streams.set(streamId, handlers);
    unlisten ??= terminal.listen(onMessage);
    const end = (reason: string) => {
      if (streams.get(streamId) !== handlers) return;
      onMessage(streamId, { kind: 'end', code: 1006, reason });
    };
    terminal.open(streamId, sessionId, attachToken).then(
      (reply) => {
        if (!reply.ok) end(describeTerminalClose(reply.code, reply.reason));
      },
      (error: unknown) => end(`the desktop host did not open the terminal: ${String(error)}`),
    );
    return {
      send(frame) {
        if (streams.has(streamId)) terminal.frame(streamId, frame);
      },
      close() {
        if (!streams.delete(streamId)) return;
        terminal.close(streamId);
        if (streams.size === 0) {
          unlisten?.();
          unlisten = null;
        }
      },
    };
  };
}
