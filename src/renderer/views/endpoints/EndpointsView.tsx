import { useEffect, useMemo, useRef, useState } from 'react';
import '../../styles/endpoints.css';
import { useFleet } from '../../stores/fleet.store';
import { ViewHeader } from '../ViewHeader';
import { deriveRows } from './endpoint-rows';
import { EndpointsTable } from './EndpointsTable';
import { Facets } from './Facets';
import { freshnessWords } from './freshness-words';
import { useFrameThrottled, useLocationHash } from './use-address';
import { columns } from './columns';
import {
  parseTableState,
  tableStateHash,
  type FacetKey,
  type GroupBy,
  type SortKey,
  type TableState,
} from './url-state';
import { useFollowRows } from '../../stores/use-follow-rows';

/** `#/endpoints`: every endpoint in one virtualised, sortable, filterable table (issue 4). */
export function EndpointsView() {
  const [hash, writeHash] = useLocationHash();
  const state = useMemo(() => parseTableState(hash), [hash]);
  useFollowRows();
  const liveEndpoints = useFleet((s) => s.endpoints);
  const endpoints = useFrameThrottled(liveEndpoints);
  const loaded = useFleet((s) => s.fleetLoaded);
  const fleetError = useFleet((s) => s.fleetError);
  const connection = useFleet((s) => s.connection);
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? '24h');
  const summaryFreshness = useFleet((s) => s.summary?.freshness ?? null);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const [text, setText] = useState(state.q);
  const [addressQ, setAddressQ] = useState(state.q);
  const filter = useRef<HTMLInputElement>(null);

  // The address changed under us (Back, a pasted link): show its text (adjusted while rendering,
  // https://react.dev/learn/you-might-not-need-an-effect#adjusting-some-state-when-a-prop-changes).
  if (state.q !== addressQ) {
    setAddressQ(state.q);
    setText(state.q);
  }

  const derived = useMemo(
    () => deriveRows(endpoints.values(), { ...state, q: text }, collapsed),
    [endpoints, state, text, collapsed],
  );

  const update = (patch: Partial<TableState>, mode: 'push' | 'replace' = 'push') =>
    writeHash(tableStateHash({ ...state, q: text, ...patch }), mode);

  // `/` focuses the filter from anywhere in the view (not while typing elsewhere).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
      const t = event.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
      event.preventDefault();
      filter.current?.focus();
      filter.current?.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onSort = (key: SortKey) => {
    const column = columns.find((c) => c.key === key)!;
    const order = key === state.sort ? (state.order === 'asc' ? 'desc' : 'asc') : column.firstOrder;
    update({ sort: key, order });
  };
  const onToggleFacet = (key: FacetKey, value: string) => {
    const current = state.facets[key];
    const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
    update({ facets: { ...state.facets, [key]: next } });
  };
  const onToggleGroup = (key: string) =>
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const anyFilter = text.trim() !== '' || Object.values(state.facets).some((v) => v.length > 0);
  const clear = () => {
    setText('');
    writeHash(
      tableStateHash({
        ...state,
        q: '',
        facets: { source: [], cluster: [], region: [], model: [], health: [] },
      }),
      'push',
    );
  };
  const fresh = summaryFreshness ? freshnessWords(summaryFreshness, connection, timeFormat) : null;

  return (
    <section className="view view-wide endpoints-view" data-testid="view-endpoints">
      <ViewHeader
        title="Endpoints"
        subtitle={
          <span data-testid="endpoints-count">
            {derived.matched === derived.total
              ? `${derived.total.toLocaleString('en-US')} endpoints`
              : `${derived.matched.toLocaleString('en-US')} of ${derived.total.toLocaleString('en-US')} endpoints`}
            {fresh ? (
              <span className={`fresh fresh-${fresh.kind}`} data-testid="endpoints-freshness">
                {' · '}
                {fresh.label}
              </span>
            ) : null}
          </span>
        }
      />
      <div className="ep-toolbar">
        <label className="ep-filter">
          <span className="visually-hidden">Filter endpoints</span>
          <input
            ref={filter}
            type="search"
            placeholder="Filter by name, model, cluster, region…  ( / )"
            value={text}
            aria-keyshortcuts="/"
            onChange={(e) => {
              setText(e.target.value);
              writeHash(tableStateHash({ ...state, q: e.target.value }), 'replace');
            }}
            onKeyDown={(e) => {
              if (e.key === 'Escape' && text) {
                e.preventDefault();
                setText('');
                writeHash(tableStateHash({ ...state, q: '' }), 'replace');
              }
              if (e.key === 'ArrowDown') {
                e.preventDefault();
                document.querySelector<HTMLElement>('[data-testid=endpoints-scroll]')?.focus();
              }
            }}
            data-testid="endpoints-filter"
          />
        </label>
        <label className="ep-group-by">
          Group by{' '}
          <select
            value={state.group}
            onChange={(e) => update({ group: e.target.value as GroupBy })}
            data-testid="endpoints-group"
          >
            <option value="none">nothing</option>
            <option value="model">model</option>
            <option value="cluster">cluster</option>
          </select>
        </label>
        {anyFilter ? (
          <button type="button" className="button" onClick={clear} data-testid="endpoints-clear">
            Clear filters
          </button>
        ) : null}
      </div>
      <Facets counts={derived.facets} selected={state.facets} onToggle={onToggleFacet} />
      {fleetError && derived.total === 0 ? (
        <div className="panel ep-empty" role="alert" data-testid="endpoints-error">
          <p>
            <strong>Could not load the fleet:</strong> {fleetError.message}
          </p>
          <p>It is retried when the connection to the core comes back; check Settings › Sources.</p>
        </div>
      ) : !loaded ? (
        <div className="panel ep-empty" data-testid="endpoints-loading">
          Loading endpoints…
        </div>
      ) : derived.total === 0 ? (
        <div className="panel ep-empty" data-testid="endpoints-empty">
          <p>
            <strong>No endpoints yet.</strong> Fleetdeck shows the endpoints its sources find.
          </p>
          <p>
            <a className="link" href="#/settings/sources/new">
              Add a source
            </a>{' '}
            (a Kubernetes cluster, a Prometheus, or an OpenAI-compatible API).
          </p>
        </div>
      ) : derived.matched === 0 ? (
        <div className="panel ep-empty" data-testid="endpoints-no-match">
          <p>No endpoint matches this filter.</p>
          <button type="button" className="button" onClick={clear}>
            Clear filters
          </button>
        </div>
      ) : (
        <EndpointsTable
          rows={derived.rows}
          sort={state.sort}
          order={state.order}
          onSort={onSort}
          selectedKey={selectedKey}
          onSelect={setSelectedKey}
          onToggleGroup={onToggleGroup}
          connection={connection}
          timeFormat={timeFormat}
        />
      )}
    </section>
  );
}
