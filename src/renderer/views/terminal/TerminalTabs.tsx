import { useState, type KeyboardEvent } from 'react';
import type { TerminalSession } from '../../../shared/contract/index';

export interface TerminalTab {
  session: TerminalSession;
  /** The name shown: a local rename, else what the program set, else the core's title. */
  label: string;
}

/**
 * The tab strip: one tab per session (the core's list, so a reload finds the same tabs),
 * double-click or F2 to rename, × to close, + for a new terminal. Arrow keys move between tabs
 * (WAI-ARIA tabs pattern).
 */
export function TerminalTabs({
  tabs,
  activeId,
  onSelect,
  onClose,
  onRename,
  onNew,
  opening,
}: {
  tabs: TerminalTab[];
  activeId: string | null;
  onSelect: (id: string) => void;
  onClose: (id: string) => void;
  onRename: (id: string, title: string) => void;
  onNew: () => void;
  opening: boolean;
}) {
  const [renaming, setRenaming] = useState<string | null>(null);

  const onTabKey = (e: KeyboardEvent, index: number) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step !== 0 && tabs.length > 0) {
      e.preventDefault();
      const next = tabs[(index + step + tabs.length) % tabs.length];
      if (next) {
        onSelect(next.session.id);
        document.getElementById(`terminal-tab-${next.session.id}`)?.focus();
      }
    } else if (e.key === 'F2') {
      e.preventDefault();
      setRenaming(tabs[index]?.session.id ?? null);
    } else if (e.key === 'Delete') {
      e.preventDefault();
      const tab = tabs[index];
      if (tab) onClose(tab.session.id);
    }
  };

  return (
    <div className="terminal-tabs">
      <div className="terminal-tablist" role="tablist" aria-label="Terminals" data-testid="terminal-tabs">
        {tabs.map((tab, index) => {
          const { session } = tab;
          const selected = session.id === activeId;
          return (
            <div
              key={session.id}
              className={selected ? 'terminal-tab terminal-tab-on' : 'terminal-tab'}
              data-testid="terminal-tab"
              data-session-id={session.id}
              data-state={session.state}
            >
              {renaming === session.id ? (
                <input
                  className="terminal-tab-rename"
                  aria-label="Terminal name"
                  defaultValue={tab.label}
                  maxLength={80}
                  autoFocus
                  onBlur={(e) => {
                    onRename(session.id, e.target.value);
                    setRenaming(null);
                  }}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') e.currentTarget.blur();
                    if (e.key === 'Escape') setRenaming(null);
                  }}
                />
              ) : (
                <button
                  type="button"
                  role="tab"
                  id={`terminal-tab-${session.id}`}
                  aria-selected={selected}
                  aria-controls={`terminal-panel-${session.id}`}
                  tabIndex={selected ? 0 : -1}
                  className="terminal-tab-label"
                  title={`${tab.label}${session.endpointId ? ` · ${session.endpointId}` : ''} (double-click or F2 to rename)`}
                  onClick={() => onSelect(session.id)}
                  onDoubleClick={() => setRenaming(session.id)}
                  onKeyDown={(e) => onTabKey(e, index)}
                >
                  <span
                    className={`terminal-tab-dot terminal-tab-dot-${session.state}`}
                    aria-label={session.state === 'running' ? 'running' : 'exited'}
                  />
                  <span className="terminal-tab-text">{tab.label}</span>
                </button>
              )}
              <button
                type="button"
                className="terminal-tab-close"
                aria-label={`Close ${tab.label}`}
                title="Close terminal"
                onClick={() => onClose(session.id)}
                data-testid="terminal-tab-close"
              >
                ×
              </button>
            </div>
          );
        })}
      </div>
      <button
        type="button"
        className="terminal-tab-new"
        onClick={onNew}
        disabled={opening}
        aria-label="New terminal"
        title="New terminal (Ctrl+Shift+`)"
        data-testid="terminal-new-tab"
      >
        +
      </button>
    </div>
  );
}
