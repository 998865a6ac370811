import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import '../../styles/endpoints.css';
import '../../styles/runbooks.css';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SpinnerIcon } from '../../components/icons';
import { useFleet } from '../../stores/fleet.store';
import { HealthBadge } from '../endpoints/endpoint-icons';
import { useLocationHash } from '../endpoints/use-address';
import { ViewHeader } from '../ViewHeader';
import { countBy, filterRunbooks } from './library-filter';
import { RunbookList } from './RunbookList';
import { RunbookProblems } from './RunbookProblems';
import { libraryHash, parseLibraryFilter, type LibraryFilter } from './runbooks-url';
import { RunbooksTabs } from './RunbooksTabs';
import { useSlashFocus } from './use-slash-focus';

/** The user's runbook folder when the setting exists and is set ('' otherwise). */
export const runbooksFolderOf = (settings: object | null): string => {
  const value = settings ? (settings as Record<string, unknown>)['runbooksFolder'] : undefined;
  return typeof value === 'string' ? value : '';
};

function Chips({
  label,
  values,
  current,
  onPick,
  testId,
}: {
  label: string;
  values: Array<[string, number, string?]>;
  current: string;
  onPick: (value: string) => void;
  testId: string;
}) {
  if (values.length === 0) return null;
  return (
    <div className="facet" role="group" aria-label={label} data-testid={testId}>
      <span className="facet-label">{label}</span>
      {values.map(([value, count, words]) => (
        <button
          type="button"
          key={value}
          className={value === current ? 'chip chip-on' : 'chip'}
          aria-pressed={value === current}
          onClick={() => onPick(value === current ? '' : value)}
          data-value={value}
        >
          {words ?? value} <span className="chip-count">{count}</span>
        </button>
      ))}
    </div>
  );
}

/** `#/runbooks`: the library, searchable, with the runbooks relevant to an endpoint first. */
export function RunbooksView() {
  const [hash, writeHash] = useLocationHash();
  const filter = parseLibraryFilter(hash);
  const load = useFleet((s) => s.loadRunbooks);
  const list = useFleet((s) => s.runbookList);
  const state = useFleet((s) => s.runbookListState);
  const error = useFleet((s) => s.runbookListError);
  const endpoint = useFleet((s) => (filter.endpoint ? s.endpoints.get(filter.endpoint) : undefined));
  const folder = useFleet((s) => runbooksFolderOf(s.settings));
  const search = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  useSlashFocus(search);

  useEffect(() => void load(filter.endpoint || null), [load, filter.endpoint]);

  const all = useMemo(() => list?.runbooks ?? [], [list]);
  const { q, tag, severity, source } = filter;
  const shown = useMemo(
    () => filterRunbooks(all, { q, tag, severity, source, endpoint: '' }),
    [all, q, tag, severity, source],
  );
  const update = (patch: Partial<LibraryFilter>) =>
    writeHash(libraryHash({ ...filter, ...patch }), 'replace');
  const open = (to: string) => {
    window.location.hash = to;
  };
  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      listRef.current?.focus();
    } else if (event.key === 'Enter' && shown[0]) {
      event.preventDefault();
      listRef.current?.focus();
    } else if (event.key === 'Escape' && filter.q) {
      event.preventDefault();
      update({ q: '' });
    }
  };

  return (
    <section className="view view-wide runbooks" data-testid="view-runbooks">
      <ViewHeader
        title="Runbooks"
        subtitle="Step-by-step guides that run beside a terminal, with every step recorded."
        actions={
          <button
            type="button"
            className="button"
            onClick={() => void load(filter.endpoint || null)}
            disabled={state === 'loading'}
            data-testid="runbooks-reload"
          >
            {state === 'loading' ? <SpinnerIcon className="spin" /> : null}
            Reload
          </button>
        }
      />
      <RunbooksTabs current="library" />
      {filter.endpoint ? (
        <p className="rb-bound" data-testid="runbooks-endpoint">
          For <strong>{endpoint?.name ?? filter.endpoint}</strong>{' '}
          {endpoint ? <HealthBadge status={endpoint.health.status} reason={endpoint.health.reason} /> : null}{' '}
          — the runbooks that answer its signals come first.{' '}
          <a className="link" href={libraryHash({ ...filter, endpoint: '' })}>
            Show for no endpoint
          </a>
        </p>
      ) : null}
      <div className="rb-toolbar">
        <input
          ref={search}
          className="control rb-search"
          type="search"
          placeholder="Search runbooks  ( / )"
          aria-label="Search runbooks"
          aria-keyshortcuts="/"
          value={filter.q}
          onChange={(e) => update({ q: e.target.value })}
          onKeyDown={onSearchKey}
          data-testid="runbook-search"
        />
        <span className="muted" data-testid="runbook-count">
          {list ? `${shown.length} of ${all.length}` : ''}
        </span>
      </div>
      <div className="facets">
        <Chips
          label="Tag"
          values={countBy(all, (r) => r.tags)}
          current={filter.tag}
          onPick={(tag) => update({ tag })}
          testId="facet-tag"
        />
        <Chips
          label="Severity"
          values={countBy(all, (r) => [r.severity])}
          current={filter.severity}
          onPick={(severity) => update({ severity })}
          testId="facet-severity"
        />
        <Chips
          label="Source"
          values={countBy(all, (r) => [r.source]).map(([v, n]) => [
            v,
            n,
            v === 'builtin' ? 'built-in' : 'yours',
          ])}
          current={filter.source}
          onPick={(source) => update({ source: source as LibraryFilter['source'] })}
          testId="facet-source"
        />
      </div>
      {error ? (
        <ErrorNotice title="Could not list the runbooks" error={error} testId="runbooks-error" />
      ) : null}
      {state === 'loading' && !list ? (
        <p className="panel-loading">
          <SpinnerIcon className="spin" /> Reading runbooks…
        </p>
      ) : null}
      <div className="rb-library">
        <RunbookProblems problems={list?.problems ?? []} />
        {list ? (
          shown.length > 0 ? (
            <RunbookList runbooks={shown} endpoint={filter.endpoint} listRef={listRef} onOpen={open} />
          ) : (
            <div className="panel rb-empty" data-testid="runbooks-empty">
              {all.length > 0 ? (
                <p>
                  No runbook matches these filters.{' '}
                  <button
                    type="button"
                    className="button"
                    onClick={() => update({ q: '', tag: '', severity: '', source: '' })}
                  >
                    Clear filters
                  </button>
                </p>
              ) : (
                <p>No runbooks yet.</p>
              )}
            </div>
          )
        ) : null}
        <p className="muted rb-folder-hint" data-testid="runbooks-folder-hint">
          Your own runbooks are YAML files (<code>apiVersion: fleetdeck.io/v1</code>,{' '}
          <code>kind: Runbook</code>) in the runbooks folder chosen in{' '}
          <a className="link" href="#/settings">
            Settings → runbooks folder
          </a>
          {folder ? (
            <>
              : <code>{folder}</code>
            </>
          ) : (
            ' (none chosen yet)'
          )}
          .
        </p>
      </div>
    </section>
  );
}
