import type { CommandName, EventMessage } from '../contract/index';
import type { CommandEnvelope } from './fleet-api';

/**
 * The shape the Electron preload exposes on `window.fleetdeck`: one function per contract
 * command (derived from `commandNames`, never a generic send), plus an event subscription that
 * only ever delivers contract events.
 */
export type FleetBridge = {
  readonly commands: { readonly [N in CommandName]: (args: unknown) => Promise<CommandEnvelope> };
  subscribe(listener: (message: EventMessage) => void): () => void;
};

export const BRIDGE_GLOBAL = 'fleetdeck';
export const IPC_EVENT_CHANNEL = 'fleetdeck:event';
export const ipcCommandChannel = (name: CommandName) => `fleetdeck:command:${name}`;
