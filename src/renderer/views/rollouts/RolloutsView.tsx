import { useEffect, useMemo, useRef, useState } from 'react';
import '../../styles/runbooks.css';
import '../../styles/runbook-runs.css';
import '../../styles/rollouts.css';
import { rolloutStateSchema, type RolloutState } from '../../../shared/contract/index';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SpinnerIcon } from '../../components/icons';
import { formatClock, formatDate } from '../../format/display-format';
import { useFleet } from '../../stores/fleet.store';
import { useLocationHash } from '../endpoints/use-address';
import { useSlashFocus } from '../runbooks/use-slash-focus';
import { ViewHeader } from '../ViewHeader';
import { RolloutStateBadge, VerdictBadge, WeightBar } from './RolloutBadges';
import { rolloutStateWords, strategyWords } from './rollout-words';
import { parseRolloutFilter, rolloutListHash, type RolloutFilter } from './rollouts-url';
import { rolloutHash } from '../../stores/rollouts.slice';

/**
 * `#/rollouts`: active and past rollouts across the fleet, newest first, from the core's SQLite
 * (readable offline). Active/past and state are asked of the core; the text filter is applied
 * here, over what is listed, so it answers as fast as one types.
 */
export function RolloutsView() {
  const [hash, writeHash] = useLocationHash();
  const filter = parseRolloutFilter(hash);
  const watch = useFleet((s) => s.watchRollouts);
  const rows = useFleet((s) => s.rolloutList);
  const state = useFleet((s) => s.rolloutListState);
  const error = useFleet((s) => s.rolloutListError);
  const endpoints = useFleet((s) => s.endpoints);
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? '24h');
  const search = useRef<HTMLInputElement>(null);
  useSlashFocus(search);
  const [q, setQ] = useState(filter.q);
  const update = (patch: Partial<RolloutFilter>) =>
    writeHash(rolloutListHash({ ...filter, ...patch }), 'replace');

  useEffect(
    () =>
      watch({
        ...(filter.show === 'all' ? {} : { active: filter.show === 'active' }),
        ...(filter.state ? { state: filter.state } : {}),
      }),
    [watch, filter.show, filter.state],
  );

  const needle = q.trim().toLowerCase();
  const shown = useMemo(
    () =>
      (rows ?? []).filter(
        (r) =>
          !needle ||
          `${r.name} ${r.endpointId} ${r.model} ${r.cluster} ${r.stableVersion} ${r.candidateVersion} ${r.strategy} ${r.state} ${r.message ?? ''}`
            .toLowerCase()
            .includes(needle),
      ),
    [rows, needle],
  );
  const filtered = filter.show !== 'all' || filter.state !== '' || needle !== '';

  return (
    <section className="view view-wide rollouts" data-testid="view-rollouts">
      <ViewHeader
        title="Rollouts"
        subtitle="New model versions shipped step by step, watched with the fleet's own metrics and rolled back before users notice."
      />
      <div className="rb-toolbar">
        <input
          ref={search}
          className="control rb-search"
          type="search"
          placeholder="Filter rollouts  ( / )"
          aria-label="Filter rollouts"
          aria-keyshortcuts="/"
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            update({ q: e.target.value });
          }}
          data-testid="rollout-search"
        />
        <div className="segmented" role="group" aria-label="Show">
          {(['all', 'active', 'past'] as const).map((show) => (
            <button
              type="button"
              key={show}
              aria-pressed={filter.show === show}
              className={filter.show === show ? 'seg seg-on' : 'seg'}
              onClick={() => update({ show })}
              data-testid={`rollout-show-${show}`}
            >
              {show === 'all' ? 'All' : show === 'active' ? 'Active' : 'Past'}
            </button>
          ))}
        </div>
        <label className="rb-filter">
          <span className="facet-label">State</span>
          <select
            className="control rb-select"
            value={filter.state}
            onChange={(e) => update({ state: e.target.value as RolloutState | '' })}
            data-testid="rollout-state-filter"
          >
            <option value="">any</option>
            {rolloutStateSchema.options.map((s) => (
              <option key={s} value={s}>
                {rolloutStateWords[s].label}
              </option>
            ))}
          </select>
        </label>
        {state === 'loading' ? <SpinnerIcon className="spin" /> : null}
      </div>
      {error ? (
        <ErrorNotice title="Could not read the rollouts" error={error} testId="rollouts-error" />
      ) : null}
      {rows && shown.length === 0 ? (
        <div className="panel rb-empty ro-empty" data-testid="rollouts-empty">
          {filtered ? (
            <p>No rollout matches these filters.</p>
          ) : (
            <>
              <p>
                <strong>No rollouts yet.</strong> A rollout moves traffic from the version an endpoint serves
                now to a new one, step by step, and rolls back by itself when the new version does worse.
              </p>
              <p>Start one in either of two ways:</p>
              <ul>
                <li>
                  From an endpoint: open it in{' '}
                  <a className="link" href="#/endpoints">
                    Endpoints
                  </a>{' '}
                  and choose <em>Roll out a version…</em>; Fleetdeck writes the plan for you to review.
                </li>
                <li>
                  From the terminal, with a plan you wrote: <code>fleetdeck rollout start plan.yaml</code>{' '}
                  (check it first with <code>fleetdeck rollout validate plan.yaml</code>).
                </li>
              </ul>
            </>
          )}
        </div>
      ) : null}
      {shown.length > 0 ? (
        <table className="rb-history ro-table" data-testid="rollout-list">
          <thead>
            <tr>
              <th scope="col">Rollout</th>
              <th scope="col">Endpoint</th>
              <th scope="col">Strategy</th>
              <th scope="col">Stable → candidate</th>
              <th scope="col">State</th>
              <th scope="col">Weight</th>
              <th scope="col">Last analysis</th>
              <th scope="col">Started</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.id} data-testid="rollout-row" data-rollout-id={r.id} data-state={r.state}>
                <td>
                  <a className="link" href={rolloutHash(r.id)}>
                    {r.name}
                  </a>
                  <span className="muted ro-sub">{r.model}</span>
                </td>
                <td>
                  <a className="link" href={`#/endpoints/${encodeURIComponent(r.endpointId)}`}>
                    {endpoints.get(r.endpointId)?.name ?? r.endpointId}
                  </a>
                  <span className="muted ro-sub">{r.cluster}</span>
                </td>
                <td>{strategyWords[r.strategy]}</td>
                <td className="rb-nowrap">
                  {r.stableVersion} → <strong>{r.candidateVersion}</strong>
                </td>
                <td>
                  <RolloutStateBadge state={r.state} />
                  {r.message ? <span className="muted rb-history-message">{r.message}</span> : null}
                </td>
                <td>
                  <WeightBar weight={r.weight} />
                </td>
                <td>
                  <VerdictBadge verdict={r.lastVerdict} />
                </td>
                <td className="rb-nowrap">
                  {formatDate(r.startedAt)} {formatClock(r.startedAt, timeFormat)}
                </td>
                <td className="rb-nowrap">{formatClock(r.updatedAt, timeFormat, true)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
