import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ISearchOptions } from '@xterm/addon-search';
import type { TerminalScreen } from './terminal-screen';

/** Match colours (#RRGGBB, as the search addon requires) over each theme's terminal background. */
const decorations: Record<'light' | 'dark', NonNullable<ISearchOptions['decorations']>> = {
  light: {
    matchBackground: '#fde68a',
    matchOverviewRuler: '#b07a00',
    activeMatchBackground: '#f59e0b',
    activeMatchColorOverviewRuler: '#c0272f',
  },
  dark: {
    matchBackground: '#5c4a12',
    matchOverviewRuler: '#f0b44c',
    activeMatchBackground: '#a0741c',
    activeMatchColorOverviewRuler: '#ff6b70',
  },
};

/** Ctrl/Cmd+F in a terminal: find in the screen and scrollback, Enter for next, Shift+Enter previous. */
export function TerminalSearchBar({
  screen,
  theme,
  onClose,
}: {
  /** The pane's screen, read when needed (it exists for as long as the pane does). */
  screen: () => TerminalScreen | null;
  theme: 'light' | 'dark';
  onClose: () => void;
}) {
  const [text, setText] = useState('');
  const [caseSensitive, setCaseSensitive] = useState(false);
  const [result, setResult] = useState<{ index: number; count: number } | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  useEffect(() => {
    const target = screen();
    if (!target) return;
    const off = target.onSearchResults(setResult);
    return () => {
      off();
      target.clearSearch();
    };
  }, [screen]);

  const options = (incremental: boolean): ISearchOptions => ({
    caseSensitive,
    incremental,
    decorations: decorations[theme],
  });
  const find = (direction: 'next' | 'previous', incremental = false) => {
    if (!screen()?.find(text, direction, options(incremental))) setResult({ index: 0, count: 0 });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      find(e.shiftKey ? 'previous' : 'next');
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
    }
  };

  const summary =
    text === '' || result === null
      ? ''
      : result.count === 0
        ? 'No results'
        : result.index < 0
          ? `${result.count}+ matches`
          : `${result.index + 1} of ${result.count}`;

  return (
    <div className="terminal-search" role="search" data-testid="terminal-search">
      <input
        ref={input}
        className="control terminal-search-input"
        type="text"
        aria-label="Find in terminal"
        placeholder="Find"
        spellCheck={false}
        autoComplete="off"
        value={text}
        data-testid="terminal-search-input"
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value === '') {
            screen()?.clearSearch();
            setResult(null);
          } else if (!screen()?.find(e.target.value, 'next', options(true)))
            setResult({ index: 0, count: 0 });
        }}
        onKeyDown={onKeyDown}
      />
      <span className="terminal-search-count" aria-live="polite" data-testid="terminal-search-count">
        {summary}
      </span>
      <label className="terminal-search-case">
        <input type="checkbox" checked={caseSensitive} onChange={(e) => setCaseSensitive(e.target.checked)} />{' '}
        Aa
      </label>
      <button
        type="button"
        className="icon-button"
        onClick={() => find('previous')}
        title="Previous match (Shift+Enter)"
        aria-label="Previous match"
        data-testid="terminal-search-prev"
      >
        ↑
      </button>
      <button
        type="button"
        className="icon-button"
        onClick={() => find('next')}
        title="Next match (Enter)"
        aria-label="Next match"
        data-testid="terminal-search-next"
      >
        ↓
      </button>
      <button
        type="button"
        className="icon-button"
        onClick={onClose}
        title="Close (Esc)"
        aria-label="Close search"
        data-testid="terminal-search-close"
      >
        ✕
      </button>
    </div>
  );
}
