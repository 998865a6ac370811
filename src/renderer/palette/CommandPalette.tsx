import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { HealthWord } from '../views/fleet/HealthWord';
import { openHash } from '../views/fleet/fleet-url';
import { useFleet } from '../stores/fleet.store';
import { buildPaletteIndex, searchPalette, type PaletteItem } from './palette-search';
import '../styles/fleet.css';

const kindWords: Record<PaletteItem['kind'], string> = {
  view: 'View',
  endpoint: 'Endpoint',
  model: 'Model',
  cluster: 'Cluster',
};

/** Ctrl+K (Cmd+K on macOS), from anywhere, including inside text fields. */
export const isPaletteShortcut = (e: {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}) => (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k';

function PaletteDialog({ onClose }: { onClose: () => void }) {
  const endpoints = useFleet((s) => s.endpoints);
  // Built when the palette opens and when the fleet changes while it is open; not per keystroke.
  const index = useMemo(() => buildPaletteIndex(endpoints.values()), [endpoints]);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const results = useMemo(() => searchPalette(index, query), [index, query]);
  const list = useRef<HTMLUListElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const current = Math.min(active, Math.max(results.length - 1, 0));

  const dialog = useRef<HTMLDivElement>(null);
  // Modal: focus starts in the search field and is brought back there if anything else takes it
  // (a view that focuses its heading as it finishes loading, say), and Esc closes the dialog
  // wherever focus is, so the keys a person types always reach the palette.
  // Focused in the commit itself (not after paint), so no keystroke typed straight after Ctrl/Cmd-K is lost.
  useLayoutEffect(() => input.current?.focus(), []);
  useEffect(() => {
    const keepFocus = (event: FocusEvent) => {
      if (!dialog.current?.contains(event.target as Node)) input.current?.focus();
    };
    const closeOnEscape = (event: globalThis.KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      event.stopPropagation();
      onClose();
    };
    document.addEventListener('focusin', keepFocus);
    window.addEventListener('keydown', closeOnEscape, true);
    return () => {
      document.removeEventListener('focusin', keepFocus);
      window.removeEventListener('keydown', closeOnEscape, true);
    };
  }, [onClose]);
  useEffect(() => {
    list.current?.querySelector(`[data-index="${current}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  const go = (entry: PaletteItem | undefined) => {
    if (!entry) return;
    onClose();
    openHash(entry.hash);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((current + 1) % Math.max(results.length, 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((current - 1 + results.length) % Math.max(results.length, 1));
    } else if (e.key === 'PageDown' || e.key === 'PageUp') {
      e.preventDefault();
      const step = e.key === 'PageDown' ? 8 : -8;
      setActive(Math.min(Math.max(current + step, 0), Math.max(results.length - 1, 0)));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      go(results[current]);
    } else if (e.key === 'Tab') {
      // The dialog is modal: keep focus in the search field.
      e.preventDefault();
    }
  };

  return (
    <div className="palette-backdrop" onMouseDown={onClose} data-testid="palette">
      <div
        ref={dialog}
        className="palette"
        role="dialog"
        aria-modal="true"
        aria-label="Go to"
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={onKeyDown}
      >
        <input
          ref={input}
          className="palette-input"
          type="text"
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-results"
          aria-activedescendant={results[current] ? `palette-option-${current}` : undefined}
          aria-autocomplete="list"
          placeholder="Go to an endpoint, model, cluster or view…"
          spellCheck={false}
          autoComplete="off"
          value={query}
          data-testid="palette-input"
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
        />
        <ul className="palette-results" id="palette-results" role="listbox" aria-label="Results" ref={list}>
          {results.map((entry, i) => (
            <li
              key={entry.key}
              id={`palette-option-${i}`}
              role="option"
              aria-selected={i === current}
              data-index={i}
              data-key={entry.key}
              data-testid="palette-option"
              className="palette-option"
              onMouseMove={() => i !== current && setActive(i)}
              onClick={() => go(entry)}
            >
              <span className={`palette-kind palette-kind-${entry.kind}`}>{kindWords[entry.kind]}</span>
              <span className="palette-label">{entry.label}</span>
              <span className="palette-detail">{entry.detail}</span>
              {entry.health && entry.health !== 'ok' ? <HealthWord status={entry.health} /> : null}
            </li>
          ))}
        </ul>
        <div className="palette-footer" aria-live="polite">
          {results.length === 0
            ? 'Nothing matches'
            : `${results.length === 50 ? 'Top 50' : results.length} · ↑↓ to choose · Enter to open · Esc to close`}
        </div>
      </div>
    </div>
  );
}

/** The command palette: mounted once in the shell, opened with Ctrl/Cmd-K from any view. */
export function CommandPalette() {
  const [open, setOpen] = useState(false);
  const returnFocus = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (!isPaletteShortcut(event)) return;
      event.preventDefault();
      setOpen((was) => {
        if (!was) returnFocus.current = document.activeElement as HTMLElement | null;
        return !was;
      });
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
  if (!open) return null;
  return (
    <PaletteDialog
      onClose={() => {
        setOpen(false);
        // Back to where the person was, unless the jump moved them (the view focuses its title).
        const back = returnFocus.current;
        requestAnimationFrame(() => {
          if (document.activeElement === document.body && back?.isConnected) back.focus();
        });
      }}
    />
  );
}
