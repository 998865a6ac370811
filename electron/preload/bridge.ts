import type { IpcRenderer, IpcRendererEvent } from 'electron';
import type { CommandEnvelope } from '../../src/shared/api/fleet-api';
import {
  IPC_EVENT_CHANNEL,
  IPC_EVENTS_LISTEN,
  IPC_TERMINAL_CLOSE,
  IPC_TERMINAL_FRAME,
  IPC_TERMINAL_OPEN,
  IPC_TERMINAL_OUTPUT,
  ipcCommandChannel,
  type FleetBridge,
  type TerminalBridge,
  type TerminalBridgeMessage,
  type TerminalBridgeOpenReply,
} from '../../src/shared/api/bridge';
import {
  commandNames,
  isEventName,
  type CommandName,
  type EventMessage,
} from '../../src/shared/contract/index';

export type BridgeIpc = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

/**
 * The only thing the page sees of Electron: one function per contract command, derived from
 * `commandNames`, and a subscription that delivers contract events only. No `ipcRenderer`, no
 * generic send, and never the IpcRendererEvent (its `sender` is ipcRenderer itself).
 */
export function createBridge(ipc: BridgeIpc): FleetBridge {
  const commands = {} as Record<CommandName, (args: unknown) => Promise<CommandEnvelope>>;
  for (const name of commandNames) {
    const channel = ipcCommandChannel(name);
    commands[name] = (args: unknown) => ipc.invoke(channel, args) as Promise<CommandEnvelope>;
  }
  return {
    commands: Object.freeze(commands),
    terminal: createTerminalBridge(ipc),
    // Fire and forget: until main has the names it sends every event, which is only more traffic.
    listen: (names) => void ipc.invoke(IPC_EVENTS_LISTEN, [...names]).catch(() => {}),
    subscribe(listener) {
      const onMessage = (_event: IpcRendererEvent, message: unknown) => {
        if (typeof message !== 'object' || message === null) return;
        const { event, payload } = message as { event?: unknown; payload?: unknown };
        if (!isEventName(event)) return;
        listener({ event, payload } as EventMessage);
      };
      ipc.on(IPC_EVENT_CHANNEL, onMessage);
      return () => {
        ipc.removeListener(IPC_EVENT_CHANNEL, onMessage);
      };
    },
  };
}

/**
 * Terminal streams: four explicit functions over fixed channels. Messages from main reach the
 * page as (streamId, message) only, never with the IpcRendererEvent.
 */
function createTerminalBridge(ipc: BridgeIpc): TerminalBridge {
  // Fire and forget; a failure (main gone) shows as the stream's end, not as an unhandled rejection.
  const post = (channel: string, ...args: unknown[]) => void ipc.invoke(channel, ...args).catch(() => {});
  return Object.freeze({
    open: (streamId: string, sessionId: string, attachToken: string) =>
      ipc.invoke(IPC_TERMINAL_OPEN, streamId, sessionId, attachToken) as Promise<TerminalBridgeOpenReply>,
    frame: (streamId: string, frame: unknown) => post(IPC_TERMINAL_FRAME, streamId, frame),
    close: (streamId: string) => post(IPC_TERMINAL_CLOSE, streamId),
    listen(listener: (streamId: string, message: TerminalBridgeMessage) => void) {
      const onMessage = (_event: IpcRendererEvent, streamId: unknown, message: unknown) => {
        if (typeof streamId !== 'string' || typeof message !== 'object' || message === null) return;
        const kind = (message as { kind?: unknown }).kind;
        if (kind !== 'frame' && kind !== 'end') return;
        listener(streamId, message as TerminalBridgeMessage);
      };
      ipc.on(IPC_TERMINAL_OUTPUT, onMessage);
      return () => {
        ipc.removeListener(IPC_TERMINAL_OUTPUT, onMessage);
      };
    },
  });
}
