import { useEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { RunbookSummary } from '../../../shared/contract/index';
import { runbookHash } from './runbooks-url';

export function SeverityBadge({ severity }: { severity: RunbookSummary['severity'] }) {
  return (
    <span className={`rb-severity rb-severity-${severity}`} data-testid="runbook-severity">
      {severity}
    </span>
  );
}

/**
 * The runbooks as a listbox: ↑/↓ (Home/End) move, Enter opens, as the issue asks for keyboard
 * use. Each row is also a plain link, so a click, a middle click and "copy link" work too.
 */
export function RunbookList({
  runbooks,
  endpoint,
  listRef,
  onOpen,
}: {
  runbooks: readonly RunbookSummary[];
  /** Carried into the runbook's address so it opens bound to that endpoint. */
  endpoint: string;
  listRef: RefObject<HTMLUListElement | null>;
  onOpen: (hash: string) => void;
}) {
  const ids = runbooks.map((r) => r.id).join('|');
  // The position belongs to one list: a new filter starts from the top, so Enter opens what is first.
  const [position, setPosition] = useState({ ids, index: 0 });
  const active = position.ids === ids ? position.index : 0;
  const setActive = (index: number) => setPosition({ ids, index });
  const rowRefs = useRef<Array<HTMLLIElement | null>>([]);
  // Braces matter: Chromium's scrollIntoView now returns a promise, which React would take for a cleanup.
  useEffect(() => {
    void rowRefs.current[active]?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const last = runbooks.length - 1;
    const move = (to: number) => {
      event.preventDefault();
      setActive(Math.max(0, Math.min(last, to)));
    };
    if (event.key === 'ArrowDown') move(active + 1);
    else if (event.key === 'ArrowUp') move(active - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(last);
    else if (event.key === 'Enter') {
      const chosen = runbooks[active];
      if (!chosen) return;
      event.preventDefault();
      onOpen(runbookHash(chosen.id, endpoint || null));
    }
  };

  const optionId = (i: number) => `rb-option-${i}`;
  return (
    <ul
      ref={listRef}
      className="rb-list"
      role="listbox"
      aria-label="Runbooks"
      tabIndex={0}
      aria-activedescendant={runbooks.length > 0 ? optionId(active) : undefined}
      onKeyDown={onKeyDown}
      data-testid="runbook-list"
    >
      {runbooks.map((r, i) => (
        <li
          key={r.id}
          id={optionId(i)}
          ref={(el) => {
            rowRefs.current[i] = el;
          }}
          role="option"
          aria-selected={i === active}
          className={i === active ? 'rb-row rb-row-active' : 'rb-row'}
          data-testid="runbook-row"
          data-runbook-id={r.id}
          data-relevant={r.relevance !== null}
          onMouseMove={() => i !== active && setActive(i)}
        >
          <a className="rb-row-link" href={runbookHash(r.id, endpoint || null)} tabIndex={-1}>
            <span className="rb-row-head">
              <span className="rb-row-title">{r.title}</span>
              <SeverityBadge severity={r.severity} />
              <span className={`rb-source rb-source-${r.source}`}>
                {r.source === 'builtin' ? 'built-in' : 'yours'}
              </span>
              {r.destructive ? (
                <span className="rb-destructive" title="Has steps that change things; each asks to confirm">
                  asks to confirm
                </span>
              ) : null}
              <span className="rb-row-steps muted">
                {r.stepCount} {r.stepCount === 1 ? 'step' : 'steps'}
              </span>
            </span>
            {r.relevance ? (
              <span className="rb-relevance" data-testid="runbook-relevance">
                Relevant: {r.relevance}
              </span>
            ) : null}
            <span className="rb-row-desc">{r.description}</span>
            <span className="rb-row-meta">
              <code className="rb-row-id">{r.id}</code>
              {r.tags.map((t) => (
                <span key={t} className="rb-tag">
                  #{t}
                </span>
              ))}
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}
