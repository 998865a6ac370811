import type { IpcRenderer, IpcRendererEvent } from 'electron';
import type { CommandEnvelope } from '../../src/shared/api/fleet-api';
import { IPC_EVENT_CHANNEL, ipcCommandChannel, type FleetBridge } from '../../src/shared/api/bridge';
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
