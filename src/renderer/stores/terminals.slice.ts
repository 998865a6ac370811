import type { TerminalStream, TerminalStreamHandlers } from '../../shared/api/terminal-stream';
import type { CommandArgs, TerminalSession } from '../../shared/contract/index';
import { tidyTerminalName } from '../../shared/contract/terminal.schema';
import type { FleetErrorBody } from '../../shared/errors/fleet-error';
import { toErrorBody } from './errors';
import type { SliceCreator, StoreDeps } from './store.types';

export const TERMINAL_FONT_SIZES = { min: 8, max: 32, default: 13 } as const;
const FONT_SIZE_KEY = 'fleetdeck.terminal.fontSize';

/**
 * Terminals (issue 5). The list of sessions is the core's (terminal.list + terminal.session
 * events), so a reload finds the same tabs with the names people gave them; the renderer only
 * adds what is a matter of taste: the font size, and which exited sessions were put away.
 */
export interface TerminalsSlice {
  /** Every session the core keeps, oldest first (tab order). */
  terminals: TerminalSession[];
  terminalsLoaded: boolean;
  terminalsError: FleetErrorBody | null;
  /** The last open/close/restart that failed, for the view to show. */
  terminalActionError: FleetErrorBody | null;
  terminalOpening: boolean;
  terminalFontSize: number;
  /**
   * Names given in this window that the core has not confirmed yet (or refused: the tab keeps
   * the name here), by session id; a confirmed name is the session's `name`.
   */
  terminalTitles: Record<string, string>;
  /** Exited sessions whose tab was closed: the core keeps their transcript, the tab bar does not. */
  dismissedTerminals: Record<string, true>;

  /** terminal.list now, then follows terminal.session events; returns a stop function. */
  watchTerminals(): () => void;
  loadTerminals(): Promise<void>;
  /** Opens a shell (in an endpoint's context when given); null when the core refused (see terminalActionError). */
  newTerminal(args?: Partial<CommandArgs<'terminal.open'>>): Promise<TerminalSession | null>;
  /** Ends a session (SIGHUP) and puts its tab away. */
  closeTerminal(id: string): Promise<boolean>;
  /** A fresh shell in place of an exited one, with the same endpoint, run and title. */
  restartTerminal(id: string): Promise<TerminalSession | null>;
  /** A fresh single-use token, then the session's stream; throws a FleetError when either fails. */
  attachTerminal(id: string, handlers: TerminalStreamHandlers): Promise<TerminalStream>;
  resizeTerminal(id: string, cols: number, rows: number): void;
  setTerminalFontSize(size: number): void;
  /** Names a session's tab (blank: back to its title); kept by the core across reloads. */
  renameTerminal(id: string, title: string): Promise<void>;
  dismissTerminalError(): void;
}

function storedFontSize(): number {
  try {
    const value = Number(globalThis.localStorage?.getItem(FONT_SIZE_KEY));
    if (Number.isInteger(value) && value >= TERMINAL_FONT_SIZES.min && value <= TERMINAL_FONT_SIZES.max)
      return value;
  } catch {
    /* storage disabled: the default */
  }
  return TERMINAL_FONT_SIZES.default;
}

const byCreation = (a: TerminalSession, b: TerminalSession) =>
  a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1);

/** The list with `session` put in (or replaced), in tab order. */
export function upsertSession(list: readonly TerminalSession[], session: TerminalSession): TerminalSession[] {
  const next = list.filter((s) => s.id !== session.id);
  next.push(session);
  return next.sort(byCreation);
}

