import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { CommandEnvelope } from '../../src/shared/api/fleet-api';
import {
  IPC_EVENT_CHANNEL,
  IPC_EVENTS_LISTEN,
  IPC_TERMINAL_CLOSE,
  IPC_TERMINAL_FRAME,
  IPC_TERMINAL_OPEN,
  IPC_TERMINAL_OUTPUT,
  ipcCommandChannel,
  terminalStreamIdPattern,
  type TerminalBridgeMessage,
  type TerminalBridgeOpenReply,
} from '../../src/shared/api/bridge';
import { checkListenNames } from '../../src/shared/api/event-filter';
import { TERMINAL_CLOSE } from '../../src/shared/api/terminal-stream';
import {
  commandNames,
  terminalClientFrameSchema,
  type CommandName,
  type EventName,
} from '../../src/shared/contract/index';
import type { CommandContext, Core } from '../../src/core/core';
import type { TerminalConnection, TerminalStreams } from '../../src/core/terminal/terminal.types';
import { describeOrigin, type AppOrigin } from './app-origin';

/** Every desktop call runs as the person at the workstation (recorded in the audit log). */
export const DESKTOP_CONTEXT: CommandContext = Object.freeze({ actor: 'desktop-user', host: 'desktop' });

/** Why a sender is refused, or null when it is our own page's main frame. */
export function senderProblem(event: IpcMainInvokeEvent, appOrigin: AppOrigin): string | null {
  const gone = 'the sending frame has navigated away or been destroyed';
  try {
    const frame = event.senderFrame;
    if (!frame) return gone;
    // A page still running unload handlers after a navigation is detached from the frame tree
    // and may no longer be the page that owns the window (electron/electron#43473).
    if (frame.detached) return 'the sending frame is being unloaded';
    if (frame.parent !== null) return 'the message came from a sub-frame';
    if (frame !== event.sender.mainFrame) return 'the sending frame is not the main frame of its window';
    if (!appOrigin.isAppUrl(frame.url)) return 'the sending page is not Fleetdeck';
    return null;
  } catch {
    // WebFrameMain throws once its render frame has been disposed.
    return gone;
  }
}

/**
 * senderProblem, and when there is one, a warning naming the channel and the sender's origin
 * (reading a destroyed frame's URL throws; it is then logged as unknown). Returns the problem.
 */
function refuseSender(
  log: Pick<Core['log'], 'warn'>,
  appOrigin: AppOrigin,
  channel: string,
  event: IpcMainInvokeEvent,
): string | null {
  const reason = senderProblem(event, appOrigin);
  if (reason === null) return null;
  let url: string | undefined;
  try {
    url = event.senderFrame?.url;
  } catch {
    url = undefined;
  }
  log.warn('IPC call rejected', { channel, origin: describeOrigin(url), reason });
  return reason;
}

/**
 * One `ipcMain.handle` per contract command, derived from `commandNames` (CONVENTIONS.md 2).
 * The sender is checked here; names and arguments are checked by `core.call` against the
 * contract, so a bad argument comes back as a `bad_request` envelope with the reason.
 * Returns a function that removes the handlers again.
 */
