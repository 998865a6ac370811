/** The two halves of the Runbooks rail entry: the library and the record of past runs. */
export function RunbooksTabs({ current }: { current: 'library' | 'history' }) {
  return (
    <nav className="rb-tabs" aria-label="Runbooks">
      <a
        className="rb-tab"
        href="#/runbooks"
        aria-current={current === 'library' ? 'page' : undefined}
        data-testid="tab-library"
      >
        Library
      </a>
      <a
        className="rb-tab"
        href="#/runs"
        aria-current={current === 'history' ? 'page' : undefined}
        data-testid="tab-history"
      >
        Run history
      </a>
    </nav>
  );
}