export const createTerminalsSlice =
  ({ api }: StoreDeps): SliceCreator<TerminalsSlice> =>
  (set, get) => ({
    terminals: [],
    terminalsLoaded: false,
    terminalsError: null,
    terminalActionError: null,
    terminalOpening: false,
    terminalFontSize: storedFontSize(),
    terminalTitles: {},
    dismissedTerminals: {},

    watchTerminals() {
      const off = api.on('terminal.session', (session) =>
        set({ terminals: upsertSession(get().terminals, session) }),
      );
      void get().loadTerminals();
      return off;
    },

    async loadTerminals() {
      try {
        const list = await api.call('terminal.list', {});
        // Events that arrived while the list was in flight are newer than it: keep them.
        const known = get().terminals;
        const merged = list.reduce<TerminalSession[]>(
          (acc, s) => (acc.some((x) => x.id === s.id) ? acc : upsertSession(acc, s)),
          known.filter((s) => list.some((l) => l.id === s.id) || s.state === 'running'),
        );
        // Sessions that had already exited before this window saw them are history
        // (terminal.history), not tabs: a reload brings back the running shells only.
        const dismissed = { ...get().dismissedTerminals };
        for (const s of list)
          if (s.state === 'exited' && !known.some((k) => k.id === s.id)) dismissed[s.id] = true;
        set({
          terminals: merged,
          dismissedTerminals: dismissed,
          terminalsLoaded: true,
          terminalsError: null,
        });
      } catch (error) {
        set({ terminalsLoaded: true, terminalsError: toErrorBody(error) });
      }
    },

    async newTerminal(args = {}) {
      set({ terminalOpening: true, terminalActionError: null });
      try {
        const session = await api.call('terminal.open', { cols: 80, rows: 24, ...args });
        set({ terminals: upsertSession(get().terminals, session), terminalOpening: false });
        return session;
      } catch (error) {
        set({ terminalOpening: false, terminalActionError: toErrorBody(error) });
        return null;
      }
    },

    async closeTerminal(id) {
      const session = get().terminals.find((s) => s.id === id);
      set({ dismissedTerminals: { ...get().dismissedTerminals, [id]: true }, terminalActionError: null });
      if (!session || session.state !== 'running') return true;
      try {
        const closed = await api.call('terminal.close', { id });
        set({ terminals: upsertSession(get().terminals, closed) });
        return true;
      } catch (error) {
        const body = toErrorBody(error);
        // Already gone is what closing wanted.
        if (body.code === 'not_found') return true;
        const { [id]: _kept, ...dismissed } = get().dismissedTerminals;
        set({ dismissedTerminals: dismissed, terminalActionError: body });
        return false;
      }
    },

    async restartTerminal(id) {
      const old = get().terminals.find((s) => s.id === id);
      const name = get().terminalTitles[id] ?? old?.name;
      const fresh = await get().newTerminal({
        ...(old ? { cols: old.cols, rows: old.rows } : {}),
        ...(old?.endpointId ? { endpointId: old.endpointId } : {}),
        ...(old?.runId ? { runId: old.runId } : {}),
      });
      if (!fresh) return null;
      const { [id]: _old, ...titles } = get().terminalTitles;
      set({ terminalTitles: titles, dismissedTerminals: { ...get().dismissedTerminals, [id]: true } });
      if (name) await get().renameTerminal(fresh.id, name);
      return get().terminals.find((s) => s.id === fresh.id) ?? fresh;
    },

    async attachTerminal(id, handlers) {
      const { session, attachToken } = await api.call('terminal.attach', { id });
      set({ terminals: upsertSession(get().terminals, session) });
      return api.openTerminal(id, attachToken, handlers);
    },

    resizeTerminal(id, cols, rows) {
      // An exited shell has no PTY to size (the core would answer 409).
      if (get().terminals.find((s) => s.id === id)?.state === 'exited') return;
      api.call('terminal.resize', { id, cols, rows }).then(
        (session) => set({ terminals: upsertSession(get().terminals, session) }),
        // A resize racing the session's end is not worth a banner; the exit frame says what happened.
        () => {},
      );
    },

    setTerminalFontSize(size) {
      const clamped = Math.min(TERMINAL_FONT_SIZES.max, Math.max(TERMINAL_FONT_SIZES.min, Math.round(size)));
      set({ terminalFontSize: clamped });
      try {
        globalThis.localStorage?.setItem(FONT_SIZE_KEY, String(clamped));
      } catch {
        /* storage disabled: this window keeps it */
      }
    },

    async renameTerminal(id, title) {
      const trimmed = tidyTerminalName(title);
      // Shown at once; the core's answer (or its event) replaces it.
      set({ terminalTitles: { ...get().terminalTitles, [id]: trimmed } });
      try {
        const session = await api.call('terminal.rename', { id, name: trimmed || null });
        const { [id]: shown, ...rest } = get().terminalTitles;
        // A newer rename may have been typed meanwhile: that one stays until its own answer.
        set({
          terminals: upsertSession(get().terminals, session),
          ...(shown === trimmed ? { terminalTitles: rest } : {}),
        });
      } catch (error) {
        // This window keeps the name; the person learns it will not survive a reload.
        set({ terminalActionError: toErrorBody(error) });
      }
    },

    dismissTerminalError() {
      set({ terminalActionError: null });
    },
  });
