import type { CommandName, EventMessage } from '../contract/index';
import type { TerminalClientFrame, TerminalServerFrame } from '../contract/terminal.schema';
import type { CommandEnvelope } from './fleet-api';

/**
 * The shape the Electron preload exposes on `window.fleetdeck`: one function per contract
 * command (derived from `commandNames`, never a generic send), plus an event subscription that
 * only ever delivers contract events.
 */
export type FleetBridge = {
  readonly commands: { readonly [N in CommandName]: (args: unknown) => Promise<CommandEnvelope> };
  subscribe(listener: (message: EventMessage) => void): () => void;
  /** Main sends this window only these events from now on (every event until the first call). */
  listen(names: readonly string[]): void;
  /** Terminal streams; absent in a desktop build from before terminals. */
  readonly terminal?: TerminalBridge;
};

export const BRIDGE_GLOBAL = 'fleetdeck';
export const IPC_EVENT_CHANNEL = 'fleetdeck:event';
/** page -> main: (names: string[]), the events this window listens to. */
export const IPC_EVENTS_LISTEN = 'fleetdeck:events-listen';
export const ipcCommandChannel = (name: CommandName) => `fleetdeck:command:${name}`;

/** What main sends the page for one terminal stream. */
export type TerminalBridgeMessage =
  { kind: 'frame'; frame: TerminalServerFrame } | { kind: 'end'; code: number; reason: string };

export type TerminalBridgeOpenReply = { ok: true } | { ok: false; code: number; reason: string };

/**
 * The desktop's terminal streams: explicit functions, no channel names in the page. The page
 * picks `streamId` (random) before opening, so frames that arrive before `open` resolves have
 * somewhere to go.
 */
export interface TerminalBridge {
  open(streamId: string, sessionId: string, attachToken: string): Promise<TerminalBridgeOpenReply>;
  frame(streamId: string, frame: TerminalClientFrame): void;
  close(streamId: string): void;
  listen(listener: (streamId: string, message: TerminalBridgeMessage) => void): () => void;
}

export const IPC_TERMINAL_OPEN = 'fleetdeck:terminal:open';
export const IPC_TERMINAL_FRAME = 'fleetdeck:terminal:frame';
export const IPC_TERMINAL_CLOSE = 'fleetdeck:terminal:close';
/** main -> page: (streamId, TerminalBridgeMessage). */
export const IPC_TERMINAL_OUTPUT = 'fleetdeck:terminal:output';
export const terminalStreamIdPattern = /^[A-Za-z0-9_-]{8,64}$/;
