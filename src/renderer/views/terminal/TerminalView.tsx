import { useEffect, useMemo, useState } from 'react';
import '../../styles/sources.css';
import '../../styles/terminal.css';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useFleet } from '../../stores/fleet.store';
import type { TerminalSession } from '../../../shared/contract/index';
import { useLocationHash } from '../endpoints/use-address';
import { Dialog } from '../sources/Dialog';
import { ViewHeader } from '../ViewHeader';
import { TerminalPane } from './TerminalPane';
import { TerminalTabs, type TerminalTab } from './TerminalTabs';
import { terminalHash, terminalIdOf } from './terminal-url';

/** Ctrl+Shift+` opens a new terminal, as in VS Code (Ctrl+` alone opens this view). */
export const isNewTerminalShortcut = (e: {
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}) => e.ctrlKey && e.shiftKey && !e.altKey && !e.metaKey && e.code === 'Backquote';

/** `#/terminal` and `#/terminal/<sessionId>`: shells in the fleet's context, as tabs (issue 5). */
/** A person's name for the tab (the one just typed, else the kept one), else the program's title, else the session's. */
function tabLabel(session: TerminalSession, typed: string | undefined, program: string | undefined): string {
  const name = typed !== undefined ? typed : session.name;
  return name || program || session.title;
}

