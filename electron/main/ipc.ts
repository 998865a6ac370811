import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { CommandEnvelope } from '../../src/shared/api/fleet-api';
import { IPC_EVENT_CHANNEL, ipcCommandChannel } from '../../src/shared/api/bridge';
import { commandNames, type CommandName } from '../../src/shared/contract/index';
import type { CommandContext, Core } from '../../src/core/core';
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
  const reason = senderProblem(event, appOrigin);
  if (reason !== null) {
    let url: string | undefined;
    try {
      url = event.senderFrame?.url;
    } catch {
      url = undefined;
    }
    core.log.warn('IPC call rejected', { channel, origin: describeOrigin(url), reason });
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

/**
 * Sends core events to one window while it shows our own page. The subscription restarts on
 * every page load, so a reloaded window gets the current status at once (core.subscribe
 * sends it to each new subscriber) and stops when the window goes away.
 */
export function forwardCoreEvents(
  core: Pick<Core, 'subscribe'>,
  contents: WebContents,
  appOrigin: AppOrigin,
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
