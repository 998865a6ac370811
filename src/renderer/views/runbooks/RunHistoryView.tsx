import { useEffect, useRef, useState } from 'react';
import '../../styles/endpoints.css';
import '../../styles/runbooks.css';
import '../../styles/runbook-runs.css';
import { runStateSchema, type RunState } from '../../../shared/contract/index';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SpinnerIcon } from '../../components/icons';
import { formatClock, formatDate } from '../../format/display-format';
import { useFleet } from '../../stores/fleet.store';
import { useLocationHash } from '../endpoints/use-address';
import { ViewHeader } from '../ViewHeader';
import { formatDuration, runStateWords } from './run-words';
import { historyHash, parseHistoryFilter, type HistoryFilter } from './runbooks-url';
import { RunbooksTabs } from './RunbooksTabs';
import { useSlashFocus } from './use-slash-focus';
import { runHash } from '../../stores/runbooks.slice';

/** Typing is sent to the core this long after the last key, not once per key. */
const QUERY_DEBOUNCE_MS = 250;

/**
 * `#/runs`: every recorded run, newest first, from the core's SQLite (so it works with every
 * source offline). Searchable by text, runbook, endpoint and state; the filter is in the address.
 */
export function RunHistoryView() {
  const [hash, writeHash] = useLocationHash();
  const filter = parseHistoryFilter(hash);
  const watch = useFleet((s) => s.watchRunHistory);
  const runs = useFleet((s) => s.runHistory);
  const state = useFleet((s) => s.runHistoryState);
  const error = useFleet((s) => s.runHistoryError);
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? '24h');
  const search = useRef<HTMLInputElement>(null);
  useSlashFocus(search);
  // What is typed, and the address's query it was typed over: once the address moves on (the
  // debounced write below, a tab, Back) the address is what shows again.
  const [draft, setDraft] = useState<{ text: string; over: string } | null>(null);
  const q = draft && draft.over === filter.q ? draft.text : filter.q;
  const update = (patch: Partial<HistoryFilter>) =>
    writeHash(historyHash({ ...filter, ...patch }), 'replace');
  const pending = draft && draft.over === filter.q && draft.text !== filter.q ? draft.text : null;
  useEffect(() => {
    if (pending === null) return;
    const timer = setTimeout(() => update({ q: pending }), QUERY_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pending]);

  useEffect(
    () =>
      watch({
        ...(filter.q ? { query: filter.q } : {}),
        ...(filter.runbook ? { runbookId: filter.runbook } : {}),
        ...(filter.endpoint ? { endpointId: filter.endpoint } : {}),
        ...(filter.state ? { state: filter.state } : {}),
      }),
    [watch, filter.q, filter.runbook, filter.endpoint, filter.state],
  );

  return (
    <section className="view view-wide runbooks" data-testid="view-runs">
      <ViewHeader
        title="Runbooks"
        subtitle="Every run is recorded as it happens: steps, commands, exit codes and notes."
      />
      <RunbooksTabs current="history" />
      <div className="rb-toolbar">
        <input
          ref={search}
          className="control rb-search"
          type="search"
          placeholder="Search runs  ( / )"
          aria-label="Search runs"
          aria-keyshortcuts="/"
          value={q}
          onChange={(e) => setDraft({ text: e.target.value, over: filter.q })}
          data-testid="run-search"
        />
        <label className="rb-filter">
          <span className="facet-label">State</span>
          <select
            className="control rb-select"
            value={filter.state}
            onChange={(e) => update({ state: e.target.value as RunState | '' })}
            data-testid="run-state-filter"
          >
            <option value="">any</option>
            {runStateSchema.options.map((s) => (
              <option key={s} value={s}>
                {runStateWords[s].label}
              </option>
            ))}
          </select>
        </label>
        {filter.runbook ? (
          <button type="button" className="chip chip-on" onClick={() => update({ runbook: '' })}>
            runbook {filter.runbook} ✕
          </button>
        ) : null}
        {filter.endpoint ? (
          <button type="button" className="chip chip-on" onClick={() => update({ endpoint: '' })}>
            endpoint {filter.endpoint} ✕
          </button>
        ) : null}
        {state === 'loading' ? <SpinnerIcon className="spin" /> : null}
      </div>
      {error ? (
        <ErrorNotice title="Could not read the run history" error={error} testId="runs-error" />
      ) : null}
      {runs && runs.length === 0 ? (
        <div className="panel rb-empty" data-testid="runs-empty">
          <p>
            {filter.q || filter.runbook || filter.endpoint || filter.state
              ? 'No run matches these filters.'
              : 'No runs yet. Open a runbook from the library and start it; every run is kept here.'}
          </p>
        </div>
      ) : null}
      {runs && runs.length > 0 ? (
        <table className="rb-history" data-testid="run-history">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Runbook</th>
              <th scope="col">Endpoint</th>
              <th scope="col">State</th>
              <th scope="col">Steps</th>
              <th scope="col">Took</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => {
              const words = runStateWords[r.state];
              return (
                <tr key={r.id} data-testid="run-row" data-run-id={r.id} data-state={r.state}>
                  <td className="rb-nowrap">
                    <a className="link" href={runHash(r.id)}>
                      {formatDate(r.startedAt)} {formatClock(r.startedAt, timeFormat)}
                    </a>
                  </td>
                  <td>
                    <a
                      className="link"
                      href={historyHash({ ...filter, runbook: r.runbookId })}
                      title="Only this runbook"
                    >
                      {r.runbookTitle}
                    </a>
                    {r.dryRun ? <span className="rb-chip">dry run</span> : null}
                    {r.readOnly ? <span className="rb-chip">read-only</span> : null}
                  </td>
                  <td>
                    {r.endpointId ? (
                      <a
                        className="link"
                        href={historyHash({ ...filter, endpoint: r.endpointId })}
                        title="Only this endpoint"
                      >
                        {r.endpointId}
                      </a>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td>
                    <span className={`rb-state tone-${words.tone}`}>{words.label}</span>
                    {r.message ? <span className="muted rb-history-message"> {r.message}</span> : null}
                  </td>
                  <td className="rb-num">
                    {Math.min(r.currentStep, r.stepCount)}/{r.stepCount}
                  </td>
                  <td className="rb-num">{r.endedAt ? formatDuration(r.endedAt - r.startedAt) : '…'}</td>
                  <td>{r.actor}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