export function TerminalView() {
  const [hash, writeHash] = useLocationHash();
  const wanted = terminalIdOf(hash);
  const watchTerminals = useFleet((s) => s.watchTerminals);
  const terminals = useFleet((s) => s.terminals);
  const loaded = useFleet((s) => s.terminalsLoaded);
  const listError = useFleet((s) => s.terminalsError);
  const actionError = useFleet((s) => s.terminalActionError);
  const opening = useFleet((s) => s.terminalOpening);
  const dismissed = useFleet((s) => s.dismissedTerminals);
  const titles = useFleet((s) => s.terminalTitles);
  const newTerminal = useFleet((s) => s.newTerminal);
  const closeTerminal = useFleet((s) => s.closeTerminal);
  const renameTerminal = useFleet((s) => s.renameTerminal);
  const dismissError = useFleet((s) => s.dismissTerminalError);
  const loadTerminals = useFleet((s) => s.loadTerminals);
  const fontSize = useFleet((s) => s.terminalFontSize);
  const setFontSize = useFleet((s) => s.setTerminalFontSize);
  const [programTitles, setProgramTitles] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState<string | null>(null);

  useEffect(() => watchTerminals(), [watchTerminals]);

  // A session the address names is shown even if its tab was put away (a shared or Back link).
  const tabs: TerminalTab[] = useMemo(
    () =>
      terminals
        .filter((s) => !dismissed[s.id] || s.id === wanted)
        .map((session) => ({
          session,
          label: tabLabel(session, titles[session.id], programTitles[session.id]),
        })),
    [terminals, dismissed, wanted, titles, programTitles],
  );
  const activeId = wanted && tabs.some((t) => t.session.id === wanted) ? wanted : null;

  // `#/terminal` with tabs open shows the last one; an unknown id falls back the same way.
  useEffect(() => {
    if (!loaded || activeId) return;
    const fallback = tabs[tabs.length - 1]?.session.id ?? null;
    if (fallback || wanted) writeHash(terminalHash(fallback), 'replace');
  }, [loaded, activeId, tabs, wanted, writeHash]);

  const open = async () => {
    const session = await newTerminal();
    if (session) writeHash(terminalHash(session.id), 'push');
  };

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isNewTerminalShortcut(event) || event.repeat) return;
      event.preventDefault();
      void open();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  });

  const reallyClose = async (id: string) => {
    setConfirming(null);
    const index = tabs.findIndex((t) => t.session.id === id);
    const ok = await closeTerminal(id);
    if (!ok || id !== activeId) return;
    const neighbour = tabs[index + 1] ?? tabs[index - 1];
    writeHash(
      terminalHash(neighbour && neighbour.session.id !== id ? neighbour.session.id : null),
      'replace',
    );
  };
  const askClose = (id: string) => {
    const session = terminals.find((s) => s.id === id);
    if (session?.state === 'running') setConfirming(id);
    else void reallyClose(id);
  };
  const confirmingTab = tabs.find((t) => t.session.id === confirming);

  const empty = loaded && tabs.length === 0;
  return (
    <section className="view terminal-view" data-testid="view-terminal">
      <ViewHeader
        title="Terminal"
        subtitle="Shells in the fleet's context: KUBECONFIG, FLEETDECK_URL and the fleetdeck command are ready."
        actions={
          <div className="terminal-font" role="group" aria-label="Font size">
            <button
              type="button"
              className="icon-button"
              onClick={() => setFontSize(fontSize - 1)}
              title="Smaller text (Ctrl+-)"
              aria-label="Smaller text"
            >
              A−
            </button>
            <span className="terminal-font-size" data-testid="terminal-font-size">
              {fontSize} px
            </span>
            <button
              type="button"
              className="icon-button"
              onClick={() => setFontSize(fontSize + 1)}
              title="Larger text (Ctrl+=)"
              aria-label="Larger text"
            >
              A+
            </button>
          </div>
        }
      />
      {listError ? (
        <ErrorNotice title="Could not list the terminals" error={listError} testId="terminal-list-error">
          <button type="button" className="button" onClick={() => void loadTerminals()}>
            Try again
          </button>
        </ErrorNotice>
      ) : null}
      {actionError ? (
        <ErrorNotice
          title="The terminal could not be opened or closed"
          error={actionError}
          testId="terminal-error"
        >
          <button type="button" className="button" onClick={dismissError}>
            Dismiss
          </button>
        </ErrorNotice>
      ) : null}
      {empty ? (
        <div className="panel terminal-empty" data-testid="terminal-empty">
          <p className="terminal-empty-title">No terminal is open</p>
          <p className="muted">
            A terminal runs your login shell with the fleet&apos;s context: <code>kubectl</code> sees the
            fleet&apos;s clusters and <code>fleetdeck</code> reaches this console. Opened from an endpoint, it
            also knows that endpoint (<code>$FLEETDECK_ENDPOINT</code>).
          </p>
          <p>
            <button
              type="button"
              className="button button-primary"
              onClick={() => void open()}
              disabled={opening}
              data-testid="terminal-empty-new"
            >
              {opening ? 'Opening…' : 'New terminal'}
            </button>{' '}
            <span className="muted">
              or press <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>`</kbd>
            </span>
          </p>
        </div>
      ) : null}
      {tabs.length > 0 ? (
        <div className="terminal-frame">
          <TerminalTabs
            tabs={tabs}
            activeId={activeId}
            onSelect={(id) => writeHash(terminalHash(id), 'push')}
            onClose={askClose}
            onRename={renameTerminal}
            onNew={() => void open()}
            opening={opening}
          />
          {tabs.map(({ session }) => (
            <div
              key={session.id}
              className="terminal-panel"
              role="tabpanel"
              id={`terminal-panel-${session.id}`}
              aria-labelledby={`terminal-tab-${session.id}`}
              hidden={session.id !== activeId}
            >
              <TerminalPane
                sessionId={session.id}
                active={session.id === activeId}
                onRestarted={(id) => writeHash(terminalHash(id), 'replace')}
                onTitle={(title) =>
                  setProgramTitles((t) => (t[session.id] === title ? t : { ...t, [session.id]: title }))
                }
              />
            </div>
          ))}
        </div>
      ) : null}
      {confirmingTab ? (
        <Dialog
          title={`Close ${confirmingTab.label}?`}
          onClose={() => setConfirming(null)}
          onSubmit={() => void reallyClose(confirmingTab.session.id)}
          testId="terminal-close-confirm"
          actions={
            <>
              <button type="button" className="button" onClick={() => setConfirming(null)}>
                Cancel
              </button>
              <button
                type="submit"
                className="button button-primary"
                data-autofocus
                data-testid="terminal-close-yes"
              >
                Close terminal
              </button>
            </>
          }
        >
          <p>
            A process is still running in this terminal. Closing it ends the shell and everything started from
            it; the transcript is kept.
          </p>
        </Dialog>
      ) : null}
    </section>
  );
}