export function registerCommandHandlers(core: Pick<Core, 'call' | 'log'>, appOrigin: AppOrigin): () => void {
  const channels: string[] = [];
  for (const name of commandNames) {
    const channel = ipcCommandChannel(name);
    ipcMain.handle(channel, (event, args: unknown) =>
      handleCommand(core, appOrigin, name, channel, event, args),
    );
    channels.push(channel);
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

async function handleCommand(
  core: Pick<Core, 'call' | 'log'>,
  appOrigin: AppOrigin,
  name: CommandName,
  channel: string,
  event: IpcMainInvokeEvent,
  args: unknown,
): Promise<CommandEnvelope> {
  const reason = refuseSender(core.log, appOrigin, channel, event);
  if (reason !== null) {
    return {
      ok: false,
      error: {
        code: 'forbidden',
        message: `Refused ${name}: ${reason}.`,
        where: channel,
        hint: 'Only the Fleetdeck window itself may call the core.',
      },
    };
  }
  return core.call(name, args, DESKTOP_CONTEXT);
}

/** Which events each window asked for (`FleetBridge.listen`). */
export interface EventFilters {
  /** True until the page in `contents` has said what it listens to, then only for those events. */
  wants(contents: WebContents, event: EventName): boolean;
  /** Removes the handler and forgets every window's set. */
  dispose(): void;
}

/**
 * The page's "send me only these events" over IPC, with the same sender checks as the commands.
 * A set belongs to the page that sent it: a navigation or reload (`did-navigate`, which comes
 * before the new page's scripts run) starts again from every event, as does a crashed renderer.
 * Not on did-finish-load: the new page may already have sent its set by then.
 */
export function registerEventFilters(core: Pick<Core, 'log'>, appOrigin: AppOrigin): EventFilters {
  const byContents = new Map<WebContents, { names: ReadonlySet<EventName>; unwatch(): void }>();
  const lifecycle = ['destroyed', 'did-navigate', 'render-process-gone'] as const;

  const forget = (contents: WebContents) => {
    byContents.get(contents)?.unwatch();
    byContents.delete(contents);
  };

  ipcMain.handle(IPC_EVENTS_LISTEN, (event, names: unknown): void => {
    if (refuseSender(core.log, appOrigin, IPC_EVENTS_LISTEN, event) !== null) return;
    const check = checkListenNames(names);
    if (!check.ok) {
      // The window keeps what it had: at worst it gets more events than it needs.
      core.log.warn(`desktop: ignored the window's event list: ${check.problem}`, {
        channel: IPC_EVENTS_LISTEN,
      });
      return;
    }
    const contents = event.sender;
    const entry = byContents.get(contents);
    if (entry) {
      byContents.set(contents, { ...entry, names: check.names });
      return;
    }
    const drop = () => forget(contents);
    for (const name of lifecycle) contents.on(name as 'destroyed', drop);
    byContents.set(contents, {
      names: check.names,
      unwatch: () => {
        for (const name of lifecycle) contents.removeListener(name as 'destroyed', drop);
      },
    });
  });

  return {
    wants: (contents, name) => byContents.get(contents)?.names.has(name) ?? true,
    dispose() {
      ipcMain.removeHandler(IPC_EVENTS_LISTEN);
      for (const contents of [...byContents.keys()]) forget(contents);
    },
  };
}

/**
 * Sends core events to one window while it shows our own page, only those it listens to once
 * it has said (`filters`). The subscription restarts on every page load, so a reloaded window
 * gets the current status at once (core.subscribe sends it to each new subscriber) and stops
 * when the window goes away.
 */
export function forwardCoreEvents(
  core: Pick<Core, 'subscribe'>,
  contents: WebContents,
  appOrigin: AppOrigin,
  filters: Pick<EventFilters, 'wants'>,
): () => void {
  let unsubscribe: (() => void) | null = null;
  const stop = () => {
    unsubscribe?.();
    unsubscribe = null;
  };
  const start = () => {
    stop();
    unsubscribe = core.subscribe((message) => {
      if (contents.isDestroyed()) return stop();
      // Navigation away is blocked, but never push fleet data into a page that is not ours.
      if (!appOrigin.isAppUrl(contents.mainFrame.url)) return;
      if (!filters.wants(contents, message.event)) return;
      contents.send(IPC_EVENT_CHANNEL, message);
    });
  };
  contents.on('did-finish-load', start);
  contents.once('destroyed', stop);
  return () => {
    contents.removeListener('did-finish-load', start);
    stop();
  };
}

type StreamCore = { terminalStreams: TerminalStreams; log: Pick<Core['log'], 'warn'> };

/**
 * Terminal streams over IPC: the same frames as the console's WebSocket, the same single-use
 * attach token, and the same sender checks as the commands. The page names each stream (a random
 * id); streams belong to the WebContents that opened them and end when it navigates, crashes or
 * goes away, so a reload never leaves a PTY paused for a view that no longer exists. Returns a
 * function that removes the handlers and ends every stream.
 */
export function registerTerminalStreams(core: StreamCore, appOrigin: AppOrigin): () => void {
  const byContents = new Map<WebContents, { streams: Map<string, TerminalConnection>; unwatch(): void }>();
  const lifecycle = ['destroyed', 'did-navigate', 'render-process-gone'] as const;

  const forgetContents = (contents: WebContents) => {
    const entry = byContents.get(contents);
    if (!entry) return;
    byContents.delete(contents);
    entry.unwatch();
    for (const connection of entry.streams.values()) connection.detach();
  };
  const streamsOf = (contents: WebContents) => {
    let entry = byContents.get(contents);
    if (!entry) {
      const forget = () => forgetContents(contents);
      for (const name of lifecycle) contents.on(name as 'destroyed', forget);
      entry = {
        streams: new Map(),
        unwatch: () => {
          for (const name of lifecycle) contents.removeListener(name as 'destroyed', forget);
        },
      };
      byContents.set(contents, entry);
    }
    return entry.streams;
  };
  const refused = (channel: string, event: IpcMainInvokeEvent): string | null =>
    refuseSender(core.log, appOrigin, channel, event);
  const validId = (value: unknown): value is string =>
    typeof value === 'string' && terminalStreamIdPattern.test(value);

  ipcMain.handle(
    IPC_TERMINAL_OPEN,
    (event, streamId: unknown, sessionId: unknown, attachToken: unknown): TerminalBridgeOpenReply => {
      const reason = refused(IPC_TERMINAL_OPEN, event);
      if (reason !== null) return { ok: false, code: TERMINAL_CLOSE.refused, reason: `Refused: ${reason}.` };
      if (!validId(streamId) || typeof sessionId !== 'string' || typeof attachToken !== 'string') {
        return { ok: false, code: TERMINAL_CLOSE.badFrame, reason: 'malformed terminal open request' };
      }
      const contents = event.sender;
      const streams = streamsOf(contents);
      if (streams.has(streamId))
        return { ok: false, code: TERMINAL_CLOSE.badFrame, reason: 'stream id in use' };
      const post = (message: TerminalBridgeMessage) => {
        if (!contents.isDestroyed()) contents.send(IPC_TERMINAL_OUTPUT, streamId, message);
      };
      const result = core.terminalStreams.connect(sessionId, attachToken, {
        send: (frame) => post({ kind: 'frame', frame }),
        end: (code, reason) => {
          streams.delete(streamId);
          post({ kind: 'end', code, reason });
        },
      });
      if (!result.ok) {
        core.log.warn('terminal attach refused', { reason: result.reason });
        return { ok: false, code: result.code, reason: result.reason };
      }
      streams.set(streamId, result.connection);
      return { ok: true };
    },
  );

  ipcMain.handle(IPC_TERMINAL_FRAME, (event, streamId: unknown, frame: unknown): void => {
    if (refused(IPC_TERMINAL_FRAME, event) !== null || !validId(streamId)) return;
    const streams = byContents.get(event.sender)?.streams;
    const connection = streams?.get(streamId);
    if (!connection) return;
    const parsed = terminalClientFrameSchema.safeParse(frame);
    if (parsed.success) return connection.receive(parsed.data);
    // Not our protocol: the stream ends, as the console's WebSocket does.
    streams!.delete(streamId);
    connection.detach();
    if (!event.sender.isDestroyed()) {
      event.sender.send(IPC_TERMINAL_OUTPUT, streamId, {
        kind: 'end',
        code: TERMINAL_CLOSE.badFrame,
        reason: 'malformed frame',
      } satisfies TerminalBridgeMessage);
    }
  });

  ipcMain.handle(IPC_TERMINAL_CLOSE, (event, streamId: unknown): void => {
    if (refused(IPC_TERMINAL_CLOSE, event) !== null || !validId(streamId)) return;
    const streams = byContents.get(event.sender)?.streams;
    const connection = streams?.get(streamId);
    if (!connection) return;
    streams!.delete(streamId);
    connection.detach();
  });

  return () => {
    for (const channel of [IPC_TERMINAL_OPEN, IPC_TERMINAL_FRAME, IPC_TERMINAL_CLOSE])
      ipcMain.removeHandler(channel);
    for (const contents of [...byContents.keys()]) forgetContents(contents);
  };
}
