import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import '../../styles/terminal.css';
import { selectTheme, useFleet } from '../../stores/fleet.store';
import { defaultSettings } from '../../../shared/contract/index';
import { TERMINAL_FONT_SIZES } from '../../stores/terminals.slice';
import { TerminalConnection, type ConnectionStatus } from './terminal-connection';
import { TerminalScreen, type RendererKind, type ScreenCommand } from './terminal-screen';
import { terminalTheme } from './terminal-theme';
import { TerminalSearchBar } from './TerminalSearchBar';
import { TerminalStatusLine } from './TerminalStatusLine';

/** What tests (and only tests) read through the host element: the xterm instance. */
export type TerminalHostElement = HTMLDivElement & { xterm?: TerminalScreen['term'] };

export interface TerminalPaneProps {
  sessionId: string;
  /** Visible and focused; a hidden pane keeps its stream and buffer but gives back its WebGL context. */
  active?: boolean;
  /** A Restart replaced the exited session with this one (the embedder points at it). */
  onRestarted?: (sessionId: string) => void;
  /** The program set its window title. */
  onTitle?: (title: string) => void;
}

/**
 * One terminal session on screen (issue 5): xterm.js attached to the session's stream, with
 * search, copy/paste, font size, reattach after a reload or a dropped stream, and a Restart
 * once the process has exited. Used by #/terminal as one tab, and beside a runbook run.
 */
export function TerminalPane({ sessionId, active = true, onRestarted, onTitle }: TerminalPaneProps) {
  const hostRef = useRef<TerminalHostElement>(null);
  const screenRef = useRef<TerminalScreen | null>(null);
  const connectionRef = useRef<TerminalConnection | null>(null);
  const [status, setStatus] = useState<ConnectionStatus>({ kind: 'connecting' });
  const [renderer, setRenderer] = useState<RendererKind>('dom');
  const [searching, setSearching] = useState(false);
  const [restarting, setRestarting] = useState(false);

  const theme = useFleet(selectTheme);
  const fontSize = useFleet((s) => s.terminalFontSize);
  const gpu = useFleet((s) => s.settings?.terminalGpu ?? defaultSettings.terminalGpu);
  const attachTerminal = useFleet((s) => s.attachTerminal);
  const resizeTerminal = useFleet((s) => s.resizeTerminal);
  const setFontSize = useFleet((s) => s.setTerminalFontSize);
  const restartTerminal = useFleet((s) => s.restartTerminal);

  // Callbacks change identity per render; the screen is made once per session and reads them here.
  const latest = useRef({ onTitle, setFontSize, fontSize, gpu });
  useLayoutEffect(() => {
    latest.current = { onTitle, setFontSize, fontSize, gpu };
  });

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const onCommand = (command: ScreenCommand) => {
      const { setFontSize: set, fontSize: size } = latest.current;
      if (command === 'search') setSearching(true);
      else if (command === 'font-bigger') set(size + 1);
      else if (command === 'font-smaller') set(size - 1);
      else if (command === 'font-reset') set(TERMINAL_FONT_SIZES.default);
    };
    const screen = new TerminalScreen(host, {
      fontSize: latest.current.fontSize,
      theme: terminalTheme(theme),
      gpu: latest.current.gpu,
      onInput: (data) => void connectionRef.current?.input(data),
      onResize: (cols, rows) => {
        // The stream carries it when open; otherwise the command, so the PTY is right on reattach.
        // An exited session has no PTY to resize (the core would refuse it with a 409).
        const connection = connectionRef.current;
        if (connection?.hasExited) return;
        if (!connection?.resize(cols, rows)) resizeTerminal(sessionId, cols, rows);
      },
      onCommand,
      onTitle: (title) => latest.current.onTitle?.(title),
      onRendererChange: setRenderer,
    });
    const connection = new TerminalConnection(sessionId, attachTerminal, {
      reset: () => screen.reset(),
      write: (data, parsed) => screen.write(data, parsed),
      size: () => ({ cols: screen.cols, rows: screen.rows }),
      status: setStatus,
    });
    screenRef.current = screen;
    connectionRef.current = connection;
    host.xterm = screen.term;
    connection.start();
    return () => {
      connection.dispose();
      screen.dispose();
      delete host.xterm;
      screenRef.current = null;
      connectionRef.current = null;
    };
    // The theme and font size are applied below without re-creating the terminal.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sessionId, attachTerminal, resizeTerminal]);

  useEffect(() => screenRef.current?.setTheme(terminalTheme(theme)), [theme]);
  useEffect(() => screenRef.current?.setFontSize(fontSize), [fontSize]);
  useEffect(() => screenRef.current?.setGpu(gpu), [gpu]);
  useEffect(() => {
    const screen = screenRef.current;
    if (!screen) return;
    screen.setActive(active);
    if (!active || searching) return;
    // After the shell has moved focus to the new view's heading (it does so once children have
    // mounted): in a terminal view the keys are for the terminal.
    const frame = requestAnimationFrame(() => screen.focus());
    return () => cancelAnimationFrame(frame);
  }, [active, sessionId, searching]);

  const getScreen = useCallback(() => screenRef.current, []);

  const restart = async () => {
    setRestarting(true);
    const fresh = await restartTerminal(sessionId);
    setRestarting(false);
    if (fresh) onRestarted?.(fresh.id);
  };

  return (
    <div
      className="terminal-pane"
      data-testid="terminal-pane"
      data-session-id={sessionId}
      data-state={status.kind}
      data-renderer={renderer}
    >
      {searching ? (
        <TerminalSearchBar
          screen={getScreen}
          theme={theme}
          onClose={() => {
            setSearching(false);
            screenRef.current?.focus();
          }}
        />
      ) : null}
      <div className="terminal-host" ref={hostRef} data-testid="terminal-host" />
      <TerminalStatusLine
        status={status}
        restarting={restarting}
        onRestart={() => void restart()}
        onReconnect={() => connectionRef.current?.reconnect()}
      />
    </div>
  );
}
